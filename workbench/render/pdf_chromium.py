"""The report's PDF printed by headless Chromium, where one is installed: several times faster than
WeasyPrint on the same page (about 2-2.5 s against 8-10 s for the demo's 54 pages on 2 cores).

Chromium prints the same HTML and the same print stylesheet; what WeasyPrint computes from CSS that
Chromium does not support, or does otherwise, is given to it here:

- the running header and footer strings (``string-set`` from the cover's attributes) become literal
  strings of the page's margin boxes, and the cover's page is left without them again (Chromium lets a
  later ``@page`` rule win over the named page's; :func:`print_page`);
- the contents' page numbers (``target-counter``) are read from a first printing (laid out, not
  painted), whose PDF has a named destination for every link target, written into the contents as
  ``data-page`` and printed again; the contents take one page whatever its numbers, so the second
  printing has the same pages;
- the contents' leaders are the list's dotted rules (``leader()`` is WeasyPrint's);
- Chromium has no hyphenation dictionaries on Linux and shrinks every page when one table is wider than
  the page: the headings of wide tables carry soft hyphens (:mod:`workbench.present.hyphens`). (Letting a
  cell's text break anywhere as a last resort was tried: Chromium's table layout then squeezes narrow
  columns until their headings break letter by letter.)

Chromium starts in the background when a :class:`ChromiumPrinter` is made (about 0.4 s), so that it is
ready when the report's HTML is; a failure surfaces as :class:`~workbench.render.chromium.BrowserError`
when printing.
"""

from __future__ import annotations

import base64
import contextlib
import html as html_module
import io
import json
import re
import threading
from typing import Any

from workbench.render.chromium import OFFLINE, BrowserError, Chromium

PRINT_TIMEOUT_SECONDS = 180
# The first Chromium to print the page's margin boxes (running header, "page N of M"): older ones would
# print a report without them, so they are refused and WeasyPrint prints (when chosen automatically).
MIN_VERSION = 131
# The browser starts while the audit's kernel computes: at a lower priority it takes the cores only when
# the kernel leaves them idle; when it prints, nothing else competes.
NICENESS = 10
LOAD_TIMEOUT_SECONDS = 60
# Printing again until the contents' numbers are those of the pages: twice in practice, as the contents
# hold one page; a third time only if writing the numbers moved a page break.
MAX_PRINTINGS = 3
_PRINT = {
    "printBackground": True,
    "preferCSSPageSize": True,
    "displayHeaderFooter": False,
    "transferMode": "ReturnAsBase64",
}
# The PDF delivered is tagged (structure for screen readers) with bookmarks from the headings; a printing
# made only to read the pages of the contents' links skips both (a third faster, the same pages).
_DELIVERED = {"generateTaggedPDF": True, "generateDocumentOutline": True}
_DRAFT = {"generateTaggedPDF": False, "generateDocumentOutline": False}
_COVER = re.compile(r"<section\b[^>]*\bclass=\"wb-cover\"[^>]*>")
_SET_NUMBERS = """(pages => {
  document.getElementById("wb-draft")?.remove();
  for (const link of document.querySelectorAll('.wb-toc a[href^="#"]')) {
    const page = pages[decodeURIComponent(link.getAttribute("href").slice(1))];
    if (page) link.dataset.page = String(page); else delete link.dataset.page;
  }
})(%s)"""
# The draft is read only for its pages: nothing is painted (visibility leaves the layout as it is), which
# saves a third of its time; the delivered PDF is checked to have the same pages.
_HIDE_FOR_DRAFT = """(() => {
  const style = document.createElement("style");
  style.id = "wb-draft";
  style.textContent = "@media print { body * { visibility: hidden !important; } }";
  document.head.append(style);
})()"""


class ChromiumPrinter:
    """One headless Chromium that prints report pages to PDF; started at once, in the background.

    A batch's worker keeps one for all its clients: each page is printed in a browser context of its own
    (no storage, cache or history shared between clients), and a browser that died is started again.
    """

    def __init__(self, binary: str | None = None) -> None:
        self._binary = binary
        self._browser: Chromium | None = None
        self._error: BaseException | None = None
        self._thread = self._starting()

    def _starting(self) -> threading.Thread:
        thread = threading.Thread(target=self._start, name="chromium-start", daemon=True)
        thread.start()
        return thread

    def _start(self) -> None:
        try:
            self._browser = Chromium(self._binary, niceness=NICENESS)
        except BaseException as error:  # surfaces in print_pdf
            self._error = error

    def browser(self) -> Chromium:
        """The started browser (started again if it has gone); BrowserError when it did not start."""
        self._thread.join()
        if self._browser is not None and not self._browser.alive:
            self._browser.close()
            self._browser, self._error = None, None
            self._thread = self._starting()
            self._thread.join()
        if self._browser is None:
            raise BrowserError(f"Chromium did not start: {self._error}")
        return self._browser

    def print_pdf(self, html: str) -> bytes:
        """The PDF of the report page ``html`` (self-contained, without scripts), contents numbered."""
        browser = self.browser()
        if (major := major_version(browser.version)) is not None and major < MIN_VERSION:
            raise BrowserError(
                f"{browser.version} prints no page margin boxes (running header, page numbers); "
                f"Chromium {MIN_VERSION} or later is needed"
            )
        cdp = browser.cdp
        context = cdp.call("Target.createBrowserContext", {"disposeOnDetach": True})["browserContextId"]
        session = None
        try:
            target = cdp.call("Target.createTarget", {"url": "about:blank", "browserContextId": context})[
                "targetId"
            ]
            session = cdp.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            _load(cdp, session, print_page(html))
            return _print_numbered(cdp, session)
        finally:
            if session is not None:
                cdp.on(session, None)
            with contextlib.suppress(BrowserError):
                cdp.call("Target.disposeBrowserContext", {"browserContextId": context})

    def close(self) -> None:
        """Stop the browser (waiting for its start first)."""
        self._thread.join()
        if self._browser is not None:
            self._browser.close()
            self._browser = None


