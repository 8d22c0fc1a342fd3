"""The run-rate forecast of the current month, by hand on the Russian production calendar; its findings;
and the plan section that shows it (with the personal weekly plans, or why there are none)."""

from __future__ import annotations

import datetime as dt
import math
from statistics import NormalDist
from types import SimpleNamespace

import pandas as pd
import pytest

from workbench.analysis.current_month import LEVEL, MIN_DAYS_GONE, forecast_month, per_working_day
from workbench.analysis.plan import plans_of_month
from workbench.audit import build_audit
from workbench.config import CalendarConfig, Period
from workbench.findings.registry import detect
from workbench.present.i18n import Messages
from workbench.present.registry import render_section

NOVEMBER = Period(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30))
RU = CalendarConfig()
Z = NormalDist().inv_cdf((1 + LEVEL) / 2)


def deals(rows: list[tuple[str | None, str, float]], status: str = "won") -> pd.DataFrame:
    """Won deals: (manager, close date, amount); created a week before they closed."""
    closed = pd.to_datetime([d for _, d, _ in rows])
    return pd.DataFrame(
        {
            "manager": pd.Series([m for m, _, _ in rows], dtype="string"),
            "created_at": closed - pd.Timedelta(days=7),
            "closed_at": closed,
            "amount": [a for _, _, a in rows],
            "status": [status] * len(rows),
        }
    )


def plans(rows: list[tuple[str | None, str, str, float]]) -> pd.DataFrame:
    """Plans: (manager, period start, period, revenue)."""
    return pd.DataFrame(
        {
            "manager": pd.Series([m for m, _, _, _ in rows], dtype="string"),
            "period_start": pd.to_datetime([d for _, d, _, _ in rows]),
            "period": pd.Series([p for _, _, p, _ in rows], dtype="string"),
            "target_revenue": [r for *_, r in rows],
            "target_deals": [float("nan")] * len(rows),
        }
    )


def forecast(sold, planned, as_of, period=NOVEMBER, calendar=RU, warning=0.9):
    """The forecast on ``as_of`` from an export taken the evening before (its latest record: a deal opened
    that day)."""
    opened = pd.Timestamp(as_of) - pd.Timedelta(hours=6)
    export = pd.DataFrame(
        {
            "manager": pd.Series(["Анна"], dtype="string"),
            "created_at": [opened],
            "closed_at": [pd.NaT],
            "amount": [50_000.0],
            "status": ["open"],
        }
    )
    return forecast_month(
        pd.concat([sold, export], ignore_index=True), planned, as_of, period, calendar, warning
    )


# ----------------------------------------------------------------------------------------------------
# Working days, the run-rate and what is needed a day
# ----------------------------------------------------------------------------------------------------

SOLD = deals(
    [("Анна", "2026-11-03", 120_000), ("Анна", "2026-11-04", 30_000), ("Анна", "2026-11-09", 30_000)]
)
ANNA_PLAN = plans([("Анна", "2026-11-01", "month", 600_000)])


def test_a_month_with_a_public_holiday():
    # November 2026: 30 days, 9 of them weekend days (Sun 1, 7-8, 14-15, 21-22, 28-29) and Unity Day, Wed 4
    # November: 20 working days. On Wed 11 November the days gone are those up to Tue 10: 2, 3, 5, 6, 9, 10.
    month = forecast(SOLD, ANNA_PLAN, dt.date(2026, 11, 11))
    assert month.available and month.reason is None
    assert (month.working_days, month.days_gone, month.days_left) == (20, 6, 14)
    assert month.cutoff == dt.date(2026, 11, 10) and not month.early
    [anna] = month.managers
    # The sale on the holiday counts to the fact: 180 000 in 6 working days, 30 000 a day.
    assert (anna.fact, anna.deals, anna.per_day) == (180_000, 3, 30_000)
    assert anna.forecast == pytest.approx(180_000 / 6 * 20)  # 600 000
    assert anna.attainment == pytest.approx(1.0)
    assert anna.needed_per_day == pytest.approx((600_000 - 180_000) / 14)  # 30 000
    # No department row in the plans: the department's plan is the sum of the personal plans.
    assert month.department.plan == 600_000 and month.department.fact == 180_000


