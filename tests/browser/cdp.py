"""Headless Chromium driven over the DevTools protocol, for tests of pages opened from disk, offline.

No Selenium and no driver: Chromium is started with ``--remote-debugging-pipe`` and the protocol runs over
two pipes (the browser reads commands on its fd 3 and writes replies and events on its fd 4; every message
is JSON terminated by a NUL byte). Because no port is opened, Chromium can run in a network namespace that
has no network at all: as root, where ``unshare -n`` works, it is started as
``unshare -n sh -c 'ip link set lo up; exec chromium ...'``. Every page is in addition put offline with
``Network.emulateNetworkConditions``, so the page cannot reach the network even where the namespace is not
available (a user's own machine).

Typical use::

    with open_page(Path("report.html")) as page:
        page.drag_range("input[name=lead_flow]", 0.7)
        page.wait_for("document.querySelector('#revenue').textContent !== ''")
        page.settle()
        assert page.external_requests == []  # nothing but file: and data:
        assert page.problems == []

``open_page`` starts a browser for one page; a test session that opens many pages keeps one
:class:`Browser` and passes it (``open_page(path, browser=...)``); each page gets a browser context of
its own, so pages share no storage. If the test process dies, Chromium sees its pipe close and exits.
"""

from __future__ import annotations

import base64
import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from workbench.render.chromium import (  # noqa: F401  (re-exported for the tests)
    INSTALL_HINT,
    OFFLINE,
    BrowserError,
    Chromium,
    Connection,
    find_chromium,
    network_namespace_available,
)

_WATCH = ("Runtime.enable", "Log.enable", "Network.enable", "Audits.enable")


class JavaScriptError(BrowserError):
    """An expression evaluated in the page threw."""


