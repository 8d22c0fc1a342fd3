"""The audit of one client: load the data, run every analysis, derive the findings and the layers' state.

``build_audit`` is what the notebook, the CLI and the tests call; its result is plain data from which
both the report and metrics.json are made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from pathlib import Path

from workbench.analysis.progress import Progress, Snapshot, compare, snapshot_from_metrics
from workbench.analysis.result import AuditResult, Beside, analyze
from workbench.analysis.scenario import ScenarioResult, compare_scenarios
from workbench.analysis.whatif_model import Preset, WhatIfModel, build_model, presets
from workbench.findings import Finding, derive_findings
from workbench.findings.layers import LayerStatus, layer_statuses
from workbench.io.load import ClientData, load_client
from workbench.io.load import Progress as LoadProgress
from workbench.io.previous_run import read_metrics
from workbench.serialize import json_omit

FUNNEL_DATA_CODES = frozenset({"data_no_history", "data_lost_stage_unknown"})


@dataclass
class Audit(AuditResult):
    """The analyses with the findings derived from them and the state of the 11 layers."""

    findings: list[Finding] = field(default_factory=list)
    layers: list[LayerStatus] = field(default_factory=list)
    scenarios: list[ScenarioResult] = field(default_factory=list)  # today and the saved what-if scenarios
    progress: Progress | None = None  # the comparison with an earlier run (a re-audit)
    # the report's what-if (its sliders and formulas) and its presets: today and the saved scenarios that fit;
    # metrics.json says what the section holds (render.metrics), not the model's objects
    whatif: WhatIfModel | None = field(default=None, metadata=json_omit("laid out as metrics 'whatif'"))
    whatif_presets: list[Preset] = field(
        default_factory=list, metadata=json_omit("their names are in metrics 'whatif.presets'")
    )


def conclude(result: AuditResult, previous: tuple[Snapshot, str] | None = None) -> Audit:
    """Derive the findings and the layers' state from the analyses; with ``previous`` (an earlier run's
    snapshot and its file), compare this audit with it."""
    findings = derive_findings(result)
    if not result.data.has_deals:  # sales lines only: nothing can be said about a funnel not exported
        findings = [f for f in findings if f.section != "funnel" and f.code not in FUNNEL_DATA_CODES]
    parts = {f.name: getattr(result, f.name) for f in fields(result)}
    audit = Audit(**parts, findings=findings, layers=layer_statuses(result, findings))
    if previous is not None:
        before, source = previous
        audit.progress = compare(before, snapshot(audit), source, audit.as_of)
    return audit


def snapshot(audit: Audit) -> Snapshot:
    """This audit's key figures, layer scores and findings, as a later re-audit will read them."""
    abc, intake = audit.abc, audit.intake
    figures = {
        "revenue_per_month": audit.summary.revenue_won.per_month,
        "win_rate": audit.funnel.win_rate,
        "avg_check": audit.funnel.avg_check,
        "cycle_days": audit.funnel.cycle_days_median,
        "plan_attainment": audit.plan.attainment if audit.plan.available else None,
        "top1_share": abc.concentration.top1_share if abc is not None else None,
        "intake_overall": intake.overall if intake is not None else None,
    }
    layers = {x.layer: x.score for x in intake.layers} if intake is not None else {}
    findings = {f.id: ("", f.severity) for f in audit.findings}
    return Snapshot(audit.as_of, figures, layers, findings)


def previous_run(path: Path | str) -> tuple[Snapshot, str]:
    """An earlier run's snapshot read from its metrics.json (refused clearly when unreadable)."""
    return snapshot_from_metrics(read_metrics(Path(path)), str(path)), str(path)


def run_analyses(
    data: ClientData,
    as_of: dt.date | None = None,
    previous: tuple[Snapshot, str] | None = None,
    beside: Beside | None = None,
) -> Audit:
    """Run every analysis on loaded data and derive the findings (``beside``: see :func:`analyze`)."""
    return conclude(analyze(data, as_of, beside), previous)


def build_audit(
    client_dir: Path | str,
    as_of: dt.date | None = None,
    progress: LoadProgress | None = None,
    anonymize: bool = False,
    locale: str | None = None,
    compare: Path | str | None = None,
    data: ClientData | None = None,
    beside: Beside | None = None,
) -> Audit:
    """Load ``client_dir`` and audit it; with ``anonymize``, names become pseudonyms in ``locale``
    (default: the client's) before any analysis, so that no output carries a real name. With ``compare``
    (an earlier run's metrics.json) the audit carries its progress since that run. ``data``: the folder's
    data already loaded (by ``load_client``), to be audited instead of loading it again. ``beside``: a
    second process for half of the analyses (see :func:`~workbench.analysis.result.analyze`)."""
    previous = previous_run(compare) if compare else None  # a wrong file fails before the long part
    if data is None:
        data = load_client(client_dir, progress)
    if anonymize:
        from workbench.io.privacy import anonymize_client

        data = anonymize_client(data, locale or data.config.locale)
    audit = run_analyses(data, as_of, previous, beside)
    from workbench.io.scenarios import read_scenarios

    saved = read_scenarios(Path(client_dir))
    audit.scenarios = saved_scenarios(audit, saved)
    audit.whatif = whatif_model(audit)
    if audit.whatif is not None:
        audit.whatif_presets = presets(audit.whatif, saved)
    return audit


def scenario_managers(audit: AuditResult) -> int:
    """The number of managers a scenario splits the department's revenue and target between: those paid
    by the scheme, else those the plan is decomposed over, else one."""
    m, d = audit.motivation, audit.decomposition
    if m is not None and m.current is not None and m.current.managers:
        return len(m.current.managers)
    return max(1, len(d.managers) if d is not None else 1)


def _target(audit: AuditResult) -> float | None:
    return audit.decomposition.target if audit.decomposition is not None else None


def saved_scenarios(audit: Audit, saved: list) -> list[ScenarioResult]:
    """Today and the ``saved`` scenarios (of ``scenarios.yaml``) on the current scheme (empty without
    saved scenarios, a scheme or a target)."""
    if not saved:
        return []
    target = _target(audit)
    return compare_scenarios(saved, audit.funnel, target, audit.config.motivation, scenario_managers(audit))


def whatif_model(audit: Audit) -> WhatIfModel | None:
    """The report's what-if over today's funnel, the month's target and the pay schemes (None without a
    funnel)."""
    if not audit.data.has_deals:
        return None
    scheme = audit.config.motivation
    margin = audit.motivation.margin_rate if audit.motivation is not None else None
    actual = audit.summary.revenue_won.per_month if audit.summary is not None else None
    return build_model(
        audit.funnel,
        _target(audit),
        scheme,
        list(scheme.proposed) if scheme is not None else [],
        scenario_managers(audit),
        margin,
        actual,
    )
