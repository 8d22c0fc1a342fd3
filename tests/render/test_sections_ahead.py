"""Sections rendered ahead in a forked child: the same report, in the same cells, with any trouble falling
back to rendering in the kernel itself."""

from __future__ import annotations

import os
import time

import pytest

from workbench.present import whatif_section
from workbench.present.registry import SECTIONS
from workbench.render import ahead
from workbench.render.ahead import SectionsAhead
from workbench.render.report import Report, sections_ahead

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="rendering ahead needs fork")

ORDER = [f"s{i}" for i in range(8)]


def _render(section_id: str) -> str:
    return f"<section>{section_id}</section>"


def test_the_two_processes_share_the_sections_and_render_each_once(tmp_path):
    log = tmp_path / "rendered"

    def render(section_id: str) -> str:
        time.sleep(0.02)
        with log.open("a") as fh:  # appends from both processes
            fh.write(f"{section_id} {os.getpid()}\n")
        return _render(section_id)

    shared = SectionsAhead(ORDER, render)
    sections = [shared.take(sid) or render(sid) for sid in ORDER]  # what the notebook does
    shared.close()
    assert sections == [_render(sid) for sid in ORDER]
    rendered = dict(line.split() for line in log.read_text().splitlines())
    assert len(log.read_text().splitlines()) == len(rendered) == len(ORDER)  # none twice
    child = [sid for sid in ORDER if rendered[sid] != str(os.getpid())]
    assert child == ORDER[len(ORDER) - len(child) :]  # the child works from the back


def test_a_section_the_child_fails_on_is_rendered_here():
    def render(section_id: str) -> str:
        if section_id == ORDER[-1] and os.getpid() != parent:
            raise ValueError("only in the child")
        return _render(section_id)

    parent = os.getpid()
    shared = SectionsAhead(ORDER, render)
    shared._reader.join()  # the child has rendered every section but the failing one
    assert [shared.take(sid) for sid in ORDER] == [_render(sid) for sid in ORDER[:-1]] + [None]


def test_what_the_child_printed_is_printed_with_its_section(capfd):
    def render(section_id: str) -> str:
        print(f"note from {section_id}")
        return section_id

    shared = SectionsAhead(ORDER, render)
    shared._reader.join()  # the child has rendered every section
    assert shared.take(ORDER[-1]) == ORDER[-1]
    assert capfd.readouterr().out == f"note from {ORDER[-1]}\n"


def test_a_section_outside_the_order_is_rendered_here():
    shared = SectionsAhead(ORDER, _render)
    shared.close()
    assert shared.take("elsewhere") is None


def test_off_unless_asked_for(monkeypatch):
    monkeypatch.delenv(ahead.ENV, raising=False)
    assert not ahead.wanted()
    monkeypatch.setenv(ahead.ENV, "0")
    assert not ahead.wanted()


def test_the_demo_report_is_the_same_rendered_ahead_and_in_any_order(demo_audit, monkeypatch):
    ids = [spec.id for spec in SECTIONS]
    monkeypatch.delenv(ahead.ENV, raising=False)
    forward = [Report(demo_audit, "ru").section(sid).html for sid in ids]
    backward = Report(demo_audit, "ru")
    assert [backward.section(sid).html for sid in reversed(ids)] == forward[::-1]
    monkeypatch.setenv(ahead.ENV, "1")
    monkeypatch.setattr(ahead, "wanted", lambda: True)  # also on a one-core machine
    report = Report(demo_audit, "ru")
    assert [report.section(sid).html for sid in ids] == forward
    assert report._ahead is not None


def test_the_what_if_is_rendered_ahead_only_while_this_process_has_not_started_its_renderer(monkeypatch):
    monkeypatch.setattr(whatif_section, "_renderer_used", [])
    assert sections_ahead() == [spec.id for spec in SECTIONS]
    monkeypatch.setattr(whatif_section, "_renderer_used", [True])
    assert "whatif" not in sections_ahead() and len(sections_ahead()) == len(SECTIONS) - 1


def test_work_beside_runs_in_a_forked_copy():
    result = ahead.beside(lambda: ("done", os.getpid()))
    text, pid = result()
    assert text == "done" and pid != os.getpid()


def test_work_beside_is_done_here_when_the_copy_dies():
    parent = os.getpid()

    def work() -> int:
        if os.getpid() != parent:
            os._exit(3)  # the copy dies without a word
        return 42

    assert ahead.beside(work)() == 42


def test_the_demo_analyses_are_the_same_with_half_of_them_beside(demo_audit, repo):
    import datetime as dt

    from workbench.audit import build_audit
    from workbench.render.metrics import build_metrics, dumps

    beside = build_audit(repo / "clients" / "demo", dt.date(2026, 11, 23), beside=ahead.beside)
    with_beside, without = build_metrics(beside, {}, "ru"), build_metrics(demo_audit, {}, "ru")
    for metrics in (with_beside, without):
        metrics["run"].pop("generated_at")  # the clock's second
    assert dumps(with_beside) == dumps(without)


def test_a_child_that_hangs_is_stopped_and_the_kernel_goes_on(monkeypatch):
    parent = os.getpid()

    def render(section_id: str) -> str:
        if os.getpid() != parent:
            time.sleep(3600)  # the child hangs on its first section
        return _render(section_id)

    monkeypatch.setattr(ahead, "CHILD_PATIENCE", 0.5)
    shared = SectionsAhead(ORDER, render)
    time.sleep(0.2)  # the child has claimed the last section
    sections = [shared.take(sid) or render(sid) for sid in ORDER]
    shared.close()
    assert sections == [_render(sid) for sid in ORDER]


def test_work_beside_that_hangs_is_done_here(monkeypatch):
    parent = os.getpid()

    def work() -> int:
        if os.getpid() != parent:
            time.sleep(3600)
        return 7

    monkeypatch.setattr(ahead, "CHILD_PATIENCE", 0.5)
    assert ahead.beside(work)() == 7
