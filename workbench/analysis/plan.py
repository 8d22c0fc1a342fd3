"""Plan against fact, per month and per week, for the department and for each manager.

Fact is the revenue of deals won (closed) in each period, by close date.

Each granularity of plan is its own plan and is never added to another one:

- The monthly plan of a manager (or of the department) for a month is its month row when there is one;
  only when the month has no month row are its weekly rows (or else its daily rows) summed into it.
- The weekly plan is made of week rows (or, for a week without one, of that week's day rows). When the
  plans hold no week or day row at all, each month's plan is split over its working days (or calendar
  days) into weeks (``weekly_derived``), so that the weekly control the method asks for can be shown and
  its absence named.
- A manager with weekly plans of their own (week or day rows) is also compared week by week with their own
  fact (``weekly_by_manager``); a monthly plan is never split into a manager's weeks.
- A row with an empty manager is the department's plan. Where the department has a plan for a period it
  is the department's plan for that period; where it has none, the department's plan is the sum of the
  personal plans. Personal plans are compared with each manager's own fact. When the department and the
  managers both have plans for a period, the two are compared, not added.
- Where a month row and week rows both exist for the same manager (or the department) and month, the
  monthly plan is compared with the sum of that month's weekly plans, and the result says whether they
  agree (within ``AGREEMENT_TOLERANCE``) or by how much they differ.

A week belongs to the month that holds its Thursday (most of its days), as in ISO 8601: the week of
Monday 29 December 2025 is the first week of January 2026.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from workbench.analysis.periods import won_in_period
from workbench.config import Period, PlanConfig

DEPARTMENT = None
MANAGER_ATTAINMENT_LOW = 0.80  # a manager below 80% of their plan over the period is named
GRANULARITY_ORDER = ("day", "week", "month")
AGREEMENT_TOLERANCE = 0.01
"""Two plans for the same scope and period agree when they differ by at most this share of the first."""


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
class ManagerWeeks:
    """A manager's personal weekly plans over the period: how many weeks were met and which fell below."""

    manager: str
    weeks_planned: int
    weeks_met: int
    weeks_below: list[pd.Timestamp]
    attainment: float | None  # fact of the planned weeks / their plans


@dataclass(frozen=True)
class PlanAgreement:
    """Two plans set for the same scope and period, compared (never added).

    ``check`` is ``"weeks_in_month"`` (a month row against the sum of that month's weekly plans, for
    ``manager``, None = the department) or ``"managers_in_department"`` (the department's own plan against
    the sum of the managers' plans, ``manager`` None). ``period`` is the granularity of ``period_start``.
    """

    check: str
    period: str
    period_start: pd.Timestamp
    manager: str | None
    plan_revenue: float
    parts_revenue: float
    parts: int
    difference: float
    share: float | None
    agree: bool


@dataclass(frozen=True)
class AgreementSummary:
    """How many plan pairs were compared, how many differ, and the largest difference."""

    checked: int
    differing: int
    largest_difference: float
    largest_share: float | None
    largest_manager: str | None
    largest_period_start: pd.Timestamp | None

    @property
    def agree(self) -> bool:
        return self.differing == 0

    def json_derived(self) -> dict[str, object]:
        """metrics.json: whether every compared pair agrees."""
        return {"agree": self.agree}


