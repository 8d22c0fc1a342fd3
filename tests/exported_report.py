"""The client's report.html made by the report's own exporter from an audit, without a kernel.

The notebook's outputs are what ``report.section(...)`` displays, so a notebook whose cells carry those
outputs is what papermill would have executed; the exporter (template, stylesheet, scripts and policy)
is the real one.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from workbench.present.registry import SECTIONS
from workbench.render.exporters import WorkbenchHTMLExporter
from workbench.render.report import Report


def executed_notebook(report: Report) -> nbformat.NotebookNode:
    """A notebook with one executed cell per section of ``report``."""
    cells = []
    for n, spec in enumerate(SECTIONS, 1):
        section = report.section(spec.id)
        output = new_output("display_data", data={"text/html": section.html})
        if section.metadata:
            output.metadata = {"text/html": section.metadata}
        cells.append(new_code_cell(f'report.section("{spec.id}")', execution_count=n, outputs=[output]))
    return new_notebook(cells=cells)


def export_html(audit, locale: str, path: Path, *, interactive: bool = True) -> Path:
    """Write the report's HTML for ``audit`` in ``locale`` to ``path``."""
    report = Report(audit, locale, interactive=interactive)
    html, _ = WorkbenchHTMLExporter().from_notebook_node(executed_notebook(report))
    path.write_text(html, encoding="utf-8")
    return path
