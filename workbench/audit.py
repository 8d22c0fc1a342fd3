"""The audit of one client: load the data, run every analysis, derive the findings.

``build_audit`` is what the notebook, the CLI and the tests call; its result is plain data from which
both the report and metrics.json are made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from workbench.analysis.abc import AbcResult
from workbench.analysis.activity import ActivityResult, analyze_activity
from workbench.analysis.customers import CustomerBase, analyze_customer_base
from workbench.analysis.funnel import FunnelResult, analyze_frame
from workbench.analysis.funnel_breakdown import CohortRow, LostReasons, cohorts_by_month, lost_reasons
from workbench.analysis.funnel_time import TimeResult, analyze_time
from workbench.analysis.funnel_weekly import WeeklyFunnel, weekly_funnel
from workbench.analysis.plan import PlanResult, analyze_plan
from workbench.analysis.position import prepare
from workbench.analysis.velocity import Velocity, analyze_velocity
from workbench.config import ClientConfig
from workbench.findings import Finding, derive_findings
from workbench.io.load import ClientData, Progress, load_client

FUNNEL_DATA_CODES = frozenset({"data_no_history", "data_lost_stage_unknown"})


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
    funnel_time: TimeResult
    weekly: WeeklyFunnel
    cohorts: list[CohortRow]
    reasons: LostReasons
    velocity: Velocity
    customers: CustomerBase | None = None  # the whole customer-base analysis; ``abc`` is its customer ABC

    @property
    def config(self) -> ClientConfig:
        return self.data.config


def run_analyses(data: ClientData, as_of: dt.date | None = None) -> AuditResult:
    """Run every analysis on loaded data."""
    config = data.config
    frame = prepare(data.deals, data.get("stage_events"), config.funnel, config.period)
    funnel = analyze_frame(frame, config.funnel, total_deals=len(data.deals))
    funnel_time = analyze_time(frame)
    weekly = weekly_funnel(frame)
    velocity = analyze_velocity(frame, funnel, config.funnel.min_deals_for_flag)
    transactions = data.get("transactions")
    customers = None
    if transactions is not None:
        customers = analyze_customer_base(
            transactions,
            config.abc,
            config.period,
            customers=data.get("customers"),
            deals=data.deals,
            activities=data.get("activities"),
            motivation=config.motivation,
        )
    abc = customers.abc if customers else None
    plan = analyze_plan(data.deals, data.get("plans"), config.plan, config.period)
    activity = analyze_activity(data.get("activities"), config.activity, config.period)
    findings = derive_findings(
        data, funnel, abc, plan, activity, funnel_time=funnel_time, weekly=weekly, customers=customers
    )
    if not data.has_deals:  # sales lines only: nothing can be said about a funnel that was not exported
        findings = [f for f in findings if f.section != "funnel" and f.code not in FUNNEL_DATA_CODES]
    return AuditResult(
        data,
        funnel,
        abc,
        plan,
        activity,
        findings,
        as_of or dt.date.today(),
        funnel_time,
        weekly,
        cohorts_by_month(frame),
        lost_reasons(frame),
        velocity,
        customers,
    )


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
