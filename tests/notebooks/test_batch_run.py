"""`workbench batch` with real kernels: the same metrics.json as serial runs, locally and on Dask."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from workbench.app.batch import plan_jobs, run_batch
from workbench.app.run import run_audit
from workbench.render.metrics import validate_metrics

pytestmark = pytest.mark.slow

AS_OF = dt.date(2026, 11, 23)


def _comparable(path: Path) -> dict:
    """A metrics.json document without what differs between any two runs: the time and the paths (the
    slug is the client folder's name)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    document["client"].pop("slug")
    document["run"].pop("generated_at")
    for key in ("client_dir", "output_dir"):
        document["run"]["parameters"].pop(key)
    return document


@pytest.fixture(scope="module")
def clients(small_client, tmp_path_factory) -> tuple[Path, Path, Path]:
    """Two copies of the small client and a client whose audit fails in the notebook."""
    root = tmp_path_factory.mktemp("batch")
    first, second = root / "first", root / "second"
    shutil.copytree(small_client, first)
    shutil.copytree(small_client, second)
    failing = root / "failing"
    shutil.copytree(small_client, failing)
    (failing / "data" / "deals.csv").write_text("id;something\n1;2\n", encoding="utf-8")
    return first, second, failing


@pytest.fixture(scope="module")
def serial(clients, tmp_path_factory) -> Path:
    """The first client audited alone, as `workbench audit` does."""
    out = tmp_path_factory.mktemp("serial") / "first"
    run_audit(clients[0], out=out, formats=("html",), as_of=AS_OF)
    return out / "metrics.json"


def test_local_batch_matches_serial_runs_and_survives_a_failure(clients, serial, tmp_path):
    jobs = plan_jobs(clients, AS_OF, out=tmp_path, formats=("html",))
    result = run_batch(jobs, tmp_path, workers=2)
    first, second, failing = result.outcomes
    assert first.ok and second.ok and not failing.ok
    # Data that `check` refuses stops before the notebook: no cell, no failed notebook, no report folder.
    assert failing.cell_index is None and "deals.csv" in failing.error, failing.error
    assert failing.failed_notebook is None
    assert not (tmp_path / "failing" / "report.html").exists()
    for outcome in (first, second):
        validate_metrics(json.loads(outcome.metrics.read_text(encoding="utf-8")))
        assert _comparable(outcome.metrics) == _comparable(serial)
        assert outcome.report == tmp_path / outcome.slug / "report.html"
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "staging folders left"
    page = (tmp_path / "portfolio.html").read_text(encoding="utf-8")
    assert 'href="first/report.html"' in page and 'href="second/report.html"' in page
    assert "failing" in page


def test_dask_local_cluster_of_two_workers(clients, serial, tmp_path):
    pytest.importorskip("distributed", reason='Dask distributed not installed (pip install ".[cluster]")')
    jobs = plan_jobs(clients[:2], AS_OF, out=tmp_path, formats=("html",))
    result = run_batch(jobs, tmp_path, workers=2, scheduler="local")
    assert [o.ok for o in result.outcomes] == [True, True], [o.error for o in result.outcomes]
    for outcome in result.outcomes:
        assert _comparable(outcome.metrics) == _comparable(serial)
    assert (tmp_path / "portfolio.csv").is_file()
