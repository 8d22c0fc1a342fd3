"""The consultant's tools around the audit: make lab, the documented papermill path, the scaffold."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_lab_passes_allow_root_only_as_root():
    done = subprocess.run(
        ["make", "-n", "lab", f"STAMP={REPO / 'Makefile'}"],  # an existing file: no install step
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    (line,) = [x for x in done.stdout.splitlines() if "jupyter lab" in x]
    assert ("--allow-root" in line) == (os.geteuid() == 0), line


def _papermill_blocks() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    notebook = nbformat.read(REPO / "notebooks" / "audit.ipynb", as_version=4)
    texts = [readme, *(c.source for c in notebook.cells if c.cell_type == "markdown")]
    return [
        block for text in texts for block in re.findall(r"```\n(.*?)```", text, re.S) if "papermill " in block
    ]


def test_documented_papermill_commands_create_their_output_folder_first():
    blocks = _papermill_blocks()
    assert len(blocks) >= 2  # README and the notebook's own note
    for block in blocks:
        lines = [line.split("#")[0].strip() for line in block.splitlines()]
        for i, line in enumerate(lines):
            match = re.search(r"papermill \S+\.ipynb (\S+)/\S+\.ipynb", line)
            if match:
                folder = match.group(1)
                assert any(re.fullmatch(rf"mkdir -p {re.escape(folder)}", x) for x in lines[:i]), block
