"""The funnel deep-dive notebook runs under papermill on the small client and shows its parts."""

from __future__ import annotations

import json

import pytest
from notebook_run import run_notebook

pytestmark = pytest.mark.slow


def test_funnel_notebook_runs_with_parameters(repo, small_client, tmp_path):
    out = tmp_path / "funnel.ipynb"
    nb, outputs = run_notebook(
        repo, "funnel.ipynb", out, client_dir=str(small_client), as_of="2026-11-23", locale="en"
    )
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    for text in (
        "Sales funnel",
        "Funnel — deep dive",
        "Managers at each step",
        "Time in stage",
        "Weekly statistics",
    ):
        assert text in html, text
    widgets = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert widgets, "the what-if sliders are displayed"
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    sliders = [m for m in state.values() if m["model_name"] == "FloatSliderModel"]
    # Lead flow, every step of the small client's funnel (7) and the average deal.
    assert len(sliders) == 9
    assert "New deals a month" in json.dumps(state)
