"""The report's pages built as soon as its last section has been executed, before the notebook ends.

The audit notebook's last cell writes metrics.json and the quarantined rows (a fifth of a second), which
the report's pages do not show. :class:`EarlyPages` follows the notebook's execution (nbclient's
``on_cell_executed`` hook): once the cell of the report's last section has run, it builds the report page
and the page to print from the cells executed so far and calls ``ready`` with them, so that printing the
PDF overlaps the notebook's end. The caller builds the pages again from the finished notebook and keeps
what was started early only when they are the same.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

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
