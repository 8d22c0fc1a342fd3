"""notebooks/abc.ipynb executed by papermill on the small client, and every notebook stored thin."""

from __future__ import annotations

import ast
import json

import nbformat
import pytest

from workbench.app.run import execute_notebook

pytestmark = pytest.mark.slow


def test_abc_notebook_runs_on_the_small_client(small_client, tmp_path):
    out = tmp_path / "abc.ipynb"
    execute_notebook("abc.ipynb", out, {"client_dir": str(small_client), "as_of": "2026-11-23"})
    nb = nbformat.read(out, as_version=4)
    assert not nb.metadata["papermill"].get("exception")
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs if "data" in o)
    assert 'id="customers"' in html  # the report's section
    assert "Что, если" not in html  # narrative stays in markdown cells
    widgets = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert widgets, "the what-if sliders are displayed"


def test_notebooks_are_stored_thin_and_without_outputs(repo):
    for path in sorted((repo / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        params = [c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", [])]
        assert len(params) == 1, path.name
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            assert cell["outputs"] == [] and cell["execution_count"] is None, path.name
            source = "".join(cell["source"])
            tree = ast.parse(source)
            assert not any(isinstance(n, ast.FunctionDef | ast.ClassDef) for n in ast.walk(tree)), path.name
        # Every parameter is annotated, so that papermill --help-notebook shows its type.
        for node in ast.parse("".join(params[0]["source"])).body:
            assert isinstance(node, ast.AnnAssign), (path.name, ast.dump(node))
