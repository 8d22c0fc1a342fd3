"""Hand-built analysis results as the finding rules read them (only the parts a test sets matter)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any


def analyses(
    funnel: Any,
    abc: Any = None,
    plan: Any = None,
    activity: Any = None,
    customers: Any = None,
    funnel_time: Any = None,
    weekly: Any = None,
    reports: dict | None = None,
    monthly_revenue: float | None = None,
    motivation: Any = None,
    decomposition: Any = None,
    capacity: Any = None,
    forecast: Any = None,
    dips: Any = None,
    time_by_group: Any = None,
    activity_quality: Any = None,
) -> SimpleNamespace:
    """An audit result for the finding rules; the company's monthly revenue follows the summary's rule
    (the larger of won-deals and sales-lines revenue a month) unless given."""
    if monthly_revenue is None:
        months = funnel.months or 1.0
        won = max(funnel.revenue, plan.fact_total if plan is not None else 0.0) / months
        base = customers.abc if customers is not None else None
        sales = base.concentration.total / base.months if base is not None and base.months else 0.0
        monthly_revenue = max(won, sales)
    return SimpleNamespace(
        funnel=funnel,
        abc=abc if abc is not None else (customers.abc if customers is not None else None),
        plan=plan,
        activity=activity,
        customers=customers,
        funnel_time=funnel_time or SimpleNamespace(stalled_count=0),
        weekly=weekly or SimpleNamespace(steps=[]),
        data=SimpleNamespace(reports=reports or {}),
        summary=SimpleNamespace(monthly_revenue=monthly_revenue),
        motivation=motivation,
        decomposition=decomposition,
        capacity=capacity,
        forecast=forecast,
        dips=dips,
        time_by_group=time_by_group,
        activity_quality=activity_quality,
    )
