"""Plan against fact, per month and per week, for the department and for each manager.

Fact is the revenue of deals won (closed) in each period, by close date. When plans exist only per month,
weekly plans are derived by splitting each month's plan over its working days (or calendar days), so
that the weekly control the method asks for can be shown and its absence named.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from workbench.analysis.periods import won_in_period
from workbench.config import Period, PlanConfig

DEPARTMENT = None
MANAGER_ATTAINMENT_LOW = 0.80  # a manager below 80% of their plan over the period is named


@dataclass(frozen=True)
class PlanRow:
    """Plan and fact for one period and one manager (``manager`` None = the whole department)."""

    period_start: pd.Timestamp
    manager: str | None
    plan_revenue: float | None
    fact_revenue: float
    attainment: float | None
    plan_deals: float | None
    fact_deals: int


@dataclass(frozen=True)
class ManagerAttainment:
    """A manager's plan attainment over the whole period."""

    manager: str
    plan_revenue: float
    fact_revenue: float
    attainment: float | None
    months_met: int
    months_planned: int

    @property
    def below(self) -> bool:
        """Below :data:`MANAGER_ATTAINMENT_LOW` of the personal plan over the period."""
        return self.attainment is not None and self.attainment < MANAGER_ATTAINMENT_LOW


@dataclass(frozen=True)
class PlanResult:
    """What the plan section and its findings need."""

    available: bool
    granularities: list[str]
    has_manager_plans: bool
    monthly: list[PlanRow]
    weekly: list[PlanRow]
    weekly_derived: bool
    managers: list[ManagerAttainment]
    plan_total: float
    fact_total: float
    weeks_below: int
    weeks_total: int
    attainment_warning: float

    @property
    def attainment(self) -> float | None:
        return self.fact_total / self.plan_total if self.plan_total > 0 else None

    @property
    def manager_warning(self) -> float:
        """The attainment below which a manager is named."""
        return MANAGER_ATTAINMENT_LOW

    def is_below(self, row: PlanRow) -> bool:
        """A period whose fact is below the warning share of its plan."""
        return row.attainment is not None and row.attainment < self.attainment_warning

    def json_derived(self) -> dict[str, object]:
        """metrics.json: the attainment over the period."""
        return {"attainment": self.attainment}

    def monthly_frame(self) -> pd.DataFrame:
        return pd.DataFrame([vars(r) for r in self.monthly])

    def weekly_frame(self) -> pd.DataFrame:
        return pd.DataFrame([vars(r) for r in self.weekly])


def split_month_into_weeks(month_start: pd.Timestamp, value: float, basis: str) -> pd.Series:
    """A month's plan spread over the weeks (keyed by Monday) by the month's working or calendar days."""
    return _week_shares(pd.Timestamp(month_start), basis) * value


@lru_cache(maxsize=256)
def _week_shares(month_start: pd.Timestamp, basis: str) -> pd.Series:
    """Each week's share of a month (keyed by Monday); computed once per month, as every manager's plan
    of that month is split the same way. Callers multiply it and never change it in place."""
    days = pd.date_range(month_start, month_start + pd.offsets.MonthEnd(0), freq="D")
    weights = (days.day_of_week < 5).astype(float) if basis == "working_days" else np.ones(len(days))
    if weights.sum() == 0:
        weights = np.ones(len(days))
    mondays = days - pd.to_timedelta(days.day_of_week, unit="D")
    return pd.Series(weights, index=mondays).groupby(level=0).sum() / weights.sum()


