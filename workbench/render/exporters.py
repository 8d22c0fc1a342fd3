"""nbconvert exporters for the report, registered as ``workbench_html`` and ``workbench_pdf``.

``jupyter nbconvert --to workbench_pdf OUT.ipynb`` renders an executed audit notebook with the project's
template. A notebook whose execution failed is refused: a failed run never becomes a client report.
"""

from __future__ import annotations

from typing import Any

from nbconvert.exporters import Exporter, HTMLExporter
from nbformat import NotebookNode
from traitlets import default

from workbench.errors import RunError
from workbench.render.pdf import html_to_pdf
from workbench.resources import nbconvert_templates_dir

TEMPLATE_NAME = "workbench_report"


def check_executed(nb: NotebookNode, name: str = "notebook") -> None:
    """Refuse notebooks that failed or were never run."""
    papermill = nb.metadata.get("papermill", {})
    failed_cell = None
    for index, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            failed_cell = index
            break
    if papermill.get("exception") or failed_cell is not None:
        where = f" at cell {failed_cell}" if failed_cell is not None else ""
        raise RunError(
            f"{name}: the notebook's execution failed{where}; no report is rendered from it",
            cell_index=failed_cell,
        )
    if not any(cell.get("outputs") for cell in nb.cells if cell.get("cell_type") == "code"):
        raise RunError(f"{name}: the notebook has no outputs; execute it with papermill first")


def _report_metadata(nb: NotebookNode) -> tuple[str | None, str | None]:
    """Title and language the report's cover output carries in its metadata."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get("text/html", {}).get("workbench") or output.get(
                "metadata", {}
            ).get("workbench")
            if meta:
                return meta.get("title"), meta.get("lang")
    return None, None


class WorkbenchHTMLExporter(HTMLExporter):
    """Self-contained HTML report: no code, prompts, streams or tracebacks; A4 print CSS inline."""

    export_from_notebook = "Workbench report (HTML)"

    @default("template_name")
    def _template_name_default(self) -> str:
        return TEMPLATE_NAME

    @default("extra_template_basedirs")
    def _extra_dirs_default(self) -> list[str]:
        return [str(nbconvert_templates_dir())]

    @default("exclude_input")
    def _exclude_input_default(self) -> bool:
        return True

    @default("exclude_input_prompt")
    def _exclude_input_prompt_default(self) -> bool:
        return True

    @default("exclude_output_prompt")
    def _exclude_output_prompt_default(self) -> bool:
        return True

    def from_notebook_node(
        self, nb: NotebookNode, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[str, dict[str, Any]]:
        check_executed(nb)
        title, lang = _report_metadata(nb)
        nb = nb.copy()
        nb.metadata = NotebookNode({**nb.metadata})
        if title:
            nb.metadata["title"] = title
        if lang:
            self.language_code = lang
        return super().from_notebook_node(nb, resources, **kw)


class WorkbenchPDFExporter(Exporter):
    """A4 PDF of the same HTML, printed with WeasyPrint."""

    export_from_notebook = "Workbench report (PDF)"
    output_mimetype = "application/pdf"

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".pdf"

    def from_notebook_node(
        self, nb: NotebookNode, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[bytes, dict[str, Any]]:
        html_exporter = WorkbenchHTMLExporter(config=self.config, parent=self)
        html, resources = html_exporter.from_notebook_node(nb, resources, **kw)
        resources["output_extension"] = ".pdf"
        return html_to_pdf(html), resources