def test_the_clients_own_day_off_is_not_a_working_day():
    # Thursday 5 November off as well: 19 working days, 5 of them gone by Tuesday 10.
    calendar = CalendarConfig(days_off=[dt.date(2026, 11, 5)])
    month = forecast(SOLD, ANNA_PLAN, dt.date(2026, 11, 11), calendar=calendar)
    assert (month.working_days, month.days_gone, month.days_left) == (19, 5, 14)
    assert month.managers[0].forecast == pytest.approx(180_000 / 5 * 19)
    # A worked Saturday (7 November) adds a working day gone.
    worked = CalendarConfig(days_off=[dt.date(2026, 11, 5)], working_days=[dt.date(2026, 11, 7)])
    assert forecast(SOLD, ANNA_PLAN, dt.date(2026, 11, 11), calendar=worked).days_gone == 6


def test_the_interval_from_the_spread_of_revenue_per_working_day():
    # On Thu 19 November: 12 working days gone (2-18 November), 8 left. Three sales of 100 000, one of them on
    # Sunday 15 November, which counts to Monday 16: the day series is three 100 000 and nine 0, its mean
    # 25 000 and its sample standard deviation sqrt((3 * 75 000^2 + 9 * 25 000^2) / 11) = 150 000 / sqrt(11).
    sold = deals(
        [("Анна", "2026-11-02", 100_000), ("Анна", "2026-11-09", 100_000), ("Анна", "2026-11-15", 100_000)]
    )
    month = forecast(sold, plans([("Анна", "2026-11-01", "month", 800_000)]), dt.date(2026, 11, 19))
    assert (month.days_gone, month.days_left) == (12, 8)
    [anna] = month.managers
    assert anna.sigma == pytest.approx(150_000 / math.sqrt(11))
    assert anna.history_days == 12  # the period holds no day before November
    assert anna.forecast == pytest.approx(500_000)
    half = Z * 150_000 / math.sqrt(11) * math.sqrt(8 * 20 / 12)  # about 211 600
    # 500 000 - 211 600 is below the 300 000 already sold: the lower end is the fact.
    assert (anna.low, anna.high) == pytest.approx((300_000, 500_000 + half))
    # 62.5 % of the plan and even the upper end (711 600) below it: short, at least 88 400 missing.
    assert anna.attainment == pytest.approx(0.625)
    assert anna.short
    assert anna.shortfall == pytest.approx(300_000)
    assert anna.likely_shortfall == pytest.approx(800_000 - 500_000 - half)
    # With a plan the upper end reaches, the same forecast is not short: the miss is not likely enough.
    month = forecast(sold, plans([("Анна", "2026-11-01", "month", 700_000)]), dt.date(2026, 11, 19))
    assert month.managers[0].attainment < 0.9 and not month.managers[0].short


def test_the_lower_end_is_never_below_the_fact():
    sold = deals([("Анна", "2026-11-02", 400_000)])
    month = forecast(sold, plans([("Анна", "2026-11-01", "month", 800_000)]), dt.date(2026, 11, 19))
    anna = month.managers[0]
    assert anna.low == 400_000 and anna.high > anna.forecast > anna.low


def test_history_before_the_month_counts_to_the_spread():
    # The period from 1 October: its 22 working days join the 12 of November.
    period = Period(start=dt.date(2026, 10, 1), end=dt.date(2026, 11, 30))
    sold = deals([("Анна", "2026-10-05", 50_000), ("Анна", "2026-11-02", 100_000)])
    month = forecast(sold, plans([("Анна", "2026-11-01", "month", 800_000)]), dt.date(2026, 11, 19), period)
    [anna] = month.managers
    assert anna.history_days == 22 + 12
    series = [50_000.0] + [0.0] * 21 + [100_000.0] + [0.0] * 11
    assert anna.sigma == pytest.approx(pd.Series(series).std(ddof=1))


def test_too_little_history_gives_no_interval():
    month = forecast(SOLD, ANNA_PLAN, dt.date(2026, 11, 11))  # 6 working days, none before the month
    anna = month.managers[0]
    assert anna.sigma is None and anna.low is None and anna.high is None and not anna.short


def test_per_working_day_moves_a_day_off_to_the_next_working_day():
    days = [dt.date(2026, 11, 3), dt.date(2026, 11, 5), dt.date(2026, 11, 6)]
    sold = pd.DataFrame(
        {"day": pd.to_datetime(["2026-11-03", "2026-11-04", "2026-11-07"]), "amount": [1.0, 2.0, 4.0]}
    )
    # The holiday's 2 goes to Thursday 5; Saturday 7 is after the last day: it stays out of this window.
    assert per_working_day(sold, days).tolist() == [1.0, 2.0, 0.0]


