"""The intake notebook runs under papermill: the form and the scorecard are shown."""

from __future__ import annotations

import shutil

import pytest
from notebook_run import run_notebook

pytestmark = pytest.mark.slow


def test_intake_notebook_runs_with_parameters(repo, small_client, tmp_path):
    client = tmp_path / "client"
    shutil.copytree(small_client, client)
    shutil.copy(repo / "clients" / "demo" / "intake.yaml", client / "intake.yaml")
    before = (client / "intake.yaml").read_bytes()
    out = tmp_path / "intake.ipynb"
    nb, outputs = run_notebook(
        repo, "intake.ipynb", out, client_dir=str(client), as_of="2026-11-23", locale="en"
    )
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    tabs = [m for m in state.values() if m["model_name"] == "TabModel"]
    assert len(tabs) == 1 and len(tabs[0]["state"]["titles"]) == 11
    assert tabs[0]["state"]["titles"][7] == "8. Reputation (0/4)"
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "Questionnaire and layer scores" in html and "Maturity of the sales system" in html
    assert (client / "intake.yaml").read_bytes() == before  # showing the form writes nothing
