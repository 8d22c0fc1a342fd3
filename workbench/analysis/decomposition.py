"""The monthly revenue target decomposed backwards through the client's own funnel.

target -> won deals (the average check) -> deals that must reach each stage (the measured step
conversions, from the last step back) -> leads; then per manager (share of the last period's revenue,
equal capacity of the managers who sold, or amounts set by hand) and over the month's weeks and working
days (:mod:`workbench.analysis.calendar`). Every figure is a monthly rate; fractions of deals are kept,
so that the decomposition times the conversions gives back the target exactly.

What today's funnel delivers is the leads it takes in a month times the same conversions and check; the
gap to the target is closed either by more leads or by a better step. A step needs
``(needed - current) / (1 - current)`` of its lost deals saved; the cheapest step is the one that needs the
smallest such share, and it is the lever when that share is within the equal-effort share of the funnel
analysis (its losses cut by 10 %); otherwise more leads are the lever, the funnel's holes stay as they are.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from workbench.analysis.calendar import month_weeks, working_days
from workbench.analysis.funnel.conversion import EQUAL_EFFORT_SHARE, FunnelResult
from workbench.analysis.periods import won_in_period
from workbench.analysis.plan import PlanResult
from workbench.config import CalendarConfig, Period, PlanTarget


@dataclass(frozen=True)
class StageNeed:
    """Deals that must reach one stage in the month, against what reaches it now."""

    stage: str
    conversion: float | None  # the measured step to the next stage (None for the won step)
    needed: float
    current: float


@dataclass(frozen=True)
class ManagerTarget:
    """One manager's part of the month's target."""

    manager: str
    share: float
    revenue: float
    won_deals: float
    leads: float
    per_day: float | None


@dataclass(frozen=True)
class WeekTarget:
    """The month's target over one week, by its working days."""

    monday: dt.date
    first: dt.date
    last: dt.date
    working_days: int
    revenue: float
    won_deals: float
    leads: float


@dataclass(frozen=True)
class Lever:
    """One way to close the gap: more leads, or one step converting better."""

    kind: str  # "leads" or "step"
    stage: str | None
    current: float
    needed: float
    change: float  # needed / current - 1
    losses_to_save: float | None  # for a step: share of its lost deals that must be saved
    feasible: bool


GRID_STEPS = (-0.2, -0.1, 0.0, 0.1, 0.2)
"""Relative changes of the conversion and the average check in the revenue grid."""


@dataclass(frozen=True)
class RevenueGrid:
    """Revenue a month of today's lead flow over one step's conversion (rows) and the average check
    (columns), each from 20 % below today to 20 % above."""

    stage: str
    conversions: list[float]
    checks: list[float]
    revenue: list[list[float]]


@dataclass(frozen=True)
class Decomposition:
    """The target of one month decomposed; ``available`` False says why not in ``reason``."""

    available: bool
    reason: str | None  # "no_target", "no_conversions", "no_check"
    month: dt.date
    target: float | None
    target_source: str | None  # "config", "plan_month", "latest_plan"
    avg_check: float | None
    won_needed: float | None
    leads_needed: float | None
    stages: list[StageNeed]
    delivered: float | None  # revenue a month today's funnel delivers
    gap: float | None  # target - delivered (negative: the funnel delivers more)
    split: str
    managers: list[ManagerTarget]
    working_days: int
    weeks: list[WeekTarget]
    levers: list[Lever]
    cheapest: str | None  # "leads", "step" or None (no gap)
    grid: RevenueGrid | None = None  # revenue over the cheapest step's conversion x the average check
    delivery_capacity: float | None = None  # orders a month the business can fulfil (client.yaml)

    @property
    def over_capacity(self) -> float | None:
        """Won deals the plan needs beyond what the business can fulfil (None: no capacity given)."""
        if self.delivery_capacity is None or self.won_needed is None:
            return None
        return max(0.0, self.won_needed - self.delivery_capacity)

    def json_derived(self) -> dict[str, object]:
        return {"over_capacity": self.over_capacity}

    @property
    def bottleneck_lever(self) -> Lever | None:
        """The cheapest step lever."""
        return next((lever for lever in self.levers if lever.kind == "step"), None)


