"""Class D: customers not worth the managers' time, and how much of that time they get.

A customer with sales lines in the period is D when any rule in force holds (each rule can be switched
off in ``abc.d_class``; a rule whose data is missing is not in force and the report says so):

- ``low_margin``: total margin over the period below ``min_margin`` (default 0: a negative margin);
- ``low_margin_rate``: margin / revenue below ``min_margin_rate``;
- ``no_revenue``: refunds equal to or above purchases (revenue of zero or less);
- ``inactive``: no purchase in the last ``inactive_months`` of the period (in force only when the period
  is longer than that);
- ``cost_to_serve``: the cost to serve from the customers file is above the customer's margin.

The managers' time on a class is the share of the deals created in the period (and of the actions, when
actions name a customer) whose customer is in that class; hours use the consultant's estimates per deal
and per action.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.analysis.customers.totals import keyed
from workbench.analysis.periods import in_period
from workbench.config import DClassConfig, Period
from workbench.serialize import json_key

TIME_CLASSES = ("A", "B", "C", "D", "none")  # none: a customer without purchases in the period
DAYS_PER_MONTH = 30.4375


@dataclass(frozen=True)
class DClassResult:
    """Customers in class D and why."""

    rules: list[str]  # rules in force
    count: int
    revenue: float
    margin: float | None  # None when the lines carry no margin
    # id, revenue, margin, last_purchase, cost_to_serve, abc, rule_<rule> flags
    customers: pd.DataFrame = field(metadata=json_key("ids", via=lambda c: c["id"].tolist()))
    by_rule: dict[str, int]  # a customer counts under every rule that holds
    # D customers by their ABC class ("" when not ranked)
    by_abc: dict[str, int] = field(
        metadata=json_key(via=lambda d: {k or "unranked": v for k, v in d.items()})
    )
    total_customers: int = field(metadata=json_key("customers"))
    min_margin: float | None
    min_margin_rate: float | None
    inactive_months: float | None

    @property
    def ids(self) -> set[str]:
        return set(self.customers["id"])


@dataclass(frozen=True)
class ManagerTime:
    """Where the managers' deals and actions go, by the class of the customer."""

    deals: dict[str, int]  # by class in TIME_CLASSES, deals created in the period that name a customer
    deals_without_customer: int
    actions: dict[str, float] | None  # the same for actions, when actions name a customer
    hours_per_deal: float
    hours_per_action: float
    hour_cost: float | None
    hour_cost_source: str | None  # "config" or "base_salary"
    months: float

    @property
    def deals_total(self) -> int:
        return sum(self.deals.values())

    def share(self, cls: str) -> float:
        """Share of the deals with a customer that went to class ``cls``."""
        return self.deals[cls] / self.deals_total if self.deals_total else 0.0

    def hours_per_month(self, cls: str) -> float:
        """Managers' hours a month on customers of class ``cls``."""
        hours = self.deals[cls] * self.hours_per_deal
        if self.actions is not None:
            hours += self.actions[cls] * self.hours_per_action
        return hours / self.months if self.months else 0.0

    def cost_per_month(self, cls: str) -> float | None:
        return self.hours_per_month(cls) * self.hour_cost if self.hour_cost else None

    def json_derived(self) -> dict[str, object]:
        """metrics.json: hours and their cost a month, by class."""
        return {
            "hours_per_month": {c: self.hours_per_month(c) for c in self.deals},
            "cost_per_month": {c: self.cost_per_month(c) for c in self.deals},
        }


def customer_totals(lines: pd.DataFrame, customers: pd.DataFrame | None) -> pd.DataFrame:
    """Revenue, margin, last purchase and cost to serve of every customer with lines."""
    groups = keyed(lines, "customer_id")
    bought = lines["amount"].to_numpy() > 0
    dates = lines["date"].to_numpy(dtype="datetime64[ns]").astype("int64")
    last = np.full(groups.size, np.iinfo("int64").min)  # the minimum int64 is NaT
    keep = groups.has_key & bought
    np.maximum.at(last, groups.codes[keep], dates[keep])
    out = pd.DataFrame(
        {
            "id": groups.ids,
            "revenue": groups.sum(lines["amount"]).to_numpy(),
            "margin": groups.sum(lines["margin"]).to_numpy() if lines["margin"].notna().any() else np.nan,
            "last_purchase": last.astype("datetime64[ns]"),
        }
    )
    cost = np.nan
    if customers is not None and "cost_to_serve" in customers and customers["cost_to_serve"].notna().any():
        cost = out["id"].map(customers.set_index("customer_id")["cost_to_serve"]).to_numpy(dtype="float64")
    return out.assign(cost_to_serve=cost)


