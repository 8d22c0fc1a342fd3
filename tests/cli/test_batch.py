"""`workbench batch` without a kernel: planning, failures that do not stop the others, the table."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.app.batch import (
    BatchJob,
    JobOutcome,
    Progress,
    find_clients,
    plan_jobs,
    portfolio_dir,
    run_job,
    run_local,
)
from workbench.app.batch_view import format_progress, format_table
from workbench.app.cli import main
from workbench.errors import ConfigError

AS_OF = dt.date(2026, 11, 23)


def _broken(folder: Path, text: str = "name: [\n") -> Path:
    folder.mkdir(parents=True)
    (folder / "client.yaml").write_text(text, encoding="utf-8")
    return folder


def test_find_clients_takes_folders_with_a_client_yaml(tmp_path):
    _broken(tmp_path / "b")
    _broken(tmp_path / "a")
    (tmp_path / "portfolio").mkdir()
    (tmp_path / "notes.txt").write_text("x")
    assert [p.name for p in find_clients(tmp_path)] == ["a", "b"]
    with pytest.raises(ConfigError, match="--all"):
        find_clients(tmp_path / "missing")


def test_plan_jobs_outputs_and_duplicate_names(tmp_path):
    a, b = _broken(tmp_path / "x" / "a"), _broken(tmp_path / "y" / "b")
    jobs = plan_jobs([a, b], AS_OF, out=tmp_path / "out", formats=("html",), anonymize=True)
    assert [(j.slug, j.out) for j in jobs] == [("a", tmp_path / "out" / "a"), ("b", tmp_path / "out" / "b")]
    assert all(j.anonymize and j.formats == ("html",) and j.as_of == AS_OF for j in jobs)
    assert plan_jobs([a], AS_OF)[0].out is None  # the client's own reports/<date>/
    with pytest.raises(ConfigError, match="two clients have the slug 'a'"):
        plan_jobs([a, _broken(tmp_path / "z" / "a")], AS_OF, out=tmp_path / "out")
    with pytest.raises(ConfigError, match="at least one client"):
        plan_jobs([], AS_OF)


def test_portfolio_folder(tmp_path):
    clients = [tmp_path / "clients" / "a", tmp_path / "clients" / "b"]
    assert portfolio_dir(clients, AS_OF, None) == tmp_path / "clients" / "portfolio" / "2026-11-23"
    assert portfolio_dir(clients, AS_OF, tmp_path / "out") == tmp_path / "out"
    with pytest.raises(ConfigError, match="--out"):
        portfolio_dir([*clients, tmp_path / "elsewhere" / "c"], AS_OF, None)


def test_a_failing_job_returns_its_reason(tmp_path):
    folder = _broken(tmp_path / "bad")
    outcome = run_job(BatchJob(folder, "bad", None, AS_OF, ("html",)))
    assert not outcome.ok and "client.yaml" in outcome.error and "line 2" in outcome.error
    assert outcome.out_dir == folder / "reports" / "2026-11-23"


def test_progress_and_table_text():
    good = JobOutcome("alpha", Path("/c/alpha"), True, 12.34, files={"report.html": Path("/r/report.html")})
    bad = JobOutcome("beta", Path("/c/beta"), False, 1.0, error="ZeroDivisionError: x", cell_index=7)
    line = format_progress(Progress(total=20, done=3, failed=1, running=2, last=bad))
    assert line.startswith("[ 3/20] FAILED beta") and "done 2, running 2, failed 1" in line
    table = format_table([good, bad]).splitlines()
    assert table[0].split() == ["client", "status", "time", "report", "/", "failure"]
    assert table[2].split() == ["alpha", "ok", "12.3", "s", "/r/report.html"]
    assert table[3].split()[:5] == ["beta", "FAILED", "1.0", "s", "cell"] and table[3].endswith(
        "7: ZeroDivisionError: x"
    )


def test_pool_keeps_going_after_failures_and_keeps_the_order(tmp_path):
    folders = [_broken(tmp_path / name) for name in ("c", "a", "b")]
    seen: list[Progress] = []
    outcomes = run_local(plan_jobs(folders, AS_OF), workers=2, on_done=seen.append)
    assert [o.slug for o in outcomes] == ["c", "a", "b"]
    assert all(not o.ok and "YAML syntax error" in o.error for o in outcomes)
    assert [p.done for p in seen] == [1, 2, 3] and seen[-1].failed == 3 and seen[-1].running == 0
    assert len({o.worker for o in outcomes}) >= 1 and all(o.worker_peak_mb > 0 for o in outcomes)


def test_cli_batch_exits_non_zero_with_a_table_and_a_portfolio(tmp_path):
    clients = tmp_path / "clients"
    _broken(clients / "one")
    _broken(clients / "two", "name: ООО Тест\nperiod: {start: 2026-13-01}\n")
    result = CliRunner().invoke(
        main, ["batch", "--all", str(clients), "--as-of", "2026-11-23", "--jobs", "1", "--locale", "en"]
    )
    assert result.exit_code == 1, result.output
    assert "one" in result.output and "two" in result.output and result.output.count("FAILED") >= 2
    assert "0 audited, 2 failed" in result.output
    page = clients / "portfolio" / "2026-11-23" / "portfolio.html"
    assert page.is_file() and (page.parent / "portfolio.csv").is_file()
    assert "Clients whose audit did not finish: 2" in page.read_text(encoding="utf-8")


def test_cli_batch_needs_a_client(tmp_path):
    result = CliRunner().invoke(main, ["batch"])
    assert result.exit_code == 2 and "at least one client" in result.output


def test_scheduler_without_distributed_names_the_extra(tmp_path, monkeypatch):
    import sys

    from workbench.app.batch import run_dask
    from workbench.errors import RunError

    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(RunError, match=r"\.\[cluster\]"):
        run_dask(plan_jobs([_broken(tmp_path / "a")], AS_OF), "local")


def test_the_slug_of_client_yaml_names_the_output_folder(tmp_path, repo):
    folder = tmp_path / "clients" / "folder-name"
    shutil.copytree(repo / "clients" / "demo", folder, ignore=shutil.ignore_patterns("reports"))
    with open(folder / "client.yaml", "a", encoding="utf-8") as fh:
        fh.write("\nslug: romashka\n")
    assert find_clients(tmp_path / "clients") == [folder]
    job = plan_jobs([folder], AS_OF, out=tmp_path / "out")[0]
    assert (job.slug, job.out) == ("romashka", tmp_path / "out" / "romashka")


def test_a_worker_keeps_one_chromium_for_its_clients_pdfs(tmp_path, monkeypatch):
    from workbench.app import batch

    started: list[str | None] = []
    monkeypatch.setattr(batch, "_printer", [])
    monkeypatch.setattr(
        "workbench.render.pdf.start_printer", lambda engine: started.append(engine) or object()
    )
    monkeypatch.setattr("workbench.render.chromium.find_chromium", lambda: "/usr/bin/chromium")
    monkeypatch.delenv("WORKBENCH_PDF_ENGINE", raising=False)
    pdf_job = BatchJob(tmp_path / "a", "a", None, AS_OF, ("html", "pdf"))
    first = batch._worker_printer(pdf_job)
    assert first is not None and batch._worker_printer(pdf_job) is first and started == [None]
    assert batch._worker_printer(BatchJob(tmp_path / "b", "b", None, AS_OF, ("html",))) is None
    weasyprint_job = BatchJob(tmp_path / "c", "c", None, AS_OF, ("pdf",), pdf_engine="weasyprint")
    assert batch._worker_printer(weasyprint_job) is None and started == [None]
