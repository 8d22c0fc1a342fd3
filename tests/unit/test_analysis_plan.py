"""Plan against fact per month and per week, on hand-made plans and deals."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
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


def test_each_managers_weeks_against_their_personal_weekly_plans():
    # Anna plans weeks (a week row for 5 January, two day rows for the week of 12 January); Boris a month.
    rows = [
        ("Anna", "2026-01-05", "week", 500.0, 1.0),
        ("Anna", "2026-01-12", "day", 200.0, None),
        ("Anna", "2026-01-14", "day", 300.0, None),
        ("Boris", "2026-01-01", "month", 500.0, 1.0),
    ]
    result = analyze_plan(deals(), plans(rows), PlanConfig(), PERIOD)
    anna = [r for r in result.weekly_by_manager if r.plan_revenue]
    assert {r.manager for r in result.weekly_by_manager} == {"Anna"}  # a monthly plan is never split for one
    assert len(result.weekly_by_manager) == len(result.weekly)  # every week of the period, planned or not
    assert [(r.period_start, r.plan_revenue, r.fact_revenue) for r in anna] == [
        (T("2026-01-05"), 500.0, 600.0),  # Saturday 10 January's 600
        (T("2026-01-12"), 500.0, 0.0),  # the week's two days summed
    ]
    [weeks] = result.manager_weeks()
    assert (weeks.manager, weeks.weeks_planned, weeks.weeks_met) == ("Anna", 2, 1)
    assert weeks.weeks_below == [T("2026-01-12")]
    assert weeks.attainment == pytest.approx(600 / 1000)
    assert result.json_derived()["manager_weeks"] == [weeks]


def test_monthly_plans_give_no_personal_weeks():
    result = analyze_plan(deals(), plans(PERSONAL), PlanConfig(), PERIOD)
    assert result.weekly_derived and result.weekly_by_manager == [] and result.manager_weeks() == []
    assert not result.personal_weekly_plans


def test_a_month_outside_the_period_adds_nothing_to_its_boundary_weeks():
    # December's plan would give the week of 29 December its 29-31 December; the period starts on 1 January,
    # so that week's plan is January's 1-2 January only: 2 of January's 22 weekdays.
    rows = [(None, "2025-12-01", "month", 2300.0, None), (None, "2026-01-01", "month", 2200.0, None)]
    result = analyze_plan(deals(), plans(rows), PlanConfig(), PERIOD)
    assert result.weekly[0].period_start == T("2025-12-29")
    assert result.weekly[0].plan_revenue == pytest.approx(200.0)


def test_no_plans():
    result = analyze_plan(deals(), None, PlanConfig(), PERIOD)
    assert result.available is False
    assert result.attainment is None
    assert result.fact_total == 1600.0  # the fact is still reported
    assert result.monthly == [] and result.weekly == []


# ----------------------------------------------------------------------------------------------------
# Plans of several granularities: never added together
# ----------------------------------------------------------------------------------------------------

HALF_YEAR = Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30))
MONTHS = pd.date_range("2026-01-01", "2026-06-01", freq="MS")


def weeks_of(month: pd.Timestamp) -> list[pd.Timestamp]:
    """The Mondays of the weeks whose Thursday falls in the month (the client's "four weekly plans")."""
    mondays = pd.date_range(month - pd.Timedelta(days=6), month + pd.offsets.MonthEnd(0), freq="W-MON")
    return [d for d in mondays if (d + pd.Timedelta(days=3)).month == month.month]


def generated(seed: int = 7, managers: int = 6, weekly_for: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Six months of won deals and plans: a monthly plan for every manager, and for the first
    ``weekly_for`` managers also weekly plans that split each month's plan evenly over its weeks."""
    rng = np.random.default_rng(seed)
    deal_rows, plan_rows = [], []
    for i in range(managers):
        name = f"M{i + 1}"
        month_plan = 7_000_000.0 * (1 + 0.1 * i)
        for month in MONTHS:
            plan_rows.append((name, month, "month", month_plan, 10.0))
            days = pd.date_range(month, month + pd.offsets.MonthEnd(0), freq="D")
            share = rng.uniform(0.9, 1.2)
            for _ in range(10):
                closed = days[rng.integers(len(days))]
                deal_rows.append((f"{len(deal_rows)}", month, closed, "won", month_plan * share / 10, name))
            if i < weekly_for:
                mondays = weeks_of(month)
                for monday in mondays:
                    plan_rows.append((name, monday, "week", month_plan / len(mondays), 10.0 / len(mondays)))
    out = pd.DataFrame(
        deal_rows, columns=["deal_id", "created_at", "closed_at", "status", "amount", "manager"]
    )
    out["created_at"] = out["created_at"].astype("datetime64[ns]")
    out["closed_at"] = out["closed_at"].astype("datetime64[ns]")
    return out.astype({"deal_id": "string", "status": "string", "manager": "string"}), plans(plan_rows)


def test_weekly_plans_beside_monthly_plans_leave_the_monthly_attainment_unchanged():
    sales, both = generated()
    monthly_only = both[both["period"] == "month"]
    result = analyze_plan(sales, both, PlanConfig(), HALF_YEAR)
    expected = analyze_plan(sales, monthly_only, PlanConfig(), HALF_YEAR)
    assert result.granularities == ["week", "month"]
    # The plan is the monthly plan: 7.0 + 7.7 + ... + 10.5 million a month, 6 months.
    assert result.plan_total == pytest.approx(6 * 7_000_000.0 * sum(1 + 0.1 * i for i in range(6)))
    assert result.plan_total == pytest.approx(expected.plan_total)
    assert result.fact_total == pytest.approx(expected.fact_total)
    assert result.attainment == pytest.approx(expected.attainment)
    assert result.attainment == pytest.approx(sales["amount"].sum() / result.plan_total)
    assert [r.plan_revenue for r in result.monthly] == pytest.approx(
        [r.plan_revenue for r in expected.monthly]
    )
    assert [(m.manager, m.plan_revenue, m.months_met) for m in result.managers] == [
        (m.manager, pytest.approx(m.plan_revenue), m.months_met) for m in expected.managers
    ]
    # Every manager is at 90-120 % of the monthly plan: none is reported below 80 %.
    assert all(0.9 <= m.attainment <= 1.2 for m in result.managers)


def test_weekly_plans_are_compared_with_the_weekly_fact_of_their_managers():
    sales, both = generated()
    result = analyze_plan(sales, both, PlanConfig(), HALF_YEAR)
    assert result.weekly_derived is False
    assert result.weekly_managers == ["M1", "M2", "M3"]
    weekly_rows = both[both["period"] == "week"]
    plan_by_week = weekly_rows.groupby("period_start")["target_revenue"].sum()
    covered = sales[sales["manager"].isin(["M1", "M2", "M3"])]
    monday = covered["closed_at"] - pd.to_timedelta(covered["closed_at"].dt.day_of_week, unit="D")
    fact_by_week = covered.groupby(monday)["amount"].sum()
    planned = [w for w in result.weekly if w.plan_revenue]
    assert [w.period_start for w in planned] == list(
        plan_by_week.index[plan_by_week.index <= T("2026-06-30")]
    )
    for w in planned:
        assert w.plan_revenue == pytest.approx(plan_by_week[w.period_start])
        assert w.fact_revenue == pytest.approx(fact_by_week.get(w.period_start, 0.0))
        assert w.attainment == pytest.approx(w.fact_revenue / w.plan_revenue)
    below = sum(1 for w in planned if w.attainment < 0.9)
    assert (result.weeks_below, result.weeks_total) == (below, len(planned))


def test_weekly_plans_that_add_up_to_the_month_agree_with_it():
    sales, both = generated()
    result = analyze_plan(sales, both, PlanConfig(), HALF_YEAR)
    checks = result.weekly_vs_monthly
    assert {(c.manager, c.period_start) for c in checks} == {
        (m, month) for m in ("M1", "M2", "M3") for month in MONTHS
    }
    assert all(c.agree and c.difference == pytest.approx(0.0, abs=1e-6) for c in checks)
    assert [c.parts for c in checks if c.manager == "M1"] == [len(weeks_of(m)) for m in MONTHS]
    summary = result.weekly_monthly_agreement
    assert summary is not None and summary.agree
    assert (summary.checked, summary.differing) == (18, 0)
    assert result.department_vs_managers == []
    assert result.department_agreement is None


def test_weekly_plans_that_do_not_add_up_say_by_how_much():
    sales, both = generated()
    # M2's first week of March raised by 500 000: the weeks of March now sum to 8.2 million, not 7.7.
    week = (both["manager"] == "M2") & (both["period"] == "week") & (both["period_start"] == T("2026-03-02"))
    assert week.sum() == 1
    both.loc[week, "target_revenue"] += 500_000.0
    result = analyze_plan(sales, both, PlanConfig(), HALF_YEAR)
    differing = [c for c in result.weekly_vs_monthly if not c.agree]
    assert len(differing) == 1
    (c,) = differing
    assert (c.manager, c.period_start, c.check, c.period) == (
        "M2",
        T("2026-03-01"),
        "weeks_in_month",
        "month",
    )
    assert (c.plan_revenue, c.parts_revenue) == pytest.approx((7_700_000.0, 8_200_000.0))
    assert c.difference == pytest.approx(500_000.0)
    assert c.share == pytest.approx(500_000.0 / 7_700_000.0)
    summary = result.weekly_monthly_agreement
    assert (summary.checked, summary.differing, summary.largest_manager) == (18, 1, "M2")
    assert summary.largest_difference == pytest.approx(500_000.0)
    # The monthly plan is still the month row.
    assert [r.plan_revenue for r in result.monthly if r.manager == "M2"] == pytest.approx([7_700_000.0] * 6)


def test_a_week_belongs_to_the_month_of_its_thursday():
    rows = [
        ("Anna", "2026-01-01", "month", 1000.0, 2.0),
        # Mon 29 Dec 2025 - Sun 4 Jan 2026: Thursday 1 January, a week of January.
        *[("Anna", d, "week", 200.0, None) for d in ("2025-12-29", "2026-01-05", "2026-01-12", "2026-01-19")],
        ("Anna", "2026-01-26", "week", 250.0, None),
    ]
    result = analyze_plan(deals(), plans(rows), PlanConfig(), PERIOD)
    (check,) = result.weekly_vs_monthly
    assert (check.period_start, check.parts, check.parts_revenue) == (T("2026-01-01"), 5, 1050.0)
    assert check.difference == pytest.approx(50.0) and not check.agree


def test_weeks_only_make_a_month_without_a_month_row():
    # Anna has a January month row and weeks in February only; Boris has only weeks.
    rows = [
        ("Anna", "2026-01-01", "month", 1000.0, 2.0),
        ("Anna", "2026-02-02", "week", 300.0, 1.0),
        ("Anna", "2026-02-09", "week", 300.0, 1.0),
        ("Boris", "2026-01-12", "week", 100.0, None),
        ("Boris", "2026-01-19", "week", 150.0, None),
    ]
    result = analyze_plan(deals(), plans(rows), PlanConfig(), PERIOD)
    anna = [r.plan_revenue for r in result.monthly if r.manager == "Anna"]
    boris = [r.plan_revenue for r in result.monthly if r.manager == "Boris"]
    assert anna == [1000.0, 600.0]
    assert boris == [250.0, None]
    assert [r.plan_revenue for r in result.monthly if r.manager is None] == [1250.0, 600.0]
    assert result.weekly_vs_monthly == []


def test_a_week_row_wins_over_the_day_rows_of_the_same_week():
    rows = [
        ("Anna", "2026-01-05", "week", 500.0, None),
        ("Anna", "2026-01-06", "day", 100.0, None),  # same week: a finer plan, not added
        ("Anna", "2026-01-13", "day", 100.0, None),  # a week with days only: they make the week
        ("Anna", "2026-01-14", "day", 120.0, None),
    ]
    period = Period(start=dt.date(2026, 1, 5), end=dt.date(2026, 1, 18))
    result = analyze_plan(deals(), plans(rows), PlanConfig(), period)
    assert result.granularities == ["day", "week"]
    assert result.weekly_derived is False
    assert [r.plan_revenue for r in result.weekly] == [500.0, 220.0]
    assert [r.plan_revenue for r in result.monthly if r.manager is None] == [720.0]


def test_department_rows_beside_personal_rows_are_compared_not_added():
    sales, both = generated(weekly_for=0)
    personal_month = 7_000_000.0 * sum(1 + 0.1 * i for i in range(6))  # 52.5 million
    department = [(None, m, "month", personal_month * (1.1 if m.month == 4 else 1.0), 60.0) for m in MONTHS]
    with_department = pd.concat([both, plans(department)], ignore_index=True)
    result = analyze_plan(sales, with_department, PlanConfig(), HALF_YEAR)
    alone = analyze_plan(sales, both, PlanConfig(), HALF_YEAR)
    # The department's plan is its own row, not its own row plus the managers' plans.
    assert [r.plan_revenue for r in result.monthly if r.manager is None] == pytest.approx(
        [personal_month * (1.1 if m.month == 4 else 1.0) for m in MONTHS]
    )
    assert result.plan_total == pytest.approx(personal_month * 6.1)
    # The managers are compared with their own plans, unchanged.
    assert [(m.manager, m.attainment) for m in result.managers] == [
        (m.manager, pytest.approx(m.attainment)) for m in alone.managers
    ]
    checks = result.department_vs_managers
    assert [c.period_start for c in checks] == list(MONTHS)
    assert all(c.check == "managers_in_department" and c.manager is None and c.parts == 6 for c in checks)
    assert [c.agree for c in checks] == [True, True, True, False, True, True]
    april = checks[3]
    assert april.plan_revenue == pytest.approx(personal_month * 1.1)
    assert april.parts_revenue == pytest.approx(personal_month)
    assert april.share == pytest.approx(1 / 1.1 - 1)
    summary = result.department_agreement
    assert (summary.checked, summary.differing, summary.largest_period_start) == (6, 1, T("2026-04-01"))


def test_department_plan_falls_back_to_personal_plans_in_months_without_a_department_row():
    rows = [*PERSONAL, (None, "2026-01-01", "month", 2000.0, 4.0)]
    result = analyze_plan(deals(), plans(rows), PlanConfig(), PERIOD)
    assert [r.plan_revenue for r in result.monthly if r.manager is None] == [2000.0, 1500.0]
    (check,) = result.department_vs_managers
    assert (check.period_start, check.plan_revenue, check.parts_revenue, check.agree) == (
        T("2026-01-01"),
        2000.0,
        1500.0,
        False,
    )


def test_planted_case_before_the_fix_would_have_added_the_weekly_plans():
    # The shape of the reported case: summing both granularities would have given a plan of
    # monthly + weekly (about 1.44 times the monthly plan here); the result must not.
    sales, both = generated()
    added = both["target_revenue"][both["period_start"] <= T("2026-06-30")].sum()
    result = analyze_plan(sales, both, PlanConfig(), HALF_YEAR)
    assert added > 1.4 * result.plan_total
    assert result.attainment > 0.9


def test_metrics_plan_fragment_keeps_its_keys_and_carries_the_comparisons():

    import jsonschema

    from workbench.render import metrics
    from workbench.serialize import encode

    sales, both = generated()
    department = [(None, m, "month", 50_000_000.0, 60.0) for m in MONTHS]
    result = analyze_plan(
        sales, pd.concat([both, plans(department)], ignore_index=True), PlanConfig(), HALF_YEAR
    )
    fragment = encode(result, "plan")
    old_keys = ["available", "granularities", "plan_total", "fact_total", "attainment", "weekly_derived"]
    old_keys += ["weeks_below", "weeks_total", "monthly", "managers"]
    assert set(old_keys) <= set(fragment)
    assert fragment["weekly_derived"] is False
    assert fragment["weekly_monthly_agreement"]["agree"] is True
    assert fragment["weekly_monthly_agreement"]["checked"] == 18
    assert fragment["department_agreement"]["differing"] == 6
    assert fragment["department_vs_managers"][0]["period_start"] == "2026-01-01T00:00:00"
    schema = metrics.schema()
    jsonschema.validate(fragment, {"$defs": schema["$defs"], **schema["properties"]["plan"]})


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_plan_section_states_whether_monthly_and_weekly_plans_agree(locale):
    from workbench.present import plan_views
    from workbench.present.html import render
    from workbench.present.i18n import Messages

    sales, both = generated()
    week = (both["manager"] == "M2") & (both["period"] == "week") & (both["period_start"] == T("2026-03-02"))
    for frame, key in (
        (both, "agree"),
        (both.assign(target_revenue=both["target_revenue"].where(~week, 0.0)), "differ"),
    ):
        result = analyze_plan(sales, frame, PlanConfig(), HALF_YEAR)
        t = Messages(locale)
        context = {"monthly_chart": "", "weekly_chart": "", "months": [], "managers": [], "basis": ""}
        context |= {
            "weeks_below": plan_views.weeks_below_text(t, result),
            "manager_weeks": plan_views.manager_weeks_view(t, result),
            "current": None,
        }
        html = str(render("plan.html.j2", t, plan=result, **context).html)
        first_words = t.raw(f"plan.weekly_monthly_{key}").split(":")[0]
        assert first_words in html
        assert "M1, M2, M3" in html


def test_weeks_without_a_plan_show_the_fact_of_the_scope_that_has_weekly_plans():
    department_weeks = [(None, "2026-01-05", "week", 500.0, 1.0)]
    period = Period(start=dt.date(2026, 1, 5), end=dt.date(2026, 2, 1))
    result = analyze_plan(deals(), plans(department_weeks), PlanConfig(), period)
    # A department weekly plan: every week shows the department's fact (Boris's 200 in the week of 26 Jan).
    assert [r.fact_revenue for r in result.weekly] == [600.0, 0.0, 400.0, 200.0]
    assert result.weekly_managers == []
    anna_weeks = [("Anna", "2026-01-05", "week", 500.0, 1.0), ("Boris", "2026-01-01", "month", 300.0, 1.0)]
    result = analyze_plan(deals(), plans(anna_weeks), PlanConfig(), period)
    # Only Anna has weekly plans: the weekly rows are hers, Boris's 200 is not in them.
    assert result.weekly_managers == ["Anna"]
    assert [r.plan_revenue for r in result.weekly] == [500.0, None, None, None]
    assert [r.fact_revenue for r in result.weekly] == [600.0, 0.0, 400.0, 0.0]
    assert result.weekly_derived is False
    # The monthly plan is Anna's January weeks plus Boris's month, each with its own fact.
    assert [(m.manager, m.plan_revenue, m.fact_revenue) for m in result.managers] == [
        ("Anna", 500.0, 1000.0),
        ("Boris", 300.0, 200.0),
    ]
