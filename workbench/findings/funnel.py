"""Funnel findings: the bottleneck, weak managers and channels, stalled deals, a declining step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from workbench.analysis.result import AuditResult
from workbench.findings.model import Layer, Section, Severity, money_severity, slug
from workbench.findings.registry import Hit, rule

SOURCE_VOLUME_SHARE = 0.10  # a source bringing 10% of deals or more is a channel that matters
STALLED_SHARE_WARNING = 0.10  # stalled deals holding 10% of the open pipeline's money or more


@rule("funnel-bottleneck", "funnel_bottleneck", Layer.QUALITY_OF_ACTIONS, Section.FUNNEL, 30)
def bottleneck(result: AuditResult) -> Iterator[Hit]:
    """The step whose improvement under equal effort is worth most."""
    funnel = result.funnel
    neck = funnel.bottleneck
    if neck is None or neck.impact_equal_effort <= 0:
        return
    worst_rate = min(s.conversion for s in funnel.impacts)
    yield Hit(
        money_severity(neck.impact_equal_effort, result.summary.monthly_revenue),
        {
            "stage": neck.stage,
            "next_stage": funnel.stages[neck.index + 1].stage,
            "rate": neck.conversion,
            "loss": 1 - neck.conversion,
            "share": funnel.equal_effort_share,
            "best": neck.best_practice,
            "impact_best": neck.impact_best_practice,
            "is_lowest": neck.conversion <= worst_rate + 1e-12,
            "best_worth_mentioning": bool(neck.best_managers) and (neck.impact_best_practice or 0.0) > 0,
            "best_managers": ", ".join(neck.best_managers),
            "others_rate": neck.others_rate,
            "no_better_manager": not neck.best_managers,
        },
        neck.impact_equal_effort,
    )


@rule("funnel-manager", "funnel_manager_low", Layer.QUALITY_OF_ACTIONS, Section.FUNNEL, 30)
def manager_low(result: AuditResult) -> Iterator[Hit]:
    """Managers flagged low at a step (outside the 99.8% limits, with enough deals)."""
    funnel = result.funnel
    for m in funnel.manager_stages:
        if m.flag != "low":
            continue
        yield Hit(
            money_severity(m.impact_per_month, result.summary.monthly_revenue),
            {
                "manager": m.manager,
                "stage": m.stage,
                "next_stage": funnel.stages[m.index + 1].stage,
                "rate": m.conversion,
                "department_rate": m.department_rate,
                "rest_rate": m.rest_rate,
                "low": m.ci_low,
                "high": m.ci_high,
                "deals": m.left,
            },
            m.impact_per_month,
            key=f"{slug(m.manager)}-{m.index}",
        )


@rule("learn-from", "funnel_learn_from", Layer.QUALITY_OF_ACTIONS, Section.FUNNEL, 60)
def learn_from(result: AuditResult) -> Iterator[Hit]:
    """Steps other than the bottleneck where some managers are demonstrably better than the rest: the
    others reaching their level is worth money (the bottleneck's finding names its own)."""
    funnel = result.funnel
    neck = funnel.bottleneck
    for imp in funnel.impacts:
        if imp is neck or not imp.best_managers or not imp.impact_best_practice:
            continue
        yield Hit(
            money_severity(imp.impact_best_practice, result.summary.monthly_revenue),
            {
                "stage": imp.stage,
                "next_stage": funnel.stages[imp.index + 1].stage,
                "managers": ", ".join(imp.best_managers),
                "count": len(imp.best_managers),
                "best": imp.best_practice,
                "others_rate": imp.others_rate,
            },
            imp.impact_best_practice,
            key=str(imp.index),
        )


@rule("funnel-source", "funnel_source_no_sales", Layer.QUALITY_OF_ACTIONS, Section.FUNNEL, 30)
def source_no_sales(result: AuditResult) -> Iterator[Hit]:
    """Channels that bring a real share of the deals but convert clearly worse than the other channels,
    with the step where they lose most (the step flagged low that costs most)."""
    funnel = result.funnel
    for source in funnel.sources:
        if source.flag != "low" or source.share_of_deals < SOURCE_VOLUME_SHARE or source.rest_rate is None:
            continue
        closed_per_month = (source.won + source.lost) / funnel.months
        impact = None
        if funnel.avg_check and source.win_rate is not None:
            impact = closed_per_month * (source.rest_rate - source.win_rate) * funnel.avg_check
        steps = [s for s in funnel.source_stages if s.name == source.name and s.flag == "low"]
        step = max(steps, key=lambda s: (s.impact_per_month or 0.0, -s.index), default=None)
        yield Hit(
            money_severity(impact, result.summary.monthly_revenue),
            {
                "source": source.name,
                "share": source.share_of_deals,
                "deals": source.deals,
                "rate": source.win_rate,
                "department_rate": funnel.win_rate,
                "rest_rate": source.rest_rate,
                "won": source.won,
                "has_step": step is not None,
                "stage": step.stage if step else None,
                "next_stage": funnel.stages[step.index + 1].stage if step else None,
                "stage_rate": step.conversion if step else None,
                "stage_rest_rate": step.rest_rate if step else None,
                "stage_impact": step.impact_per_month if step else None,
                "step_priced": step is not None and step.impact_per_month is not None,
            },
            impact,
            key=slug(source.name),
        )


@rule("funnel-stalled", "funnel_stalled", Layer.MANAGEMENT_CYCLE, Section.FUNNEL, 30)
def stalled(result: AuditResult) -> Iterator[Hit]:
    """Open deals sitting at their stage longer than 90% of finished stays."""
    time = result.funnel_time
    if not time.stalled_count:
        return
    # Unknown amounts are no zeros: the share is over the known money and is left out when none is known.
    known = time.stalled_count - time.stalled_no_amount
    share = time.stalled_amount / time.open_amount if time.open_amount and known else None
    yield Hit(
        Severity.HIGH if share is not None and share >= STALLED_SHARE_WARNING else Severity.MEDIUM,
        {
            "count": time.stalled_count,
            "open": time.open_count,
            "amount": time.stalled_amount if known else None,
            "amount_unknown": time.stalled_no_amount,
            "share": share,
            "has_share": share is not None,
            "open_unknown": time.open_no_amount,
        },
    )


@rule("funnel-trend", "funnel_step_declining", Layer.MANAGEMENT_CYCLE, Section.FUNNEL, 30)
def step_declining(result: AuditResult) -> Iterator[Hit]:
    """Steps whose last weeks convert significantly worse than the weeks before."""
    weekly = result.weekly
    for step in weekly.steps:
        if step.change != "down":
            continue
        yield Hit(
            Severity.MEDIUM,
            {
                "stage": step.stage,
                "recent": step.recent_rate,
                "previous": step.previous_rate,
                "weeks": weekly.compare_weeks,
                "p": step.change_p,
            },
            key=str(step.index),
        )


@rule("funnel-dip", "funnel_dip", Layer.MANAGEMENT_CYCLE, Section.FUNNEL, 30)
def dip(result: AuditResult) -> Iterator[Hit]:
    """Months in which a step converted clearly worse than in its other months (a dip, even recovered)."""
    if result.dips is None:
        return
    for d in result.dips.dips:
        months = len(d.months)
        per_month = d.money_lost / months if d.money_lost is not None and months else None
        yield Hit(
            money_severity(per_month, result.summary.monthly_revenue),
            {
                "stage": d.stage,
                "next_stage": result.funnel.stages[d.index + 1].stage,
                "first": dt.date.fromisoformat(f"{d.months[0]}-01"),
                "last": dt.date.fromisoformat(f"{d.months[-1]}-01"),
                "months": months,
                "rate": d.rate,
                "others_rate": d.others_rate,
                "drop": d.drop,
                "left": d.left,
                "deals_lost": d.deals_lost,
                "money_lost": d.money_lost,
                "recovered": d.recovered,
                "ongoing": not d.recovered,
                "priced": d.money_lost is not None,
            },
            key=f"{d.index}-{d.months[0]}",
        )


def _slow(result: AuditResult, grouping: str) -> Iterator[Hit]:
    groups = result.time_by_group
    if groups is None:
        return
    open_amount = result.funnel_time.open_amount
    for r in groups.slow:
        if r.grouping != grouping:
            continue
        share = r.open_amount / open_amount if open_amount else 0.0
        yield Hit(
            Severity.HIGH if share >= STALLED_SHARE_WARNING else Severity.MEDIUM,
            {
                "name": r.name,
                "stage": r.stage,
                "median": r.median_days,
                "rest_median": r.rest_median_days,
                "ratio": r.median_days / r.rest_median_days if r.rest_median_days else None,
                "stays": r.stays,
                "open_deals": r.open_deals,
                "amount": r.open_amount,
                "share": share,
            },
            key=f"{slug(r.name)}-{r.index}",
        )


@rule("funnel-slow-manager", "funnel_slow_manager", Layer.MANAGEMENT_CYCLE, Section.FUNNEL, 30)
def slow_manager(result: AuditResult) -> Iterator[Hit]:
    """Managers whose deals stay at a stage clearly longer than the rest of the department's."""
    yield from _slow(result, "manager")


@rule("funnel-slow-source", "funnel_slow_source", Layer.MANAGEMENT_CYCLE, Section.FUNNEL, 30)
def slow_source(result: AuditResult) -> Iterator[Hit]:
    """Lead sources whose deals stay at a stage clearly longer than the others'."""
    yield from _slow(result, "source")
