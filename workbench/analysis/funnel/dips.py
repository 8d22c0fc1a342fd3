"""Temporary dips: months in which a step converted clearly worse than in the rest of the period.

A trend line and the last weeks against the weeks before miss a dip that has already recovered. Each
month of each step is compared with the other months of the same step (a two-proportion chi-square test on
the deals that left the step that month against those that left it in the other months); the p-values of
every step and month are Holm-adjusted together, so chance raises a dip somewhere in the funnel at most
at :data:`DIP_P`. Months with fewer than :data:`MIN_MONTH_EXITS` exits are not tested. Neighbouring months
that fall together form one dip, priced as the deals lost against the other months' rate.

Months are those of the weeks' Mondays (the weekly counts are summed); only a stage history places exits
in time, so without it there are no dips.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.analysis import stats
from workbench.analysis.funnel.groups import downstream
from workbench.analysis.funnel.weekly import WeeklyFunnel, holm

DIP_P = 0.01  # family-wise: the chance that noise shows a dip anywhere in the funnel
MIN_MONTH_EXITS = 20


@dataclass(frozen=True)
class MonthTest:
    """One month of one step against the step's other months."""

    stage: str
    index: int
    month: str  # "2026-03"
    left: int
    advanced: int
    rate: float
    others_rate: float
    p_value: float  # Holm-adjusted across every step and month
    low: bool  # significantly below the other months


@dataclass(frozen=True)
class Dip:
    """Consecutive months in which a step converted clearly worse than in its other months."""

    stage: str
    index: int
    months: list[str]
    left: int  # deals that left the step in those months
    rate: float  # their conversion
    others_rate: float  # the step's conversion in the other months
    drop: float  # others_rate - rate, share points
    deals_lost: float  # left x drop: deals that would have moved on at the usual rate
    money_lost: float | None  # deals lost x P(win after the step) x average check, over the whole dip
    recovered: bool  # the last month of the period is not part of the dip
    p_value: float  # the largest adjusted p-value of its months


@dataclass(frozen=True)
class Dips:
    """Every month tested and the dips found."""

    basis: str  # "history" (tested) or "snapshot" (no exits in time, nothing tested)
    months: list[MonthTest]
    dips: list[Dip]
    alpha: float = DIP_P
    min_exits: int = MIN_MONTH_EXITS


def _monthly(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return frame
    keys = pd.DatetimeIndex(frame.index).to_period("M").astype(str)
    return frame.groupby(keys).sum()


def find_dips(weekly: WeeklyFunnel, conversions: list[float | None], avg_check: float | None) -> Dips:
    """Test each month of each step against the step's other months and gather the dips."""
    if weekly.basis != "history" or weekly.left.empty:
        return Dips(weekly.basis, [], [])
    left, advanced = _monthly(weekly.left), _monthly(weekly.advanced)
    rows: list[tuple[str, int, str, int, int, float, float, float]] = []
    for k, stage in enumerate(left.columns):
        n, a = left[stage].to_numpy(dtype=float), advanced[stage].to_numpy(dtype=float)
        for i, month in enumerate(left.index):
            rest_n, rest_a = n.sum() - n[i], a.sum() - a[i]
            if n[i] < MIN_MONTH_EXITS or rest_n < MIN_MONTH_EXITS:
                continue
            test = stats.chi_square_across(np.array([a[i], rest_a]), np.array([n[i], rest_n]))
            if test is None:
                continue
            rows.append(
                (stage, k, str(month), int(n[i]), int(a[i]), a[i] / n[i], rest_a / rest_n, test.p_value)
            )
    adjusted = holm([r[7] for r in rows])
    months = [
        MonthTest(*r[:7], float(p), bool(p < DIP_P and r[5] < r[6]))
        for r, p in zip(rows, adjusted, strict=True)
        if p is not None
    ]
    last_month = str(left.index[-1])
    after = downstream(conversions)
    dips = [
        _dip(group, left, advanced, after, avg_check, last_month) for group in _runs(months, list(left.index))
    ]
    return Dips(weekly.basis, months, dips)


def _runs(months: list[MonthTest], order: list[str]) -> list[list[MonthTest]]:
    """Low months of each step grouped into runs of calendar-neighbouring months."""
    position = {m: i for i, m in enumerate(order)}
    runs: list[list[MonthTest]] = []
    for test in sorted((m for m in months if m.low), key=lambda m: (m.index, position[m.month])):
        last = runs[-1][-1] if runs else None
        if last is not None and last.index == test.index and position[test.month] == position[last.month] + 1:
            runs[-1].append(test)
        else:
            runs.append([test])
    return runs


def _dip(
    run: list[MonthTest],
    left: pd.DataFrame,
    advanced: pd.DataFrame,
    after: list[float],
    avg_check: float | None,
    last_month: str,
) -> Dip:
    stage, k = run[0].stage, run[0].index
    names = [m.month for m in run]
    inside = left.index.isin(names)
    n_in, a_in = float(left.loc[inside, stage].sum()), float(advanced.loc[inside, stage].sum())
    n_out, a_out = float(left.loc[~inside, stage].sum()), float(advanced.loc[~inside, stage].sum())
    rate, others = a_in / n_in, a_out / n_out
    lost = n_in * max(0.0, others - rate)
    money = lost * after[k] * avg_check if avg_check else None
    return Dip(
        stage,
        k,
        names,
        int(n_in),
        rate,
        others,
        others - rate,
        lost,
        money,
        names[-1] != last_month,
        max(m.p_value for m in run),
    )
