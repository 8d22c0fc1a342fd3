"""Funnel diagnosis: how many deals reached each stage, step conversion, managers and sources compared
honestly, and what fixing each stage is worth.

The counting rules are in :mod:`workbench.analysis.funnel.position`; win rate = won / (won + lost) over
the deals created in the period.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.analysis import stats
from workbench.analysis.funnel.groups import Comparison, GroupRow, GroupStage, StageTest, compare, downstream
from workbench.analysis.funnel.position import FunnelFrame, cohort, furthest_stage, prepare
from workbench.analysis.keys import UNASSIGNED
from workbench.config import FunnelConfig, Period
from workbench.frames import manager_only_on_won
from workbench.serialize import json_key, json_omit

EQUAL_EFFORT_SHARE = 0.10  # the loss rate of a stage falls by this share in the "equal effort" scenario

# Managers and sources share one comparison; the old names stay for readability where managers are meant.
ManagerRow = GroupRow
ManagerStage = GroupStage
__all__ = [
    "FunnelResult",
    "ManagerRow",
    "ManagerStage",
    "StageImpact",
    "StageRow",
    "StageTest",
    "analyze_frame",
    "analyze_funnel",
    "cohort",
    "furthest_stage",
    "prepare",
]


@dataclass(frozen=True)
class StageRow:
    """One stage of the funnel. ``conversion`` is the step from this stage to the next one."""

    stage: str
    index: int
    reached: int
    advanced: int
    lost: int
    open: int
    left: int
    conversion: float | None
    ci_low: float | None
    ci_high: float | None
    cumulative: float | None
    reached_share: float


@dataclass(frozen=True)
class StageImpact:
    """What improving one step is worth, in revenue a month.

    Best practice is the level of the managers demonstrably better at the step (flagged "high": above the
    99.8% limits against the rest, with enough deals); its worth is the other managers reaching it. None
    when no manager is demonstrably better: then the quartile of a noisy ranking would only show chance.
    """

    stage: str
    index: int
    conversion: float
    best_practice: float | None  # the better managers' shrunk rate, weighted by their deals
    impact_equal_effort: float
    impact_best_practice: float | None  # the other managers reaching that rate, revenue a month
    best_managers: list[str] = field(default_factory=list)  # whom to learn from ("learn from ...")
    others_rate: float | None = None  # the conversion of the other managers, who would reach best practice


@dataclass(frozen=True)
class FunnelResult:
    """Everything the funnel section and metrics.json show."""

    rule: str
    basis: str  # "history" or "snapshot"
    stages: list[StageRow]
    won: int
    lost: int
    open: int
    lost_stage_unknown: int
    deals_in_cohort: int
    deals_total: int
    win_rate: float | None
    win_rate_ci: tuple[float | None, float | None]
    revenue: float
    avg_check: float | None
    won_with_amount: int
    cycle_days_median: float | None
    cycle_days_p75: float | None
    months: float
    managers: list[ManagerRow] = field(metadata=json_key(item_keys={"name": "manager"}))
    manager_stages: list[ManagerStage] = field(metadata=json_key(item_keys={"name": "manager"}))
    tests: list[StageTest] = field(metadata=json_omit("in json_derived tests, after the manager win test"))
    impacts: list[StageImpact] = field(metadata=json_key("bottlenecks"))
    equal_effort_share: float = EQUAL_EFFORT_SHARE
    notes: list[str] = field(default_factory=list)
    manager_win_test: StageTest | None = field(
        default=None, metadata=json_omit("first in json_derived tests")
    )
    sources: list[GroupRow] = field(default_factory=list, metadata=json_key(item_keys={"name": "source"}))
    source_stages: list[GroupStage] = field(
        default_factory=list, metadata=json_key(item_keys={"name": "source"})
    )
    source_win_test: StageTest | None = None
    managers_unassigned: GroupRow | None = None  # deals without a manager: a line of its own, not compared
    managers_compared: bool = True  # False when a manager is recorded only on won deals
    manager_count: int | None = None  # distinct named managers of the cohort (None: not counted)
    sources_unassigned: GroupRow | None = None  # deals without a source: a line of their own

    @property
    def bottleneck(self) -> StageImpact | None:
        """The step whose improvement is worth most under equal effort."""
        return self.impacts[0] if self.impacts else None

    def json_derived(self) -> dict[str, object]:
        """metrics.json: the win-rate test across managers first, then the per-stage tests."""
        return {"tests": ([self.manager_win_test] if self.manager_win_test else []) + self.tests}

    def stage_frame(self) -> pd.DataFrame:
        return pd.DataFrame([vars(s) for s in self.stages])

    def manager_frame(self) -> pd.DataFrame:
        return pd.DataFrame([vars(m) for m in self.managers])

    def manager_stage_frame(self) -> pd.DataFrame:
        return pd.DataFrame([vars(m) for m in self.manager_stages])


def _rate(num: float, den: float) -> float | None:
    return float(num / den) if den > 0 else None


def _opt(value: float | None) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def analyze_funnel(
    deals: pd.DataFrame,
    events: pd.DataFrame | None,
    funnel: FunnelConfig,
    period: Period,
) -> FunnelResult:
    """Count the funnel of the deals created in ``period`` and compare managers and sources at every step."""
    return analyze_frame(prepare(deals, events, funnel, period), funnel, total_deals=len(deals))


def analyze_frame(frame: FunnelFrame, funnel: FunnelConfig, total_deals: int | None = None) -> FunnelResult:
    """The funnel of an already prepared cohort."""
    k_won = frame.k
    adv_n = frame.advanced.sum(axis=0)
    lost_n = frame.lost_here.sum(axis=0)
    left_n = adv_n + lost_n
    reached_n = frame.entered.sum(axis=0)
    ci_low, ci_high = stats.wilson_interval(adv_n, left_n)
    conversions = [_rate(a, b) for a, b in zip(adv_n, left_n, strict=True)]
    rows = []
    cumulative: float | None = 1.0
    first_reached = max(int(reached_n[0]), 1)
    for k, label in enumerate(frame.labels):
        share = float(reached_n[k] / first_reached)
        if k == k_won:
            rows.append(
                StageRow(label, k, int(reached_n[k]), 0, 0, 0, 0, None, None, None, cumulative, share)
            )
            continue
        rows.append(
            StageRow(
                label,
                k,
                int(reached_n[k]),
                int(adv_n[k]),
                int(lost_n[k]),
                int(frame.open_here[:, k].sum()),
                int(left_n[k]),
                conversions[k],
                _opt(ci_low[k]),
                _opt(ci_high[k]),
                cumulative,
                share,
            )
        )
        cumulative = None if cumulative is None or conversions[k] is None else cumulative * conversions[k]

    base = frame.base
    won, lost, open_ = int(frame.is_won.sum()), int(frame.is_lost.sum()), int(frame.is_open.sum())
    wr_low, wr_high = stats.wilson_interval(np.array([won]), np.array([won + lost]))
    amounts = base.loc[frame.is_won, "amount"]
    avg_check = _opt(amounts.mean()) if amounts.notna().any() else None
    cycle = won_cycle_days(frame)
    managers = compare(frame, base["manager"], conversions, funnel.min_deals_for_flag, avg_check)
    named = base["manager"].notna() & (base["manager"] != UNASSIGNED)
    compared = not manager_only_on_won(named, pd.Series(frame.is_won, index=base.index))
    if not compared:  # a manager only on won deals: every manager would win 100%
        managers = Comparison([], [], [], None, managers.unassigned)
    sources = None
    if "source" in base and base["source"].notna().any():
        sources = compare(frame, base["source"], conversions, funnel.min_deals_for_flag, avg_check)
    impacts = _impacts(frame, left_n, conversions, managers.stages, avg_check)
    return FunnelResult(
        rule=frame.rule,
        basis=frame.basis,
        stages=rows,
        won=won,
        lost=lost,
        open=open_,
        lost_stage_unknown=int((frame.is_lost & ~frame.known).sum()),
        deals_in_cohort=len(base),
        deals_total=total_deals if total_deals is not None else len(base),
        win_rate=_rate(won, won + lost),
        win_rate_ci=(_opt(wr_low[0]), _opt(wr_high[0])),
        revenue=float(amounts.sum(skipna=True)),
        avg_check=avg_check,
        won_with_amount=int(amounts.notna().sum()),
        cycle_days_median=_opt(float(np.median(cycle))) if len(cycle) else None,
        cycle_days_p75=_opt(float(np.quantile(cycle, 0.75))) if len(cycle) else None,
        months=frame.months,
        managers=managers.rows,
        manager_stages=managers.stages,
        tests=managers.tests,
        impacts=impacts,
        notes=list(frame.notes),
        manager_win_test=managers.win_rate_test,
        sources=sources.rows if sources else [],
        source_stages=sources.stages if sources else [],
        source_win_test=sources.win_rate_test if sources else None,
        managers_unassigned=managers.unassigned,
        sources_unassigned=sources.unassigned if sources else None,
        managers_compared=compared,
        manager_count=int(base.loc[named, "manager"].nunique()),
    )


def won_cycle_days(frame: FunnelFrame) -> np.ndarray:
    """Days from creation to closing of the won deals (negative spans left out)."""
    base = frame.base
    closed = base.loc[frame.is_won & base["closed_at"].notna().to_numpy()]
    days = ((closed["closed_at"] - closed["created_at"]).dt.total_seconds() / 86400).to_numpy()
    return days[days >= 0]


def _impacts(
    frame: FunnelFrame,
    left_n: np.ndarray,
    conversions: list[float | None],
    manager_stages: list[GroupStage],
    avg_check: float | None,
) -> list[StageImpact]:
    """Revenue a month from (a) cutting each step's losses by a share and (b) the other managers reaching
    the level of those demonstrably better."""
    if not avg_check:
        return []
    after = downstream(conversions)
    out = []
    for k, label in enumerate(frame.stages):
        rate = conversions[k]
        if rate is None:
            continue
        flow = left_n[k] / frame.months
        equal = flow * EQUAL_EFFORT_SHARE * (1 - rate) * after[k] * avg_check
        at_step = [m for m in manager_stages if m.index == k]
        better = [m for m in at_step if m.flag == "high" and m.shrunk_rate is not None]
        others = [m for m in at_step if m not in better]
        best = best_gain = others_rate = None
        if better and others:
            best = sum(m.shrunk_rate * m.left for m in better) / sum(m.left for m in better)
            others_left = sum(m.left for m in others)
            others_rate = sum(m.advanced for m in others) / others_left if others_left else None
            if others_rate is not None:
                gain = others_left / frame.months * max(0.0, best - others_rate) * after[k] * avg_check
                best_gain = float(gain)
        out.append(
            StageImpact(
                label,
                k,
                rate,
                _opt(best),
                float(equal),
                _opt(best_gain),
                [m.name for m in sorted(better, key=lambda m: -m.conversion)],
                _opt(others_rate),
            )
        )
    return sorted(out, key=lambda s: (-s.impact_equal_effort, s.index))
