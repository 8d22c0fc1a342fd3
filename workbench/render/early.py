"""The report's pages built as soon as its last section has been executed, before the notebook ends.

The audit notebook's last cell writes metrics.json and the quarantined rows (a fifth of a second), which
the report's pages do not show. :class:`EarlyPages` follows the notebook's execution (nbclient's
``on_cell_executed`` hook): once the cell of the report's last section has run, it builds the report page
and the page to print from the cells executed so far and calls ``ready`` with them, so that printing the
PDF overlaps the notebook's end. The caller builds the pages again from the finished notebook and keeps
what was started early only when they are the same (:class:`EarlyPdf`).
"""

from __future__ import annotations

import contextlib
import copy
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat
from nbformat import NotebookNode

if TYPE_CHECKING:
    from workbench.render.pdf import PdfJob
    from workbench.render.pdf_chromium import ChromiumPrinter

SECTION_CALL = "report.section("

Ready = Callable[[str, str], None]  # the report page and the page to print


def last_section_source(notebook: Path) -> str | None:
    """The source of the notebook's last ``report.section(...)`` cell, or None without one."""
    nb = nbformat.read(str(notebook), as_version=4)
    sources = [
        cell.source.strip()
        for cell in nb.cells
        if cell.cell_type == "code" and cell.source.strip().startswith(SECTION_CALL)
    ]
    return sources[-1] if sources else None


class EarlyPages:
    """The hook for nbclient: collects the executed cells and builds the pages after the last section."""

    def __init__(self, notebook: Path, pages: Callable[[NotebookNode], tuple[str, str]], ready: Ready):
        original = nbformat.read(str(notebook), as_version=4)
        self._metadata = original.metadata
        self._trigger = last_section_source(notebook)
        self._pages = pages
        self._ready = ready
        self._cells: list[NotebookNode] = []
        self.built: tuple[str, str] | None = None

    def on_cell_executed(self, cell: NotebookNode, cell_index: int, execute_reply: Any = None) -> None:
        """nbclient's hook (code cells only, in order)."""
        self._cells.append(copy.deepcopy(cell))
        if self.built is not None or self._trigger is None or cell.source.strip() != self._trigger:
            return
        if any(o.get("output_type") == "error" for c in self._cells for o in c.get("outputs", [])):
            return  # the run fails: no report
        partial = nbformat.v4.new_notebook(metadata=copy.deepcopy(self._metadata), cells=self._cells)
        try:
            self.built = self._pages(partial)
        except Exception:  # the pages are built again, and any error shown, from the finished notebook
            return
        self._ready(*self.built)


class EarlyPdf:
    """The PDF printed from the pages :class:`EarlyPages` builds once the notebook's last section has run,
    while the kernel writes metrics.json; its progress lines are kept until the run reaches the PDF's
    step, and :meth:`adopt` hands it over only when it prints the finished notebook's page."""

    def __init__(
        self, notebook: Path, path: Path, engine: str | None, printer: ChromiumPrinter | None
    ) -> None:
        self.notebook, self.path, self.engine, self.printer = notebook, path, engine, printer
        self.job: PdfJob | None = None
        self.printed: str | None = None
        self._lock = threading.Lock()
        self._kept: list[str] = []
        self._step: Callable[[str], None] | None = None

    def hook(self) -> Callable[..., None]:
        """nbclient's ``on_cell_executed`` for the notebook's run."""
        from workbench.render.exporters import WorkbenchHTMLExporter

        return EarlyPages(
            self.notebook, WorkbenchHTMLExporter().screen_and_print, self._start
        ).on_cell_executed

    def _start(self, _page: str, print_page: str) -> None:
        from workbench.render.pdf import PdfJob

        self.printed = print_page
        self.job = PdfJob(print_page, self.path, self._say, self.engine, self.printer)

    def _say(self, message: str) -> None:
        with self._lock:
            if self._step is None:
                self._kept.append(message)
            else:
                self._step(message)

    def adopt(self, print_page: str, step: Callable[[str], None]) -> PdfJob | None:
        """The job started early if it prints ``print_page`` (its progress lines said from now on), else
        None."""
        if self.job is None or self.printed != print_page:
            self.discard()
            return None
        with self._lock:
            for message in self._kept:
                step(message)
            self._step = step
        job, self.job = self.job, None
        return job

    def discard(self) -> None:
        """Let a job that is not used end (its file is written over or removed with the staging folder)."""
        if self.job is not None:
            with contextlib.suppress(BaseException):
                self.job.wait()
            self.job = None
