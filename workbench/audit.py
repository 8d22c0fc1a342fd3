"""The audit of one client: load the data, run every analysis, derive the findings.

``build_audit`` is what the notebook, the CLI and the tests call; its result is plain data from which
both the report and metrics.json are made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from workbench.analysis.abc import AbcResult, analyze_customers
from workbench.analysis.activity import ActivityResult, analyze_activity
from workbench.analysis.funnel import FunnelResult, analyze_funnel
from workbench.analysis.plan import PlanResult, analyze_plan
from workbench.config import ClientConfig
from workbench.findings import Finding, derive_findings
from workbench.io.load import ClientData, Progress, load_client


@dataclass
class AuditResult:
    """Everything one audit computed."""

    data: ClientData
    funnel: FunnelResult
    abc: AbcResult | None
    plan: PlanResult
    activity: ActivityResult
    findings: list[Finding]
    as_of: dt.date

    @property
    def config(self) -> ClientConfig:
        return self.data.config


def run_analyses(data: ClientData, as_of: dt.date | None = None) -> AuditResult:
    """Run every analysis on loaded data."""
    config = data.config
    funnel = analyze_funnel(data.deals, data.get("stage_events"), config.funnel, config.period)
    transactions = data.get("transactions")
    abc = analyze_customers(transactions, config.abc, config.period) if transactions is not None else None
    plan = analyze_plan(data.deals, data.get("plans"), config.plan, config.period)
    activity = analyze_activity(data.get("activities"), config.activity, config.period)
    findings = derive_findings(data, funnel, abc, plan, activity)
    return AuditResult(data, funnel, abc, plan, activity, findings, as_of or dt.date.today())


def build_audit(
    client_dir: Path | str,
    as_of: dt.date | None = None,
    progress: Progress | None = None,
    anonymize: bool = False,
    locale: str | None = None,
) -> AuditResult:
    """Load ``client_dir`` and audit it; with ``anonymize``, names become pseudonyms in ``locale``
    (default: the client's) before any analysis, so that no output carries a real name."""
    data = load_client(client_dir, progress)
    if anonymize:
        from workbench.privacy import anonymize_client

        data = anonymize_client(data, locale or data.config.locale)
    return run_analyses(data, as_of)
