"""XYZ analysis: how steady each item's monthly values are, and the ABC x XYZ matrix.

Rules (stated in the report's methodology):

- months: the complete calendar months of the period; a partial first or last month is left out, since
  it would look like a drop. Fewer complete months than ``min_months``: no XYZ.
- months without sales count as 0 (``months_without_sales: zero``), or, with ``from_first_purchase``,
  the months before an item's first sale in the period are left out (a new customer is not irregular
  for not having bought before it existed);
- the coefficient of variation CV = population standard deviation / mean of the monthly values;
- X while CV <= the first limit, Y while CV <= the second, else Z. An item whose mean over the months is
  zero or less (it sold only in a partial month, or returns cancel its sales) has no XYZ class.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.analysis.customers.totals import Keyed, month_numbers
from workbench.config import Period, XyzConfig
from workbench.serialize import json_key, json_omit

XYZ = ("X", "Y", "Z")


@dataclass(frozen=True)
class MatrixCell:
    """One cell of the ABC x XYZ matrix."""

    count: int
    value: float
    share: float  # of the ranked total


@dataclass(frozen=True)
class XyzResult:
    """XYZ classes of the ranked items, in the ranking's order."""

    available: bool
    limits: tuple[float, float]
    preset: str | None  # None when the limits were set by hand
    # first days of the complete months used
    months: list[pd.Timestamp] = field(metadata=json_key(via=lambda ms: [m.date() for m in ms]))
    months_without_sales: str
    min_months: int
    cv: pd.Series = field(metadata=json_omit("per ranked item"))  # per ranked item (NaN: no class)
    classes: pd.Series = field(metadata=json_omit("per ranked item"))  # "X" / "Y" / "Z" / "" per item
    counts: dict[str, int]
    unclassified: int = field(metadata=json_key("counts", "unclassified"))
    matrix: dict[str, MatrixCell] = field(default_factory=dict)  # "AX" ... "CZ"


def complete_months(period: Period) -> list[pd.Timestamp]:
    """First days of the calendar months lying wholly inside the period."""
    start = pd.Timestamp(period.start)
    first = start if start.day == 1 else (start + pd.offsets.MonthBegin(1))
    end = pd.Timestamp(period.end)
    last = end.to_period("M").start_time
    if not end.is_month_end:
        last -= pd.DateOffset(months=1)
    return list(pd.date_range(first, last, freq="MS"))


def coefficient_of_variation(matrix: np.ndarray, from_first: bool) -> np.ndarray:
    """CV of each row; with ``from_first`` the months before the row's first non-zero month are left out."""
    values = matrix.astype("float64")
    counted = np.ones(values.shape, dtype=bool)
    if from_first:
        counted = np.maximum.accumulate(values != 0, axis=1)
    n = counted.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(counted, values, 0.0).sum(axis=1) / n
        variance = np.where(counted, (values - mean[:, None]) ** 2, 0.0).sum(axis=1) / n
        cv = np.sqrt(variance) / mean
    return np.where((n > 0) & (mean > 0), cv, np.nan)


def xyz_classes(cv: np.ndarray, limits: tuple[float, float]) -> np.ndarray:
    """X / Y / Z by the CV limits; "" where the CV is undefined."""
    x, y = limits
    eps = 1e-12
    out = np.where(cv <= x + eps, "X", np.where(cv <= y + eps, "Y", "Z")).astype(object)
    out[~np.isfinite(cv)] = ""
    return out


def analyze_xyz(
    lines: pd.DataFrame,
    groups: Keyed,
    column: str,
    ranked_ids: pd.Series,
    config: XyzConfig,
    period: Period,
) -> XyzResult:
    """XYZ of the ranked items (``ranked_ids``, in ranking order) on the monthly sums of ``column``."""
    months = complete_months(period)
    settings = {
        "limits": config.limits,
        "preset": None if config.thresholds else config.preset,
        "months": months,
        "months_without_sales": config.months_without_sales,
        "min_months": config.min_months,
    }
    if len(months) < config.min_months:
        return XyzResult(
            available=False,
            **settings,
            cv=pd.Series(dtype="float64"),
            classes=pd.Series(dtype="object"),
            counts=dict.fromkeys(XYZ, 0),
            unclassified=0,
        )
    number = month_numbers(lines["date"], months[0], len(months))
    matrix = groups.by_month(lines[column], number, len(months))
    rows = groups.ids.get_indexer(ranked_ids.astype(str))
    cv = coefficient_of_variation(matrix[rows], config.months_without_sales == "from_first_purchase")
    classes = xyz_classes(cv, config.limits)
    counts = {k: int((classes == k).sum()) for k in XYZ}
    return XyzResult(
        available=True,
        **settings,
        cv=pd.Series(cv, index=ranked_ids.to_numpy()),
        classes=pd.Series(classes, index=ranked_ids.to_numpy()),
        counts=counts,
        unclassified=int((classes == "").sum()),
    )


def abc_xyz_matrix(items: pd.DataFrame) -> dict[str, MatrixCell]:
    """Count, value and share of the ranked total in each of the nine ABC x XYZ cells ("AX" ... "CZ")."""
    total = float(items["value"].sum())
    out = {}
    for abc in ("A", "B", "C"):
        for xyz in XYZ:
            part = items.loc[(items["cls"] == abc) & (items["xyz"] == xyz), "value"]
            value = float(part.sum())
            out[abc + xyz] = MatrixCell(len(part), value, value / total if total > 0 else 0.0)
    return out
