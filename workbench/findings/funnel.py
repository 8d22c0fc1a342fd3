"""Funnel findings: the bottleneck, weak managers and channels, stalled deals, a declining step."""

from __future__ import annotations

from collections.abc import Iterator

from workbench.analysis.result import AuditResult
from workbench.findings.model import Layer, Section, Severity, money_severity, slug
from workbench.findings.registry import Hit, rule

SOURCE_VOLUME_SHARE = 0.10  # a source bringing 10% of deals or more is a channel that matters
STALLED_SHARE_WARNING = 0.10  # stalled deals holding 10% of the open pipeline's money or more
BEST_PRACTICE_WORTH = 0.05  # best practice is worth a sentence from 5% of the equal-effort gain


@rule("funnel-bottleneck", "funnel_bottleneck", Layer.QUALITY_OF_ACTIONS, Section.FUNNEL, 30)
def bottleneck(result: AuditResult) -> Iterator[Hit]:
    """The step whose improvement under equal effort is worth most."""
    funnel = result.funnel
    neck = funnel.bottleneck
    if neck is None or neck.impact_equal_effort <= 0:
        return
    worst_rate = min(s.conversion for s in funnel.impacts)
    best = neck.impact_best_practice or 0.0
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
            "best_worth_mentioning": best >= BEST_PRACTICE_WORTH * neck.impact_equal_effort > 0,
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
                "low": m.ci_low,
                "high": m.ci_high,
                "deals": m.left,
            },
            m.impact_per_month,
            key=f"{slug(m.manager)}-{m.index}",
        )


@rule("funnel-source", "funnel_source_no_sales", Layer.QUALITY_OF_ACTIONS, Section.FUNNEL, 30)
def source_no_sales(result: AuditResult) -> Iterator[Hit]:
    """Channels that bring a real share of the deals but convert clearly worse than the department."""
    funnel = result.funnel
    for source in funnel.sources:
        if source.flag != "low" or source.share_of_deals < SOURCE_VOLUME_SHARE or funnel.win_rate is None:
            continue
        closed_per_month = (source.won + source.lost) / funnel.months
        impact = None
        if funnel.avg_check and source.win_rate is not None:
            impact = closed_per_month * (funnel.win_rate - source.win_rate) * funnel.avg_check
        yield Hit(
            money_severity(impact, result.summary.monthly_revenue),
            {
                "source": source.name,
                "share": source.share_of_deals,
                "deals": source.deals,
                "rate": source.win_rate,
                "department_rate": funnel.win_rate,
                "won": source.won,
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
