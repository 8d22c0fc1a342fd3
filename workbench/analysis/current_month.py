"""The run-rate forecast of the current month, for the department and for each manager.

The current month is the month of the audit's as-of date. Its **fact so far** is the revenue of the deals won
(closed) from the month's first day to the *cut-off*, by close date: the rule of the plan's fact
(:mod:`workbench.analysis.plan`). The cut-off is the day before the as-of date (the as-of day is not over),
or the day of the latest record in the deals export when the data end earlier. The month's **working days**
are those of the production calendar (:mod:`workbench.analysis.calendar`, with the client's own days off and
worked weekend days); the days *gone* are those up to the cut-off, the days *left* the rest.

- forecast = fact so far / working days gone x the month's working days
  (:func:`~workbench.analysis.runrate.run_rate`);
- attainment forecast = forecast / the month's plan (the plan resolved as in the plan analysis: a month
  row, else the month's weekly rows; the department's own row, else the sum of the personal plans);
- needed a day = (plan - fact so far) / working days left (0 once the plan is met).

**How sure.** Each working day's revenue is taken as an independent draw with the scope's mean and standard
deviation s. The forecast adds to the fact R times the mean of the g days gone; the month's real total
adds the R days' own sales, so the error has the variance s^2 R (1 + R / g) = s^2 R N / g (N = g + R). The
:data:`LEVEL` interval is forecast +- z s sqrt(R N / g), its lower end never below the fact so far. s is the
sample standard deviation of the scope's revenue per working day over the audited period before the month
and the month's days gone (a sale on a day off counts to the next working day); with fewer than
:data:`MIN_HISTORY_DAYS` working days there is no interval. Revenue comes in deals, so days are lumpy and
the interval is approximate; it is wide early in the month and for one manager, as it should be.

**Early.** With fewer than :data:`MIN_DAYS_GONE` working days gone the forecast is *early*: it is shown,
but no scope is marked short and no finding is drawn from it.

**Short.** A scope (the department or a manager) is *short* when the forecast is not early, its attainment
forecast is below the plan's warning share (``plan.attainment_warning``, 90 %), and the interval's upper
end is below the plan too: under the model the plan is missed with a probability of at least
(1 + LEVEL) / 2 = 90 %. What is then missing at least, with that probability, is the plan less the
interval's upper end (``likely_shortfall``): the money of the findings.

No forecast (``available`` False, ``reason``): ``no_day_gone`` (no working day of the month is over yet:
the as-of date is at the month's start), ``no_plan`` (the plans hold no revenue plan for the month),
``no_data`` (the deals export ends before the month began). Never a zero forecast in their place.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from workbench.analysis.calendar import is_working_day, working_days
from workbench.analysis.plan import plans_of_month
from workbench.analysis.runrate import run_rate
from workbench.config import CalendarConfig, Period

MIN_DAYS_GONE = 5
"""Working days (a working week) that must be gone before a forecast is more than early."""
MIN_HISTORY_DAYS = 10
"""Working days of revenue it takes to estimate a scope's day-to-day variation."""
LEVEL = 0.80
"""The coverage of the forecast's interval (two-sided)."""


@dataclass(frozen=True)
class ScopeForecast:
    """The month so far and its run-rate forecast for one manager (``manager`` None: the department)."""

    manager: str | None
    plan: float | None  # the month's revenue plan (None: no plan for this scope)
    fact: float  # revenue won from the month's first day to the cut-off
    deals: int  # deals won in that time
    per_day: float  # fact / working days gone
    forecast: float  # the run-rate forecast of the month
    low: float | None  # the interval (None: too little history to estimate it)
    high: float | None
    attainment: float | None  # forecast / plan
    needed_per_day: float | None  # (plan - fact) / working days left; None without a plan or a day left
    sigma: float | None  # standard deviation of revenue per working day
    history_days: int  # working days it was estimated from
    short: bool  # the plan will very likely be missed (see the module docstring)

    @property
    def shortfall(self) -> float | None:
        """Plan - forecast when the forecast is below the plan (0 otherwise; None without a plan)."""
        return None if self.plan is None else max(0.0, self.plan - self.forecast)

    @property
    def likely_shortfall(self) -> float | None:
        """Plan - the interval's upper end when positive: what is missing with a probability of at least
        (1 + LEVEL) / 2 under the model (0 otherwise; None without a plan or an interval). The findings'
        money: the point forecast of a month begun with a few lumpy days overstates a shortfall."""
        if self.plan is None or self.high is None:
            return None
        return max(0.0, self.plan - self.high)

    def json_derived(self) -> dict[str, object]:
        return {"shortfall": self.shortfall, "likely_shortfall": self.likely_shortfall}


@dataclass(frozen=True)
class MonthForecast:
    """The current month's forecast; when ``available`` is False, ``reason`` says why there is none."""

    available: bool
    reason: str | None  # None, "no_day_gone", "no_plan" or "no_data"
    month: dt.date  # the month's first day
    as_of: dt.date
    cutoff: dt.date | None  # the last day counted
    data_end: dt.date | None  # the day of the latest record in the deals export
    working_days: int  # of the whole month
    days_gone: int
    days_left: int
    early: bool  # fewer than ``min_days`` working days gone
    min_days: int
    level: float  # coverage of the interval
    warning: float  # the attainment below which a scope can be short
    department: ScopeForecast | None
    managers: list[ScopeForecast]

    @property
    def short_managers(self) -> list[ScopeForecast]:
        return [m for m in self.managers if m.short]

    def json_derived(self) -> dict[str, object]:
        return {"short_managers": [m.manager for m in self.short_managers]}