def analyze_plan(
    deals: pd.DataFrame, plans: pd.DataFrame | None, config: PlanConfig, period: Period
) -> PlanResult:
    """Compare plans with the revenue of won deals per month and per week."""
    won = won_in_period(deals, period)
    fact = pd.DataFrame(
        {
            "manager": won["manager"].astype(str),
            "month": won["closed_at"].dt.to_period("M").dt.start_time,
            "week": (
                won["closed_at"] - pd.to_timedelta(won["closed_at"].dt.day_of_week, unit="D")
            ).dt.normalize(),
            "revenue": won["amount"].fillna(0.0),
        }
    )
    if plans is None or plans.empty:
        return PlanResult(
            False,
            [],
            False,
            [],
            [],
            False,
            [],
            0.0,
            float(fact["revenue"].sum()),
            0,
            0,
            config.attainment_warning,
        )
    start, end = pd.Timestamp(period.start), pd.Timestamp(period.end)
    plans = plans.copy()
    granularities = sorted(set(plans["period"].dropna()), key=["day", "week", "month"].index)
    has_manager = plans["manager"].notna().any()
    dept_rows = plans[plans["manager"].isna()]
    source = dept_rows if len(dept_rows) else plans
    monthly_plan = _monthly_plan(plans)
    weekly_plan, derived = _weekly_plan(plans, config.weekly_split)

    monthly: list[PlanRow] = []
    months = pd.period_range(start, end, freq="M").start_time
    dept_month_plan = _monthly_plan(source).groupby("month")[["revenue", "deals"]].sum(min_count=1)
    fact_month = fact.groupby("month")["revenue"].agg(["sum", "size"])
    for month in months:
        monthly.append(_row(month, None, dept_month_plan, fact_month, month))
    managers: list[ManagerAttainment] = []
    if has_manager:
        by_manager = monthly_plan[monthly_plan["manager"].notna()]
        for manager, mplan in by_manager.groupby("manager", sort=True):
            mp = mplan.groupby("month")[["revenue", "deals"]].sum(min_count=1)
            mf = fact[fact["manager"] == manager].groupby("month")["revenue"].agg(["sum", "size"])
            rows = [_row(m, str(manager), mp, mf, m) for m in months]
            monthly.extend(rows)
            planned = [r for r in rows if r.plan_revenue]
            plan_sum = sum(r.plan_revenue or 0 for r in planned)
            fact_sum = sum(r.fact_revenue for r in planned)
            managers.append(
                ManagerAttainment(
                    str(manager),
                    plan_sum,
                    fact_sum,
                    fact_sum / plan_sum if plan_sum else None,
                    sum(1 for r in planned if (r.attainment or 0) >= 1),
                    len(planned),
                )
            )
    weekly: list[PlanRow] = []
    dept_week_source = (
        weekly_plan[weekly_plan["manager"].isna()] if weekly_plan["manager"].isna().any() else weekly_plan
    )
    dept_week_plan = dept_week_source.groupby("week")[["revenue", "deals"]].sum(min_count=1)
    fact_week = fact.groupby("week")["revenue"].agg(["sum", "size"])
    first_week = start - pd.Timedelta(days=start.weekday())
    for week in pd.date_range(first_week, end, freq="7D"):
        weekly.append(_row(week, None, dept_week_plan, fact_week, week))
    dept_plan_total = sum(r.plan_revenue or 0 for r in monthly if r.manager is None)
    dept_fact_total = sum(r.fact_revenue for r in monthly if r.manager is None and r.plan_revenue)
    with_plan = [w for w in weekly if w.plan_revenue]
    below = sum(1 for w in with_plan if (w.attainment or 0) < config.attainment_warning)
    return PlanResult(
        available=True,
        granularities=granularities,
        has_manager_plans=bool(has_manager),
        monthly=monthly,
        weekly=weekly,
        weekly_derived=derived,
        managers=managers,
        plan_total=float(dept_plan_total),
        fact_total=float(dept_fact_total),
        weeks_below=below,
        weeks_total=len(with_plan),
        attainment_warning=config.attainment_warning,
    )


def _row(key: pd.Timestamp, manager: str | None, plan: pd.DataFrame, fact: pd.DataFrame, start) -> PlanRow:
    plan_revenue = plan["revenue"].get(key) if key in plan.index else None
    plan_deals = plan["deals"].get(key) if key in plan.index else None
    plan_revenue = None if plan_revenue is None or pd.isna(plan_revenue) else float(plan_revenue)
    plan_deals = None if plan_deals is None or pd.isna(plan_deals) else float(plan_deals)
    fact_revenue = float(fact["sum"].get(key, 0.0)) if len(fact) else 0.0
    fact_deals = int(fact["size"].get(key, 0)) if len(fact) else 0
    attainment = fact_revenue / plan_revenue if plan_revenue else None
    return PlanRow(
        pd.Timestamp(start), manager, plan_revenue, fact_revenue, attainment, plan_deals, fact_deals
    )


def _monthly_plan(plans: pd.DataFrame) -> pd.DataFrame:
    """Plan per manager and month: month rows as they are, week and day rows summed into months."""
    month = plans["period_start"].dt.to_period("M").dt.start_time
    return pd.DataFrame(
        {
            "manager": plans["manager"],
            "month": month,
            "revenue": plans["target_revenue"],
            "deals": plans["target_deals"],
        }
    )


def _weekly_plan(plans: pd.DataFrame, basis: str) -> tuple[pd.DataFrame, bool]:
    """Plan per manager and week; months are split over their weeks (derived = True)."""
    parts = []
    derived = False
    for row in plans.itertuples(index=False):
        if row.period == "month":
            derived = True
            revenue = split_month_into_weeks(row.period_start, row.target_revenue, basis)
            deals = split_month_into_weeks(row.period_start, row.target_deals, basis)
            parts.append(
                pd.DataFrame(
                    {
                        "manager": row.manager,
                        "week": revenue.index,
                        "revenue": revenue.to_numpy(),
                        "deals": deals.to_numpy(),
                    }
                )
            )
        else:
            monday = row.period_start - pd.Timedelta(days=row.period_start.weekday())
            parts.append(
                pd.DataFrame(
                    {
                        "manager": [row.manager],
                        "week": [monday],
                        "revenue": [row.target_revenue],
                        "deals": [row.target_deals],
                    }
                )
            )
    frame = pd.concat(parts, ignore_index=True)
    frame["manager"] = frame["manager"].astype("string")
    return frame, derived
