"""Motivation and plan-feasibility findings: a scheme that does not reward growth, guaranteed pay that
makes the plan irrelevant, cost of sales out of line, a plan today's funnel cannot deliver, regular actions
below what the plan needs."""

from __future__ import annotations

from collections.abc import Iterator

from workbench.analysis.result import AuditResult
from workbench.findings.model import Layer, Section, Severity, money_severity
from workbench.findings.registry import Hit, rule

GUARANTEED_SHARE = 0.8  # pay at half the plan is 80 % or more of pay at plan: the plan hardly matters


def _current(result: AuditResult):
    motivation = result.motivation
    return motivation.current if motivation is not None and motivation.available else None


@rule("motivation-no-growth", "motivation_no_growth", Layer.MOTIVATION, Section.MOTIVATION, 60)
def no_growth(result: AuditResult) -> Iterator[Hit]:
    """The next 100 000 above plan pays less than the average at plan, or nothing at 150 %."""
    scheme = _current(result)
    if scheme is None or scheme.marginal_payout.rewards_growth:
        return
    m = scheme.marginal_payout
    yield Hit(
        Severity.HIGH,
        {
            "step": float(m.step),
            "above": float(m.above_plan),
            "average": float(m.average_at_plan),
            "far_above": float(m.far_above),
        },
    )


@rule("motivation-guaranteed", "motivation_guaranteed", Layer.MOTIVATION, Section.MOTIVATION, 60)
def guaranteed(result: AuditResult) -> Iterator[Hit]:
    """Pay at half the plan is almost the pay at plan, or the base alone reaches the comfort income."""
    scheme = _current(result)
    if scheme is None or result.motivation is None:
        return
    base = scheme.components.base_salary
    comfort = result.motivation.comfort_income
    share = scheme.guaranteed_share
    if (share is not None and share >= GUARANTEED_SHARE) or base >= comfort[0]:
        half, full = scheme.at_share(0.5), scheme.at_share(1.0)
        yield Hit(
            Severity.HIGH,
            {
                "half": float(half.pay.total),
                "full": float(full.pay.total),
                "share": share,
                "base": base,
                "comfort": comfort[0],
            },
        )


@rule("motivation-cost", "motivation_cost_of_sales", Layer.MOTIVATION, Section.MOTIVATION, 90)
def cost_of_sales(result: AuditResult) -> Iterator[Hit]:
    """Sales payroll above the configured share of revenue or of margin; money: the excess a month."""
    scheme = _current(result)
    config = result.motivation
    if scheme is None or config is None:
        return
    cost = scheme.cost_of_sales
    over_revenue = cost.of_revenue is not None and cost.of_revenue > config.cost_of_sales_limit
    over_margin = cost.of_margin is not None and cost.of_margin > config.cost_of_margin_limit
    if not (over_revenue or over_margin):
        return
    months = len({m.month for m in scheme.payout}) or 1
    excesses = (
        [float(cost.payroll) - config.cost_of_sales_limit * float(cost.revenue)] if over_revenue else []
    )
    if over_margin and cost.margin is not None:
        excesses.append(float(cost.payroll) - config.cost_of_margin_limit * float(cost.margin))
    impact = max(excesses) / months
    yield Hit(
        money_severity(impact, result.summary.monthly_revenue),
        {
            "of_revenue": cost.of_revenue,
            "of_margin": cost.of_margin,
            "limit_revenue": config.cost_of_sales_limit,
            "limit_margin": config.cost_of_margin_limit,
            "payroll": float(cost.payroll) / months,
            "excess": impact,
        },
        impact_per_month=impact,
    )


@rule("plan-funnel-short", "plan_funnel_short", Layer.PLANNING, Section.MOTIVATION, 30)
def funnel_short(result: AuditResult) -> Iterator[Hit]:
    """The month's target is above what today's funnel delivers; money: the gap a month."""
    d = result.decomposition
    if d is None or not d.available or d.gap is None or d.gap <= 0 or d.target is None:
        return
    step = d.bottleneck_lever
    leads = d.levers[0]
    yield Hit(
        money_severity(d.gap, result.summary.monthly_revenue),
        {
            "target": d.target,
            "delivered": d.delivered,
            "gap": d.gap,
            "leads_now": leads.current,
            "leads_needed": leads.needed,
            "stage": step.stage if step else "",
            "conversion": step.current if step else None,
            "needed": step.needed if step else None,
            "lever": d.cheapest,
        },
        impact_per_month=d.gap,
    )


@rule("activity-below-plan", "activity_below_plan", Layer.REGULAR_ACTIONS, Section.MOTIVATION, 30)
def activity_below_plan(result: AuditResult) -> Iterator[Hit]:
    """Managers whose weekly actions of a type are short of what their part of the plan needs."""
    capacity = result.capacity
    if capacity is None or not capacity.available or not capacity.below:
        return
    worst = min(capacity.below, key=lambda a: a.ratio if a.ratio is not None else 1.0)
    managers = sorted({a.manager for a in capacity.below})
    yield Hit(
        Severity.HIGH if len(managers) > 1 else Severity.MEDIUM,
        {
            "managers": ", ".join(managers),
            "count": len(managers),
            "manager": worst.manager,
            "action": worst.action,
            "needed": worst.needed,
            "actual": worst.actual,
        },
    )


@rule("plan-over-capacity", "plan_over_capacity", Layer.RESOURCES, Section.MOTIVATION, 60)
def over_capacity(result: AuditResult) -> Iterator[Hit]:
    """The plan needs more orders a month than the business says it can fulfil; money: the revenue of the
    orders beyond capacity."""
    d = result.decomposition
    extra = d.over_capacity if d is not None else None
    if d is None or not extra or d.avg_check is None:
        return
    impact = extra * d.avg_check
    yield Hit(
        money_severity(impact, result.summary.monthly_revenue),
        {"won": d.won_needed, "capacity": d.delivery_capacity, "extra": extra, "revenue": impact},
        impact_per_month=impact,
    )
