"""Customer-base findings: dependence on few customers, unprofitable customers, the A class, falling A
customers, class D and the managers' time on it, customers the score lifts into A."""

from __future__ import annotations

from collections.abc import Iterator

from workbench.analysis.customers.base import CustomerBase
from workbench.analysis.result import AuditResult
from workbench.findings.model import Layer, Section, Severity, money_severity
from workbench.findings.registry import Hit, rule

D_DEALS_HIGH = 0.20  # a fifth of the deals or more going to class D customers is a high-severity finding
NAMES_IN_TEXT = 3


def _names(base: CustomerBase, ids: list[str]) -> str:
    """The first few customers' names (the texts say "including")."""
    return ", ".join(base.name(i) for i in ids[:NAMES_IN_TEXT])


@rule("customers-dependence", "customers_dependence", Layer.SEGMENTATION, Section.CUSTOMERS, 90)
def dependence(result: AuditResult) -> Iterator[Hit]:
    """One customer, or three, bringing too large a share of revenue."""
    if result.abc is None:
        return
    abc, c = result.abc, result.abc.concentration
    if c.over_limit:
        monthly = c.total / abc.months if abc.months else 0.0
        yield Hit(
            Severity.CRITICAL if c.top1_share >= 2 * c.top1_limit else Severity.HIGH,
            {
                "top1": c.top1_name,
                "top1_share": c.top1_share,
                "top3_share": c.top3_share,
                "at_risk": c.top1_share * monthly,
                "customers": c.customers,
                "top1_limit": c.top1_limit,
                "top3_limit": c.top3_limit,
            },
        )


@rule("customers-unprofitable", "customers_unprofitable", Layer.SEGMENTATION, Section.CUSTOMERS, 60)
def unprofitable(result: AuditResult) -> Iterator[Hit]:
    """Customers whose margin over the period is negative."""
    if result.abc is None:
        return
    abc, p = result.abc, result.abc.profitability
    if p.available and p.unprofitable_count > 0 and p.unprofitable_margin < 0:
        yield Hit(
            Severity.HIGH if p.unprofitable_count >= 0.1 * p.customers else Severity.MEDIUM,
            {
                "count": p.unprofitable_count,
                "customers": p.customers,
                "share": p.unprofitable_count / p.customers if p.customers else 0.0,
                "revenue": p.unprofitable_revenue,
                "margin": p.unprofitable_margin,
            },
            -p.unprofitable_margin / abc.months if abc.months else None,
        )


@rule("customers-abc", "customers_abc", Layer.SEGMENTATION, Section.CUSTOMERS, 30)
def abc_class_a(result: AuditResult) -> Iterator[Hit]:
    """The A class: few customers bring most of the revenue."""
    a = result.abc.classes.get("A") if result.abc is not None else None
    if a and a.count:
        yield Hit(
            Severity.LOW,
            {
                "a_count": a.count,
                "a_share": a.share,
                "a_count_share": a.count_share,
                "customers": len(result.abc.items),
            },
        )


@rule("customers-a-falling", "customers_a_falling", Layer.SEGMENTATION, Section.CUSTOMERS, 30)
def a_falling(result: AuditResult) -> Iterator[Hit]:
    """A customers whose typical month fell between the two halves of the period (those who stopped
    buying altogether have their own finding)."""
    base = result.customers
    m = base.migration if base is not None else None
    if m is None or not len(m.falling):
        return
    falling, at_risk = base.falling()
    if not len(falling):
        return
    yield Hit(
        money_severity(at_risk, result.summary.monthly_revenue),
        {
            "count": len(falling),
            "stopped": int(falling["stopped"].sum()),
            "names": _names(base, falling["id"].tolist()),
            "share": m.falling_share,
            "before": m.previous.end,
            "after": m.current.start,
        },
        at_risk,
    )


@rule("customers-stopped", "customers_stopped", Layer.SEGMENTATION, Section.CUSTOMERS, 30)
def stopped(result: AuditResult) -> Iterator[Hit]:
    """Key customers who bought regularly and then nothing in the last months: stopped, not falling."""
    base = result.customers
    s = base.stopped if base is not None else None
    if s is None or not s.customers:
        return
    first = s.customers[0]
    yield Hit(
        money_severity(s.monthly_revenue, result.summary.monthly_revenue),
        {
            "count": len(s.customers),
            "names": _names(base, s.ids),
            "name": base.name(first.id),
            "since": first.since,
            "last": first.last_purchase,
            "monthly": first.monthly_revenue,
            "months": s.min_empty_months,
            "total_monthly": s.monthly_revenue,
        },
        s.monthly_revenue,
    )


@rule("customers-d-class", "customers_d_class", Layer.SEGMENTATION, Section.CUSTOMERS, 60)
def d_class(result: AuditResult) -> Iterator[Hit]:
    """Customers not worth the managers' time, and the time they take."""
    base = result.customers
    if base is None or not base.d_class.count:
        return
    d, time = base.d_class, base.time
    total = base.abc.concentration.total
    yield Hit(
        Severity.HIGH if time and time.share("D") >= D_DEALS_HIGH else Severity.MEDIUM,
        {
            "count": d.count,
            "customers": d.total_customers,
            # The customers with purchases (the summary's count) and those whose returns cancel them.
            "buyers": base.abc.concentration.customers,
            "no_revenue": max(0, d.total_customers - base.abc.concentration.customers),
            "revenue": d.revenue,
            "revenue_share": d.revenue / total if total > 0 else 0.0,
            "deals": time.deals["D"] if time else 0,
            "deals_share": time.share("D") if time else 0.0,
            "hours": time.hours_per_month("D") if time else 0.0,
            "has_time": time is not None and time.deals_total > 0,
        },
        time.cost_per_month("D") if time else None,
    )


@rule("customers-potential", "customers_potential", Layer.SEGMENTATION, Section.CUSTOMERS, 90)
def potential(result: AuditResult) -> Iterator[Hit]:
    """Customers the multi-criteria score lifts into A (potential, margin, frequency)."""
    base = result.customers
    s = base.segments if base is not None else None
    if s is None:
        return
    lifted = s.movers[(s.movers["cls"] == "A") & (s.movers["abc"] != "A")]  # by score, highest first
    if len(lifted):
        params = {
            "count": len(lifted),
            "names": _names(base, lifted["id"].tolist()),
            "criteria": list(s.weights),  # only the criteria in force: no "potential" the data lacks
        }
        if "potential" not in s.weights:  # lifted by frequency or margin: not "a large potential"
            params["variant"] = "no_potential"
        yield Hit(Severity.MEDIUM, params)
