"""Every analysis of one audit, run on loaded data: the one result the findings, the report and
metrics.json are made from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from workbench.analysis.activity import ActivityResult, analyze_activity
from workbench.analysis.activity_quality import ActivityQuality, analyze_activity_quality
from workbench.analysis.capacity import Capacity, analyze_capacity
from workbench.analysis.current_month import MonthForecast, forecast_month
from workbench.analysis.customers.abc import AbcResult
from workbench.analysis.customers.base import CustomerBase, analyze_customer_base
from workbench.analysis.decomposition import Decomposition, decompose
from workbench.analysis.funnel.breakdown import CohortRow, LostReasons, cohorts_by_month, lost_reasons
from workbench.analysis.funnel.conversion import FunnelResult, analyze_frame
from workbench.analysis.funnel.dips import Dips, find_dips
from workbench.analysis.funnel.position import prepare
from workbench.analysis.funnel.time_by_group import TimeByGroup, analyze_time_by_group
from workbench.analysis.funnel.time_in_stage import TimeResult, analyze_time
from workbench.analysis.funnel.velocity import Velocity, analyze_velocity
from workbench.analysis.funnel.weekly import WeeklyFunnel, weekly_funnel
from workbench.analysis.intake import Contradiction, IntakeResult, data_checks, evidence_scores, score_intake
from workbench.analysis.motivation import MotivationResult, analyze_motivation
from workbench.analysis.plan import PlanResult, analyze_plan
from workbench.analysis.runrate import MissVisibility, miss_visibility
from workbench.analysis.summary import Summary, summarize
from workbench.config import ClientConfig
from workbench.intake.answers import parse_intake
from workbench.io.load import INTAKE_FILE, ClientData


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
    motivation: MotivationResult | None = None  # the pay schemes on the managers' results
    decomposition: Decomposition | None = None  # the month's target through the funnel
    capacity: Capacity | None = None  # the regular actions the plan needs against the activity data
    forecast: MissVisibility | None = None  # how early the run-rate showed each missed monthly plan
    current_month: MonthForecast | None = None  # the run-rate forecast of the month of the as-of date
    intake: IntakeResult | None = None  # the 11-layer scorecard (answers and data)
    contradictions: list[Contradiction] = field(default_factory=list)  # answers the data contradicts
    dips: Dips | None = None  # months in which a step converted clearly worse than in its other months
    time_by_group: TimeByGroup | None = None  # time in stage per manager and per source
    activity_quality: ActivityQuality | None = None  # action volume against conversion at the fed step

    @property
    def config(self) -> ClientConfig:
        return self.data.config


# ``beside(work)`` runs ``work`` in a second process (or here) and returns a call that gives its result.
Beside = Callable[[Callable[[], Any]], Callable[[], Any]]


@dataclass(frozen=True)
class _Apart:
    """The analyses that need neither the funnel nor each other's results beyond the plan's."""

    customers: CustomerBase | None
    plan: PlanResult
    activity: ActivityResult | None
    motivation: MotivationResult | None
    forecast: MissVisibility | None
    current_month: MonthForecast | None


def _apart(data: ClientData, as_of: dt.date) -> _Apart:
    config = data.config
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
    plan = analyze_plan(data.deals, data.get("plans"), config.plan, config.period)
    return _Apart(
        customers=customers,
        plan=plan,
        activity=analyze_activity(data.get("activities"), config.activity, config.period),
        motivation=analyze_motivation(data.deals, plan, config.motivation, config.period, transactions),
        forecast=miss_visibility(data.deals, plan, config.period, config.plan.calendar),
        current_month=forecast_month(
            data.deals,
            data.get("plans"),
            as_of,
            config.period,
            config.plan.calendar,
            config.plan.attainment_warning,
            data.get("stage_events"),
        ),
    )


def analyze(data: ClientData, as_of: dt.date | None = None, beside: Beside | None = None) -> AuditResult:
    """Run every analysis on loaded data. ``beside``, when given, runs the analyses that do not need the
    funnel in a second process while this one analyses the funnel (the result is the same either way)."""
    config = data.config
    as_of = as_of or dt.date.today()
    apart_result = beside(lambda: _apart(data, as_of)) if beside is not None else None
    frame = prepare(data.deals, data.get("stage_events"), config.funnel, config.period)
    funnel = analyze_frame(frame, config.funnel, total_deals=len(data.deals))
    velocity = analyze_velocity(frame, funnel, config.funnel.min_deals_for_flag)
    weekly = weekly_funnel(frame)
    reasons = lost_reasons(frame)
    # the stage history's time per manager and source (the heaviest of the funnel's analyses) here: the
    # two processes then take about as long
    time_by_group = analyze_time_by_group(frame)
    apart = apart_result() if apart_result is not None else _apart(data, as_of)
    activity, plan, customers = apart.activity, apart.plan, apart.customers
    transactions = data.get("transactions")
    abc = customers.abc if customers else None
    answers = parse_intake(data.intake, str(data.client_dir / INTAKE_FILE))
    intake, contradictions = score_intake(
        answers,
        data_checks(plan, activity, funnel, reasons, abc, config.motivation),
        evidence_scores(plan, activity, funnel, reasons, abc, config.motivation),
        as_of,
        config.locale,
    )
    decomposition = decompose(
        funnel, plan, data.deals, config.period, config.plan.target, config.plan.calendar
    )
    return AuditResult(
        data=data,
        funnel=funnel,
        abc=abc,
        plan=plan,
        activity=activity,
        as_of=as_of,
        funnel_time=analyze_time(frame),
        weekly=weekly,
        cohorts=cohorts_by_month(frame),
        reasons=reasons,
        velocity=velocity,
        summary=summarize(data.deals, transactions, config.period, funnel, velocity),
        customers=customers,
        motivation=apart.motivation,
        decomposition=decomposition,
        capacity=analyze_capacity(
            activity,
            funnel,
            decomposition,
            config.activity.stage_actions,
            config.activity.capacity_tolerance,
        ),
        forecast=apart.forecast,
        current_month=apart.current_month,
        intake=intake,
        contradictions=contradictions,
        dips=find_dips(weekly, [s.conversion for s in funnel.stages[:-1]], funnel.avg_check),
        time_by_group=time_by_group,
        activity_quality=analyze_activity_quality(activity, funnel, config.activity.feeds),
    )
