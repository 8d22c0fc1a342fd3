"""Who is slow: time in stage per manager and per lead source, compared with rank tests.

At each stage the finished stays of the groups with at least :data:`MIN_GROUP_STAYS` stays are compared:
first across all of them with the Kruskal-Wallis test (Holm-adjusted across the stages of one grouping),
then, at a stage where they differ, each group against all the other stays at that stage with the
Mann-Whitney test (Holm-adjusted across the groups). A group is *slow* at a stage when that adjusted
p-value is below :data:`SLOW_P` and its median stay is at least :data:`SLOW_RATIO` times the rest's: a
statistically clear and practically large difference. Chance alone marks a group slow somewhere in a
grouping at most at about :data:`SLOW_P`.

The money waiting is the amount of the group's open deals sitting at that stage now.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.analysis import distributions
from workbench.analysis.funnel.position import FunnelFrame
from workbench.analysis.funnel.time_in_stage import reference_moment, stays
from workbench.analysis.funnel.weekly import holm

MIN_GROUP_STAYS = 20
SLOW_P = 0.01
SLOW_RATIO = 1.5
GROUPINGS = ("manager", "source")


@dataclass(frozen=True)
class GroupTime:
    """One group's finished stays at one stage against all the other stays there."""

    grouping: str  # "manager" or "source"
    name: str
    stage: str
    index: int
    stays: int
    median_days: float
    rest_median_days: float | None
    p_value: float | None  # group against the rest, Holm-adjusted; None where the stage was not tested
    slow: bool
    open_deals: int  # the group's open deals at this stage now
    open_amount: float  # their amount (the money waiting)


@dataclass(frozen=True)
class StageGroupTest:
    """Kruskal-Wallis test across the groups at one stage."""

    grouping: str
    stage: str
    index: int
    groups: int
    statistic: float
    p_value: float  # Holm-adjusted across the stages of the grouping


@dataclass(frozen=True)
class TimeByGroup:
    """Time in stage per manager and per source (empty without a stage history)."""

    rows: list[GroupTime]
    tests: list[StageGroupTest]
    min_stays: int = MIN_GROUP_STAYS
    ratio: float = SLOW_RATIO
    alpha: float = SLOW_P

    @property
    def slow(self) -> list[GroupTime]:
        """The slow groups, the most money waiting first."""
        return sorted((r for r in self.rows if r.slow), key=lambda r: (-r.open_amount, r.grouping, r.name))


def analyze_time_by_group(frame: FunnelFrame) -> TimeByGroup:
    """Compare the groups' finished stays at every stage, for managers and for sources."""
    if frame.events is None:
        return TimeByGroup([], [])
    table = stays(frame, reference_moment(frame))
    amounts = frame.base["amount"].to_numpy(dtype=float, na_value=np.nan)
    rows: list[GroupTime] = []
    tests: list[StageGroupTest] = []
    for grouping in GROUPINGS:
        if grouping not in frame.base or frame.base[grouping].isna().all():
            continue
        labels = frame.base[grouping].astype("string").fillna("—").to_numpy(dtype=object)
        g_rows, g_tests = _grouping(frame, table, labels[table["pos"].to_numpy()], grouping, amounts)
        rows += g_rows
        tests += g_tests
    return TimeByGroup(rows, tests)


def _grouping(
    frame: FunnelFrame, table: pd.DataFrame, labels: np.ndarray, grouping: str, amounts: np.ndarray
) -> tuple[list[GroupTime], list[StageGroupTest]]:
    table = table.assign(group=labels)
    finished, running = table[table["finished"]], table[~table["finished"]]
    raw_tests = []
    for k, stage in enumerate(frame.stages):
        at = finished[finished["idx"] == k]
        sizes = at["group"].value_counts()
        big = sorted(sizes[sizes >= MIN_GROUP_STAYS].index)
        if len(big) < 2:
            continue
        samples = [at.loc[at["group"] == g, "days"].to_numpy() for g in big]
        if np.ptp(np.concatenate(samples)) == 0:  # every stay equally long: nothing to rank
            continue
        kw = distributions.kruskal(*samples)
        raw_tests.append((k, stage, big, float(kw.statistic), float(kw.pvalue)))
    adjusted = holm([t[4] for t in raw_tests])
    rows: list[GroupTime] = []
    tests: list[StageGroupTest] = []
    for (k, stage, big, statistic, _), p_stage in zip(raw_tests, adjusted, strict=True):
        tests.append(StageGroupTest(grouping, stage, k, len(big), statistic, float(p_stage)))
        at = finished[finished["idx"] == k]
        now = running[running["idx"] == k]
        pairs = []
        for g in big:
            own = at.loc[at["group"] == g, "days"].to_numpy()
            rest = at.loc[at["group"] != g, "days"].to_numpy()
            p = distributions.mann_whitney(own, rest).pvalue if len(rest) else None
            pairs.append((g, own, rest, p))
        group_p = holm([p for *_, p in pairs]) if p_stage < SLOW_P else [None] * len(pairs)
        for (g, own, rest, _), p in zip(pairs, group_p, strict=True):
            median = float(np.median(own))
            rest_median = float(np.median(rest)) if len(rest) else None
            slow = bool(
                p is not None
                and p < SLOW_P
                and rest_median is not None
                and median >= SLOW_RATIO * rest_median
                and median > rest_median
            )
            waiting = now[now["group"] == g]["pos"].to_numpy(dtype=np.int64)
            rows.append(
                GroupTime(
                    grouping,
                    str(g),
                    stage,
                    k,
                    len(own),
                    median,
                    rest_median,
                    None if p is None else float(p),
                    slow,
                    len(waiting),
                    float(np.nansum(amounts[waiting])),
                )
            )
    return rows, tests
