"""The what-if's renderer process: the same drawings as vl-convert in the kernel, any trouble falling back
to drawing in the kernel, and nothing left behind."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
import vl_convert

from workbench.app import batch
from workbench.app import run as run_module
from workbench.present import vega_remote, whatif_section
from workbench.present.vega_remote import ENV, VEGA_LITE_VERSION, RemoteError, RemoteRenderer
from workbench.render.vega_server import VegaServer

SPEC = {
    "data": {"values": [{"step": "Квалификация", "deals": 120}, {"step": "Счёт", "deals": 48}]},
    "mark": "bar",
    "encoding": {"x": {"field": "step", "type": "nominal"}, "y": {"field": "deals", "type": "quantitative"}},
}


@pytest.fixture(scope="module")
def server():
    started = VegaServer()
    yield started
    started.close()


def test_the_renderer_process_draws_what_vl_convert_draws_here(server):
    remote = RemoteRenderer(server.path)
    assert remote.vegalite_to_svg(SPEC, vl_version=VEGA_LITE_VERSION) == vl_convert.vegalite_to_svg(
        SPEC, vl_version=VEGA_LITE_VERSION
    )
    assert remote.vegalite_to_vega(SPEC, vl_version=VEGA_LITE_VERSION) == vl_convert.vegalite_to_vega(
        SPEC, vl_version=VEGA_LITE_VERSION
    )
    assert remote.get_format_locale("ru-RU") == vl_convert.get_format_locale("ru-RU")


def test_calls_outside_the_three_and_failing_drawings_are_refused_with_the_reason(server):
    remote = RemoteRenderer(server.path)
    with pytest.raises(RemoteError, match="unknown call 'vegalite_to_png'"):
        remote.call("vegalite_to_png", SPEC)
    with pytest.raises(RemoteError, match=r"^RuntimeError: Unsupported Vega-Lite version string 0\.1$"):
        remote.vegalite_to_svg(SPEC, vl_version="0.1")
    assert remote.vegalite_to_svg(SPEC, vl_version=VEGA_LITE_VERSION).startswith("<svg")  # still answers


def test_a_renderer_that_cannot_be_reached_is_a_remote_error(tmp_path):
    with pytest.raises(RemoteError, match=str(tmp_path)):
        RemoteRenderer(str(tmp_path / "absent.sock")).get_format_locale("en-US")


def test_a_connection_closed_mid_reply_is_a_remote_error():
    left, right = socket.socketpair()
    with left, right:
        right.sendall(b"\x00\x00\x00\x10{}")
        right.close()
        with pytest.raises(RemoteError, match="mid-message"):
            vega_remote.receive(left)


def test_the_what_if_draws_in_the_renderer_process_named_by_the_environment(monkeypatch):
    calls = []

    class Recording:
        def call(self, name, *args, **kwargs):
            calls.append(name)
            return "<svg/>"

    monkeypatch.setattr(whatif_section, "configured", lambda: Recording())
    monkeypatch.setattr(whatif_section, "_remote_failed", [])
    monkeypatch.setattr(whatif_section, "_renderer", lambda: pytest.fail("drawn in this process"))
    assert whatif_section.static_svg(SPEC) == "<svg/>" and calls == ["vegalite_to_svg"]


def test_a_failing_renderer_process_leaves_the_drawing_to_this_one_from_then_on(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV, str(tmp_path / "gone.sock"))
    monkeypatch.setattr(whatif_section, "_remote_failed", [])
    local = vl_convert.vegalite_to_svg(SPEC, vl_version=VEGA_LITE_VERSION)
    assert whatif_section.static_svg(SPEC) == local
    assert whatif_section._remote_failed == [True]

    class Unused:
        def call(self, *args, **kwargs):
            pytest.fail("the failed renderer process was asked again")

    monkeypatch.setattr(whatif_section, "configured", lambda: Unused())
    assert whatif_section.static_svg(SPEC) == local


def test_the_process_ends_and_removes_its_socket_when_closed_or_orphaned():
    closed = VegaServer()
    assert RemoteRenderer(closed.path).get_format_locale("en-US")
    closed.close()
    assert not closed.alive and not Path(closed.folder).exists()

    orphaned = VegaServer()
    assert RemoteRenderer(orphaned.path).get_format_locale("en-US")
    orphaned.process.stdin.close()  # what the end of the starting process does
    orphaned.process.wait(timeout=10)
    assert not Path(orphaned.folder).exists()
    orphaned.close()  # and closing it afterwards is harmless


def test_the_audits_kernel_is_told_where_the_renderer_is(monkeypatch, tmp_path):
    seen = {}

    def refuse(kernel_name, cwd, env=None, **kwargs):
        seen.update(env or {})
        raise RuntimeError("stopped after the kernel's start")

    monkeypatch.setattr(run_module, "start_kernel", refuse)
    given = VegaServer()
    try:
        with pytest.raises(RuntimeError, match="stopped"):
            run_module.run_audit("clients/demo", out=tmp_path / "out", formats=("html",), renderer=given)
        assert seen[ENV] == given.path and given.alive  # a renderer given is left running
    finally:
        given.close()
    folders = set(Path(os.environ.get("TMPDIR", "/tmp")).glob("workbench-vega-*"))
    with pytest.raises(RuntimeError, match="stopped"):
        run_module.run_audit("clients/demo", out=tmp_path / "out", formats=("html",))
    assert set(Path(os.environ.get("TMPDIR", "/tmp")).glob("workbench-vega-*")) == folders  # its own: gone


def test_a_worker_keeps_one_renderer_for_its_clients(monkeypatch):
    monkeypatch.setattr(batch, "_renderer", [])
    first = batch._worker_renderer()
    try:
        assert first is not None and batch._worker_renderer() is first
        first.close()
        second = batch._worker_renderer()  # one that has gone is started again
        assert second is not first and second.alive
        second.close()
    finally:
        first.close()
