"""The audit of one client: load the data, run every analysis, derive the findings and the layers' state.

``build_audit`` is what the notebook, the CLI and the tests call; its result is plain data from which
both the report and metrics.json are made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from pathlib import Path

from workbench.analysis.result import AuditResult, analyze
from workbench.analysis.scenario import ScenarioResult, compare_scenarios
from workbench.findings import Finding, derive_findings
from workbench.findings.layers import LayerStatus, layer_statuses
from workbench.io.load import ClientData, Progress, load_client

FUNNEL_DATA_CODES = frozenset({"data_no_history", "data_lost_stage_unknown"})


@dataclass
class Audit(AuditResult):
    """The analyses with the findings derived from them and the state of the 11 layers."""

    findings: list[Finding] = field(default_factory=list)
    layers: list[LayerStatus] = field(default_factory=list)
    scenarios: list[ScenarioResult] = field(default_factory=list)  # today and the saved what-if scenarios


def conclude(result: AuditResult) -> Audit:
    """Derive the findings and the layers' state from the analyses."""
    findings = derive_findings(result)
    if not result.data.has_deals:  # sales lines only: nothing can be said about a funnel not exported
        findings = [f for f in findings if f.section != "funnel" and f.code not in FUNNEL_DATA_CODES]
    parts = {f.name: getattr(result, f.name) for f in fields(result)}
    return Audit(**parts, findings=findings, layers=layer_statuses(result, findings))


def run_analyses(data: ClientData, as_of: dt.date | None = None) -> Audit:
    """Run every analysis on loaded data and derive the findings."""
    return conclude(analyze(data, as_of))


def build_audit(
    client_dir: Path | str,
    as_of: dt.date | None = None,
    progress: Progress | None = None,
    anonymize: bool = False,
    locale: str | None = None,
) -> Audit:
    """Load ``client_dir`` and audit it; with ``anonymize``, names become pseudonyms in ``locale``
    (default: the client's) before any analysis, so that no output carries a real name."""
    data = load_client(client_dir, progress)
    if anonymize:
        from workbench.io.privacy import anonymize_client

        data = anonymize_client(data, locale or data.config.locale)
    audit = run_analyses(data, as_of)
    audit.scenarios = saved_scenarios(audit, Path(client_dir))
    return audit


def saved_scenarios(audit: Audit, client_dir: Path) -> list[ScenarioResult]:
    """Today and the scenarios saved in ``client_dir/scenarios.yaml``, on the current scheme (empty
    without saved scenarios, a scheme or a target)."""
    from workbench.io.scenarios import read_scenarios

    saved = read_scenarios(client_dir)
    if not saved:
        return []
    d, m = audit.decomposition, audit.motivation
    managers = len(m.current.managers) if m is not None and m.current is not None else 1
    target = d.target if d is not None else None
    return compare_scenarios(saved, audit.funnel, target, audit.config.motivation, max(1, managers))
