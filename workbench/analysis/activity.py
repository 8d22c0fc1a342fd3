"""Regular actions (layer 5): are calls and meetings done steadily, week after week, by every manager?

Regularity is measured on weekly totals of all actions in the whole weeks (Monday to Sunday) that hold
the period: the coefficient of variation (standard deviation / mean) across weeks and the number of weeks
without any action. A manager is irregular when the coefficient of variation is above the threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.config import ActivityConfig, Period
from workbench.serialize import json_omit


@dataclass(frozen=True)
class ManagerActivity:
    """One manager's weekly rhythm."""

    manager: str
    total: float
    weekly_mean: float
    weekly_cv: float | None
    zero_weeks: int
    weeks: int
    irregular: bool


@dataclass(frozen=True)
class ActivityResult:
    """Weekly activity per manager and type."""

    available: bool
    # index week (Monday), columns managers, values total actions
    weekly: pd.DataFrame = field(metadata=json_omit("drawn in the report; managers hold its statistics"))
    # index manager, columns types, values total actions
    by_type: pd.DataFrame = field(metadata=json_omit("drawn in the report"))
    managers: list[ManagerActivity]
    threshold: float


def analyze_activity(
    activities: pd.DataFrame | None, config: ActivityConfig, period: Period
) -> ActivityResult:
    """Weekly totals and regularity per manager."""
    if activities is None or activities.empty:
        return ActivityResult(False, pd.DataFrame(), pd.DataFrame(), [], config.irregular_cv)
    start = pd.Timestamp(period.start)
    first = start - pd.Timedelta(days=start.weekday())
    last = pd.Timestamp(period.end)
    end = last + pd.Timedelta(days=7 - last.weekday())
    # Whole weeks: the weeks holding the period's first and last days count in full.
    rows = activities[(activities["date"] >= first) & (activities["date"] < end)]
    week = (rows["date"] - pd.to_timedelta(rows["date"].dt.day_of_week, unit="D")).dt.normalize()
    frame = pd.DataFrame(
        {
            "manager": rows["manager"].astype(str),
            "week": week,
            "type": rows["type"].astype(str),
            "count": rows["count"].astype(float),
        }
    )
    weeks = pd.date_range(first, pd.Timestamp(period.end), freq="7D")
    weekly = frame.pivot_table(index="week", columns="manager", values="count", aggfunc="sum", fill_value=0.0)
    weekly = weekly.reindex(weeks, fill_value=0.0)
    weekly.index.name = "week"
    by_type = frame.pivot_table(
        index="manager", columns="type", values="count", aggfunc="sum", fill_value=0.0
    )
    managers = []
    for name in weekly.columns:
        series = weekly[name].to_numpy(dtype=float)
        mean = float(series.mean()) if len(series) else 0.0
        cv = float(series.std(ddof=0) / mean) if mean > 0 else None
        managers.append(
            ManagerActivity(
                manager=str(name),
                total=float(series.sum()),
                weekly_mean=mean,
                weekly_cv=cv,
                zero_weeks=int((series == 0).sum()),
                weeks=len(series),
                irregular=bool(cv is None or cv > config.irregular_cv),
            )
        )
    return ActivityResult(True, weekly, by_type, managers, config.irregular_cv)


def department_cv(result: ActivityResult) -> float | None:
    """Median weekly coefficient of variation across managers (the department's usual rhythm)."""
    values = [m.weekly_cv for m in result.managers if m.weekly_cv is not None]
    return float(np.median(values)) if values else None
