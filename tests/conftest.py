"""Shared fixtures: a small generated client, the public datasets, the repository's paths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run, so that a CI run is reproducible; explore more with
# HYPOTHESIS_PROFILE=explore (random examples, more of them).
settings.register_profile("deterministic", derandomize=True, print_blob=True)
settings.register_profile("explore", max_examples=1000, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))

REPO = Path(__file__).resolve().parents[1]
DATASETS = REPO.parent / "shared" / "datasets"


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def small_client(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo client (about 700 deals) generated once per test session; treat it as read-only."""
    from workbench.demo.generate import SMALL, generate_demo

    return generate_demo(tmp_path_factory.mktemp("clients") / "small", size=SMALL, name="ООО «Малый тест»")


@pytest.fixture(scope="session")
def weekly_client(small_client: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small client with weekly personal plans instead of monthly ones (tests/weekly_plans.py); treat it
    as read-only."""
    from weekly_plans import with_weekly_plans

    return with_weekly_plans(small_client, tmp_path_factory.mktemp("clients") / "weekly")


@pytest.fixture(scope="session")
def demo_audit():
    """The audit of the committed demo client (clients/demo) as of 2026-11-23, built once per session;
    treat it as read-only."""
    import datetime as dt

    from workbench.audit import build_audit

    return build_audit(REPO / "clients" / "demo", as_of=dt.date(2026, 11, 23))


@pytest.fixture(scope="session")
def datasets() -> Path:
    """``../shared/datasets``; tests skip without it unless WORKBENCH_REQUIRE_DATASETS=1 (CI)."""
    if not DATASETS.is_dir():
        if os.environ.get("WORKBENCH_REQUIRE_DATASETS") == "1":
            pytest.fail(f"public datasets required but not found at {DATASETS}")
        pytest.skip(f"public datasets not found at {DATASETS} (a user's own clone); real-data tests skipped")
    return DATASETS


@pytest.fixture(scope="session")
def chromium() -> str:
    """The Chromium to test with (browser tests, the Chromium PDF engine); without one the test skips, or
    fails if WORKBENCH_REQUIRE_BROWSER=1 (CI)."""
    from workbench.render.chromium import INSTALL_HINT, find_chromium

    found = find_chromium()
    if found is None:
        message = f"no Chromium found: {INSTALL_HINT}, then run `.venv/bin/python -m pytest -m browser`"
        if os.environ.get("WORKBENCH_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests required (WORKBENCH_REQUIRE_BROWSER=1) but {message}")
        pytest.skip(f"{message}; browser tests skipped")
    return found
