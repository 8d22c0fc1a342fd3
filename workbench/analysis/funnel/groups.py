"""Compare groups of deals (managers, lead sources) honestly: intervals, shrinkage, funnel-plot limits.

A group is flagged only when its rate lies outside the exact binomial 99.8% control limits around the
department's rate *and* it has at least ``min_deals`` deals at that step; 95% limits give a softer
"watch" mark. No league table: ranks of small samples mostly show chance.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.analysis import stats
from workbench.analysis.funnel.position import FunnelFrame
from workbench.analysis.keys import UNASSIGNED, factorize
from workbench.serialize import json_key

SIGNIFICANT_P = 0.01  # a chi-square test across groups is "significant" below this p-value


def _rate(num: float, den: float) -> float | None:
    return float(num / den) if den > 0 else None


def _opt(value: float | None) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


@dataclass(frozen=True)
class GroupRow:
    """A group's closed-deal results over the deals created in the period."""

    name: str
    deals: int
    won: int
    lost: int
    open: int
    win_rate: float | None
    ci_low: float | None
    ci_high: float | None
    revenue: float
    avg_check: float | None
    shrunk_rate: float | None = None
    limit_low: float | None = None
    limit_high: float | None = None
    flag: str | None = None  # "low" / "high": win rate outside the 99.8% limits with enough deals
    share_of_deals: float = 0.0

    @property
    def manager(self) -> str:
        return self.name


@dataclass(frozen=True)
class GroupStage:
    """A group's conversion at one step, against the department's funnel-plot limits."""

    name: str
    stage: str
    index: int
    left: int
    advanced: int
    conversion: float | None
    ci_low: float | None
    ci_high: float | None
    shrunk_rate: float | None
    department_rate: float | None
    limit_low: float | None
    limit_high: float | None
    flag: str | None  # "low" / "high" outside the 99.8% limits with enough deals, else None
    watch: str | None  # "low" / "high" outside the 95% limits only
    impact_per_month: float | None  # revenue a month if a "low" group reached the department rate

    @property
    def manager(self) -> str:
        return self.name


@dataclass(frozen=True)
class StageTest:
    """Chi-square test across groups at one step."""

    stage: str
    managers: int = field(metadata=json_key("groups"))  # groups compared: managers or sources
    statistic: float
    dof: int
    p_value: float
    low_expected: bool

    @property
    def significant(self) -> bool:
        """The groups differ beyond chance at :data:`SIGNIFICANT_P`."""
        return self.p_value < SIGNIFICANT_P


@dataclass(frozen=True)
class Comparison:
    """Everything compared for one grouping (e.g. managers)."""

    rows: list[GroupRow]
    stages: list[GroupStage]
    tests: list[StageTest]
    win_rate_test: StageTest | None
    unassigned: GroupRow | None = None  # the deals without a label, summed: no group of their own


def _flags(successes: np.ndarray, trials: np.ndarray, rate: float | None, enough: np.ndarray):
    if rate is None:
        none = np.zeros(len(trials), dtype=int)
        return none, none
    alarm = np.where(enough, stats.outside_limits(successes, trials, rate, stats.ALARM), 0)
    alert = np.where(enough & (alarm == 0), stats.outside_limits(successes, trials, rate, stats.ALERT), 0)
    return alarm, alert


def _word(sign: int) -> str | None:
    return "low" if sign < 0 else "high" if sign > 0 else None


def downstream(conversions: list[float | None]) -> list[float]:
    """P(win | the deal has just advanced past stage k), from the department's step conversions.

    A step nobody left (conversion unknown, e.g. a stage every deal skips in strict mode) loses nothing.
    """
    out = [0.0] * len(conversions)
    acc = 1.0
    for k in range(len(conversions) - 1, -1, -1):
        out[k] = acc
        acc *= conversions[k] if conversions[k] is not None else 1.0
    return out


