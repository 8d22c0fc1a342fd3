"""The browser harness on small pages of its own: each check it offers must be able to fail."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import http.server
import os
import struct
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cdp import (
    Browser,
    BrowserError,
    JavaScriptError,
    OpenPage,
    Page,
    network_namespace_available,
    open_page,
)

pytestmark = pytest.mark.browser

SLIDER_SCRIPT = """
document.getElementById("spacer").style.height = "2000px";  // a style attribute would break the CSP
const flow = document.getElementById("flow");
document.body.addEventListener("input", (event) => {
  document.getElementById("out").textContent = String(Number(event.target.value) * 3);
  document.getElementById("trusted").textContent = String(event.isTrusted);
});
document.body.addEventListener("change", () => {
  document.getElementById("changed").textContent = flow.value;
});
let clicks = 0;
document.getElementById("more").addEventListener("click", (event) => {
  clicks += 1;
  document.getElementById("clicks").textContent = clicks + (event.isTrusted ? " trusted" : "");
});
"""


def script_hash(source: str) -> str:
    """The CSP source expression that allows the inline script `source`."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


def html(body: str, *, csp: str | None = None, scripts: tuple[str, ...] = ()) -> str:
    meta = f'<meta http-equiv="Content-Security-Policy" content="{csp}">' if csp else ""
    inline = "".join(f"<script>{source}</script>" for source in scripts)
    return f'<!doctype html><html><head><meta charset="utf-8">{meta}</head><body>{body}{inline}</body></html>'


def write(tmp_path: Path, text: str, name: str = "page.html") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def text(page: Page, element_id: str) -> str:
    return page.evaluate(f"document.getElementById({element_id!r}).textContent")


def wait_for_problem(page: Page, fragment: str, timeout: float = 10) -> str:
    """The first problem containing `fragment`, waiting for it to be reported."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := [problem for problem in page.problems if fragment in problem]:
            return found[0]
        time.sleep(0.05)
    raise AssertionError(f"no problem mentioning {fragment!r} among {page.problems}")


@pytest.fixture
def slider_page(tmp_path: Path) -> Path:
    body = (
        '<input id="flow" type="range" min="0" max="200" step="10" value="50">'
        '<span id="out">none</span> <span id="trusted"></span> <span id="changed"></span>'
        '<button id="more">more</button> <span id="clicks">0</span>'
        '<div id="spacer"></div><input id="far" type="range" min="-50" max="50" value="0">'
    )
    csp = f"default-src 'none'; script-src {script_hash(SLIDER_SCRIPT)}"
    return write(tmp_path, html(body, csp=csp, scripts=(SLIDER_SCRIPT,)))


def test_set_input_and_a_pointer_drag_move_a_slider_under_a_strict_csp(open_page: OpenPage, slider_page):
    with open_page(slider_page) as page:
        page.set_input("#flow", 120)
        assert (text(page, "out"), text(page, "trusted"), text(page, "changed")) == ("360", "false", "120")

        page.drag_range("#flow", 0.75)
        page.wait_for("document.getElementById('changed').textContent === '150'")
        assert (text(page, "out"), text(page, "trusted")) == ("450", "true")  # the browser's own events
        for fraction, value in ((0, "0"), (1, "200"), (0.3, "60")):
            page.drag_range("#flow", fraction)
            assert page.evaluate("document.getElementById('flow').value") == value

        page.click("#more")
        page.click("#more")
        assert text(page, "clicks") == "2 trusted"
        page.drag_range("#far", 0.9)  # below the fold: scrolled into view first
        assert page.evaluate("[document.getElementById('far').value, scrollY > 1000]") == ["40", True]

        page.settle()
        assert page.requests == [slider_page.as_uri()]
        assert page.external_requests == []
        assert page.problems == []


def test_requests_to_the_network_are_recorded_and_fail(open_page: OpenPage, tmp_path):
    body = '<img src="http://example.com/a.png"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
    script = 'fetch("https://example.com/x").then(() => { document.title = "reached"; });'
    with open_page(write(tmp_path, html(body, scripts=(script,)))) as page:
        page.settle()
        assert "http://example.com/a.png" in page.requests
        assert "https://example.com/x" in page.requests
        assert page.external_requests == ["http://example.com/a.png", "https://example.com/x"]
        assert any(problem.startswith("failed to load http://example.com/a.png") for problem in page.problems)
        assert any(problem.startswith("failed to load https://example.com/x") for problem in page.problems)
        assert page.evaluate("document.title") != "reached"


def test_an_inline_script_not_allowed_by_the_csp_is_reported(open_page: OpenPage, tmp_path):
    allowed = "document.getElementById('a').textContent = 'ran';"
    other = "document.getElementById('b').textContent = 'ran';"
    page_html = html(
        '<span id="a"></span><span id="b"></span>',
        csp=f"default-src 'none'; script-src {script_hash(allowed)}",
        scripts=(allowed, other),
    )
    with open_page(write(tmp_path, page_html)) as page:
        assert (text(page, "a"), text(page, "b")) == ("ran", "")
        assert "CSP violation: Inline blocked by script-src-elem" in wait_for_problem(page, "Inline")
        assert "violates the following Content Security Policy directive" in wait_for_problem(page, "inline")


EVAL_SCRIPT = """
try { eval("1 + 1"); document.getElementById("load").textContent = "evaluated"; }
catch (error) { document.getElementById("load").textContent = error.name; }
document.getElementById("x").addEventListener("input", () => {
  try { document.getElementById("handler").textContent = new Function("return 'evaluated'")(); }
  catch (error) { document.getElementById("handler").textContent = error.name; }
});
"""


@pytest.fixture
def eval_page(tmp_path: Path) -> Path:
    body = '<input id="x"><span id="load"></span><span id="handler"></span>'
    csp = f"default-src 'none'; script-src {script_hash(EVAL_SCRIPT)}"
    return write(tmp_path, html(body, csp=csp, scripts=(EVAL_SCRIPT,)))


def test_eval_forbidden_by_the_csp_is_reported_also_in_a_handler_the_test_triggers(
    open_page: OpenPage, eval_page
):
    with open_page(eval_page) as page:
        assert text(page, "load") == "EvalError"
        assert "CSP violation: Eval blocked by script-src" in wait_for_problem(page, "Eval")
        before = len(page.problems)
        page.set_input("#x", "anything")  # runs the handler inside Runtime.evaluate
        assert text(page, "handler") == "EvalError"
        page.settle()
        assert len(page.problems) == before + 1


def test_why_evaluate_turns_off_allow_unsafe_eval(open_page: OpenPage, eval_page):
    """With the protocol's default, a handler run from Runtime.evaluate may eval what the CSP forbids."""
    with open_page(eval_page) as page:
        page.settle()
        before = list(page.problems)
        trigger = "document.getElementById('x').dispatchEvent(new Event('input'))"
        page._call("Runtime.evaluate", {"expression": trigger})  # allowUnsafeEvalBlockedByCSP: true
        assert text(page, "handler") == "evaluated"
        page.settle()
        assert page.problems == before


