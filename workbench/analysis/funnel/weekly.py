"""Weekly funnel statistics, as the method asks: every week, how many deals entered each stage and what
share of the deals that left each stage that week moved on; the trend, and the last weeks against the
weeks before them.

With a stage history, a deal leaves stage k when it first enters any later stage (skipped stages are left
at the same moment, under the credit rule) or when it is lost there. Without history only creation, wins
and losses can be placed in weeks, so only those are counted.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.analysis import distributions, stats
from workbench.analysis.funnel.position import FunnelFrame
from workbench.serialize import json_omit

COMPARE_WEEKS = 4
MIN_WEEKLY_EXITS = 5  # weeks with fewer exits at a step do not enter that step's trend
TREND_P = 0.05


@dataclass(frozen=True)
class StepTrend:
    """One step's weekly conversion: trend over the period and the last weeks against the ones before."""

    stage: str
    index: int
    slope_per_4_weeks: float | None  # change of the weekly conversion over four weeks (share points)
    trend_p: float | None
    trend: str  # "up", "down" or "flat"
    recent_rate: float | None
    previous_rate: float | None
    recent_left: int
    previous_left: int
    change_p: float | None
    change: str  # "up", "down" or "flat"


_PER_WEEK = json_omit("in the rows of json_derived weeks")


@dataclass(frozen=True)
class WeeklyFunnel:
    """Per-week counts and conversions."""

    basis: str  # "history" or "snapshot"
    weeks: list[pd.Timestamp] = field(metadata=_PER_WEEK)  # Mondays
    entered: pd.DataFrame = field(metadata=_PER_WEEK)  # index weeks, columns stages (+ won label)
    left: pd.DataFrame = field(metadata=_PER_WEEK)  # index weeks, columns working stages: deals that left
    advanced: pd.DataFrame = field(metadata=_PER_WEEK)  # same shape: of those, moved on
    won: pd.Series = field(metadata=_PER_WEEK)  # won per week (by close date)
    lost: pd.Series = field(metadata=_PER_WEEK)  # lost per week
    steps: list[StepTrend]
    compare_weeks: int

    def rates(self) -> pd.DataFrame:
        """Weekly step conversion (NaN where nobody left the stage)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.advanced / self.left.where(self.left > 0)

    def json_derived(self) -> dict[str, object]:
        """metrics.json: one row per week with the deals that entered each stage and the conversions."""
        rates = self.rates()
        return {
            "weeks": [
                {
                    "week": week,
                    "entered": {str(k): int(v) for k, v in self.entered.loc[week].items()},
                    "won": int(self.won.loc[week]),
                    "lost": int(self.lost.loc[week]),
                    "conversion": {
                        str(k): (None if pd.isna(v) else float(v)) for k, v in rates.loc[week].items()
                    },
                }
                for week in self.entered.index
            ]
        }


def _monday(values: pd.Series | pd.DatetimeIndex) -> pd.Series:
    """The Monday (00:00) of each timestamp's week, with integer arithmetic (1970-01-01 was a Thursday)."""
    days = np.asarray(values, dtype="datetime64[ns]").astype("datetime64[D]")
    missing = np.isnat(days)
    number = days.view(np.int64)
    monday = (number - (number + 3) % 7).view("datetime64[D]").astype("datetime64[ns]")
    monday[missing] = np.datetime64("NaT")
    return pd.Series(monday)


def entry_times(frame: FunnelFrame) -> np.ndarray:
    """First time each deal entered each stage (n x K+1, datetime64[ns], NaT when never or unknown).

    Under the credit rule a skipped stage is entered when the next entered stage is.
    """
    n, k = len(frame.base), frame.k
    times = np.full((n, k + 1), np.datetime64("NaT"), dtype="datetime64[ns]")
    times[:, 0] = frame.base["created_at"].to_numpy(dtype="datetime64[ns]")
    closed = frame.base["closed_at"].to_numpy(dtype="datetime64[ns]")
    times[frame.is_won, k] = closed[frame.is_won]
    if frame.events is not None:
        events = frame.events
        keep = events.code < k
        at = events.at.view(np.int64)
        firsts = pd.Series(at[keep]).groupby(events.pos[keep] * (k + 1) + events.code[keep]).min()
        flat = np.full(n * (k + 1), np.iinfo(np.int64).max, dtype=np.int64)
        flat[firsts.index.to_numpy()] = firsts.to_numpy()
        first = flat.reshape(n, k + 1)
        current = times.view(np.int64)
        known = first != np.iinfo(np.int64).max
        earlier = known & ((current == np.iinfo(np.int64).min) | (first < current))
        times[earlier] = first[earlier].view("datetime64[ns]")
    as_int = times.view(np.int64).astype(float)
    as_int[np.isnat(times)] = np.inf
    if frame.rule == "credit_skipped":
        as_int = np.minimum.accumulate(as_int[:, ::-1], axis=1)[:, ::-1]
    # Only stages the deal counts as having reached have a time (creation is not an entry under strict).
    as_int[~frame.entered] = np.inf
    missing = np.isinf(as_int)
    as_int[missing] = 0.0
    out = as_int.astype(np.int64)
    out[missing] = np.iinfo(np.int64).min  # NaT
    return out.view("datetime64[ns]")


