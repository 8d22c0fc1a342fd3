"""Findings: what the audit found, with its layer, severity, money impact and the evidence behind it.

A finding holds a message ``code`` and raw ``params``; the presentation layer turns them into localised
title, evidence and recommendation. Findings are ranked by money a month (largest first), then by
severity: a finding without a money estimate is not less important, it just cannot be priced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from workbench.analysis.abc import AbcResult
from workbench.analysis.activity import ActivityResult, department_cv
from workbench.analysis.customers import CustomerBase
from workbench.analysis.funnel import FunnelResult
from workbench.analysis.funnel_time import TimeResult
from workbench.analysis.funnel_weekly import WeeklyFunnel
from workbench.analysis.plan import PlanResult
from workbench.io.load import ClientData

SEVERITIES = ("critical", "high", "medium", "low")
LAYERS = tuple(range(1, 12))

# Thresholds, each stated in the report's methodology.
CRITICAL_SHARE_OF_REVENUE = 0.10  # a gain of 10% of monthly revenue or more is critical
HIGH_SHARE_OF_REVENUE = 0.03
TOP1_DEPENDENCE = 0.20  # one customer bringing 20% or more of revenue is a dependency risk
TOP3_DEPENDENCE = 0.50
PLAN_ATTAINMENT_LOW = 0.90
MANAGER_ATTAINMENT_LOW = 0.80
QUARANTINE_SHARE_WARNING = 0.02
SOURCE_VOLUME_SHARE = 0.10  # a source bringing 10% of deals or more is a channel that matters
STALLED_SHARE_WARNING = 0.10  # stalled deals holding 10% of the open pipeline's money or more
D_DEALS_HIGH = 0.20  # a fifth of the deals or more going to class D customers is a high-severity finding
NAMES_IN_TEXT = 3


@dataclass(frozen=True)
class Finding:
    """One finding of the audit."""

    id: str
    code: str
    layer: int | None  # 1..11; None for findings about the data itself
    severity: str
    impact_per_month: float | None
    section: str
    horizon: int  # days: 30, 60 or 90, for the action plan
    params: dict[str, Any] = field(default_factory=dict)


def _slug(text: str) -> str:
    return re.sub(r"[^0-9a-zа-яё]+", "-", str(text).casefold()).strip("-")[:40] or "x"


def _money_severity(impact: float | None, monthly_revenue: float) -> str:
    if impact is None or monthly_revenue <= 0:
        return "medium"
    share = impact / monthly_revenue
    if share >= CRITICAL_SHARE_OF_REVENUE:
        return "critical"
    if share >= HIGH_SHARE_OF_REVENUE:
        return "high"
    return "medium"


def rank(findings: list[Finding]) -> list[Finding]:
    """Money first (largest first), then findings without a price by severity."""
    return sorted(
        findings,
        key=lambda f: (
            f.impact_per_month is None,
            -(f.impact_per_month or 0.0),
            SEVERITIES.index(f.severity),
            f.id,
        ),
    )


def derive_findings(
    data: ClientData,
    funnel: FunnelResult,
    abc: AbcResult | None,
    plan: PlanResult,
    activity: ActivityResult,
    funnel_time: TimeResult | None = None,
    weekly: WeeklyFunnel | None = None,
    customers: CustomerBase | None = None,
) -> list[Finding]:
    """Every finding the analyses support, ranked."""
    monthly_revenue = funnel.revenue / funnel.months if funnel.months else 0.0
    if plan.fact_total and funnel.months:
        monthly_revenue = max(monthly_revenue, plan.fact_total / funnel.months)
    out: list[Finding] = []
    out += _funnel_findings(funnel, monthly_revenue)
    out += _source_findings(funnel, monthly_revenue)
    if funnel_time is not None:
        out += _stalled_findings(funnel_time)
    if weekly is not None:
        out += _trend_findings(weekly)
    if abc is not None:
        out += _customer_findings(abc)
    if customers is not None:
        out += _customer_base_findings(customers, monthly_revenue)
    out += _plan_findings(plan, funnel.months)
    out += _activity_findings(activity)
    out += _data_findings(data, funnel)
    return rank(out)


def _funnel_findings(funnel: FunnelResult, monthly_revenue: float) -> list[Finding]:
    out = []
    neck = funnel.bottleneck
    if neck is not None and neck.impact_equal_effort > 0:
        next_stage = funnel.stages[neck.index + 1].stage
        worst_rate = min(s.conversion for s in funnel.impacts)
        out.append(
            Finding(
                id="funnel-bottleneck",
                code="funnel_bottleneck",
                layer=6,
                severity=_money_severity(neck.impact_equal_effort, monthly_revenue),
                impact_per_month=neck.impact_equal_effort,
                section="funnel",
                horizon=30,
                params={
                    "stage": neck.stage,
                    "next_stage": next_stage,
                    "rate": neck.conversion,
                    "loss": 1 - neck.conversion,
                    "share": funnel.equal_effort_share,
                    "best": neck.best_practice,
                    "impact_best": neck.impact_best_practice,
                    "is_lowest": neck.conversion <= worst_rate + 1e-12,
                },
            )
        )
    for m in funnel.manager_stages:
        if m.flag != "low":
            continue
        next_stage = funnel.stages[m.index + 1].stage
        out.append(
            Finding(
                id=f"funnel-manager-{_slug(m.manager)}-{m.index}",
                code="funnel_manager_low",
                layer=6,
                severity=_money_severity(m.impact_per_month, monthly_revenue),
                impact_per_month=m.impact_per_month,
                section="funnel",
                horizon=30,
                params={
                    "manager": m.manager,
                    "stage": m.stage,
                    "next_stage": next_stage,
                    "rate": m.conversion,
                    "department_rate": m.department_rate,
                    "low": m.ci_low,
                    "high": m.ci_high,
                    "deals": m.left,
                },
            )
        )
    return out


def _source_findings(funnel: FunnelResult, monthly_revenue: float) -> list[Finding]:
    """Channels that bring a real share of the deals but convert clearly worse than the department."""
    out = []
    for source in funnel.sources:
        if source.flag != "low" or source.share_of_deals < SOURCE_VOLUME_SHARE or funnel.win_rate is None:
            continue
        closed_per_month = (source.won + source.lost) / funnel.months
        impact = None
        if funnel.avg_check and source.win_rate is not None:
            impact = closed_per_month * (funnel.win_rate - source.win_rate) * funnel.avg_check
        out.append(
            Finding(
                id=f"funnel-source-{_slug(source.name)}",
                code="funnel_source_no_sales",
                layer=6,
                severity=_money_severity(impact, monthly_revenue),
                impact_per_month=impact,
                section="funnel",
                horizon=30,
                params={
                    "source": source.name,
                    "share": source.share_of_deals,
                    "deals": source.deals,
                    "rate": source.win_rate,
                    "department_rate": funnel.win_rate,
                    "won": source.won,
                },
            )
        )
    return out


def _stalled_findings(time: TimeResult) -> list[Finding]:
    if not time.stalled_count:
        return []
    # Unknown amounts are no zeros: the share is over the known money and is left out when none is known.
    known = time.stalled_count - time.stalled_no_amount
    share = time.stalled_amount / time.open_amount if time.open_amount and known else None
    return [
        Finding(
            id="funnel-stalled",
            code="funnel_stalled",
            layer=4,
            severity="high" if share is not None and share >= STALLED_SHARE_WARNING else "medium",
            impact_per_month=None,
            section="funnel",
            horizon=30,
            params={
                "count": time.stalled_count,
                "open": time.open_count,
                "amount": time.stalled_amount if known else None,
                "amount_unknown": time.stalled_no_amount,
                "share": share,
                "has_share": share is not None,
                "open_unknown": time.open_no_amount,
            },
        )
    ]


def _trend_findings(weekly: WeeklyFunnel) -> list[Finding]:
    out = []
    for step in weekly.steps:
        if step.change != "down":
            continue
        out.append(
            Finding(
                id=f"funnel-trend-{step.index}",
                code="funnel_step_declining",
                layer=4,
                severity="medium",
                impact_per_month=None,
                section="funnel",
                horizon=30,
                params={
                    "stage": step.stage,
                    "recent": step.recent_rate,
                    "previous": step.previous_rate,
                    "weeks": weekly.compare_weeks,
                    "p": step.change_p,
                },
            )
        )
    return out


def _customer_findings(abc: AbcResult) -> list[Finding]:
    out = []
    c = abc.concentration
    if c.customers and (c.top1_share >= TOP1_DEPENDENCE or c.top3_share >= TOP3_DEPENDENCE):
        monthly = c.total / abc.months if abc.months else 0.0
        out.append(
            Finding(
                id="customers-dependence",
                code="customers_dependence",
                layer=9,
                severity="critical" if c.top1_share >= 2 * TOP1_DEPENDENCE else "high",
                impact_per_month=None,
                section="customers",
                horizon=90,
                params={
                    "top1": c.top1_name,
                    "top1_share": c.top1_share,
                    "top3_share": c.top3_share,
                    "at_risk": c.top1_share * monthly,
                    "customers": c.customers,
                },
            )
        )
    p = abc.profitability
    if p.available and p.unprofitable_count > 0 and p.unprofitable_margin < 0:
        impact = -p.unprofitable_margin / abc.months if abc.months else None
        out.append(
            Finding(
                id="customers-unprofitable",
                code="customers_unprofitable",
                layer=9,
                severity="high" if p.unprofitable_count >= 0.1 * p.customers else "medium",
                impact_per_month=impact,
                section="customers",
                horizon=60,
                params={
                    "count": p.unprofitable_count,
                    "customers": p.customers,
                    "share": p.unprofitable_count / p.customers if p.customers else 0.0,
                    "revenue": p.unprofitable_revenue,
                    "margin": p.unprofitable_margin,
                },
            )
        )
    a = abc.classes.get("A")
    if a and a.count:
        out.append(
            Finding(
                id="customers-abc",
                code="customers_abc",
                layer=9,
                severity="low",
                impact_per_month=None,
                section="customers",
                horizon=30,
                params={
                    "a_count": a.count,
                    "a_share": a.share,
                    "a_count_share": a.count_share,
                    "customers": len(abc.items),
                },
            )
        )
    return out


def _names(base: CustomerBase, ids: list[str]) -> str:
    """The first few customers' names (the texts say "including")."""
    return ", ".join(base.name(i) for i in ids[:NAMES_IN_TEXT])