# ----------------------------------------------------------------------------------------------------
# Early, without a plan, without a forecast
# ----------------------------------------------------------------------------------------------------


def test_a_forecast_with_few_days_gone_is_early_and_never_short():
    # On Fri 6 November: 2, 3 and 5 November gone, fewer than a working week; October gives an interval.
    period = Period(start=dt.date(2026, 10, 1), end=dt.date(2026, 11, 30))
    sold = deals(
        [("Анна", f"2026-10-{d:02d}", 100_000) for d in (5, 12, 19, 26)] + [("Анна", "2026-11-02", 10_000)]
    )
    month = forecast(sold, plans([("Анна", "2026-11-01", "month", 5_000_000)]), dt.date(2026, 11, 6), period)
    assert month.days_gone == 3 < MIN_DAYS_GONE
    assert month.available and month.early
    anna = month.managers[0]
    # Far below the plan, even the interval's upper end: short but for the early rule.
    assert anna.attainment < 0.1 and anna.high < anna.plan
    assert not anna.short and not month.department.short


def test_a_manager_without_a_plan():
    sold = deals(
        [("Анна", "2026-11-03", 120_000), ("Борис", "2026-11-05", 90_000), (None, "2026-11-06", 10_000)]
    )
    month = forecast(sold, ANNA_PLAN, dt.date(2026, 11, 11))
    assert [m.manager for m in month.managers] == ["Анна", "Борис"]
    boris = month.managers[1]
    assert boris.plan is None and boris.attainment is None and boris.needed_per_day is None
    assert boris.shortfall is None and not boris.short
    assert boris.forecast == pytest.approx(90_000 / 6 * 20)
    # Boris's sale and the one without a manager count to the department.
    assert month.department.fact == 220_000 and month.department.plan == 600_000


def test_a_planned_manager_without_a_sale_yet():
    month = forecast(
        SOLD,
        plans([("Анна", "2026-11-01", "month", 600_000), ("Вера", "2026-11-01", "month", 300_000)]),
        dt.date(2026, 11, 11),
    )
    vera = month.managers[1]
    assert (vera.manager, vera.fact, vera.forecast, vera.attainment) == ("Вера", 0.0, 0.0, 0.0)
    assert vera.needed_per_day == pytest.approx(300_000 / 14)


def test_no_plan_for_the_current_month():
    month = forecast(SOLD, plans([("Анна", "2026-10-01", "month", 600_000)]), dt.date(2026, 11, 11))
    assert not month.available and month.reason == "no_plan"
    assert month.department is None and month.managers == []
    assert not forecast(SOLD, None, dt.date(2026, 11, 11)).available


@pytest.mark.parametrize("as_of", [dt.date(2026, 12, 1), dt.date(2026, 11, 1), dt.date(2026, 11, 2)])
def test_at_the_start_of_a_month_no_working_day_is_gone(as_of):
    # 1 December, 1 November (a Sunday) and Monday 2 November: no working day of the month is over.
    both = plans([("Анна", "2026-11-01", "month", 600_000), ("Анна", "2026-12-01", "month", 600_000)])
    month = forecast(SOLD, both, as_of)
    assert not month.available and month.reason == "no_day_gone" and month.days_gone == 0


def test_an_export_that_ends_before_the_month_gives_no_forecast():
    october = deals([("Анна", "2026-10-20", 100_000)])
    month = forecast_month(october, ANNA_PLAN, dt.date(2026, 11, 23), NOVEMBER, RU, 0.9)
    assert not month.available and month.reason == "no_data" and month.data_end == dt.date(2026, 10, 20)
    # An export that ends within the month cuts the days gone at its last record (2, 3, 5, 6, 9 November).
    month = forecast_month(SOLD, ANNA_PLAN, dt.date(2026, 11, 23), NOVEMBER, RU, 0.9)
    assert month.cutoff == dt.date(2026, 11, 9) and month.days_gone == 5
    assert month.managers[0].forecast == pytest.approx(180_000 / 5 * 20)
    # No deals at all: no data either.
    empty = deals([]).iloc[0:0]
    assert forecast_month(empty, ANNA_PLAN, dt.date(2026, 11, 23), NOVEMBER, RU, 0.9).reason == "no_data"


