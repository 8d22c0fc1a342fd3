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


def test_the_scaffold_names_each_data_table_once_so_uncommenting_gives_no_duplicate_key():
    text = (REPO / "templates" / "client" / "client.yaml").read_text(encoding="utf-8")
    data = text[text.index("\ndata:\n") : text.index("\nfunnel:\n")]
    tables = re.findall(r"^  (?:# )?([a-z_]+):", data, re.M)
    assert "customers" in tables and "transactions" in tables
    assert len(tables) == len(set(tables)), tables


def _ignored(*paths: str) -> set[str]:
    done = subprocess.run(
        ["git", "check-ignore", "--no-index", *paths], cwd=REPO, capture_output=True, text=True
    )
    return set(done.stdout.split())


@pytest.mark.skipif(shutil.which("git") is None or not (REPO / ".git").exists(), reason="not a git checkout")
def test_gitignore_keeps_client_data_and_reports_out_but_the_demo_in():
    client = [
        "clients/romashka/data/deals.csv",
        "clients/romashka/client.yaml",
        "clients/demo/reports/2026-01-01/report.html",
        "clients/demo/anonymization.yaml",
        "out/audit.ipynb",
        "clients/demo/reports/.2026-01-01.partial-123/metrics.json",
    ]
    demo = ["clients/demo/data/deals.csv", "clients/demo/client.yaml", "clients/demo/intake.yaml"]
    assert _ignored(*client, *demo) == set(client)


def test_done_in_counts_the_whole_wait_from_the_start_of_the_process():
    import sys

    script = (
        "import time\n"
        "time.sleep(1.5)  # what the interpreter's start and heavy imports take before the command runs\n"
        "from workbench.app.cli import _started_at\n"
        "print(time.perf_counter() - _started_at())\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert 1.5 <= float(done.stdout) < 30


def test_the_pdf_step_reports_its_progress_with_the_number_of_pages():
    from workbench.app.cli import step_text
    from workbench.render.pdf import html_to_pdf

    heard: list[str] = []
    page = "<html><body><p>1</p><p style='break-before: page'>2</p></body></html>"
    pdf = html_to_pdf(page, heard.append, engine="weasyprint")
    assert pdf.startswith(b"%PDF") and heard == ["pdf_layout", "pdf_write:2"]
    assert [step_text(s) for s in heard] == ["PDF: laying out the pages", "PDF: writing 2 pages"]
    assert step_text("pdf_print", "ru") == "PDF: печать в Chromium"
    assert step_text("execute").startswith("Running the audit notebook")