def _customer_base_findings(base: CustomerBase, monthly_revenue: float) -> list[Finding]:
    """Falling A customers, class D and the managers' time on it, customers the score lifts into A."""
    # Severity against the customers' own revenue a month when the sales lines show more than the deals.
    sales_monthly = base.abc.concentration.total / base.abc.months if base.abc.months else 0.0
    monthly_revenue = max(monthly_revenue, sales_monthly)
    out = []
    m = base.migration
    if m is not None and len(m.falling):
        at_risk = m.revenue_at_risk
        out.append(
            Finding(
                id="customers-a-falling",
                code="customers_a_falling",
                layer=9,
                severity=_money_severity(at_risk, monthly_revenue),
                impact_per_month=at_risk,
                section="customers",
                horizon=30,
                params={
                    "count": len(m.falling),
                    "stopped": int(m.falling["stopped"].sum()),
                    "names": _names(base, m.falling["id"].tolist()),
                    "share": m.falling_share,
                    "before": m.previous.end,
                    "after": m.current.start,
                },
            )
        )
    d, time = base.d_class, base.time
    if d.count:
        cost = time.cost_per_month("D") if time else None
        out.append(
            Finding(
                id="customers-d-class",
                code="customers_d_class",
                layer=9,
                severity="high" if time and time.share("D") >= D_DEALS_HIGH else "medium",
                impact_per_month=cost,
                section="customers",
                horizon=60,
                params={
                    "count": d.count,
                    "customers": d.total_customers,
                    "revenue": d.revenue,
                    "revenue_share": d.revenue / base.abc.concentration.total
                    if base.abc.concentration.total > 0
                    else 0.0,
                    "deals": time.deals["D"] if time else 0,
                    "deals_share": time.share("D") if time else 0.0,
                    "hours": time.hours_per_month("D") if time else 0.0,
                    "has_time": time is not None and time.deals_total > 0,
                },
            )
        )
    s = base.segments
    if s is not None:
        lifted = s.movers[(s.movers["cls"] == "A") & (s.movers["abc"] != "A")]  # by score, highest first
        if len(lifted):
            out.append(
                Finding(
                    id="customers-potential",
                    code="customers_potential",
                    layer=9,
                    severity="medium",
                    impact_per_month=None,
                    section="customers",
                    horizon=90,
                    params={"count": len(lifted), "names": _names(base, lifted["id"].tolist())},
                )
            )
    return out