def test_the_months_plan_from_weekly_rows_and_the_departments_own_row():
    # Weeks of 2, 9, 16, 23 November belong to November; the week of 30 November to December (its Thursday).
    weekly = [("Анна", f"2026-11-{d:02d}", "week", 100.0) for d in (2, 9, 16, 23, 30)]
    assert plans_of_month(plans(weekly), dt.date(2026, 11, 15)) == (400.0, {"Анна": 400.0})
    with_department = plans([*weekly, (None, "2026-11-01", "month", 1_000.0)])
    assert plans_of_month(with_department, dt.date(2026, 11, 1)) == (1_000.0, {"Анна": 400.0})
    assert plans_of_month(plans(weekly), dt.date(2026, 10, 1)) == (None, {})


# ----------------------------------------------------------------------------------------------------
# Findings
# ----------------------------------------------------------------------------------------------------


def _result(month):
    return SimpleNamespace(current_month=month, summary=SimpleNamespace(monthly_revenue=2_000_000.0))


SHORT_SALES = deals(
    [("Анна", "2026-11-02", 100_000), ("Анна", "2026-11-09", 100_000), ("Анна", "2026-11-15", 100_000)]
)


def test_a_department_forecast_well_below_plan_is_a_finding_priced_by_the_likely_shortfall():
    month = forecast(SHORT_SALES, plans([("Анна", "2026-11-01", "month", 800_000)]), dt.date(2026, 11, 19))
    [finding] = detect("plan_forecast_short", _result(month))
    assert finding.id == "plan-forecast-short" and finding.section == "plan" and finding.layer == 4
    assert finding.impact_per_month == pytest.approx(month.department.likely_shortfall)
    assert finding.params["shortfall"] == pytest.approx(300_000)
    assert finding.severity == "high"  # 88 400 of 2 million a month: 3 % or more, under 10 %
    # The department short: the managers' finding would count the same money twice.
    assert detect("plan_forecast_managers", _result(month)) == []


def test_managers_short_while_the_department_is_not():
    rows = [("Анна", "2026-11-02", 100_000), ("Анна", "2026-11-09", 100_000), ("Анна", "2026-11-15", 100_000)]
    rows += [("Борис", f"2026-11-{d:02d}", 150_000) for d in (3, 6, 10, 12, 17)]
    sold = deals(rows)
    planned = plans([("Анна", "2026-11-01", "month", 800_000), ("Борис", "2026-11-01", "month", 700_000)])
    month = forecast(sold, planned, dt.date(2026, 11, 19))
    assert not month.department.short and [m.manager for m in month.short_managers] == ["Анна"]
    [finding] = detect("plan_forecast_managers", _result(month))
    assert finding.params["managers"] == "Анна" and finding.params["count"] == 1
    assert finding.impact_per_month == pytest.approx(month.managers[0].likely_shortfall)
    assert detect("plan_forecast_short", _result(month)) == []


def test_an_early_or_missing_forecast_is_no_finding():
    early = forecast(SHORT_SALES, plans([("Анна", "2026-11-01", "month", 9_000_000)]), dt.date(2026, 11, 6))
    missing = forecast(SHORT_SALES, None, dt.date(2026, 11, 19))
    for month in (early, missing, None):
        assert detect("plan_forecast_short", _result(month)) == []
        assert detect("plan_forecast_managers", _result(month)) == []


# ----------------------------------------------------------------------------------------------------
# The demo: November 2026 in progress on its as-of date
# ----------------------------------------------------------------------------------------------------


def test_the_demo_forecasts_november(demo_audit):
    month = demo_audit.current_month
    assert month.available and month.month == dt.date(2026, 11, 1)
    assert (month.working_days, month.days_gone, month.days_left) == (20, 14, 6)
    assert month.cutoff == dt.date(2026, 11, 22) and not month.early
    sold = demo_audit.data.deals
    won = sold[(sold["status"] == "won") & sold["closed_at"].between("2026-11-01", "2026-11-22 23:59:59")]
    assert month.department.fact == pytest.approx(won["amount"].sum())
    raw = demo_audit.data.get("plans")
    november = raw[raw["period_start"] == "2026-11-01"]
    assert month.department.plan == pytest.approx(november["target_revenue"].sum())
    assert sorted(m.manager for m in month.managers) == sorted(november["manager"])
    codes = {f.code for f in demo_audit.findings}
    assert "plan_forecast_managers" in codes and "plan_forecast_short" not in codes
    # The planted monthly-only plans are still found, and the funnel's bottleneck still leads.
    assert "plan_monthly_only" in codes and demo_audit.findings[0].code == "funnel_bottleneck"
    assert demo_audit.plan.granularities == ["month"] and demo_audit.plan.weekly_by_manager == []