class Page:
    """One tab showing a page, with what it requested and what went wrong in it.

    ``requests`` lists every URL the page (its frames and workers included) asked for, in order, from
    ``Network.requestWillBeSent``. ``problems`` lists, as readable lines, console errors, uncaught
    exceptions, log entries of level error (a blocked inline script is one), failed loads, a crash, and
    every Content-Security-Policy violation reported as a DevTools issue (a blocked ``eval`` is reported
    only there, not in the log). ``issues`` keeps all DevTools issues as they came. The lists fill as
    events arrive: call :meth:`settle` before asserting that something is not in them.
    """

    def __init__(self, connection: Connection, session: str) -> None:
        self._cdp = connection
        self._session = session
        self._children: list[str] = []
        self._urls: dict[str, str] = {}
        self._loaded = threading.Event()
        self._last_event = time.monotonic()
        self.requests: list[str] = []
        self.problems: list[str] = []
        self.issues: list[dict[str, Any]] = []

    # -- events (reader thread) ------------------------------------------------------------------------

    def _on_event(self, method: str, params: dict[str, Any]) -> None:
        self._last_event = time.monotonic()
        if method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            self._urls[params["requestId"]] = url
            self.requests.append(url)
        elif method == "Network.loadingFailed":
            url = self._urls.get(params["requestId"], "?")
            blocked = f" (blocked: {params['blockedReason']})" if params.get("blockedReason") else ""
            self.problems.append(f"failed to load {url}: {params.get('errorText', '')}{blocked}")
        elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
            text = " ".join(_remote_text(arg) for arg in params.get("args", []))
            self.problems.append(f"console.{params['type']}: {text}")
        elif method == "Runtime.exceptionThrown":
            self.problems.append(f"uncaught exception: {_exception_text(params['exceptionDetails'])}")
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            entry = params["entry"]
            where = f" ({entry['url']})" if entry.get("url") else ""
            self.problems.append(f"{entry['source']} error: {entry['text']}{where}")
        elif method == "Audits.issueAdded":
            self.issues.append(params["issue"])
            if params["issue"]["code"] == "ContentSecurityPolicyIssue":
                self.problems.append(
                    _csp_text(params["issue"]["details"]["contentSecurityPolicyIssueDetails"])
                )
        elif method == "Inspector.targetCrashed":
            self.problems.append("the page crashed")
        elif method == "Page.loadEventFired":
            self._loaded.set()
        elif method == "Target.attachedToTarget":
            self._watch_child(params["sessionId"])

    def _watch_child(self, session: str) -> None:
        """A frame in another process or a worker: record its requests and problems too, then let it run."""
        self._children.append(session)
        self._cdp.on(session, self._on_event)
        for method in _WATCH:
            self._cdp.send(method, session=session)
        self._cdp.send("Network.emulateNetworkConditions", OFFLINE, session=session)
        self._cdp.send("Runtime.runIfWaitingForDebugger", session=session)

    # -- set-up ----------------------------------------------------------------------------------------

    def _call(self, method: str, params: dict[str, Any] | None = None, timeout: float = 30) -> dict[str, Any]:
        return self._cdp.call(method, params, self._session, timeout)

    def _prepare(self, width: int, height: int) -> None:
        self._cdp.on(self._session, self._on_event)
        for method in ("Page.enable", "Inspector.enable", *_WATCH):
            self._call(method)
        self._call("Network.emulateNetworkConditions", OFFLINE)
        self._call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        self._call(
            "Target.setAutoAttach", {"autoAttach": True, "waitForDebuggerOnStart": True, "flatten": True}
        )

    def _navigate(self, url: str, timeout: float) -> None:
        self._loaded.clear()
        result = self._call("Page.navigate", {"url": url})
        if result.get("errorText"):
            raise BrowserError(f"could not open {url}: {result['errorText']}")
        if not self._loaded.wait(timeout):
            raise BrowserError(f"{url} did not finish loading within {timeout:g} s")

    def _detach(self) -> None:
        for session in [self._session, *self._children]:
            self._cdp.on(session, None)

    # -- what tests call ---------------------------------------------------------------------------------

    @property
    def external_requests(self) -> list[str]:
        """The requested URLs that are neither ``file:`` nor ``data:`` (a self-contained page has none)."""
        return [url for url in self.requests if not url.startswith(("file:", "data:"))]

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (a promise is awaited), as JSON data.

        ``allowUnsafeEvalBlockedByCSP`` is off, so an ``eval`` that the page's CSP forbids fails and is
        reported as it would be for a reader, also when it runs inside an event handler this call triggers.
        """
        result = self._call(
            "Runtime.evaluate",
            {
                "expression": expression,
                "returnByValue": True,
                "awaitPromise": True,
                "allowUnsafeEvalBlockedByCSP": False,
            },
        )
        if "exceptionDetails" in result:
            raise JavaScriptError(f"{expression!r} threw: {_exception_text(result['exceptionDetails'])}")
        return result["result"].get("value")

    def wait_for(self, condition_js: str, timeout: float = 15) -> None:
        """Poll the JavaScript expression `condition_js` until it is truthy; BrowserError naming it if not.

        While it throws (say, the element it reads is not there yet) it counts as false; the last error is
        quoted in the timeout message.
        """
        deadline = time.monotonic() + timeout
        last_error = ""
        while True:
            try:
                if self.evaluate(f"Promise.resolve(({condition_js})).then(Boolean)"):
                    return
                last_error = ""
            except JavaScriptError as error:
                last_error = f"; it last threw: {error}"
            if time.monotonic() >= deadline:
                raise BrowserError(f"still false after {timeout:g} s: {condition_js}{last_error}")
            time.sleep(0.05)

    def settle(self, quiet: float = 0.3, timeout: float = 10) -> None:
        """Wait until the page has sent no event for `quiet` seconds (at most `timeout`).

        Call it before asserting that ``requests`` or ``problems`` hold nothing more: some reports (a failed
        load, a CSP issue) come from the browser process and may arrive just after the call that caused them.
        """
        self.evaluate("new Promise(resolve => setTimeout(resolve))")
        deadline = time.monotonic() + timeout
        while (idle := time.monotonic() - self._last_event) < quiet:
            if time.monotonic() >= deadline:
                raise BrowserError(f"the page kept sending events for {timeout:g} s")
            time.sleep(quiet - idle)

    def emulate_print(self, width_mm: float) -> None:
        """Lay the page out as for print (``@media print``) in a viewport as wide as a page's text block of
        `width_mm` millimetres, to measure boxes as they are printed (the page breaks aside)."""
        self._call("Emulation.setEmulatedMedia", {"media": "print"})
        width = round(width_mm / 25.4 * 96)
        self._call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 1000, "deviceScaleFactor": 1, "mobile": False},
        )

    def set_input(self, selector: str, value: float | str) -> None:
        """Set the ``value`` of the element matching `selector` and dispatch bubbling input and change."""
        self.evaluate(
            f"""(() => {{
                const el = {_query(selector)};
                el.value = {json.dumps(str(value))};
                el.dispatchEvent(new Event("input", {{bubbles: true}}));
                el.dispatchEvent(new Event("change", {{bubbles: true}}));
            }})()"""
        )

    def drag_range(self, selector: str, fraction: float) -> None:
        """Drag the thumb of the range input `selector` with the mouse to `fraction` of its travel.

        A real pointer drag: the left button is pressed on the thumb where it is now, the pointer moves
        along the track in steps and is released where the thumb's centre stands at `fraction` (0 is the
        input's min, 1 its max) of the distance the thumb can travel along the track.
        """
        if not 0 <= fraction <= 1:
            raise ValueError(f"fraction must be within 0..1, not {fraction}")
        self._scroll_into_view(selector)
        thumb, track = self._range_parts(selector)
        start_x, y = (thumb[0] + thumb[2]) / 2, (thumb[1] + thumb[3]) / 2
        half = (thumb[2] - thumb[0]) / 2
        end_x = track[0] + half + fraction * ((track[2] - track[0]) - 2 * half)
        self._mouse("mouseMoved", start_x, y, buttons=0)
        self._mouse("mousePressed", start_x, y, buttons=1, button="left", clickCount=1)
        steps = 10
        for i in range(1, steps + 1):
            self._mouse("mouseMoved", start_x + (end_x - start_x) * i / steps, y, buttons=1, button="left")
        self._mouse("mouseReleased", end_x, y, buttons=0, button="left", clickCount=1)

    def click(self, selector: str) -> None:
        """Click the centre of the element matching `selector` with the left mouse button."""
        self._scroll_into_view(selector)
        box = self._box(selector)
        x, y = box[0] + box[2] / 2, box[1] + box[3] / 2
        self._mouse("mouseMoved", x, y, buttons=0)
        self._mouse("mousePressed", x, y, buttons=1, button="left", clickCount=1)
        self._mouse("mouseReleased", x, y, buttons=0, button="left", clickCount=1)

    def screenshot(self, path: Path, selector: str | None = None) -> None:
        """Save a PNG of the whole page, or of the box of the element matching `selector`."""
        if selector is None:
            size = "[0, 0, document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
            x, y, width, height = self.evaluate(size)
        else:
            x, y, width, height = self._box(selector, in_document=True)
        clip = {"x": x, "y": y, "width": max(width, 1), "height": max(height, 1), "scale": 1}
        shot = self._call(
            "Page.captureScreenshot", {"format": "png", "clip": clip, "captureBeyondViewport": True}
        )
        Path(path).write_bytes(base64.b64decode(shot["data"]))

    # -- helpers -----------------------------------------------------------------------------------------

    def _mouse(self, kind: str, x: float, y: float, **extra: Any) -> None:
        self._call("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, **extra})

    def _box(self, selector: str, in_document: bool = False) -> list[float]:
        """[x, y, width, height] of the element's border box, in the viewport or in the whole document."""
        dx, dy = ("scrollX", "scrollY") if in_document else ("0", "0")
        return self.evaluate(
            f"(() => {{ const r = {_query(selector)}.getBoundingClientRect();"
            f" return [r.x + {dx}, r.y + {dy}, r.width, r.height]; }})()"
        )

    def _scroll_into_view(self, selector: str) -> None:
        self.evaluate(f"{_query(selector)}.scrollIntoView({{block: 'center', inline: 'center'}})")

    def _range_parts(self, selector: str) -> tuple[list[float], list[float]]:
        """Viewport boxes [left, top, right, bottom] of the thumb and the track of a range input."""
        found = self._call(
            "Runtime.evaluate", {"expression": f"(() => {_query(selector)})()", "returnByValue": False}
        )
        if "exceptionDetails" in found:
            raise JavaScriptError(_exception_text(found["exceptionDetails"]))
        node = self._call(
            "DOM.describeNode", {"objectId": found["result"]["objectId"], "depth": -1, "pierce": True}
        )
        self._call("Runtime.releaseObject", {"objectId": found["result"]["objectId"]})
        parts = {}
        for child in _walk(node["node"]):
            attributes = dict(
                zip(child.get("attributes", [])[::2], child.get("attributes", [])[1::2], strict=True)
            )
            if attributes.get("id") in ("thumb", "track"):
                quad = self._call("DOM.getBoxModel", {"backendNodeId": child["backendNodeId"]})["model"][
                    "border"
                ]
                parts[attributes["id"]] = [min(quad[0::2]), min(quad[1::2]), max(quad[0::2]), max(quad[1::2])]
        if set(parts) != {"thumb", "track"}:
            raise BrowserError(f"{selector} is not a range input (no slider thumb and track in it)")
        return parts["thumb"], parts["track"]