def data_end(deals: pd.DataFrame, events: pd.DataFrame | None = None) -> dt.date | None:
    """The day of the latest record of the deals export (created, closed or a stage entered)."""
    dates = [deals[c] for c in ("created_at", "closed_at") if c in deals]
    if events is not None and "entered_at" in events:
        dates.append(events["entered_at"])
    latest = pd.concat(dates).max() if dates else pd.NaT
    return None if pd.isna(latest) else pd.Timestamp(latest).date()


def forecast_month(
    deals: pd.DataFrame,
    plans: pd.DataFrame | None,
    as_of: dt.date,
    period: Period,
    calendar: CalendarConfig,
    warning: float,
    events: pd.DataFrame | None = None,
) -> MonthForecast:
    """The run-rate forecast of the month of ``as_of`` per manager and for the department."""
    month = as_of.replace(day=1)
    end = data_end(deals, events)
    cutoff = as_of - dt.timedelta(days=1)
    if end is not None:
        cutoff = min(cutoff, end)
    days = working_days(month, calendar)
    gone = [d for d in days if d <= cutoff]
    department_plan, personal = plans_of_month(plans, month)
    reason = None
    if not [d for d in days if d < as_of]:
        reason = "no_day_gone"
    elif department_plan is None:
        reason = "no_plan"
    elif end is None or not gone:  # the export ends before the month's first working day
        reason = "no_data"
    head = {
        "month": month,
        "as_of": as_of,
        "data_end": end,
        "working_days": len(days),
        "min_days": MIN_DAYS_GONE,
        "level": LEVEL,
        "warning": warning,
    }
    if reason is not None:
        return MonthForecast(
            False, reason, cutoff=None, days_gone=0, days_left=len(days), early=True,
            department=None, managers=[], **head,
        )  # fmt: skip
    won = deals[(deals["status"] == "won") & deals["closed_at"].notna()]
    sales = pd.DataFrame(
        {
            "manager": won["manager"].astype("string"),
            "day": won["closed_at"].dt.normalize(),
            "amount": won["amount"].fillna(0.0).astype(float),
        }
    )
    history = _history_days(period, month, calendar)
    left = len(days) - len(gone)
    early = len(gone) < MIN_DAYS_GONE
    scope = _ScopeRule(month, cutoff, history, gone, len(days), left, early, warning)
    department = scope.forecast(None, department_plan, sales)
    in_month = sales[(sales["day"] >= pd.Timestamp(month)) & (sales["day"] <= pd.Timestamp(cutoff))]
    names = sorted(set(personal) | {str(m) for m in in_month["manager"].dropna().unique()})
    managers = [
        scope.forecast(m, personal.get(m), sales[sales["manager"].eq(m).fillna(False).astype(bool)])
        for m in names
    ]
    return MonthForecast(
        True, None, cutoff=cutoff, days_gone=len(gone), days_left=left, early=early,
        department=department, managers=managers, **head,
    )  # fmt: skip


def _history_days(period: Period, month: dt.date, calendar: CalendarConfig) -> list[dt.date]:
    """The working days of the audited period before the month."""
    last = min(period.end, month - dt.timedelta(days=1))
    span = (last - period.start).days + 1
    days = (period.start + dt.timedelta(days=i) for i in range(max(span, 0)))
    return [d for d in days if is_working_day(d, calendar)]


def per_working_day(sales: pd.DataFrame, days: list[dt.date]) -> np.ndarray:
    """Revenue on each of ``days`` (working days, ascending) of the sales dated from the first to the last of
    them; a sale on a day off counts to the next working day (to the last one when none follows)."""
    out = np.zeros(len(days))
    if not days:
        return out
    first, last = pd.Timestamp(days[0]), pd.Timestamp(days[-1]) + pd.Timedelta(days=1)
    inside = sales[(sales["day"] >= first) & (sales["day"] < last)]
    index = np.searchsorted(
        np.array(days, dtype="datetime64[D]"), inside["day"].to_numpy(dtype="datetime64[D]"), side="left"
    )
    np.add.at(out, np.minimum(index, len(days) - 1), inside["amount"].to_numpy(dtype=float))
    return out


@dataclass(frozen=True)
class _ScopeRule:
    """The month's days and rules, applied to one scope's sales."""

    month: dt.date
    cutoff: dt.date
    history: list[dt.date]
    gone: list[dt.date]
    total: int
    left: int
    early: bool
    warning: float

    def forecast(self, manager: str | None, plan: float | None, sales: pd.DataFrame) -> ScopeForecast:
        start, cutoff = pd.Timestamp(self.month), pd.Timestamp(self.cutoff)
        so_far = sales[(sales["day"] >= start) & (sales["day"] <= cutoff)]
        fact = float(so_far["amount"].sum())
        g = len(self.gone)
        forecast = run_rate(fact, g, self.total) or 0.0
        daily = np.concatenate([per_working_day(sales, self.history), per_working_day(sales, self.gone)])
        sigma = float(np.std(daily, ddof=1)) if len(daily) >= MIN_HISTORY_DAYS else None
        low = high = None
        if sigma is not None:
            half = NormalDist().inv_cdf((1 + LEVEL) / 2) * sigma * math.sqrt(self.left * self.total / g)
            low, high = max(fact, forecast - half), forecast + half
        plan = plan if plan is not None and plan > 0 else None
        attainment = forecast / plan if plan else None
        needed = max(0.0, plan - fact) / self.left if plan and self.left else None
        short = bool(
            not self.early
            and attainment is not None
            and attainment < self.warning
            and high is not None
            and high < (plan or 0.0)
        )
        return ScopeForecast(
            manager, plan, fact, len(so_far), fact / g, forecast, low, high, attainment, needed, sigma,
            len(daily), short,
        )  # fmt: skip