def test_the_demo_on_other_dates(demo_audit):
    client = demo_audit.data.client_dir
    assert build_audit(client, as_of=dt.date(2026, 12, 1)).current_month.reason == "no_day_gone"
    assert build_audit(client, as_of=dt.date(2026, 12, 10)).current_month.reason == "no_plan"


# ----------------------------------------------------------------------------------------------------
# The plan section
# ----------------------------------------------------------------------------------------------------


def test_the_plan_section_shows_the_forecast_and_says_weekly_plans_are_absent(demo_audit):
    html = render_section("plan", Messages("ru"), demo_audit).html
    assert "Прогноз текущего месяца: ноябрь 2026" in html
    assert "позади 14 рабочих дней месяца из 20" in html
    month = demo_audit.current_month
    for m in month.managers:
        assert m.manager in html
    assert html.count('class="wb-row-alert"><td class="name">') >= len(month.short_managers)
    assert "Вероятный недобор личного плана — у 3 менеджеров" in html
    assert "Личных недельных планов в файле планов нет" in html
    assert "Выполнение было ниже 90\u00a0% плана в 20 из 40 недель." in html
    english = render_section("plan", Messages("en"), demo_audit).html
    assert "Forecast of the current month: November 2026" in english
    assert "Attainment was below 90% of plan in 20 of 40 weeks." in english


def test_the_plan_section_says_why_there_is_no_forecast(demo_audit):
    import dataclasses

    month = dataclasses.replace(demo_audit.current_month, available=False, reason="no_plan", managers=[])
    html = render_section("plan", Messages("ru"), dataclasses.replace(demo_audit, current_month=month)).html
    assert "Прогноза нет: в файле планов нет плана выручки на месяц даты отчёта" in html
    assert "0\u00a0₽" not in html.split("Прогноз текущего месяца")[1]


def test_weekly_personal_plans_show_each_managers_weeks(weekly_client):
    audit = build_audit(weekly_client, as_of=dt.date(2026, 11, 23))
    plan = audit.plan
    assert plan.granularities == ["week"] and not plan.weekly_derived
    summary = plan.manager_weeks()
    assert [m.manager for m in summary] == sorted({r.manager for r in plan.weekly_by_manager})
    for m in summary:
        rows = [r for r in plan.weekly_by_manager if r.manager == m.manager and r.plan_revenue]
        assert m.weeks_planned == len(rows)
        assert m.weeks_below == [r.period_start for r in rows if r.attainment < plan.attainment_warning]
    assert "plan_monthly_only" not in {f.code for f in audit.findings}
    html = render_section("plan", Messages("ru"), audit).html
    assert "Каждая неделя менеджера сравнивается с его личным недельным планом" in html
    assert "Личных недельных планов в файле планов нет" not in html
    assert "Прогноз текущего месяца: ноябрь 2026" in html  # November's plan is the sum of its weeks


@pytest.mark.parametrize(
    ("as_of", "planned", "expected"),
    [
        (dt.date(2026, 11, 19), 800_000, "Недобор плана отдела вероятен: прогноз ниже 90\u00a0% плана"),
        (dt.date(2026, 11, 6), 800_000, "Прогноз ранний: позади только 3 рабочих дня"),
        (
            dt.date(2026, 11, 19),
            400_000,
            "Чтобы выполнить план, нужно 12\u00a0500\u00a0₽ в каждый из 8 оставшихся",
        ),
    ],
)
def test_the_plan_section_states_a_short_an_early_and_a_reachable_month(demo_audit, as_of, planned, expected):
    import dataclasses

    month = forecast(SHORT_SALES, plans([("Анна", "2026-11-01", "month", planned)]), as_of)
    html = render_section("plan", Messages("ru"), dataclasses.replace(demo_audit, current_month=month)).html
    assert expected in html


def test_no_data_for_the_month_is_said_with_the_exports_last_day(demo_audit):
    import dataclasses

    october = deals([("Анна", "2026-10-20", 100_000)])
    month = forecast_month(october, ANNA_PLAN, dt.date(2026, 11, 23), NOVEMBER, RU, 0.9)
    html = render_section("plan", Messages("ru"), dataclasses.replace(demo_audit, current_month=month)).html
    assert "Прогноза нет: выгрузка сделок заканчивается 20 октября 2026\u202fг." in html
