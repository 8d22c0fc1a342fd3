"""Whole audit runs on hostile and on personal data: client text shows as text in the delivered report,
and ``--anonymize`` leaves no real name in any output while the key stays in the client folder."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import nbformat
import openpyxl
import pytest
from pypdf import PdfReader

from workbench.app.run import run_audit
from workbench.io.load import load_client
from workbench.io.privacy import KEY_FILE
from workbench.render.page_scripts import live_scripts

pytestmark = pytest.mark.slow
SCRIPT = "<script>alert(1)</script>"


def _copy(small_client: Path, folder: Path) -> Path:
    client = folder / "client"
    shutil.copytree(small_client, client)
    return client


def test_a_manager_named_like_a_script_shows_as_text(small_client, tmp_path):
    client = _copy(small_client, tmp_path)
    # A manager's name in the deals export and in the activity report, and a hostile client name.
    manager = load_client(client).deals["manager"].value_counts().index[0]
    for name in ("deals.csv", "activities.csv"):
        path = client / "data" / name
        raw = path.read_bytes()
        encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
        path.write_text(raw.decode(encoding).replace(manager, SCRIPT), encoding=encoding)
    config = (client / "client.yaml").read_text(encoding="utf-8")
    (client / "client.yaml").write_text(
        config.replace('name: "ООО «Малый тест»"', "name: '<img src=x onerror=alert(2)> & Co'"),
        encoding="utf-8",
    )
    result = run_audit(client, out=tmp_path / "out", formats=("html",), as_of="2026-11-23")
    page = (result.out_dir / "report.html").read_text(encoding="utf-8")
    # the page's own scripts (the live what-if's runtime) and its JSON data blocks, where "<" never appears
    for script in live_scripts():
        page = page.replace(f"<script>{script}</script>", "")
    blocks = re.findall(r'<script[^>]*type="application/json"[^>]*>(.*?)</script>', page, re.DOTALL)
    assert len(blocks) == 2 and not any("<" in b for b in blocks)
    page = re.sub(r'<script[^>]*type="application/json"[^>]*>.*?</script>', "", page, flags=re.DOTALL)
    assert "<script" not in page.lower() and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<title>Аудит системы продаж — &lt;img src=x onerror=alert(2)&gt; &amp; Co</title>" in page
    notebook = nbformat.read(result.out_dir / "audit.ipynb", as_version=4)
    outputs = json.dumps([c.get("outputs", []) for c in notebook.cells], ensure_ascii=False)
    assert SCRIPT not in outputs and "&lt;script&gt;" in outputs


def test_anonymized_run_leaves_no_name_in_any_output(small_client, tmp_path):
    client = _copy(small_client, tmp_path)
    data = load_client(client)
    names = set()
    for table in data.tables.values():
        for column in ("manager", "customer_id", "name", "head"):
            if column in table:
                names |= {n for n in table[column].dropna().unique() if isinstance(n, str) and n != "—"}
    assert len(names) > 20
    result = run_audit(client, out=tmp_path / "out", as_of="2026-11-23", anonymize=True)
    out = result.out_dir
    texts = {
        name: (out / name).read_text(encoding="utf-8-sig")
        for name in ("report.html", "metrics.json", "quarantine.csv", "audit.ipynb")
    }
    texts["report.html"] = html.unescape(texts["report.html"])
    texts["report.pdf"] = "\n".join(page.extract_text() for page in PdfReader(out / "report.pdf").pages)
    sheet = openpyxl.load_workbook(out / "quarantine.xlsx").active
    texts["quarantine.xlsx"] = " ".join(str(c.value) for row in sheet.iter_rows() for c in row)
    for name, text in texts.items():
        leaked = sorted(n for n in names if n in text)
        assert leaked == [], f"{name} shows real names: {leaked[:5]}"
    metrics = json.loads(texts["metrics.json"])
    assert metrics["run"]["anonymized"] is True and metrics["run"]["parameters"]["anonymize"] is True
    assert all(m["manager"].startswith("Менеджер ") for m in metrics["funnel"]["managers"])
    assert "Менеджер 01" in texts["report.html"]
    assert "заменены псевдонимами" in texts["report.html"]
    # The key is in the client folder only, never next to the report.
    assert (client / KEY_FILE).is_file()
    assert not list(out.rglob(KEY_FILE))


def test_hostile_cells_end_in_a_counted_quarantine_and_a_report(small_client, tmp_path):
    """Control characters in a quarantined cell (they once failed the XLSX quarantine) and in a stage, a
    manager name of 100 000 letters (6 GB and two minutes once) and a right-to-left mark in a name: the
    run finishes, each bad row is counted, and no input file changes."""
    client = _copy(small_client, tmp_path)
    path = client / "data" / "deals.csv"
    raw = path.read_bytes()
    encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
    lines = raw.decode(encoding).splitlines(keepends=True)
    manager = load_client(client).deals["manager"].value_counts().index[0]
    stage = load_client(client).config.funnel.stages[1]
    rows = [i for i, line in enumerate(lines) if f",{manager}," in line and f",{stage}," not in line]
    rows.insert(3, next(i for i, line in enumerate(lines) if f",{stage}," in line))
    created = re.search(r",(\d\d\.\d\d)\.(\d{4})", lines[rows[0]])
    assert created is not None
    lines[rows[0]] = lines[rows[0]].replace(
        created.group(0), f",{created.group(1)}\x1b[2J\x0b.{created.group(2)}", 1
    )
    lines[rows[3]] = lines[rows[3]].replace(f",{stage},", f",{stage}\x1b\x0b,", 1)
    lines[rows[1]] = lines[rows[1]].replace(manager, "Щ" * 100_000, 1)
    lines[rows[2]] = lines[rows[2]].replace(manager, "\u202e" + manager, 1)
    path.write_text("".join(lines), encoding=encoding)
    before = {p.name: p.read_bytes() for p in (client / "data").iterdir()}
    result = run_audit(client, out=tmp_path / "out", formats=("html",), as_of="2026-11-23")
    assert {p.name: p.read_bytes() for p in (client / "data").iterdir()} == before
    sheet = openpyxl.load_workbook(result.out_dir / "quarantine.xlsx").active
    values = [str(c.value) for row in sheet.iter_rows() for c in row]
    assert any("\\x1b[2J\\x0b" in v for v in values)
    metrics = json.loads((result.out_dir / "metrics.json").read_text(encoding="utf-8"))
    deals = metrics["data_quality"]["deals"]
    assert deals["reasons"]["text_too_long"] == 1
    assert deals["warnings"]["invisible_characters:manager"] == 1
    assert deals["warnings"]["invisible_characters:stage"] == 1
    page = (result.out_dir / "report.html").read_text(encoding="utf-8")
    assert "\x1b" not in page and "Щ" * 1_001 not in page and "\u202e" not in page


def test_the_staging_folder_of_a_killed_run_is_removed_by_the_next(small_client, tmp_path):
    """SIGKILL leaves ``.out.partial-<pid>`` behind (nothing can clean up after it) and no report in the
    output folder; the next run into that folder removes it."""
    import os
    import signal
    import subprocess
    import sys
    import time

    client = _copy(small_client, tmp_path)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "workbench.app.cli", "audit", str(client), "--out", str(out), "--quiet"]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    child = subprocess.Popen(command, env=env, start_new_session=True, stderr=subprocess.DEVNULL)
    staging = tmp_path / f".out.partial-{child.pid}"
    deadline = time.monotonic() + 120
    while not staging.exists() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert staging.exists(), "the run never reached its staging folder"
    os.killpg(child.pid, signal.SIGKILL)  # the command and its kernel
    child.wait(timeout=60)
    assert staging.exists() and not (out / "report.html").exists()
    result = run_audit(client, out=out, formats=("html",), as_of="2026-11-23")
    assert (result.out_dir / "report.html").is_file()
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.partial-")]