def test_exceptions_and_console_errors_are_reported(open_page: OpenPage, tmp_path):
    scripts = (
        "console.error('a console error');",
        "document.body.addEventListener('input', () => { throw new TypeError('in a handler'); });",
        "throw new RangeError('on load');",
    )
    with open_page(write(tmp_path, html('<input id="x">', scripts=scripts))) as page:
        assert "RangeError: on load" in wait_for_problem(page, "on load")
        assert wait_for_problem(page, "a console error") == "console.error: a console error"
        page.set_input("#x", 1)
        assert wait_for_problem(page, "in a handler").startswith(
            "uncaught exception: TypeError: in a handler"
        )


def test_evaluate_and_wait_for_errors_say_what_failed(open_page: OpenPage, tmp_path):
    with open_page(write(tmp_path, html("<p>x</p>"))) as page:
        assert page.evaluate("Promise.resolve({a: [1, 'b']})") == {"a": [1, "b"]}
        with pytest.raises(JavaScriptError, match="no element matches #missing"):
            page.set_input("#missing", 1)
        with pytest.raises(BrowserError, match=r"still false after 0\.3 s: window\.ready === true"):
            page.wait_for("window.ready === true", timeout=0.3)
        with pytest.raises(BrowserError, match=r"it last threw: .*TypeError"):
            page.wait_for("document.querySelector('#late').value", timeout=0.3)
        page.evaluate("setTimeout(() => { window.ready = true; }, 200)")
        page.wait_for("window.ready === true", timeout=5)
        with pytest.raises(BrowserError, match="not a range input"):
            page.drag_range("p", 0.5)
        page.settle()
        assert page.problems == []  # the harness's own failed evaluations are not the page's problems


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_screenshots_of_the_page_and_of_an_element(open_page: OpenPage, tmp_path):
    body = '<div style="height: 1500px"></div><svg id="chart" width="300" height="120"></svg>'
    with open_page(write(tmp_path, html(body)), width=800, height=600) as page:
        page.screenshot(tmp_path / "page.png")
        page.screenshot(tmp_path / "chart.png", "#chart")
        whole_height = page.evaluate("document.documentElement.scrollHeight")
    assert png_size(tmp_path / "page.png") == (800, whole_height)
    assert whole_height > 1500
    assert png_size(tmp_path / "chart.png") == (300, 120)


def test_the_browser_has_no_network_where_a_namespace_can_be_made(browser: Browser):
    if not network_namespace_available():
        pytest.skip("no network namespace here (not root, or unshare refused); offline emulation only")
    assert browser.network_isolated
    assert os.readlink(f"/proc/{browser.pid}/ns/net") != os.readlink("/proc/self/ns/net")


@pytest.fixture
def local_server() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 outside the browser: its address and the paths it was asked for."""
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()
            self.wfile.write(b"reached")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("isolate_network", [False, True], ids=["offline-emulation", "namespace"])
def test_a_page_cannot_reach_a_server_on_this_machine(chromium, tmp_path, local_server, isolate_network):
    if isolate_network and not network_namespace_available():
        pytest.skip("no network namespace here (not root, or unshare refused)")
    address, asked = local_server
    script = f'fetch("{address}/fetch").then(r => r.text()).then(t => {{ document.title = t; }});'
    page_html = html(f'<img src="{address}/img.png">', scripts=(script,))
    with (
        Browser(chromium, isolate_network=isolate_network) as browser,
        open_page(write(tmp_path, page_html), browser=browser) as page,
    ):
        assert live_processes_in_group(browser.pid) != []
        page.settle()
        assert page.external_requests == [f"{address}/img.png", f"{address}/fetch"]
        assert page.evaluate("document.title") != "reached"
    assert asked == []
    assert live_processes_in_group(browser.pid) == []  # closing the browser ended all it had started


def live_processes_in_group(group: int) -> list[int]:
    """Processes of the process group `group` that still run (exited ones not yet reaped are left out)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if fields[0] != "Z" and int(fields[2]) == group:
                found.append(int(stat.parent.name))
    return found


def test_a_browser_that_does_not_start_is_reported_with_its_stderr(tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text('#!/bin/sh\necho "cannot open the profile" >&2\nexit 3\n')
    fake.chmod(0o755)
    with pytest.raises(BrowserError, match=r"(?s)did not start.*exit status 3.*cannot open the profile"):
        Browser(str(fake))
