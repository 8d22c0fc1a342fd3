"""nbconvert exporters for the report, registered as ``workbench_html`` and ``workbench_pdf``.

``jupyter nbconvert --to workbench_pdf OUT.ipynb`` renders an executed audit notebook with the project's
template. A notebook whose execution failed is refused: a failed run never becomes a client report.
"""

from __future__ import annotations

import sys
from typing import Any

from nbconvert.exporters import Exporter, HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbformat import NotebookNode
from traitlets import Bool, default

from workbench.errors import RunError, WorkbenchError
from workbench.render.page_scripts import finish_page
from workbench.render.pdf import html_to_pdf
from workbench.resources import nbconvert_templates_dir

TEMPLATE_NAME = "workbench_report"


def cell_label(error: object) -> str:
    """A failed cell as JupyterLab shows it, "cell In [7]" (its execution count), the same in the CLI's
    message, FAILED.txt and the exporters' refusal; "cell 9" (its position) when it has no count."""
    count = getattr(error, "exec_count", None)
    if count is not None:
        return f"cell In [{count}]"
    index = getattr(error, "cell_index", None)
    return f"cell {index}" if index is not None else "a cell"


class _FailedCell:
    def __init__(self, cell_index: int, exec_count: int | None):
        self.cell_index, self.exec_count = cell_index, exec_count


def check_executed(nb: NotebookNode, name: str = "notebook") -> None:
    """Refuse notebooks that failed or were never run (one paragraph on the terminal, no traceback)."""
    papermill = nb.metadata.get("papermill", {})
    failed = None
    for index, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            failed = _FailedCell(index, cell.get("execution_count"))
            break
    if papermill.get("exception") or failed is not None:
        where = f" at {cell_label(failed)}" if failed is not None else ""
        _quiet_uncaught_workbench_errors()
        raise RunError(
            f"{name}: the notebook's execution failed{where}; no report is rendered from it. Open it in "
            "JupyterLab to see the failing cell, fix the cause and run the audit again.",
            cell_index=failed.cell_index if failed else None,
        )
    if not any(cell.get("outputs") for cell in nb.cells if cell.get("cell_type") == "code"):
        raise RunError(f"{name}: the notebook has no outputs; execute it with papermill first")


def _quiet_uncaught_workbench_errors() -> None:
    """Under ``jupyter nbconvert`` an uncaught refusal is printed as its one-paragraph message, not as a
    traceback; any other uncaught error keeps Python's usual report. (Callers that catch the error, such
    as ``workbench audit``, are not affected.)"""
    previous = sys.excepthook
    if getattr(previous, "_workbench", False):
        return

    def hook(kind, value, tb):  # type: ignore[no-untyped-def]
        if isinstance(value, WorkbenchError):
            print(f"Error: {value}", file=sys.stderr)
        else:
            previous(kind, value, tb)

    hook._workbench = True  # type: ignore[attr-defined]
    sys.excepthook = hook


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
    live_scripts = Bool(True, help="run the live what-if in the page (False: a page with no script)").tag(
        config=True
    )

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
        html, resources = self._page(nb, resources, **kw)
        return finish_page(html, live=self.live_scripts), resources

    def screen_and_print(self, nb: NotebookNode) -> tuple[str, str]:
        """The report page as ``live_scripts`` asks and the page to print (no script), converted once."""
        html, _ = self._page(nb)
        return finish_page(html, live=self.live_scripts), finish_page(html, live=False)

    def _page(
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
        # HTMLExporter's own from_notebook_node registers two filters, renders, then parses the whole page
        # again with BeautifulSoup to add JupyterLab's alt texts and tabindex attributes, which the report's
        # template has no use for (its images carry alt texts; it has no notebook cells): a third of a
        # second for the demo. The filters are registered here and the page is rendered as it is.
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        resources = self._init_resources(resources)
        self.register_filter(
            "highlight_code",
            self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)),
        )
        self.register_filter(
            "filter_data_type",
            WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources),
        )
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)


class WorkbenchPDFExporter(Exporter):
    """A4 PDF of the same HTML (without scripts), printed by :func:`~workbench.render.pdf.html_to_pdf`:
    headless Chromium where one is installed, else WeasyPrint; $WORKBENCH_PDF_ENGINE chooses."""

    export_from_notebook = "Workbench report (PDF)"
    output_mimetype = "application/pdf"

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".pdf"

    def from_notebook_node(
        self, nb: NotebookNode, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[bytes, dict[str, Any]]:
        html_exporter = WorkbenchHTMLExporter(config=self.config, parent=self, live_scripts=False)
        html, resources = html_exporter.from_notebook_node(nb, resources, **kw)
        resources["output_extension"] = ".pdf"
        return html_to_pdf(html), resources