def summarize_agreement(checks: list[PlanAgreement]) -> AgreementSummary | None:
    """Counts and the largest difference (by absolute amount) of a list of comparisons; None when empty."""
    if not checks:
        return None
    worst = max(checks, key=lambda c: abs(c.difference))
    return AgreementSummary(
        checked=len(checks),
        differing=sum(1 for c in checks if not c.agree),
        largest_difference=worst.difference,
        largest_share=worst.share,
        largest_manager=worst.manager,
        largest_period_start=worst.period_start,
    )


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
    weekly_managers: list[str] = field(default_factory=list)
    """Managers whose personal weekly plans make up the weekly rows of weeks without a department weekly
    plan; the fact of those weeks is then these managers' fact only (empty: department or derived)."""
    weekly_vs_monthly: list[PlanAgreement] = field(default_factory=list)
    department_vs_managers: list[PlanAgreement] = field(default_factory=list)
    agreement_tolerance: float = AGREEMENT_TOLERANCE
    weekly_by_manager: list[PlanRow] = field(default_factory=list)
    """Each week of the period for every manager with personal weekly plans (week or day rows, never split
    from a month): their weekly plan (None in a week they have none) against their own fact of that week."""

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
        """metrics.json: the attainment over the period, the agreement of plans set twice and each manager's
        weeks against their personal weekly plans."""
        return {
            "attainment": self.attainment,
            "weekly_monthly_agreement": self.weekly_monthly_agreement,
            "department_agreement": self.department_agreement,
            "manager_weeks": self.manager_weeks(),
        }

    @property
    def weekly_monthly_agreement(self) -> AgreementSummary | None:
        """Monthly plans against the sums of their weekly plans, where both exist."""
        return summarize_agreement(self.weekly_vs_monthly)

    @property
    def department_agreement(self) -> AgreementSummary | None:
        """The department's own plans against the sums of the personal plans, where both exist."""
        return summarize_agreement(self.department_vs_managers)

    @property
    def personal_weekly_plans(self) -> bool:
        """Whether some manager has weekly plans of their own (not split from a monthly plan)."""
        return bool(self.weekly_by_manager)

    def manager_weeks(self) -> list[ManagerWeeks]:
        """Per manager with personal weekly plans: weeks planned, met and below the warning share."""
        out = []
        for manager in sorted({r.manager for r in self.weekly_by_manager if r.manager is not None}):
            planned = [r for r in self.weekly_by_manager if r.manager == manager and r.plan_revenue]
            plan = sum(r.plan_revenue or 0.0 for r in planned)
            fact = sum(r.fact_revenue for r in planned)
            out.append(
                ManagerWeeks(
                    manager,
                    len(planned),
                    sum(1 for r in planned if (r.attainment or 0.0) >= 1),
                    [r.period_start for r in planned if self.is_below(r)],
                    fact / plan if plan else None,
                )
            )
        return out

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
    """Compare plans with the revenue of won deals per month and per week.

    Month, week and day plans are kept apart and the department's own plan is never added to the
    managers' plans (see the module docstring); where two plans cover the same scope and period, the
    result carries their comparison in ``weekly_vs_monthly`` and ``department_vs_managers``.
    """
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
    plans["manager"] = plans["manager"].astype("string")
    granularities = sorted(set(plans["period"].dropna()), key=GRANULARITY_ORDER.index)
    has_manager = plans["manager"].notna().any()
    monthly_plan = _resolve(plans, "month")
    weekly_plan = _resolve(plans, "week")

    monthly: list[PlanRow] = []
    months = pd.period_range(start, end, freq="M").start_time
    dept_month_plan = _department_plan(monthly_plan)
    fact_month = fact.groupby("month")["revenue"].agg(["sum", "size"])
    for month in months:
        monthly.append(_row(month, None, dept_month_plan, fact_month, month))
    managers: list[ManagerAttainment] = []
    if has_manager:
        by_manager = monthly_plan[monthly_plan["manager"].notna()]
        for manager, mplan in by_manager.groupby("manager", sort=True):
            mp = mplan.set_index("key")[["revenue", "deals"]]
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

    first_week = start - pd.Timedelta(days=start.weekday())
    weeks = pd.date_range(first_week, end, freq="7D")
    derived = weekly_plan.empty
    fact_week = fact.groupby("week")["revenue"].agg(["sum", "size"])
    weekly_managers: list[str] = []
    if derived:
        # Only the period's months are split: a week at either end gets no share of a month outside it.
        in_period = dept_month_plan[dept_month_plan.index.isin(months)]
        dept_week_plan = _split_into_weeks(in_period, config.weekly_split)
        week_fact = {week: fact_week for week in weeks}
    else:
        dept_week_plan = _department_plan(weekly_plan)
        own_weeks = set(weekly_plan.loc[weekly_plan["manager"].isna(), "key"])
        personal = weekly_plan[weekly_plan["manager"].notna() & ~weekly_plan["key"].isin(own_weeks)]
        weekly_managers = sorted(str(m) for m in personal["manager"].unique())
        covered = _covered_fact(fact, personal, weekly_managers)
        week_fact = {
            week: covered if weekly_managers and week not in own_weeks else fact_week for week in weeks
        }
    weekly = [_row(week, None, dept_week_plan, week_fact[week], week) for week in weeks]
    weekly_by_manager = []
    personal_weeks = weekly_plan[weekly_plan["manager"].notna() & weekly_plan["revenue"].notna()]
    for manager, wplan in personal_weeks.groupby("manager", sort=True):
        wp = wplan.set_index("key")[["revenue", "deals"]]
        wf = fact[fact["manager"] == manager].groupby("week")["revenue"].agg(["sum", "size"])
        rows = [_row(week, str(manager), wp, wf, week) for week in weeks]
        if any(r.plan_revenue for r in rows):
            weekly_by_manager.extend(rows)

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
        weekly_managers=weekly_managers,
        weekly_vs_monthly=_weeks_against_months(plans, weekly_plan, months),
        department_vs_managers=(
            _department_against_managers(monthly_plan, "month", months)
            + _department_against_managers(weekly_plan, "week", weeks, min_parts=plans["manager"].nunique())
        ),
        weekly_by_manager=weekly_by_manager,
    )


