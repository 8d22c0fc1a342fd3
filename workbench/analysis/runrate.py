"""Run-rate: how early a missed monthly plan could have been seen.

For each month a manager missed their personal plan, the month's sales are accumulated week by week (a
week ends on Sunday, cut to the month) and projected at the run-rate: sales to date / working days gone x
the month's working days (:mod:`workbench.analysis.calendar`). The miss *was visible* from the first week
after which every projection stayed below the plan; with a monthly report it is seen only after the
month. ``weeks_gone`` is how many weeks of the month had passed then; ``weeks_left`` how many were left to
act in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from workbench.analysis.calendar import is_working_day, month_weeks, working_days
from workbench.analysis.periods import won_in_period
from workbench.analysis.plan import PlanResult
from workbench.config import CalendarConfig, Period


@dataclass(frozen=True)
class MissedMonth:
    """A month a manager missed their plan, and from which week the run-rate showed it."""

    manager: str
    month: dt.date
    plan: float
    fact: float
    weeks: int  # weeks of the month (parts of weeks count)
    weeks_gone: int | None  # weeks passed when the miss became visible (None: only at the month's end)
    projections: list[float | None]  # run-rate forecast at the end of each week (None: no working day yet)

    @property
    def weeks_left(self) -> int | None:
        return None if self.weeks_gone is None else self.weeks - self.weeks_gone


@dataclass(frozen=True)
class MissVisibility:
    """The missed months and how early the run-rate saw them."""

    missed: list[MissedMonth]

    @property
    def visible_early(self) -> int:
        """Missed months whose miss was visible with at least one week left."""
        return sum(1 for m in self.missed if (m.weeks_left or 0) >= 1)

    @property
    def median_weeks_gone(self) -> float | None:
        gone = [m.weeks_gone for m in self.missed if m.weeks_gone is not None]
        return float(pd.Series(gone).median()) if gone else None

    def json_derived(self) -> dict[str, object]:
        return {"visible_early": self.visible_early, "median_weeks_gone": self.median_weeks_gone}


def run_rate(sold: float, days_gone: int, days_total: int) -> float | None:
    """Sales to date projected to the whole month by working days; None before the first working day."""
    return sold / days_gone * days_total if days_gone > 0 else None


def miss_visibility(
    deals: pd.DataFrame, plan: PlanResult, period: Period, calendar: CalendarConfig
) -> MissVisibility:
    """Every personal month plan missed in the period, with the week its run-rate showed the miss."""
    won = won_in_period(deals, period)
    sales = pd.DataFrame(
        {
            "manager": won["manager"].astype(str),
            "day": won["closed_at"].dt.date,
            "amount": won["amount"].fillna(0.0),
        }
    )
    out = []
    for row in plan.monthly:
        if row.manager is None or not row.plan_revenue or row.fact_revenue >= row.plan_revenue:
            continue
        month = row.period_start.date()
        weeks = month_weeks(month, calendar)
        total = len(working_days(month, calendar))
        own = sales[sales["manager"] == row.manager]
        projections = []
        for week in weeks:
            sold = float(own.loc[(own["day"] >= month) & (own["day"] <= week.last), "amount"].sum())
            gone = sum(1 for d in pd.date_range(month, week.last).date if is_working_day(d, calendar))
            projections.append(run_rate(sold, gone, total))
        below = [p is not None and p < row.plan_revenue for p in projections]
        first = next((i for i in range(len(below)) if all(below[i:])), None)
        out.append(
            MissedMonth(
                row.manager,
                month,
                row.plan_revenue,
                row.fact_revenue,
                len(weeks),
                None if first is None or first == len(weeks) - 1 else first + 1,
                projections,
            )
        )
    return MissVisibility(out)
