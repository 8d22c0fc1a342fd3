"""The report's PDF: printed by headless Chromium where one is installed, else laid out by WeasyPrint
(pure pip; paged media: A4, running headers, page numbers). Both print the same HTML and stylesheet."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbench.render.pdf_chromium import ChromiumPrinter

ENGINE_ENV = "WORKBENCH_PDF_ENGINE"
ENGINES = ("auto", "chromium", "weasyprint")


def requested_engine(requested: str | None = None) -> str:
    """The engine asked for: ``requested``, else $WORKBENCH_PDF_ENGINE, else ``auto``."""
    from workbench.errors import ConfigError

    engine = (requested or os.environ.get(ENGINE_ENV) or "auto").strip().lower()
    if engine not in ENGINES:
        raise ConfigError(
            ENGINE_ENV, [f"the PDF engine must be one of {', '.join(ENGINES)}, not {engine!r}"]
        ).worded("pdf_engine", engines=", ".join(ENGINES), engine=engine)
    return engine


def pdf_engine(requested: str | None = None) -> str:
    """The engine that prints: the one :func:`requested_engine` names; for ``auto``, Chromium when one is
    installed (see :func:`workbench.render.chromium.find_chromium`), else WeasyPrint."""
    from workbench.render.chromium import find_chromium

    engine = requested_engine(requested)
    if engine == "auto":
        return "chromium" if find_chromium() else "weasyprint"
    return engine


def html_to_pdf(
    html: str,
    progress: Callable[[str], None] | None = None,
    engine: str | None = None,
    printer: ChromiumPrinter | None = None,
) -> bytes:
    """Render the self-contained report HTML to PDF bytes with :func:`pdf_engine`'s choice (``printer``:
    a Chromium already started for it). ``progress`` hears ``pdf_print`` before Chromium prints, or
    ``pdf_layout`` before WeasyPrint lays out the pages and ``pdf_write:<pages>`` before it writes them;
    ``pdf_fallback`` when Chromium, chosen automatically, failed in any way and WeasyPrint prints instead
    (named explicitly, its failure is raised)."""
    progress = progress or (lambda _step: None)
    chosen = pdf_engine(engine)
    if chosen == "chromium":
        from workbench.render.pdf_chromium import ChromiumPrinter

        own = printer is None
        printer = printer or ChromiumPrinter()
        try:
            progress("pdf_print")
            return printer.print_pdf(html)
        # a browser that failed, crashed or answered nonsense: the report still gets its PDF
        except Exception:
            if requested_engine(engine) == "chromium":
                raise
            progress("pdf_fallback")
        finally:
            if own:
                printer.close()
    return _weasyprint_pdf(html, progress)


def _weasyprint_pdf(html: str, progress: Callable[[str], None]) -> bytes:
    import weasyprint

    # WeasyPrint reports every CSS property it does not support; the report's CSS is written for it,
    # and the remaining notices (screen-only rules) are noise for a consultant.
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    progress("pdf_layout")
    document = weasyprint.HTML(string=html, base_url=None).render()
    progress(f"pdf_write:{len(document.pages)}")
    return document.write_pdf(uncompressed_pdf=False)


def start_printer(engine: str | None = None) -> ChromiumPrinter | None:
    """A Chromium started now for the PDF when :func:`pdf_engine` chooses it (None for WeasyPrint): it is
    ready by the time the report's HTML is. Refuses an unknown engine before any work."""
    if pdf_engine(engine) != "chromium":
        return None
    from workbench.render.pdf_chromium import ChromiumPrinter

    return ChromiumPrinter()


class PdfJob:
    """The PDF of a report page printed in a thread and written to ``path``, so that the caller writes
    the HTML meanwhile; :meth:`wait` returns the seconds it took or raises what went wrong."""

    def __init__(
        self,
        html: str,
        path: Path,
        progress: Callable[[str], None] | None = None,
        engine: str | None = None,
        printer: ChromiumPrinter | None = None,
    ) -> None:
        self._error: BaseException | None = None
        self._seconds = 0.0
        self._thread = threading.Thread(
            target=self._run, args=(html, path, progress, engine, printer), name="pdf", daemon=True
        )
        self._thread.start()

    def _run(
        self,
        html: str,
        path: Path,
        progress: Callable[[str], None] | None,
        engine: str | None,
        printer: ChromiumPrinter | None,
    ) -> None:
        from workbench.io.atomic import write_bytes

        started = time.perf_counter()
        try:
            write_bytes(path, html_to_pdf(html, progress, engine, printer))
        except BaseException as error:  # raised again by wait(), in the caller's thread
            self._error = error
        self._seconds = time.perf_counter() - started

    def wait(self) -> float:
        """Wait for the PDF; its time in seconds, or the error that stopped it."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._seconds