def plans_of_month(plans: pd.DataFrame | None, month: dt.date) -> tuple[float | None, dict[str, float]]:
    """The department's revenue plan for one month and each manager's, by the rules above: a month row,
    else the sum of the month's week (or day) rows; the department's own row, else the sum of the personal
    plans. (None, {}) when the month has no revenue plan at all."""
    if plans is None or plans.empty:
        return None, {}
    resolved = _resolve(plans.assign(manager=plans["manager"].astype("string")), "month")
    key = pd.Timestamp(month).to_period("M").start_time
    rows = resolved[(resolved["key"] == key) & resolved["revenue"].notna()]
    personal = {
        str(m): float(r) for m, r in zip(rows["manager"], rows["revenue"], strict=True) if not pd.isna(m)
    }
    own = rows.loc[rows["manager"].isna(), "revenue"]
    if len(own):
        return float(own.iloc[0]), personal
    return (float(sum(personal.values())) if personal else None), personal


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


def _month_of_week(monday: pd.Series) -> pd.Series:
    """The month a week belongs to: the month of its Thursday."""
    return (monday + pd.Timedelta(days=3)).dt.to_period("M").dt.start_time


def _resolve(plans: pd.DataFrame, target: str) -> pd.DataFrame:
    """One plan per scope (manager, NA = the department) and target period (``"month"`` or ``"week"``).

    Different granularities are never added together: a week row replaces the day rows of its week, and
    a month row replaces the week and day rows of its month; a month without a month row is the sum of
    its weeks (each a week row or else its days), a week without a week row the sum of its days. Weeks go
    to the month of their Thursday, days to their own month. Month rows are not spread into weeks here.
    Columns: manager, key, revenue, deals, period (the coarsest granularity used), parts (rows summed).
    """
    start = plans["period_start"]
    monday = (start - pd.to_timedelta(start.dt.day_of_week, unit="D")).dt.normalize()
    granularity = plans["period"].astype(str)
    if target == "week":
        key = monday
    else:
        key = start.dt.to_period("M").dt.start_time.where(granularity != "week", _month_of_week(monday))
    keyed = pd.DataFrame(
        {
            "manager": plans["manager"].astype("string"),
            "key": key,
            "monday": monday,
            "period": granularity,
            "rank": granularity.map(GRANULARITY_ORDER.index).astype(int),
            "revenue": plans["target_revenue"].astype(float),
            "deals": plans["target_deals"].astype(float),
        }
    )
    month_rank = GRANULARITY_ORDER.index("month")
    finer = keyed[keyed["rank"] < month_rank]
    in_week = finer.groupby(["manager", "monday"], dropna=False)["rank"].transform("max")
    keyed = pd.concat([keyed[keyed["rank"] == month_rank], finer[finer["rank"] == in_week]])
    if target == "week":
        keyed = keyed[keyed["rank"] < month_rank]
    columns = ["manager", "key", "revenue", "deals", "period", "parts"]
    if keyed.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in columns}).astype(
            {"manager": "string", "key": "datetime64[ns]", "period": "string", "parts": "int64"}
        )
    best = keyed.groupby(["manager", "key"], dropna=False)["rank"].transform("max")
    kept = keyed[(keyed["rank"] == month_rank) | (best < month_rank)]
    out = (
        kept.groupby(["manager", "key"], dropna=False, sort=True)
        .agg(
            revenue=("revenue", lambda v: v.sum(min_count=1)),
            deals=("deals", lambda v: v.sum(min_count=1)),
            rank=("rank", "max"),
            parts=("rank", "size"),
        )
        .reset_index()
    )
    out["manager"] = out["manager"].astype("string")
    out["period"] = out["rank"].map(lambda r: GRANULARITY_ORDER[r]).astype("string")
    return out[columns]


def _department_plan(resolved: pd.DataFrame) -> pd.DataFrame:
    """The department's plan per period: its own plan where given, else the sum of the personal plans."""
    own = resolved[resolved["manager"].isna()].set_index("key")[["revenue", "deals"]]
    personal = resolved[resolved["manager"].notna()].groupby("key")[["revenue", "deals"]].sum(min_count=1)
    return pd.concat([own, personal[~personal.index.isin(own.index)]]).sort_index()


