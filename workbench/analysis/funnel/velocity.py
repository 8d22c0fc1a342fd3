"""Sales velocity = open opportunities × win rate × average deal ÷ cycle length (revenue per day).

Which lever moves it most is judged against the department's own best practice, not by an arbitrary +10%:
each lever is moved to the level of the best quarter of managers (75th percentile of managers' pipelines,
shrunk win rates and average deals; 25th percentile of their cycles, shorter being better), one at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.analysis.funnel.conversion import FunnelResult
from workbench.analysis.funnel.position import FunnelFrame
from workbench.analysis.keys import UNASSIGNED

DAYS_PER_MONTH = 30.4375
LEVERS = ("opportunities", "win_rate", "avg_check", "cycle_days")


@dataclass(frozen=True)
class Lever:
    """One factor of the velocity formula at its current and best-practice level."""

    name: str
    current: float
    target: float | None
    gain_per_month: float | None


@dataclass(frozen=True)
class Velocity:
    """Sales velocity and its four levers, ranked by what reaching best practice is worth."""

    opportunities: int
    win_rate: float | None
    avg_check: float | None
    cycle_days: float | None
    per_day: float | None
    per_month: float | None
    levers: list[Lever]

    @property
    def top_lever(self) -> Lever | None:
        priced = [lever for lever in self.levers if lever.gain_per_month]
        return priced[0] if priced else None


def _velocity(opportunities: float, win_rate: float, avg_check: float, cycle: float) -> float:
    return opportunities * win_rate * avg_check / cycle


def analyze_velocity(frame: FunnelFrame, funnel: FunnelResult, min_deals: int) -> Velocity:
    """Velocity of the open pipeline and the gain from each lever reaching the best managers' level."""
    opportunities = int(frame.is_open.sum())
    wr, avg, cycle = funnel.win_rate, funnel.avg_check, funnel.cycle_days_median
    if not (opportunities and wr and avg and cycle):
        return Velocity(opportunities, wr, avg, cycle, None, None, [])
    per_day = _velocity(opportunities, wr, avg, cycle)
    targets = _best_practice(frame, funnel, min_deals)
    levers = []
    current = {"opportunities": float(opportunities), "win_rate": wr, "avg_check": avg, "cycle_days": cycle}
    for name in LEVERS:
        target = targets.get(name)
        gain = None
        if target is not None:
            moved = {**current, name: target}
            better = _velocity(
                moved["opportunities"], moved["win_rate"], moved["avg_check"], moved["cycle_days"]
            )
            gain = max(0.0, better - per_day) * DAYS_PER_MONTH
        levers.append(Lever(name, current[name], target, gain))
    levers.sort(key=lambda lever: -(lever.gain_per_month or 0.0))
    return Velocity(opportunities, wr, avg, cycle, per_day, per_day * DAYS_PER_MONTH, levers)


def _best_practice(frame: FunnelFrame, funnel: FunnelResult, min_deals: int) -> dict[str, float]:
    managers = [m for m in funnel.managers if m.won + m.lost >= min_deals]
    if len(managers) < 2:
        return {}
    base = frame.base
    open_per_manager = pd.Series(frame.is_open).groupby(base["manager"].astype(str).to_numpy()).sum()
    open_per_manager = open_per_manager.drop(UNASSIGNED, errors="ignore")  # deals without a manager
    targets = {
        "opportunities": float(np.quantile(open_per_manager.to_numpy(), 0.75) * len(open_per_manager)),
        "win_rate": float(np.quantile([m.shrunk_rate for m in managers if m.shrunk_rate is not None], 0.75)),
    }
    checks = [m.avg_check for m in managers if m.avg_check]
    if len(checks) >= 2:
        targets["avg_check"] = float(np.quantile(checks, 0.75))
    won = base[frame.is_won & base["closed_at"].notna().to_numpy()]
    days = (won["closed_at"] - won["created_at"]).dt.total_seconds() / 86400
    per_manager = days[days >= 0].groupby(won["manager"].astype(str)).median()
    per_manager = per_manager[per_manager.index.isin([m.name for m in managers])]
    if len(per_manager) >= 2:
        targets["cycle_days"] = float(np.quantile(per_manager.to_numpy(), 0.25))
    return targets
