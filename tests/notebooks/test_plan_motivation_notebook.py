"""The plan-and-motivation notebook runs under papermill on the small client and shows its parts."""

from __future__ import annotations

import datetime as dt

import pytest
from notebook_run import run_notebook

from workbench.audit import build_audit

pytestmark = pytest.mark.slow


def test_plan_motivation_notebook_runs_with_parameters(repo, small_client, tmp_path):
    out = tmp_path / "plan_motivation.ipynb"
    nb, outputs = run_notebook(
        repo,
        "plan_motivation.ipynb",
        out,
        client_dir=str(small_client),
        as_of="2026-11-23",
        locale="en",
        author="QA",
    )
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    for text in ("Plan, funnel and pay", "The current pay scheme", "No scenarios saved."):
        assert text in html, text
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    sliders = [m for m in state.values() if m["model_name"] == "FloatSliderModel"]
    # the saving panel: lead flow, 7 steps, average deal, target, base salary, 3 tier rates, plan bonus;
    # then every input of the report's what-if
    inputs = build_audit(small_client, as_of=dt.date(2026, 11, 23)).whatif.inputs
    assert len(sliders) == 15 + len(inputs)
    described = {m["state"]["description"] for m in sliders}
    assert "Tier 2: starts at attainment, %" in described and "Plan bonus, ₽" in described
    assert not (small_client / "scenarios.yaml").exists()  # running the notebook saves nothing
