"""The audit notebook executed by papermill on a small generated client, as `workbench audit` runs it."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from workbench.app.run import run_audit
from workbench.errors import ConfigError, DataError, RunError
from workbench.render.metrics import validate_metrics

pytestmark = pytest.mark.slow


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


@pytest.fixture(scope="module")
def audited(small_client, tmp_path_factory):
    """One successful run on a private copy of the small client."""
    client = tmp_path_factory.mktemp("run") / "client"
    shutil.copytree(small_client, client)
    before = _digest(client / "data")
    result = run_audit(client, as_of="2026-11-23")
    return client, result, before


def test_run_writes_every_output_into_the_dated_folder(audited):
    client, result, _ = audited
    assert result.out_dir == client / "reports" / "2026-11-23"
    names = sorted(p.name for p in result.out_dir.iterdir())
    assert names == [
        "audit.ipynb",
        "class_d_customers.xlsx",
        "metrics.json",
        "quarantine.csv",
        "quarantine.xlsx",
        "report.html",
        "report.pdf",
    ]
    leftovers = [p.name for p in result.out_dir.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == [], "the staging folder must be removed"


def test_client_input_files_are_not_modified(audited):
    client, _, before = audited
    assert _digest(client / "data") == before


def test_executed_notebook_has_parameters_and_no_errors(audited):
    _, result, _ = audited
    nb = nbformat.read(result.out_dir / "audit.ipynb", as_version=4)
    params = nb.metadata["papermill"]["parameters"]
    assert params["as_of"] == "2026-11-23"
    assert Path(params["client_dir"]).name == "client"
    assert not nb.metadata["papermill"].get("exception")
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []


def test_metrics_follow_the_schema_and_the_report(audited):
    _, result, _ = audited
    text = (result.out_dir / "metrics.json").read_text(encoding="utf-8")
    metrics = json.loads(text)
    validate_metrics(metrics)
    # Paths relative to the client folder: neither this machine's folders nor the removed staging folder.
    assert metrics["run"]["parameters"]["client_dir"] == "."
    assert metrics["run"]["parameters"]["output_dir"] == "reports/2026-11-23"
    assert str(result.out_dir.parent) not in text and ".partial-" not in text
    assert metrics["client"]["name"] == "ООО «Малый тест»"
    assert metrics["client"]["period"] == {"start": "2026-01-01", "end": "2026-09-30"}
    for table in metrics["data_quality"].values():
        assert table["rows_read"] == table["rows_used"] + table["rows_quarantined"] + table["rows_excluded"]
        assert sum(table["reasons"].values()) == table["rows_quarantined"]
        assert sum(e["rows"] for e in table["excluded"].values()) == table["rows_excluded"]
    # The demo's cleaning rules exclude retail receipts and settlement adjustments: counted, not quarantined.
    assert set(metrics["data_quality"]["transactions"]["excluded"]) == {"non_product", "no_customer"}
    funnel = metrics["funnel"]
    assert funnel["won"] + funnel["lost"] + funnel["open"] == funnel["deals_in_cohort"]
    assert funnel["win_rate"] == pytest.approx(funnel["won"] / (funnel["won"] + funnel["lost"]))
    reached = [s["reached"] for s in funnel["stages"]]
    assert reached == sorted(reached, reverse=True)
    html = (result.out_dir / "report.html").read_text(encoding="utf-8")
    # the live what-if runs in the page: its runtime and page script, allowed by hash and nothing else
    assert metrics["whatif"]["present"] and metrics["whatif"]["interactive"]
    assert "data-wb-live" in html and html.count("<script>") == 3 and "'unsafe-eval'" not in html
    assert metrics["findings"], "the small demo client has planted problems"
    for finding in metrics["findings"]:
        title = finding["title"].replace("«", "&laquo;").replace("»", "&raquo;")
        assert finding["title"] in html or title in html


def test_quarantine_csv_is_excel_safe(audited):
    _, result, _ = audited
    raw = (result.out_dir / "quarantine.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    header = text.splitlines()[0]
    assert header == "table;file;row;reason;field;value;detail;hint"
    assert "unknown_stage" in text and "invalid_date:created_at" in text


def test_failed_run_writes_no_report_and_keeps_the_failed_notebook(small_client, tmp_path):
    client = tmp_path / "broken"
    shutil.copytree(small_client, client)
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.html").write_text("stale report of an earlier run", encoding="utf-8")
    # A locale the notebook does not know: its first cell stops with a ConfigError.
    with pytest.raises(RunError) as caught:
        run_audit(client, out=out, as_of="2026-11-23", locale="de")
    message = str(caught.value)
    assert "stopped at cell" in message and "ConfigError" in message and "'de'" in message
    assert "No report was written" in message
    names = sorted(p.name for p in out.iterdir())
    assert names == ["FAILED.txt", "audit.failed.ipynb"]
    assert "ConfigError" in (out / "FAILED.txt").read_text(encoding="utf-8")
    assert not any(p.name.startswith(".") for p in tmp_path.iterdir())
    # The failed cell is named alike in the message, FAILED.txt and the exporter's refusal, which is one
    # paragraph on the terminal, not a traceback.
    cell = re.search(r"stopped at (cell In \[\d+\])", message).group(1)
    assert f"failed at {cell} of audit.ipynb" in (out / "FAILED.txt").read_text(encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "jupyter",
            "nbconvert",
            "--to",
            "workbench_html",
            str(out / "audit.failed.ipynb"),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0
    refusal = [line for line in done.stderr.splitlines() if line.startswith("Error: ")]
    assert len(refusal) == 1 and f"execution failed at {cell};" in refusal[0], done.stderr
    assert "Traceback" not in done.stderr


def test_data_that_check_refuses_stops_before_the_notebook(small_client, tmp_path):
    client = tmp_path / "broken"
    shutil.copytree(small_client, client)
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.html").write_text("stale report of an earlier run", encoding="utf-8")
    config = (client / "client.yaml").read_text(encoding="utf-8")
    # A header that is not in the file: refused as workbench check refuses it, before any kernel starts.
    (client / "client.yaml").write_text(
        config.replace("created_at: Дата создания сделки", "created_at: Дата создания"), encoding="utf-8"
    )
    with pytest.raises(DataError) as caught:
        run_audit(client, out=out, as_of="2026-11-23")
    assert "column 'Дата создания' (mapped to deals.created_at in client.yaml) is not in the file" in str(
        caught.value
    )
    assert sorted(p.name for p in out.iterdir()) == ["FAILED.txt"]
    assert "Дата создания" in (out / "FAILED.txt").read_text(encoding="utf-8")
    assert not any(p.name.startswith(".") for p in tmp_path.iterdir())


def test_a_re_audit_compares_with_the_latest_earlier_run(audited):
    client, first, _ = audited
    second = run_audit(client, as_of="2026-12-23", formats=("html",), compare="latest", interactive=False)
    assert second.out_dir == client / "reports" / "2026-12-23"
    metrics = json.loads((second.out_dir / "metrics.json").read_text(encoding="utf-8"))
    validate_metrics(metrics)
    progress = metrics["progress"]
    assert progress["source"] == str(first.out_dir / "metrics.json")
    assert progress["as_of_before"] == "2026-11-23" and progress["as_of_now"] == "2026-12-23"
    first_metrics = json.loads((first.out_dir / "metrics.json").read_text(encoding="utf-8"))
    # The same data a month later: every finding persists but the forecast of November, the month of the
    # first run (December has no plan, so no forecast and no finding of it).
    dated = [f for f in first_metrics["findings"] if f["code"].startswith("plan_forecast")]
    assert dated and metrics["plan"]["forecast"]["current_month"]["reason"] == "no_plan"
    assert progress["resolved"] == len(dated) and progress["persisting"] == len(metrics["findings"])
    assert metrics["run"]["parameters"]["compare"] == progress["source"]
    html = (second.out_dir / "report.html").read_text(encoding="utf-8")
    assert 'id="progress"' in html and "Динамика после прошлого аудита" in html
    # --no-interactive: the what-if keeps its static twin and the page has no script at all
    assert "<script" not in html and 'id="whatif"' in html and "script-src 'none'" in html
    assert metrics["whatif"]["present"] and not metrics["whatif"]["interactive"]
    assert first_metrics["progress"] is None


def test_a_re_audit_refuses_a_metrics_file_of_another_major_version(audited, tmp_path):
    client, _, _ = audited
    old = tmp_path / "metrics.json"
    old.write_text(json.dumps({"schema_version": "2.0.0"}), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"schema_version 2\.0\.0 cannot be read"):
        run_audit(client, as_of="2026-12-24", formats=("html",), compare=str(old), out=tmp_path / "out")
    assert not (tmp_path / "out").exists()
