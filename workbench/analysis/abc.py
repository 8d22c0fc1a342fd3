"""ABC analysis of customers, revenue concentration and unprofitable customers.

Boundary rule (fixed mode): items are sorted by value, largest first (ties by id). An item belongs to A
while the cumulative share of the items *before* it is below the A threshold, to B while it is below the
B threshold, else to C. So a customer who alone brings 85% is A, and the first item is always A.
Items with a total of zero or less (refunds exceeding sales) take no part in the ranking; they are
counted apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.config import AbcConfig, Period

CLASSES = ("A", "B", "C")


@dataclass(frozen=True)
class ClassSummary:
    """One ABC class."""

    count: int
    revenue: float
    share: float  # share of the ranked total
    count_share: float


@dataclass(frozen=True)
class Concentration:
    """How much revenue depends on few customers."""

    customers: int
    top1_share: float
    top1_name: str | None
    top3_share: float
    top10_share: float
    gini: float
    hhi: float  # Herfindahl-Hirschman index on shares, 0..1
    total: float  # the positive revenue the shares are of


@dataclass(frozen=True)
class Profitability:
    """Customers whose total margin over the period is negative."""

    available: bool
    unprofitable_count: int
    unprofitable_revenue: float
    unprofitable_margin: float  # negative number: margin lost on them
    total_margin: float
    customers: int


@dataclass(frozen=True)
class AbcResult:
    """ABC classes of customers plus concentration and profitability."""

    mode: str
    metric: str
    thresholds: tuple[float, float]
    classes: dict[str, ClassSummary]
    items: pd.DataFrame  # id, value, share, cum_share_before, cum_share, cls (ranked items only)
    excluded_count: int
    excluded_value: float
    total: float
    concentration: Concentration
    profitability: Profitability
    months: float


def in_period(frame: pd.DataFrame, column: str, period: Period) -> pd.DataFrame:
    """Rows whose ``column`` date falls within the period (both ends inclusive)."""
    start = pd.Timestamp(period.start)
    end = pd.Timestamp(period.end) + pd.Timedelta(days=1)
    return frame[(frame[column] >= start) & (frame[column] < end)]


def abc_fixed(values: pd.Series, thresholds: tuple[float, float]) -> pd.DataFrame:
    """Classify items by value with the 'share before the item' rule.

    ``values`` is indexed by item id. Returns a frame (ranked positive items only) with columns
    id, value, share, cum_share_before, cum_share, cls (the class).
    """
    positive = values[values > 0]
    order = pd.DataFrame({"id": positive.index.astype(str), "value": positive.to_numpy(dtype=float)})
    order = order.sort_values(["value", "id"], ascending=[False, True], kind="stable").reset_index(drop=True)
    total = float(order["value"].sum())
    if total <= 0:
        return order.assign(share=[], cum_share_before=[], cum_share=[], cls=[])
    share = order["value"] / total
    cum = share.cumsum()
    before = cum - share
    a, b = thresholds
    # Guard the comparison against floating-point noise in the cumulative sum.
    eps = 1e-12
    cls = np.where(before < a - eps, "A", np.where(before < b - eps, "B", "C"))
    return order.assign(share=share, cum_share_before=before, cum_share=cum, cls=cls)


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 = all equal, near 1 = one holds everything)."""
    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    if n == 0 or x.sum() <= 0:
        return 0.0
    ranks = np.arange(1, n + 1)
    return float((2 * (ranks * x).sum()) / (n * x.sum()) - (n + 1) / n)


def concentration(values: pd.Series) -> Concentration:
    """Top shares, Gini and HHI of positive customer totals."""
    positive = values[values > 0]
    order = pd.DataFrame({"id": positive.index.astype(str), "value": positive.to_numpy(dtype=float)})
    order = order.sort_values(["value", "id"], ascending=[False, True], kind="stable")
    positive = pd.Series(order["value"].to_numpy(), index=order["id"].to_numpy())
    total = float(positive.sum())
    if total <= 0:
        return Concentration(0, 0.0, None, 0.0, 0.0, 0.0, 0.0, 0.0)
    shares = positive / total
    return Concentration(
        customers=len(positive),
        top1_share=float(shares.iloc[0]),
        top1_name=str(shares.index[0]),
        top3_share=float(shares.iloc[:3].sum()),
        top10_share=float(shares.iloc[:10].sum()),
        gini=gini(positive.to_numpy()),
        hhi=float((shares**2).sum()),
        total=total,
    )


def analyze_customers(transactions: pd.DataFrame, config: AbcConfig, period: Period) -> AbcResult:
    """ABC of customers on the configured metric over the period's transactions."""
    lines = in_period(transactions, "date", period)
    column = {"revenue": "amount", "margin": "margin", "quantity": "quantity"}[config.metric]
    grouped = lines.groupby("customer_id", sort=False)
    values = grouped[column].sum(min_count=1).fillna(0.0)
    items = abc_fixed(values, config.thresholds)
    total = float(items["value"].sum())
    classes = {}
    for cls in CLASSES:
        part = items[items["cls"] == cls]
        classes[cls] = ClassSummary(
            count=len(part),
            revenue=float(part["value"].sum()),
            share=float(part["value"].sum() / total) if total > 0 else 0.0,
            count_share=len(part) / len(items) if len(items) else 0.0,
        )
    excluded = values[values <= 0]
    revenue = grouped["amount"].sum()
    return AbcResult(
        mode=config.mode,
        metric=config.metric,
        thresholds=config.thresholds,
        classes=classes,
        items=items,
        excluded_count=len(excluded),
        excluded_value=float(excluded.sum()),
        total=total,
        concentration=concentration(revenue),
        profitability=profitability(lines),
        months=period.months,
    )


def profitability(lines: pd.DataFrame) -> Profitability:
    """Customers with a negative total margin, when the transactions carry margin."""
    if "margin" not in lines or lines["margin"].notna().sum() == 0:
        return Profitability(False, 0, 0.0, 0.0, 0.0, int(lines["customer_id"].nunique()))
    per = lines.groupby("customer_id").agg(revenue=("amount", "sum"), margin=("margin", "sum"))
    bad = per[per["margin"] < 0]
    return Profitability(
        available=True,
        unprofitable_count=len(bad),
        unprofitable_revenue=float(bad["revenue"].sum()),
        unprofitable_margin=float(bad["margin"].sum()),
        total_margin=float(per["margin"].sum()),
        customers=len(per),
    )