def _split_into_weeks(month_plan: pd.DataFrame, basis: str) -> pd.DataFrame:
    """Monthly plans (indexed by month start) spread over the weeks, revenue and deals alike."""
    parts = [
        pd.DataFrame(
            {
                "revenue": split_month_into_weeks(month, row.revenue, basis),
                "deals": split_month_into_weeks(month, row.deals, basis),
            }
        )
        for month, row in month_plan.iterrows()
    ]
    if not parts:
        return pd.DataFrame({"revenue": [], "deals": []}, dtype=float)
    return pd.concat(parts).groupby(level=0).sum(min_count=1)


def _covered_fact(fact: pd.DataFrame, personal: pd.DataFrame, managers: list[str]) -> pd.DataFrame:
    """Weekly fact of the managers whose personal weekly plans make up the week's plan.

    In a week with personal weekly plans, the fact of the managers planned that week; in a week without
    any, the fact of every manager who has weekly plans at all.
    """
    planned = pd.MultiIndex.from_arrays([personal["manager"].astype(str), personal["key"]])
    planned_weeks = set(personal["key"])
    pairs = pd.MultiIndex.from_arrays([fact["manager"], fact["week"]])
    in_scope = pairs.isin(planned) | (~fact["week"].isin(planned_weeks) & fact["manager"].isin(managers))
    return fact[in_scope].groupby("week")["revenue"].agg(["sum", "size"])


def _agreement(
    check: str,
    period: str,
    start: pd.Timestamp,
    manager: str | None,
    plan: float,
    parts_revenue: float,
    parts: int,
) -> PlanAgreement:
    plan, parts_revenue = float(plan), float(parts_revenue)
    difference = parts_revenue - plan
    share = difference / plan if plan else None
    agree = bool(abs(difference) <= AGREEMENT_TOLERANCE * abs(plan) if plan else difference == 0)
    return PlanAgreement(
        check,
        period,
        pd.Timestamp(start),
        manager,
        plan,
        parts_revenue,
        parts,
        difference,
        share,
        agree,
    )


def _weeks_against_months(
    plans: pd.DataFrame, weekly_plan: pd.DataFrame, months: pd.DatetimeIndex
) -> list[PlanAgreement]:
    """Each month row against the sum of the same scope's weekly plans of that month, where both exist."""
    month_rows = plans[(plans["period"] == "month") & plans["target_revenue"].notna()]
    weekly = weekly_plan[weekly_plan["revenue"].notna()]
    if month_rows.empty or weekly.empty:
        return []
    by_month = weekly.assign(month=_month_of_week(weekly["key"]))
    weeks = {
        (None if pd.isna(manager) else str(manager), month): (float(group["revenue"].sum()), len(group))
        for (manager, month), group in by_month.groupby(["manager", "month"], dropna=False)
    }
    out = []
    for row in month_rows.sort_values(["period_start"]).itertuples(index=False):
        month = row.period_start.to_period("M").start_time
        manager = None if pd.isna(row.manager) else str(row.manager)
        key = (manager, month)
        if month not in months or key not in weeks:
            continue
        out.append(_agreement("weeks_in_month", "month", month, manager, row.target_revenue, *weeks[key]))
    return sorted(out, key=lambda a: (a.manager is not None, a.manager or "", a.period_start))


def _department_against_managers(
    resolved: pd.DataFrame, period: str, periods: pd.DatetimeIndex, min_parts: int = 1
) -> list[PlanAgreement]:
    """The department's own plan against the sum of the personal plans, per period where both exist.

    Periods where fewer than ``min_parts`` managers have a plan are not compared (weekly plans kept by a
    few managers only are not a decomposition of the department's week).
    """
    resolved = resolved[resolved["revenue"].notna()]
    own = resolved[resolved["manager"].isna()].set_index("key")["revenue"]
    personal = (
        resolved[resolved["manager"].notna()]
        .groupby("key")
        .agg(revenue=("revenue", "sum"), parts=("manager", "nunique"))
    )
    return [
        _agreement(
            "managers_in_department",
            period,
            key,
            None,
            own[key],
            personal.at[key, "revenue"],
            int(personal.at[key, "parts"]),
        )
        for key in sorted(set(own.index) & set(personal.index))
        if key in periods and personal.at[key, "parts"] >= min_parts
    ]
