"""Run one of the project's notebooks under papermill as a consultant would, and collect its outputs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import papermill


def run_notebook(repo: Path, name: str, out: Path, **parameters: Any) -> tuple[Any, list[Any]]:
    """Execute ``notebooks/<name>`` into ``out``; return the executed notebook and its code outputs, after
    checking that no cell failed."""
    papermill.execute_notebook(
        str(repo / "notebooks" / name),
        str(out),
        parameters=parameters,
        kernel_name="python3",
        progress_bar=False,
        cwd=str(repo),
    )
    nb = nbformat.read(out, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    errors = [o for o in outputs if o.get("output_type") == "error"]
    assert not errors, [f"{o.get('ename')}: {o.get('evalue')}" for o in errors]
    return nb, outputs