def compare(
    frame: FunnelFrame,
    names: pd.Series,
    conversions: list[float | None],
    min_deals: int,
    avg_check: float | None,
) -> Comparison:
    """Compare the groups given by ``names`` (one label per deal of the cohort).

    Deals without a label (missing, or already "—") are no group: they stay out of the comparison, the
    intervals, the shrinkage prior, the tests and the flags, and are summed as ``Comparison.unassigned``.
    The centre of the limits is then the rate of the labelled deals alone (a bucket of unassigned, mostly
    lost deals would otherwise put every named group "above the department"); the money of a step still
    follows the whole department's conversions.
    """
    code, groups = factorize(names)
    size = len(groups)
    base = frame.base
    won = np.bincount(code, weights=frame.is_won, minlength=size)
    lost = np.bincount(code, weights=frame.is_lost, minlength=size)
    open_ = np.bincount(code, weights=frame.is_open, minlength=size)
    amounts = base["amount"].to_numpy(dtype=float, na_value=np.nan)
    won_amount = np.where(frame.is_won & np.isfinite(amounts), amounts, 0.0)
    revenue = np.bincount(code, weights=won_amount, minlength=size)
    known = np.bincount(code, weights=frame.is_won & np.isfinite(amounts), minlength=size)
    deals = np.bincount(code, minlength=size)
    closed = won + lost
    labelled = groups != UNASSIGNED
    department = _rate(won[labelled].sum(), closed[labelled].sum())
    unassigned = None
    if not labelled.all():
        i = int(np.flatnonzero(~labelled)[0])
        unassigned = GroupRow(
            UNASSIGNED,
            int(deals[i]),
            int(won[i]),
            int(lost[i]),
            int(open_[i]),
            _rate(won[i], closed[i]),
            None,
            None,
            float(revenue[i]),
            _rate(revenue[i], known[i]),
            share_of_deals=float(deals[i] / max(len(code), 1)),
        )
    keep = np.flatnonzero(labelled)
    low, high = stats.wilson_interval(won[keep], closed[keep])
    prior = stats.fit_beta_prior(won[keep], closed[keep])
    shrunk = (
        prior.shrink(won[keep], closed[keep])
        if prior
        else np.where(closed[keep] > 0, won[keep] / np.maximum(closed[keep], 1), np.nan)
    )
    lim_low, lim_high = (
        stats.funnel_limits(closed[keep], department, stats.ALARM)
        if department is not None
        else (closed[keep] * np.nan,) * 2
    )
    alarm, _ = _flags(won[keep], closed[keep], department, closed[keep] >= min_deals)
    rows = [
        GroupRow(
            str(groups[i]),
            int(deals[i]),
            int(won[i]),
            int(lost[i]),
            int(open_[i]),
            _rate(won[i], closed[i]),
            _opt(low[j]),
            _opt(high[j]),
            float(revenue[i]),
            _rate(revenue[i], known[i]),
            _opt(shrunk[j]) if closed[i] else None,
            _opt(lim_low[j]),
            _opt(lim_high[j]),
            _word(alarm[j]),
            float(deals[i] / max(len(code), 1)),
        )
        for j, i in enumerate(keep)
    ]
    win_test = stats.chi_square_across(won[keep], closed[keep])
    win_rate_test = (
        StageTest(
            "win",
            int((closed[keep] > 0).sum()),
            win_test.statistic,
            win_test.dof,
            win_test.p_value,
            win_test.low_expected,
        )
        if win_test
        else None
    )
    after = downstream(conversions)
    stage_rows: list[GroupStage] = []
    tests: list[StageTest] = []
    for k, label in enumerate(frame.stages):
        adv = np.bincount(code, weights=frame.advanced[:, k], minlength=size)[keep]
        left = adv + np.bincount(code, weights=frame.lost_here[:, k], minlength=size)[keep]
        rate = conversions[k] if labelled.all() else _rate(adv.sum(), left.sum())
        s_low, s_high = stats.wilson_interval(adv, left)
        s_prior = stats.fit_beta_prior(adv, left)
        s_shrunk = (
            s_prior.shrink(adv, left) if s_prior else np.where(left > 0, adv / np.maximum(left, 1), np.nan)
        )
        if rate is not None:
            l_low, l_high = stats.funnel_limits(left, rate, stats.ALARM)
        else:
            l_low = l_high = np.full(len(keep), np.nan)
        alarm, alert = _flags(adv, left, rate, left >= min_deals)
        test = stats.chi_square_across(adv, left)
        if test is not None:
            tests.append(
                StageTest(
                    label, int((left > 0).sum()), test.statistic, test.dof, test.p_value, test.low_expected
                )
            )
        for i in range(len(keep)):
            if left[i] == 0:
                continue
            own = adv[i] / left[i]
            flag = _word(alarm[i])
            impact = None
            if flag == "low" and rate is not None and avg_check:
                impact = float(left[i] / frame.months * (rate - own) * after[k] * avg_check)
            stage_rows.append(
                GroupStage(
                    str(groups[keep[i]]),
                    label,
                    k,
                    int(left[i]),
                    int(adv[i]),
                    float(own),
                    _opt(s_low[i]),
                    _opt(s_high[i]),
                    _opt(s_shrunk[i]),
                    rate,
                    _opt(l_low[i]),
                    _opt(l_high[i]),
                    flag,
                    _word(alert[i]),
                    impact,
                )
            )
    return Comparison(rows, stage_rows, tests, win_rate_test, unassigned)