def _plan_findings(plan: PlanResult, months: float) -> list[Finding]:
    out = []
    if not plan.available:
        out.append(Finding("plan-missing", "plan_missing", 1, "critical", None, "plan", 30))
        return out
    if plan.granularities == ["month"]:
        out.append(
            Finding(
                id="plan-monthly-only",
                code="plan_monthly_only",
                layer=4,
                severity="high",
                impact_per_month=None,
                section="plan",
                horizon=30,
                params={
                    "weeks_below": plan.weeks_below,
                    "weeks": plan.weeks_total,
                    "warning": plan.attainment_warning,
                },
            )
        )
    if not plan.has_manager_plans:
        out.append(Finding("plan-no-personal", "plan_no_personal", 1, "high", None, "plan", 30))
    out.append(Finding("plan-no-stage-targets", "plan_no_stage_targets", 1, "medium", None, "plan", 60))
    attainment = plan.attainment
    if attainment is not None and attainment < PLAN_ATTAINMENT_LOW:
        gap = (plan.plan_total - plan.fact_total) / months if months else None
        out.append(
            Finding(
                id="plan-attainment",
                code="plan_attainment_low",
                layer=1,
                severity="high",
                impact_per_month=None,
                section="plan",
                horizon=30,
                params={
                    "attainment": attainment,
                    "gap": gap,
                    "plan": plan.plan_total,
                    "fact": plan.fact_total,
                },
            )
        )
    weak = [m for m in plan.managers if m.attainment is not None and m.attainment < MANAGER_ATTAINMENT_LOW]
    if weak:
        out.append(
            Finding(
                id="plan-managers-below",
                code="plan_managers_below",
                layer=2,
                severity="medium",
                impact_per_month=None,
                section="plan",
                horizon=60,
                params={
                    "managers": ", ".join(f"{m.manager}" for m in weak),
                    "count": len(weak),
                    "threshold": MANAGER_ATTAINMENT_LOW,
                },
            )
        )
    return out


