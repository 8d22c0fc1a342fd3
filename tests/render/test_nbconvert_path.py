"""The plain papermill path of the design card: papermill, then `jupyter nbconvert --to workbench_pdf`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from workbench.errors import RunError
from workbench.render.exporters import WorkbenchHTMLExporter

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent


def test_papermill_then_nbconvert_exporters(repo, small_client, tmp_path):
    executed = tmp_path / "audit.ipynb"
    subprocess.run(
        [
            str(BIN / "papermill"),
            str(repo / "notebooks" / "audit.ipynb"),
            str(executed),
            "-p",
            "client_dir",
            str(small_client),
            "-p",
            "output_dir",
            str(tmp_path / "out"),
            "-p",
            "as_of",
            "2026-11-23",
            "--no-progress-bar",
        ],
        check=True,
        capture_output=True,
        cwd=repo,
    )
    assert (tmp_path / "out" / "metrics.json").is_file()
    for exporter, suffix in (("workbench_pdf", ".pdf"), ("workbench_html", ".html")):
        subprocess.run(
            [str(BIN / "jupyter"), "nbconvert", "--to", exporter, str(executed)],
            check=True,
            capture_output=True,
            cwd=tmp_path,
        )
        produced = executed.with_suffix(suffix)
        assert produced.stat().st_size > 10_000, exporter
    assert executed.with_suffix(".pdf").read_bytes().startswith(b"%PDF-")


def test_exporter_refuses_a_failed_notebook(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "1/0",
            outputs=[
                nbformat.v4.new_output(
                    "error", ename="ZeroDivisionError", evalue="division by zero", traceback=[]
                )
            ],
        )
    ]
    with pytest.raises(RunError, match="execution failed at cell 0"):
        WorkbenchHTMLExporter().from_notebook_node(nb)
    nb.cells[0].outputs = []
    nb.metadata["papermill"] = {"exception": True}
    with pytest.raises(RunError, match="execution failed"):
        WorkbenchHTMLExporter().from_notebook_node(nb)


def test_exporter_refuses_an_unexecuted_notebook(repo):
    nb = nbformat.read(repo / "notebooks" / "audit.ipynb", as_version=4)
    with pytest.raises(RunError, match="no outputs"):
        WorkbenchHTMLExporter().from_notebook_node(nb)
