"""Plan against fact per month and per week, on hand-made plans and deals."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from workbench.analysis.periods import won_in_period
from workbench.analysis.plan import analyze_plan, split_month_into_weeks
from workbench.config import Period, PlanConfig

PERIOD = Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 2, 28))
T = pd.Timestamp


# ----------------------------------------------------------------------------------------------------
# split_month_into_weeks
# ----------------------------------------------------------------------------------------------------


def test_split_january_by_working_days():
    # January 2026: Thu 1 .. Sat 31. Working days: 1-2 (week of Mon 29 Dec), then 5 in each of the weeks of
    # 5, 12, 19 and 26 January: 22 in all.
    weeks = split_month_into_weeks(T("2026-01-01"), 2200.0, "working_days")
    assert list(weeks.index) == [
        T("2025-12-29"),
        T("2026-01-05"),
        T("2026-01-12"),
        T("2026-01-19"),
        T("2026-01-26"),
    ]
    assert weeks.tolist() == pytest.approx([200.0, 500.0, 500.0, 500.0, 500.0])
    assert weeks.sum() == pytest.approx(2200.0)
    assert all(d.weekday() == 0 for d in weeks.index)


def test_split_january_by_calendar_days():
    # Calendar days per week: 1-4 (4), 5-11 (7), 12-18 (7), 19-25 (7), 26-31 (6): 31.
    weeks = split_month_into_weeks(T("2026-01-01"), 3100.0, "calendar_days")
    assert weeks.tolist() == pytest.approx([400.0, 700.0, 700.0, 700.0, 600.0])


def test_split_february_gives_nothing_to_a_weekend_only_week():
    # February 2026: Sun 1 .. Sat 28. Sunday 1 belongs to the week of Mon 26 January, which holds no working
    # day of February; the four full weeks hold 5 working days each.
    weeks = split_month_into_weeks(T("2026-02-01"), 1000.0, "working_days")
    assert weeks.get(T("2026-01-26"), 0.0) == pytest.approx(0.0)
    assert [weeks[T(d)] for d in ("2026-02-02", "2026-02-09", "2026-02-16", "2026-02-23")] == pytest.approx(
        [250.0] * 4
    )
    assert weeks.sum() == pytest.approx(1000.0)


@pytest.mark.parametrize("month", ["2026-03-01", "2026-05-01", "2026-06-01", "2026-11-01", "2024-02-01"])
@pytest.mark.parametrize("basis", ["working_days", "calendar_days"])
def test_split_always_sums_to_the_month(month, basis):
    weeks = split_month_into_weeks(T(month), 1234.5, basis)
    assert weeks.sum() == pytest.approx(1234.5)
    assert (weeks >= 0).all()


# ----------------------------------------------------------------------------------------------------
# Plan against fact
# ----------------------------------------------------------------------------------------------------


def deals() -> pd.DataFrame:
    rows = [
        # (deal_id, created, closed, status, amount, manager)
        ("1", "2026-01-02", "2026-01-10", "won", 600.0, "Anna"),  # Sat 10 Jan: week of 5 Jan
        ("2", "2026-01-05", "2026-01-20", "won", 400.0, "Anna"),  # week of 19 Jan
        ("3", "2026-01-06", "2026-01-30", "won", 200.0, "Boris"),  # week of 26 Jan
        ("4", "2026-01-15", "2026-02-03", "won", 300.0, "Anna"),  # week of 2 Feb
        ("5", "2025-12-01", "2026-02-10", "won", 100.0, "Boris"),  # created before the period: counts
        ("6", "2026-01-07", "2026-01-15", "lost", 999.0, "Anna"),  # lost: not fact
        ("7", "2026-02-20", "2026-03-02", "won", 5000.0, "Anna"),  # closed after the period
        ("8", "2026-02-01", None, "open", 777.0, "Boris"),  # open
        ("9", "2026-02-02", "2026-02-27", "won", math.nan, "Boris"),  # amount unknown: 0 revenue, 1 deal
    ]
    out = pd.DataFrame(rows, columns=["deal_id", "created_at", "closed_at", "status", "amount", "manager"])
    out["created_at"] = pd.to_datetime(out["created_at"]).astype("datetime64[ns]")
    out["closed_at"] = pd.to_datetime(out["closed_at"]).astype("datetime64[ns]")
    return out.astype({"deal_id": "string", "status": "string", "manager": "string"})


def plans(rows: list[tuple]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=["manager", "period_start", "period", "target_revenue", "target_deals"])
    out["period_start"] = pd.to_datetime(out["period_start"]).astype("datetime64[ns]")
    return out.astype({"manager": "string", "period": "string"})


PERSONAL = [
    ("Anna", "2026-01-01", "month", 1000.0, 2.0),
    ("Anna", "2026-02-01", "month", 1000.0, 2.0),
    ("Boris", "2026-01-01", "month", 500.0, 1.0),
    ("Boris", "2026-02-01", "month", 500.0, 1.0),
]


def test_won_in_period_is_by_close_date():
    won = won_in_period(deals(), PERIOD)
    assert sorted(won["deal_id"]) == ["1", "2", "3", "4", "5", "9"]


def test_monthly_plan_against_fact_with_personal_plans_only():
    result = analyze_plan(deals(), plans(PERSONAL), PlanConfig(), PERIOD)
    assert result.available
    assert result.granularities == ["month"]
    assert result.has_manager_plans
    department = [r for r in result.monthly if r.manager is None]
    assert [r.period_start for r in department] == [T("2026-01-01"), T("2026-02-01")]
    # No department row: the department plan is the sum of personal plans, 1500 a month.
    assert [r.plan_revenue for r in department] == [1500.0, 1500.0]
    assert [r.plan_deals for r in department] == [3.0, 3.0]
    # Fact by close date: January 600 + 400 + 200 = 1200 (3 deals); February 300 + 100 + 0 = 400 (3 deals).
    assert [r.fact_revenue for r in department] == [1200.0, 400.0]
    assert [r.fact_deals for r in department] == [3, 3]
    assert [r.attainment for r in department] == pytest.approx([1200 / 1500, 400 / 1500])
    assert result.plan_total == 3000.0
    assert result.fact_total == 1600.0
    assert result.attainment == pytest.approx(1600 / 3000)


def test_monthly_plan_per_manager():
    result = analyze_plan(deals(), plans(PERSONAL), PlanConfig(), PERIOD)
    anna_rows = [r for r in result.monthly if r.manager == "Anna"]
    assert [(r.plan_revenue, r.fact_revenue, r.fact_deals) for r in anna_rows] == [
        (1000.0, 1000.0, 2),
        (1000.0, 300.0, 1),
    ]
    assert [r.attainment for r in anna_rows] == pytest.approx([1.0, 0.3])
    anna, boris = result.managers
    # Anna: 1300 of 2000, January met exactly (100%).
    assert (anna.manager, anna.plan_revenue, anna.fact_revenue) == ("Anna", 2000.0, 1300.0)
    assert anna.attainment == pytest.approx(0.65)
    assert (anna.months_met, anna.months_planned) == (1, 2)
    # Boris: 200 + 100 + 0 = 300 of 1000.
    assert (boris.manager, boris.plan_revenue, boris.fact_revenue) == ("Boris", 1000.0, 300.0)
    assert boris.attainment == pytest.approx(0.3)
    assert (boris.months_met, boris.months_planned) == (0, 2)


def test_department_row_takes_precedence_over_the_sum_of_personal_plans():
    rows = [*PERSONAL, (None, "2026-01-01", "month", 2000.0, 4.0), (None, "2026-02-01", "month", 2000.0, 4.0)]
    result = analyze_plan(deals(), plans(rows), PlanConfig(), PERIOD)
    department = [r for r in result.monthly if r.manager is None]
    assert [r.plan_revenue for r in department] == [2000.0, 2000.0]
    assert result.plan_total == 4000.0
    assert result.attainment == pytest.approx(1600 / 4000)
    # Weekly department plan: 2000 split over January's 22 working days, not 1500.
    first = result.weekly[0]
    assert first.period_start == T("2025-12-29")
    assert first.plan_revenue == pytest.approx(2000 * 2 / 22)


def test_weekly_plan_derived_from_months():
    result = analyze_plan(deals(), plans(PERSONAL), PlanConfig(), PERIOD)
    assert result.weekly_derived is True
    weeks = [r.period_start for r in result.weekly]
    mondays = ["2025-12-29", "2026-01-05", "2026-01-12", "2026-01-19", "2026-01-26"]
    mondays += ["2026-02-02", "2026-02-09", "2026-02-16", "2026-02-23"]
    assert weeks == [T(d) for d in mondays]
    # January's 1500 over 22 working days (2, 5, 5, 5, 5); February's 1500 over 20 (0 in the week of 26 Jan,
    # then 5, 5, 5, 5).
    jan = [1500 * 2 / 22] + [1500 * 5 / 22] * 4
    feb = [375.0] * 4
    assert [r.plan_revenue for r in result.weekly] == pytest.approx(jan + feb)
    assert [r.fact_revenue for r in result.weekly] == [0.0, 600.0, 0.0, 400.0, 200.0, 300.0, 100.0, 0.0, 0.0]
    assert [r.fact_deals for r in result.weekly] == [0, 1, 0, 1, 1, 1, 1, 0, 1]
    # Attainment below 90%: every week but those of 5 Jan (1.76) and 19 Jan (1.17).
    assert result.weeks_total == 9
    assert result.weeks_below == 7


def test_weekly_plans_are_used_as_they_are():
    rows = [
        (None, "2026-01-05", "week", 500.0, 1.0),
        (None, "2026-01-14", "week", 500.0, 1.0),  # a Wednesday: the week of 12 January
        (None, "2026-01-19", "week", 500.0, 1.0),
    ]
    period = Period(start=dt.date(2026, 1, 5), end=dt.date(2026, 1, 25))
    result = analyze_plan(deals(), plans(rows), PlanConfig(), period)
    assert result.weekly_derived is False
    assert result.granularities == ["week"]
    assert not result.has_manager_plans
    assert [r.period_start for r in result.weekly] == [T("2026-01-05"), T("2026-01-12"), T("2026-01-19")]
    assert [r.plan_revenue for r in result.weekly] == [500.0, 500.0, 500.0]
    assert [r.fact_revenue for r in result.weekly] == [600.0, 0.0, 400.0]
    assert [r.attainment for r in result.weekly] == pytest.approx([1.2, 0.0, 0.8])
    assert result.weeks_below == 2
    # The weeks are summed into January's monthly plan.
    assert [r.plan_revenue for r in result.monthly] == [1500.0]


def test_no_plans():
    result = analyze_plan(deals(), None, PlanConfig(), PERIOD)
    assert result.available is False
    assert result.attainment is None
    assert result.fact_total == 1600.0  # the fact is still reported
    assert result.monthly == [] and result.weekly == []