def _walk(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in [*node.get("shadowRoots", []), *node.get("children", [])]:
        yield from _walk(child)


def _query(selector: str) -> str:
    """JavaScript for the element matching `selector`, throwing a clear error when there is none."""
    quoted = json.dumps(selector)
    return (
        f"(document.querySelector({quoted}) ?? "
        f"(() => {{ throw new Error('no element matches ' + {quoted}); }})())"
    )


def _csp_text(details: dict[str, Any]) -> str:
    kind = details.get("contentSecurityPolicyViolationType", "").removeprefix("k").removesuffix("Violation")
    location = details.get("sourceCodeLocation", {})
    where = ""
    if location:
        line, column = location.get("lineNumber", 0) + 1, location.get("columnNumber", 0) + 1
        where = f" at {location.get('url') or '(evaluated code)'}:{line}:{column}"
    blocked = f" of {details['blockedURL']}" if details.get("blockedURL") else ""
    report_only = " (report only)" if details.get("isReportOnly") else ""
    return f"CSP violation: {kind}{blocked} blocked by {details.get('violatedDirective')}{where}{report_only}"


def _remote_text(value: dict[str, Any]) -> str:
    if "value" in value:
        return str(value["value"])
    return str(value.get("description", value.get("type", "")))


def _exception_text(details: dict[str, Any]) -> str:
    exception = details.get("exception", {})
    text = exception.get("description") or details.get("text", "")
    where = f" at {details['url']}:{details.get('lineNumber', 0) + 1}" if details.get("url") else ""
    return f"{text}{where}"


class Browser(Chromium):
    """A headless Chromium of our own (see :class:`workbench.render.chromium.Chromium`) that opens pages
    for tests, each in a browser context of its own."""

    @contextmanager
    def open_page(
        self, path: Path, *, width: int = 1200, height: int = 900, timeout: float = 30
    ) -> Iterator[Page]:
        """Open the file `path` in a fresh tab and browser context, offline; closed again on exit."""
        context = self.cdp.call("Target.createBrowserContext", {"disposeOnDetach": True})["browserContextId"]
        try:
            target = self.cdp.call(
                "Target.createTarget", {"url": "about:blank", "browserContextId": context}
            )["targetId"]
            session = self.cdp.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
                "sessionId"
            ]
            page = Page(self.cdp, session)
            try:
                page._prepare(width, height)
                page._navigate(Path(path).resolve().as_uri(), timeout)
                yield page
            finally:
                page._detach()
                with contextlib.suppress(BrowserError):
                    self.cdp.call("Target.closeTarget", {"targetId": target})
        finally:
            with contextlib.suppress(BrowserError):
                self.cdp.call("Target.disposeBrowserContext", {"browserContextId": context})


@contextmanager
def open_page(
    path: Path, *, width: int = 1200, height: int = 900, browser: Browser | None = None
) -> Iterator[Page]:
    """Open the HTML file `path` offline in headless Chromium, in `browser` or in one started for it."""
    if browser is not None:
        with browser.open_page(path, width=width, height=height) as page:
            yield page
        return
    with Browser() as own, own.open_page(path, width=width, height=height) as page:
        yield page


OpenPage = Callable[..., AbstractContextManager[Page]]  # the type of open_page with its browser bound
