"""Compare groups of deals (managers, lead sources) honestly: intervals, shrinkage, funnel-plot limits.

Each group is judged against the rest of the department (leave-one-out): a weak group does not pull down
the baseline it is judged against, nor lift its equals above it. A group is flagged only when its rate lies
outside the 99.8% limits of the exact conditional test against the rest (Fisher's, equal tails) *and* it
has at least ``min_deals`` deals at that step; 95% limits give a softer "watch" mark (see :func:`judge`).
Shrunk rates are pulled towards the rate of the other groups. No league table: ranks of small samples
mostly show chance.
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
    rest_rate: float | None = None  # the win rate of all the other groups together (the baseline)

    @property
    def manager(self) -> str:
        return self.name


@dataclass(frozen=True)
class GroupStage:
    """A group's conversion at one step, against the rest of the department (leave-one-out)."""

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
    limit_low: float | None  # 99.8% limits of the group's own rate against the rest
    limit_high: float | None
    flag: str | None  # "low" / "high" outside the 99.8% limits with enough deals, else None
    watch: str | None  # "low" / "high" outside the 95% limits only
    impact_per_month: float | None  # revenue a month if a "low" group reached the rest's rate
    rest_rate: float | None = None  # the step conversion of all the other groups together (the baseline)

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


@dataclass(frozen=True)
class Baseline:
    """Each group's baseline at one step: the successes and trials of the rest it is compared with."""

    successes: np.ndarray
    trials: np.ndarray

    @property
    def rates(self) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.trials > 0, self.successes / self.trials, np.nan)


def _signs(k: np.ndarray, n: np.ndarray, rest: Baseline, enough: np.ndarray, level: float) -> np.ndarray:
    return np.where(enough, stats.outside_rest(k, n, rest.successes, rest.trials, level), 0)


@dataclass(frozen=True)
class Judgement:
    """Each group's baselines at one step and its flags against them."""

    rest: Baseline  # all the other groups: the shrinkage target and the rate shown
    below: Baseline  # confirms a "low" verdict: the rest without the groups clearly above it
    above: Baseline  # confirms a "high" verdict: the rest without the groups clearly below it
    alarm: np.ndarray  # -1 / 0 / +1 outside the 99.8% limits
    alert: np.ndarray  # -1 / 0 / +1 outside only the 95% limits


def judge(successes: np.ndarray, trials: np.ndarray, enough: np.ndarray) -> Judgement:
    """Compare each group with the rest of the department (leave-one-out), and confirm each verdict.

    First every group is tested against all the other groups together. A "low" verdict is then kept only
    if the group is also clearly worse than the others less those found clearly *above*, and a "high"
    verdict only if it is also clearly better than the others less those found clearly *below*: a weak
    group does not make its equals look strong, nor a strong one make them look weak. The confirmed flags
    are a subset of the leave-one-out ones, so chance flags a group at most at the nominal rate.
    """
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    rest = Baseline(*stats.rest_of(k, n))
    first = _signs(k, n, rest, enough, stats.ALARM)
    below, above = _rest_without(k, n, first > 0), _rest_without(k, n, first < 0)
    alarm = _confirmed(first, k, n, below, above, enough, stats.ALARM)
    watch = _confirmed(_signs(k, n, rest, enough, stats.ALERT), k, n, below, above, enough, stats.ALERT)
    return Judgement(rest, below, above, alarm, np.where(alarm != 0, 0, watch))


def _confirmed(first, k, n, below: Baseline, above: Baseline, enough, level: float) -> np.ndarray:
    low = (first < 0) & (_signs(k, n, below, enough, level) < 0)
    high = (first > 0) & (_signs(k, n, above, enough, level) > 0)
    return np.where(low, -1, np.where(high, 1, 0))


def _rest_without(k: np.ndarray, n: np.ndarray, excluded: np.ndarray) -> Baseline:
    """All the other groups, less the excluded ones (all the others when that would leave nobody)."""
    keep_k, keep_n = np.where(excluded, 0.0, k), np.where(excluded, 0.0, n)
    succ, trials = keep_k.sum() - keep_k, keep_n.sum() - keep_n
    all_k, all_n = stats.rest_of(k, n)
    empty = trials <= 0
    return Baseline(np.where(empty, all_k, succ), np.where(empty, all_n, trials))


def _limits(trials: np.ndarray, judged: Judgement) -> tuple[np.ndarray, np.ndarray]:
    """The 99.8% limits of each group's own rate: the lower one against the baseline of a "low" verdict,
    the upper one against the baseline of a "high" verdict."""
    low, _ = stats.rest_limits(trials, judged.below.successes, judged.below.trials, stats.ALARM)
    _, high = stats.rest_limits(trials, judged.above.successes, judged.above.trials, stats.ALARM)
    return low, high


def _baseline_rates(judged: Judgement) -> np.ndarray:
    """The rate each group is shown against: the baseline of its verdict, else the whole rest."""
    return np.where(
        judged.alarm < 0,
        judged.below.rates,
        np.where(judged.alarm > 0, judged.above.rates, judged.rest.rates),
    )


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
    intervals, the baselines, the tests and the flags, and are summed as ``Comparison.unassigned``. Each
    labelled group is judged against the rest of the labelled groups (leave-one-out), so that a weak group
    cannot make its equals look better than the department; the money of a step still follows the whole
    department's conversions downstream.
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
    k_won, k_closed = won[keep], closed[keep]
    low, high = stats.wilson_interval(k_won, k_closed)
    win = judge(k_won, k_closed, k_closed >= min_deals)
    alarm = win.alarm
    shrunk = stats.shrink_towards_rest(k_won, k_closed, (win.rest.successes, win.rest.trials))
    rest = _baseline_rates(win)
    lim_low, lim_high = _limits(k_closed, win)
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
            _opt(rest[j]),
        )
        for j, i in enumerate(keep)
    ]
    win_test = stats.chi_square_across(k_won, k_closed)
    win_rate_test = (
        StageTest(
            "win",
            int((k_closed > 0).sum()),
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
        judged = judge(adv, left, left >= min_deals)
        alarm, alert = judged.alarm, judged.alert
        s_shrunk = stats.shrink_towards_rest(adv, left, (judged.rest.successes, judged.rest.trials))
        s_rest = _baseline_rates(judged)
        l_low, l_high = _limits(left, judged)
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
            baseline = _opt(s_rest[i])
            if flag == "low" and baseline is not None and avg_check:
                impact = float(left[i] / frame.months * (baseline - own) * after[k] * avg_check)
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
                    baseline,
                )
            )
    return Comparison(rows, stage_rows, tests, win_rate_test, unassigned)