def _activity_findings(activity: ActivityResult) -> list[Finding]:
    if not activity.available:
        return [Finding("activity-missing", "activity_missing", 5, "medium", None, "activity", 30)]
    usual = department_cv(activity)
    out = []
    for m in activity.managers:
        if not m.irregular:
            continue
        out.append(
            Finding(
                id=f"activity-irregular-{_slug(m.manager)}",
                code="activity_irregular",
                layer=5,
                severity="high" if m.zero_weeks >= 3 else "medium",
                impact_per_month=None,
                section="activity",
                horizon=30,
                params={
                    "manager": m.manager,
                    "cv": m.weekly_cv,
                    "usual": usual,
                    "zero_weeks": m.zero_weeks,
                    "weeks": m.weeks,
                    "mean": m.weekly_mean,
                },
            )
        )
    return out


def _data_findings(data: ClientData, funnel: FunnelResult) -> list[Finding]:
    out = []
    if funnel.lost_stage_unknown:
        out.append(
            Finding(
                id="data-lost-stage-unknown",
                code="data_lost_stage_unknown",
                layer=None,
                severity="high",
                impact_per_month=None,
                section="data",
                horizon=30,
                params={"count": funnel.lost_stage_unknown, "lost": funnel.lost},
            )
        )
    if funnel.basis == "snapshot":
        out.append(Finding("data-no-history", "data_no_history", None, "low", None, "data", 60))
    for table, report in data.reports.items():
        if report.rows_read and report.rows_rejected / report.rows_read >= QUARANTINE_SHARE_WARNING:
            out.append(
                Finding(
                    id=f"data-quarantine-{table}",
                    code="data_quarantine",
                    layer=None,
                    severity="medium",
                    impact_per_month=None,
                    section="appendix-data",
                    horizon=30,
                    params={
                        "file": report.file,
                        "count": report.rows_rejected,
                        "read": report.rows_read,
                        "share": report.rows_rejected / report.rows_read,
                    },
                )
            )
    return out
