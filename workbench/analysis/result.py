"""Every analysis of one audit, run on loaded data: the one result the findings, the report and
metrics.json are made from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from workbench.analysis.activity import ActivityResult, analyze_activity
from workbench.analysis.activity_quality import ActivityQuality, analyze_activity_quality
from workbench.analysis.customers.abc import AbcResult
from workbench.analysis.customers.base import CustomerBase, analyze_customer_base
from workbench.analysis.funnel.breakdown import CohortRow, LostReasons, cohorts_by_month, lost_reasons
from workbench.analysis.funnel.conversion import FunnelResult, analyze_frame
from workbench.analysis.funnel.dips import Dips, find_dips
from workbench.analysis.funnel.position import prepare
from workbench.analysis.funnel.time_by_group import TimeByGroup, analyze_time_by_group
from workbench.analysis.funnel.time_in_stage import TimeResult, analyze_time
from workbench.analysis.funnel.velocity import Velocity, analyze_velocity
from workbench.analysis.funnel.weekly import WeeklyFunnel, weekly_funnel
from workbench.analysis.plan import PlanResult, analyze_plan
from workbench.analysis.summary import Summary, summarize
from workbench.config import ClientConfig
from workbench.io.load import ClientData


@dataclass
class AuditResult:
    """Everything one audit computed from the data (the findings are derived from it)."""

    data: ClientData
    funnel: FunnelResult
    abc: AbcResult | None
    plan: PlanResult
    activity: ActivityResult
    as_of: dt.date
    funnel_time: TimeResult
    weekly: WeeklyFunnel
    cohorts: list[CohortRow]
    reasons: LostReasons
    velocity: Velocity
    summary: Summary
    customers: CustomerBase | None = None  # the whole customer-base analysis; ``abc`` is its customer ABC
    dips: Dips | None = None  # months in which a step converted clearly worse than in its other months
    time_by_group: TimeByGroup | None = None  # time in stage per manager and per source
    activity_quality: ActivityQuality | None = None  # action volume against conversion at the fed step

    @property
    def config(self) -> ClientConfig:
        return self.data.config


def analyze(data: ClientData, as_of: dt.date | None = None) -> AuditResult:
    """Run every analysis on loaded data."""
    config = data.config
    frame = prepare(data.deals, data.get("stage_events"), config.funnel, config.period)
    funnel = analyze_frame(frame, config.funnel, total_deals=len(data.deals))
    velocity = analyze_velocity(frame, funnel, config.funnel.min_deals_for_flag)
    weekly = weekly_funnel(frame)
    activity = analyze_activity(data.get("activities"), config.activity, config.period)
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
    return AuditResult(
        data=data,
        funnel=funnel,
        abc=customers.abc if customers else None,
        plan=analyze_plan(data.deals, data.get("plans"), config.plan, config.period),
        activity=activity,
        as_of=as_of or dt.date.today(),
        funnel_time=analyze_time(frame),
        weekly=weekly,
        cohorts=cohorts_by_month(frame),
        reasons=lost_reasons(frame),
        velocity=velocity,
        summary=summarize(data.deals, transactions, config.period, funnel, velocity),
        customers=customers,
        dips=find_dips(weekly, [s.conversion for s in funnel.stages[:-1]], funnel.avg_check),
        time_by_group=analyze_time_by_group(frame),
        activity_quality=analyze_activity_quality(activity, funnel, config.activity.feeds),
    )
