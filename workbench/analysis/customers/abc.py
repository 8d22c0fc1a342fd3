"""ABC analysis of customers and products, revenue concentration and unprofitable customers.

Boundary rule (fixed mode): items are sorted by value, largest first (ties by id). An item belongs to A
while the cumulative share of the items *before* it is below the A threshold, to B while it is below the
B threshold, else to C. So a customer who alone brings 85% is A, and the first item is always A.
Computed mode reads the limits off the ABC curve (see :mod:`workbench.analysis.customers.abc_computed`)
and applies the same "before the item" rule to the share of items. Items with a total of zero or less (refunds
exceeding sales) take no part in the ranking; they are counted apart.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from workbench.analysis.customers.abc_computed import (
    MIN_ITEMS,
    ComputedLimits,
    classes_by_effort,
    computed_limits,
)
from workbench.analysis.customers.totals import Keyed, keyed
from workbench.analysis.customers.xyz import XyzResult, abc_xyz_matrix, analyze_xyz
from workbench.analysis.periods import in_period
from workbench.config import AbcConfig, Period
from workbench.serialize import json_key

METRIC_COLUMNS = {"revenue": "amount", "margin": "margin", "quantity": "quantity"}
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
    top1_limit: float = 0.20  # the client's limits (abc.concentration): above them dependence is a risk
    top3_limit: float = 0.50

    @property
    def over_limit(self) -> bool:
        """The largest customer, or the three largest, bring at least their limit's share of revenue."""
        return bool(self.customers) and (
            self.top1_share >= self.top1_limit or self.top3_share >= self.top3_limit
        )


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
    """ABC classes of customers (or products) plus concentration, profitability and XYZ."""

    mode: str
    metric: str
    thresholds: tuple[float, float]  # cumulative shares at the A and B limits (computed mode: as found)
    classes: dict[str, ClassSummary]
    # id, value, share, cum_share_before, cum_share, cls[, cv, xyz] (ranked items)
    items: pd.DataFrame = field(metadata=json_key("ranked", via=len))
    excluded_count: int = field(metadata=json_key("excluded", "count"))
    excluded_value: float = field(metadata=json_key("excluded", "value"))
    total: float
    concentration: Concentration
    profitability: Profitability
    months: float
    computed: ComputedLimits | None = None  # computed mode with enough items
    xyz: XyzResult | None = None
    lines_without_key: int = 0  # e.g. sales lines without a product, left out of a product ABC
    value_without_key: float = 0.0

    @property
    def fallback(self) -> bool:
        """Computed mode asked for, fixed thresholds used (fewer than three ranked items)."""
        return self.mode == "computed" and self.computed is None

    def json_derived(self) -> dict[str, object]:
        """metrics.json: whether the fixed thresholds stood in for computed ones."""
        return {"fallback": self.fallback}