def major_version(product: str) -> int | None:
    """The major version in a browser's product string (``HeadlessChrome/156.0.8078.108`` gives 156)."""
    found = re.search(r"/(\d+)\.", product)
    return int(found.group(1)) if found else None


def print_page(html: str) -> str:
    """``html`` with the print rules Chromium needs: the running strings written out, the contents'
    numbers from their ``data-page`` attributes."""
    rules = [
        ".wb-toc a { display: flex; align-items: baseline; gap: 4mm; }",
        ".wb-toc a::after { content: attr(data-page); margin-left: auto; color: #66768a; }",
    ]
    cover = _COVER.search(html)
    if cover:
        attributes = {
            name: html_module.unescape(value)
            for name, value in re.findall(r'\bdata-([a-z]+)="([^"]*)"', cover.group(0))
        }
        top_left = _css_string(attributes.get("client", ""))
        top_right = _css_string(attributes.get("title", ""))
        bottom_left = _css_string(attributes.get("confidential", ""))
        page_label = _css_string(attributes.get("page", ""))
        of_label = _css_string(attributes.get("of", ""))
        rules.append(
            "@page {"
            f" @top-left {{ content: {top_left}; }}"
            f" @top-right {{ content: {top_right}; }}"
            f" @bottom-left {{ content: {bottom_left}; }}"
            f' @bottom-right {{ content: {page_label} " " counter(page) " " {of_label} " " counter(pages); }}'
            " }"
        )
        # Chromium lets the later rule win over the named page's: the cover is blank again after it.
        rules.append(
            "@page cover { @top-left { content: none; } @top-right { content: none; }"
            " @bottom-left { content: none; } @bottom-right { content: none; } }"
        )
    style = "<style>@media print {\n" + "\n".join(rules) + "\n}</style>\n"
    at = html.find("</head>")
    if at < 0:
        return style + html
    return html[:at] + style + html[at:]


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal that cannot end the string or the style element."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ").replace("<", "\\3c ")
    return f'"{escaped}"'


def _load(cdp: Any, session: str, html: str) -> None:
    """Put the page into the tab as its document: no file to write, and nothing for the browser to read
    from disk (a browser packaged in a sandbox, a snap, may not see this process's temporary folder)."""
    loaded = threading.Event()
    cdp.on(session, lambda method, _params: loaded.set() if method == "Page.loadEventFired" else None)
    cdp.call("Page.enable", session=session)
    cdp.call("Network.enable", session=session)
    cdp.call("Network.emulateNetworkConditions", OFFLINE, session=session)
    frame = cdp.call("Page.getFrameTree", session=session)["frameTree"]["frame"]["id"]
    cdp.call("Page.setDocumentContent", {"frameId": frame, "html": html}, session=session)
    if not loaded.wait(LOAD_TIMEOUT_SECONDS):
        raise BrowserError(f"the report page did not load within {LOAD_TIMEOUT_SECONDS} s")


def _print_numbered(cdp: Any, session: str) -> bytes:
    """Print until the contents' numbers are the pages their links lead to: a draft for the numbers,
    then the PDF delivered, checked to have the same pages."""

    def number(pages: dict[str, int]) -> None:  # also shows what the draft hid
        expression = _SET_NUMBERS % json.dumps(pages)
        cdp.call("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=session)

    cdp.call("Runtime.evaluate", {"expression": _HIDE_FOR_DRAFT, "returnByValue": True}, session=session)
    written = destination_pages(_print(cdp, session, _DRAFT))
    number(written)
    for _ in range(MAX_PRINTINGS - 1):
        pdf = _print(cdp, session, _DELIVERED)
        pages = destination_pages(pdf)
        if pages == written:
            return pdf
        number(pages)
        written = pages
    raise BrowserError(f"the contents' page numbers did not settle in {MAX_PRINTINGS} printings")


def _print(cdp: Any, session: str, options: dict[str, bool]) -> bytes:
    reply = cdp.call("Page.printToPDF", {**_PRINT, **options}, session=session, timeout=PRINT_TIMEOUT_SECONDS)
    return base64.b64decode(reply["data"])


def destination_pages(pdf: bytes) -> dict[str, int]:
    """The page number (from 1) of each named destination of ``pdf``: Chromium names one after every
    anchor a link of the page leads to."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    pages: dict[str, int] = {}
    for name, destination in reader.named_destinations.items():
        number = reader.get_destination_page_number(destination)
        if number is not None and number >= 0:
            pages[name.removeprefix("/")] = number + 1
    return pages