def target_month(config: PlanTarget, period: Period) -> dt.date:
    """The month planned: the configured one, else the month after the audited period."""
    if config.month is not None:
        return config.month.replace(day=1)
    return (period.end.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def monthly_target(config: PlanTarget, plan: PlanResult, month: dt.date) -> tuple[float | None, str | None]:
    """The month's target: configured, else the department's plan for that month, else its latest plan."""
    if config.revenue is not None:
        return float(config.revenue), "config"
    if config.split == "manual":
        return float(sum(config.managers.values())), "config"
    dept = [r for r in plan.monthly if r.manager is None and r.plan_revenue]
    same = [r for r in dept if r.period_start.date() == month]
    if same:
        return float(same[0].plan_revenue or 0), "plan_month"
    if dept:
        return float(dept[-1].plan_revenue or 0), "latest_plan"
    return None, None


def backwards(target: float, avg_check: float, conversions: list[float]) -> list[float]:
    """Deals needed at each stage (first to last working stage, then won) for ``target`` revenue."""
    needed = [target / avg_check]
    for conversion in reversed(conversions):
        needed.insert(0, needed[0] / conversion)
    return needed


def manager_shares(
    deals: pd.DataFrame, period: Period, config: PlanTarget, target: float
) -> dict[str, float]:
    """Each manager's share of the target by the configured split."""
    if config.split == "manual":
        total = sum(config.managers.values())
        return {m: v / total for m, v in sorted(config.managers.items())} if total > 0 else {}
    won = won_in_period(deals, period)
    revenue = won.groupby(won["manager"].astype(str))["amount"].sum()
    revenue = revenue[revenue > 0].sort_index()
    if revenue.empty:
        return {}
    if config.split == "capacity":
        return {m: 1 / len(revenue) for m in revenue.index}
    return {m: float(v / revenue.sum()) for m, v in revenue.items()}


def decompose(
    funnel: FunnelResult,
    plan: PlanResult,
    deals: pd.DataFrame,
    period: Period,
    config: PlanTarget,
    calendar: CalendarConfig,
) -> Decomposition:
    """Decompose the month's target through the funnel, per manager, week and working day."""
    month = target_month(config, period)
    target, source = monthly_target(config, plan, month)
    days = len(working_days(month, calendar))
    empty = Decomposition(
        False, None, month, target, source, funnel.avg_check, None, None, [], None, None,
        config.split, [], days, [], [], None,
    )  # fmt: skip
    if target is None or target <= 0:
        return _replace(empty, reason="no_target")
    if not funnel.avg_check:
        return _replace(empty, reason="no_check")
    stages = funnel.stages
    conversions = [s.conversion for s in stages[:-1]]
    if not conversions or any(c is None or c <= 0 for c in conversions) or funnel.months <= 0:
        return _replace(empty, reason="no_conversions")
    steps = [float(c) for c in conversions if c is not None]
    avg_check = float(funnel.avg_check)
    needed = backwards(target, avg_check, steps)
    leads_now = stages[0].reached / funnel.months
    current = [leads_now * math.prod(steps[:i]) for i in range(len(stages))]
    delivered = current[-1] * avg_check
    needs = [
        StageNeed(s.stage, steps[i] if i < len(steps) else None, needed[i], current[i])
        for i, s in enumerate(stages)
    ]
    shares = manager_shares(deals, period, config, target)
    managers = [
        ManagerTarget(
            m,
            share,
            target * share,
            needed[-1] * share,
            needed[0] * share,
            target * share / days if days else None,
        )
        for m, share in shares.items()
    ]
    weeks = [
        WeekTarget(
            w.monday,
            w.first,
            w.last,
            w.working_days,
            target * w.working_days / days if days else 0.0,
            needed[-1] * w.working_days / days if days else 0.0,
            needed[0] * w.working_days / days if days else 0.0,
        )
        for w in month_weeks(month, calendar)
    ]
    levers = _levers(funnel, steps, target, delivered, leads_now, needed[0])
    step = next((lever for lever in levers if lever.kind == "step"), None)
    return Decomposition(
        True, None, month, target, source, avg_check, needed[-1], needed[0], needs, delivered,
        target - delivered, config.split, managers, days, weeks, levers, _cheapest(levers, target, delivered),
        revenue_grid(funnel, steps, leads_now, avg_check, step.stage) if step else None,
        config.delivery_capacity,
    )  # fmt: skip


def revenue_grid(
    funnel: FunnelResult, steps: list[float], leads: float, avg_check: float, stage: str
) -> RevenueGrid:
    """Revenue a month of ``leads`` over ``stage``'s conversion and the average check (:data:`GRID_STEPS`);
    a conversion is never above 1."""
    index = [s.stage for s in funnel.stages].index(stage)
    rest = math.prod(c for i, c in enumerate(steps) if i != index)
    conversions = [min(1.0, steps[index] * (1 + d)) for d in GRID_STEPS]
    checks = [avg_check * (1 + d) for d in GRID_STEPS]
    revenue = [[leads * rest * c * check for check in checks] for c in conversions]
    return RevenueGrid(stage, conversions, checks, revenue)


def _replace(d: Decomposition, **changes) -> Decomposition:
    from dataclasses import replace

    return replace(d, **changes)


def _levers(
    funnel: FunnelResult, steps: list[float], target: float, delivered: float, leads_now: float, leads: float
) -> list[Lever]:
    """More leads, then every step that alone could close the gap, the cheapest step first."""
    ratio = target / delivered if delivered > 0 else math.inf
    out = [Lever("leads", None, leads_now, leads, ratio - 1, None, leads_now > 0)]
    step_levers = []
    for stage, conversion in zip(funnel.stages, steps, strict=False):
        needed = conversion * ratio
        save = (needed - conversion) / (1 - conversion) if conversion < 1 else None
        step_levers.append(Lever("step", stage.stage, conversion, needed, ratio - 1, save, needed <= 1))
    step_levers.sort(key=lambda lever: (not lever.feasible, lever.losses_to_save or math.inf))
    return out + step_levers


def _cheapest(levers: list[Lever], target: float, delivered: float) -> str | None:
    if target <= delivered:
        return None
    step = next((lever for lever in levers if lever.kind == "step"), None)
    if step is not None and step.feasible and (step.losses_to_save or 0) <= EQUAL_EFFORT_SHARE:
        return "step"
    return "leads"