def weekly_funnel(frame: FunnelFrame, compare_weeks: int = COMPARE_WEEKS) -> WeeklyFunnel:
    """Counts and conversions per week and step, with trends and a recent-against-previous comparison."""
    base = frame.base
    k = frame.k
    times = entry_times(frame)
    closed = base["closed_at"]
    week_of = pd.DataFrame({label: _monday(pd.Series(times[:, j])) for j, label in enumerate(frame.labels)})
    first = week_of.min().min()
    last = max(week_of.max().max(), _monday(closed.dropna()).max() if closed.notna().any() else first)
    if pd.isna(first):
        first = last = pd.Timestamp.now().normalize()
    weeks = pd.date_range(first, last, freq="7D")
    entered = pd.DataFrame({c: week_of[c].value_counts() for c in week_of.columns}).reindex(
        weeks, fill_value=0
    )
    entered = entered.fillna(0).astype(int)
    won = _monday(closed[frame.is_won]).value_counts().reindex(weeks, fill_value=0)
    lost = _monday(closed[frame.is_lost]).value_counts().reindex(weeks, fill_value=0)
    left = pd.DataFrame(0, index=weeks, columns=frame.stages)
    advanced = pd.DataFrame(0, index=weeks, columns=frame.stages)
    if frame.basis == "history":
        as_int = times.view(np.int64).astype(float)
        as_int[np.isnat(times)] = np.inf
        # Leaving stage k forward = first entry into any later stage.
        later = np.minimum.accumulate(as_int[:, ::-1], axis=1)[:, ::-1][:, 1:]
        for j, stage in enumerate(frame.stages):
            moved = frame.advanced[:, j] & np.isfinite(later[:, j])
            moved_weeks = _monday(pd.Series(later[moved, j].astype(np.int64).view("datetime64[ns]")))
            lost_weeks = _monday(closed[frame.lost_here[:, j]].dropna())
            advanced[stage] = moved_weeks.value_counts().reindex(weeks, fill_value=0).to_numpy()
            left[stage] = (
                advanced[stage].to_numpy() + lost_weeks.value_counts().reindex(weeks, fill_value=0).to_numpy()
            )
    steps = (
        [
            _step_trend(frame.stages[j], j, left[frame.stages[j]], advanced[frame.stages[j]], compare_weeks)
            for j in range(k)
        ]
        if frame.basis == "history"
        else []
    )
    return WeeklyFunnel(
        frame.basis, list(weeks), entered, left, advanced, won, lost, _adjusted(steps), compare_weeks
    )


def holm(p_values: list[float | None]) -> list[float | None]:
    """Holm-Bonferroni adjusted p-values (None stays None): testing every step at once does not
    multiply the chance of calling noise a change."""
    known = sorted((p, i) for i, p in enumerate(p_values) if p is not None)
    adjusted: list[float | None] = [None] * len(p_values)
    running = 0.0
    for rank, (p, i) in enumerate(known):
        running = max(running, min(1.0, (len(known) - rank) * p))
        adjusted[i] = running
    return adjusted


def _adjusted(steps: list[StepTrend]) -> list[StepTrend]:
    """The steps with their trend and change p-values adjusted across steps, and the verdicts redone."""
    trend_p = holm([s.trend_p for s in steps])
    change_p = holm([s.change_p for s in steps])
    out = []
    for step, tp, cp in zip(steps, trend_p, change_p, strict=True):
        change = "flat"
        if (
            cp is not None
            and cp < TREND_P
            and step.recent_rate is not None
            and step.previous_rate is not None
        ):
            change = "up" if step.recent_rate > step.previous_rate else "down"
        out.append(
            dataclasses.replace(
                step, trend_p=tp, trend=_direction(step.slope_per_4_weeks, tp), change_p=cp, change=change
            )
        )
    return out


def _direction(slope: float | None, p: float | None) -> str:
    if slope is None or p is None or p >= TREND_P:
        return "flat"
    return "up" if slope > 0 else "down"


def _step_trend(stage: str, index: int, left: pd.Series, advanced: pd.Series, window: int) -> StepTrend:
    usable = left >= MIN_WEEKLY_EXITS
    slope = p = None
    if usable.sum() >= 4:
        x = np.flatnonzero(usable.to_numpy())
        y = (advanced[usable] / left[usable]).to_numpy(dtype=float)
        if np.ptp(y) > 0:
            fit = distributions.linregress(x, y)
            slope, p = fit.statistic * 4, fit.pvalue
        else:
            slope, p = 0.0, 1.0
    recent_left, recent_adv = int(left.iloc[-window:].sum()), int(advanced.iloc[-window:].sum())
    prev_left = int(left.iloc[-2 * window : -window].sum())
    prev_adv = int(advanced.iloc[-2 * window : -window].sum())
    change_p = None
    recent = recent_adv / recent_left if recent_left else None
    previous = prev_adv / prev_left if prev_left else None
    if recent_left and prev_left:
        test = stats.chi_square_across(np.array([recent_adv, prev_adv]), np.array([recent_left, prev_left]))
        change_p = test.p_value if test else None
    change = "flat"
    if change_p is not None and change_p < TREND_P and recent is not None and previous is not None:
        change = "up" if recent > previous else "down"
    return StepTrend(
        stage,
        index,
        slope,
        p,
        _direction(slope, p),
        recent,
        previous,
        recent_left,
        prev_left,
        change_p,
        change,
    )