def _ordered(values: pd.Series) -> pd.DataFrame:
    """Positive items sorted by value, largest first, ties by id."""
    positive = values[values > 0]
    order = pd.DataFrame({"id": positive.index.astype(str), "value": positive.to_numpy(dtype=float)})
    return order.sort_values(["value", "id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _with_shares(order: pd.DataFrame) -> pd.DataFrame:
    total = float(order["value"].sum())
    share = order["value"] / total if total > 0 else order["value"] * 0.0
    cum = share.cumsum()
    return order.assign(share=share, cum_share_before=cum - share, cum_share=cum)


def _fixed_classes(items: pd.DataFrame, thresholds: tuple[float, float]) -> pd.DataFrame:
    a, b = thresholds
    # Guard the comparison against floating-point noise in the cumulative sum.
    eps = 1e-12
    before = items["cum_share_before"].to_numpy()
    return items.assign(
        cls=np.where(before < a - eps, "A", np.where(before < b - eps, "B", "C")).astype(object)
    )


def abc_fixed(values: pd.Series, thresholds: tuple[float, float]) -> pd.DataFrame:
    """Classify items by value with the 'share before the item' rule.

    ``values`` is indexed by item id. Returns a frame (ranked positive items only) with columns
    id, value, share, cum_share_before, cum_share, cls (the class).
    """
    return _fixed_classes(_with_shares(_ordered(values)), thresholds)


def classify(
    values: pd.Series, mode: str, thresholds: tuple[float, float]
) -> tuple[pd.DataFrame, ComputedLimits | None, tuple[float, float]]:
    """Rank and class items in the given mode: (items, computed points or None, thresholds in force).

    Computed mode with fewer than three positive items falls back to the fixed ``thresholds``.
    """
    items = _with_shares(_ordered(values))
    if mode != "computed" or len(items) < MIN_ITEMS:
        return _fixed_classes(items, thresholds), None, thresholds
    limits = computed_limits(items["value"].to_numpy())
    items = items.assign(cls=classes_by_effort(len(items), limits))
    return items, limits, (limits.a_yield, limits.c_yield)


def class_summaries(items: pd.DataFrame) -> dict[str, ClassSummary]:
    """Count, value and shares of each class."""
    total = float(items["value"].sum())
    out = {}
    for cls in CLASSES:
        part = items.loc[items["cls"] == cls, "value"]
        out[cls] = ClassSummary(
            count=len(part),
            revenue=float(part.sum()),
            share=float(part.sum() / total) if total > 0 else 0.0,
            count_share=len(part) / len(items) if len(items) else 0.0,
        )
    return out


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


def analyze_abc(
    transactions: pd.DataFrame,
    config: AbcConfig,
    period: Period,
    key: str = "customer_id",
    with_xyz: bool = True,
) -> AbcResult:
    """ABC of the items named by ``key`` (customers or products) on the configured metric over the period,
    with concentration of revenue, profitability and XYZ of monthly values."""
    lines = in_period(transactions, "date", period)
    groups = keyed(lines, key)
    column = METRIC_COLUMNS[config.metric]
    values = groups.sum(lines[column]) if column in lines else pd.Series(0.0, index=groups.ids)
    items, computed, thresholds = classify(values, config.mode, config.thresholds)
    xyz = None
    if with_xyz and column in lines:
        xyz = analyze_xyz(lines, groups, column, items["id"], config.xyz, period)
        if xyz.available:
            items = items.assign(cv=xyz.cv.to_numpy(), xyz=xyz.classes.to_numpy())
            xyz = replace(xyz, matrix=abc_xyz_matrix(items))
    excluded = values[values <= 0]
    without_key = ~groups.has_key
    return AbcResult(
        mode=config.mode,
        metric=config.metric,
        thresholds=thresholds,
        classes=class_summaries(items),
        items=items,
        excluded_count=len(excluded),
        excluded_value=float(excluded.sum()),
        total=float(items["value"].sum()),
        concentration=dataclasses.replace(
            concentration(groups.sum(lines["amount"])),
            top1_limit=config.concentration.top1,
            top3_limit=config.concentration.top3,
        ),
        profitability=profitability(lines, groups),
        months=period.months,
        computed=computed,
        xyz=xyz,
        lines_without_key=int(without_key.sum()),
        value_without_key=float(lines["amount"].to_numpy()[without_key].sum()),
    )


def analyze_customers(transactions: pd.DataFrame, config: AbcConfig, period: Period) -> AbcResult:
    """ABC of customers on the configured metric over the period's transactions."""
    return analyze_abc(transactions, config, period, "customer_id")


def profitability(lines: pd.DataFrame, groups: Keyed | None = None) -> Profitability:
    """Customers (or products) with a negative total margin, when the lines carry margin."""
    groups = groups or keyed(lines, "customer_id")
    if "margin" not in lines or lines["margin"].notna().sum() == 0:
        return Profitability(False, 0, 0.0, 0.0, 0.0, groups.size)
    revenue, margin = groups.sum(lines["amount"]), groups.sum(lines["margin"])
    bad = margin < 0
    return Profitability(
        available=True,
        unprofitable_count=int(bad.sum()),
        unprofitable_revenue=float(revenue[bad].sum()),
        unprofitable_margin=float(margin[bad].sum()),
        total_margin=float(margin.sum()),
        customers=groups.size,
    )
