"""Regular actions the plan needs: calls, meetings, proposals a week per manager at the measured rates,
against what each manager does now.

An action type is tied to the funnel stage whose deals it works (``activity.stage_actions`` in
``client.yaml``). Its rate is measured over the audited period: actions of that type / deals that reached
the stage. The plan's deals at that stage (:mod:`workbench.analysis.decomposition`), split by the
manager's share of the target and spread over the month's working days, times that rate, are the actions a
5-day week needs; each manager's actual is their weekly mean over the period's weeks.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.analysis.activity import ActivityResult
from workbench.analysis.decomposition import Decomposition
from workbench.analysis.funnel.conversion import FunnelResult

WORKING_WEEK = 5


@dataclass(frozen=True)
class ActionNeed:
    """One manager and one action type: actions a week the plan needs and done now."""

    manager: str
    action: str
    stage: str
    per_deal: float  # actions per deal reaching the stage, measured over the period
    needed: float  # a week
    actual: float  # a week, the mean over the period's weeks
    below: bool

    @property
    def ratio(self) -> float | None:
        """Actual / needed."""
        return self.actual / self.needed if self.needed > 0 else None


@dataclass(frozen=True)
class Capacity:
    """Actions the plan needs against the activity data; ``available`` False says why in ``reason``."""

    available: bool
    reason: str | None  # "no_activity", "no_mapping", "no_decomposition"
    tolerance: float
    actions: list[ActionNeed]
    unknown: list[str]  # mapped action types or stages not found in the data

    @property
    def below(self) -> list[ActionNeed]:
        return [a for a in self.actions if a.below]


def analyze_capacity(
    activity: ActivityResult,
    funnel: FunnelResult,
    decomposition: Decomposition,
    stage_actions: dict[str, str],
    tolerance: float,
) -> Capacity:
    """Per manager and mapped action type: actions a week the plan needs against the actual weekly mean."""
    if not activity.available:
        return Capacity(False, "no_activity", tolerance, [], [])
    if not stage_actions:
        return Capacity(False, "no_mapping", tolerance, [], [])
    if not decomposition.available or not decomposition.working_days:
        return Capacity(False, "no_decomposition", tolerance, [], [])
    reached = {s.stage: s.reached for s in funnel.stages}
    needed_at = {s.stage: s.needed for s in decomposition.stages}
    by_type = activity.by_type
    weeks = {m.manager: m.weeks for m in activity.managers}
    shares = {m.manager: m.share for m in decomposition.managers}
    unknown = [f"{a}: {s}" for a, s in stage_actions.items() if a not in by_type.columns or s not in reached]
    out = []
    for action, stage in stage_actions.items():
        if action not in by_type.columns or stage not in reached or not reached[stage]:
            continue
        per_deal = float(by_type[action].sum()) / reached[stage]
        for manager, share in shares.items():
            if manager not in by_type.index or not weeks.get(manager):
                continue
            needed = needed_at[stage] * share * per_deal * WORKING_WEEK / decomposition.working_days
            actual = float(by_type.at[manager, action]) / weeks[manager]
            out.append(
                ActionNeed(
                    manager, action, stage, per_deal, needed, actual, actual < needed * (1 - tolerance)
                )
            )
    return Capacity(True, None, tolerance, out, unknown)