def analyze_d_class(
    transactions: pd.DataFrame,
    config: DClassConfig,
    period: Period,
    abc_classes: pd.Series,
    customers: pd.DataFrame | None = None,
) -> DClassResult:
    """Apply the D rules in force to the period's customers; ``abc_classes`` maps id -> ABC class."""
    lines = in_period(transactions, "date", period)
    totals = customer_totals(lines, customers)
    has_margin = totals["margin"].notna().any()
    checks: dict[str, pd.Series] = {}
    if has_margin and config.min_margin is not None:
        checks["low_margin"] = totals["margin"] < config.min_margin
    if has_margin and config.min_margin_rate is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = totals["margin"] / totals["revenue"]
        checks["low_margin_rate"] = (totals["revenue"] > 0) & (rate < config.min_margin_rate)
    if config.no_revenue:
        checks["no_revenue"] = totals["revenue"] <= 0
    if config.inactive_months is not None and period.months > config.inactive_months:
        since = pd.Timestamp(period.end) + pd.Timedelta(days=1 - config.inactive_months * DAYS_PER_MONTH)
        checks["inactive"] = totals["last_purchase"].notna() & (totals["last_purchase"] < since)
    if config.cost_to_serve and has_margin and totals["cost_to_serve"].notna().any():
        checks["cost_to_serve"] = totals["cost_to_serve"] > totals["margin"].clip(lower=0)
    flags = pd.DataFrame(checks, index=totals.index, columns=list(checks)).fillna(False).astype(bool)
    is_d = flags.any(axis=1)
    d = pd.concat([totals, flags.add_prefix("rule_")], axis=1)[is_d]
    d = d.assign(abc=d["id"].map(abc_classes).astype("object").fillna(""))
    d = d.sort_values(["revenue", "id"], ascending=[False, True], kind="stable").reset_index(drop=True)
    return DClassResult(
        rules=list(checks),
        count=len(d),
        revenue=float(d["revenue"].sum()),
        margin=float(d["margin"].sum()) if has_margin else None,
        customers=d,
        by_rule={r: int(flags[r].sum()) for r in checks},
        by_abc={k: int((d["abc"] == k).sum()) for k in ("A", "B", "C", "")},
        total_customers=len(totals),
        min_margin=config.min_margin,
        min_margin_rate=config.min_margin_rate,
        inactive_months=config.inactive_months,
    )


def time_class(ids: pd.Series, abc_classes: pd.Series, d_ids: set[str]) -> pd.Series:
    """The class each customer id counts under for the managers' time: D first, then A / B / C, else none."""
    cls = ids.map(abc_classes).astype("object").fillna("none")
    return cls.where(~ids.isin(d_ids), "D")


def analyze_time(
    deals: pd.DataFrame,
    activities: pd.DataFrame | None,
    period: Period,
    abc_classes: pd.Series,
    d_ids: set[str],
    config: DClassConfig,
    hour_cost: tuple[float, str] | None,
) -> ManagerTime:
    """Deals created in the period (and actions, when they name a customer) by the customer's class."""
    cohort = in_period(deals, "created_at", period)
    named = cohort[cohort["customer_id"].notna()]
    deal_classes = time_class(named["customer_id"].astype(str), abc_classes, d_ids)
    actions = None
    if activities is not None and "customer_id" in activities and activities["customer_id"].notna().any():
        acts = in_period(activities, "date", period)
        acts = acts[acts["customer_id"].notna()]
        by = acts["count"].groupby(time_class(acts["customer_id"].astype(str), abc_classes, d_ids)).sum()
        actions = {c: float(by.get(c, 0.0)) for c in TIME_CLASSES}
    counts = deal_classes.value_counts()
    return ManagerTime(
        deals={c: int(counts.get(c, 0)) for c in TIME_CLASSES},
        deals_without_customer=int(cohort["customer_id"].isna().sum()),
        actions=actions,
        hours_per_deal=config.hours_per_deal,
        hours_per_action=config.hours_per_action,
        hour_cost=hour_cost[0] if hour_cost else None,
        hour_cost_source=hour_cost[1] if hour_cost else None,
        months=period.months,
    )
