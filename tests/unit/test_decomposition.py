"""The month's target backwards through the funnel, per manager, week and working day."""

from __future__ import annotations

import datetime as dt
import math
from types import SimpleNamespace

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.analysis.calendar import month_weeks, working_days
from workbench.analysis.decomposition import backwards, decompose
from workbench.config import CalendarConfig, Period, PlanTarget

RU = CalendarConfig()
PERIOD = Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31))


def funnel(reached: list[int], conversions: list[float], avg_check: float = 100_000, months: float = 3.0):
    stages = [
        SimpleNamespace(stage=f"s{i}", reached=r, conversion=c)
        for i, (r, c) in enumerate(zip(reached, conversions, strict=True))
    ]
    return SimpleNamespace(stages=stages, avg_check=avg_check, months=months)


def deals(rows: list[tuple[str, float]]) -> pd.DataFrame:
    n = len(rows)
    return pd.DataFrame(
        {
            "manager": [m for m, _ in rows],
            "amount": [a for _, a in rows],
            "status": ["won"] * n,
            "closed_at": pd.to_datetime(["2026-02-10"] * n),
            "created_at": pd.to_datetime(["2026-01-10"] * n),
        }
    )


NO_PLAN = SimpleNamespace(monthly=[])


def test_russian_production_calendar_2026():
    days = [len(working_days(dt.date(2026, m, 1), RU)) for m in range(1, 13)]
    assert days == [15, 19, 21, 22, 19, 21, 23, 21, 22, 22, 20, 22]
    assert sum(days) == 247  # the official 2026 production calendar


def test_client_days_off_and_worked_saturdays():
    own = CalendarConfig(days_off=[dt.date(2026, 10, 5)], working_days=[dt.date(2026, 10, 10)])
    assert len(working_days(dt.date(2026, 10, 1), own)) == 22  # one off, one Saturday worked
    weeks = {w.monday: w.working_days for w in month_weeks(dt.date(2026, 10, 1), own)}
    assert weeks[dt.date(2026, 10, 5)] == 5


@given(st.integers(2024, 2030), st.integers(1, 12))
def test_working_days_of_a_months_weeks_add_up_to_the_month(year, month):
    first = dt.date(year, month, 1)
    assert sum(w.working_days for w in month_weeks(first, RU)) == len(working_days(first, RU))


def test_hand_computed_decomposition():
    # 1 000 000 target / 100 000 check = 10 won; 10 / 0.5 = 20 at s1; 20 / 0.25 = 80 leads
    f = funnel([240, 60, 30], [0.25, 0.5, None])
    d = decompose(
        f, NO_PLAN, deals([("А", 300_000), ("Б", 100_000)]), PERIOD, PlanTarget(revenue=1_000_000), RU
    )
    assert d.available and d.month == dt.date(2026, 4, 1)
    assert [s.needed for s in d.stages] == pytest.approx([80, 20, 10])
    assert d.leads_needed == pytest.approx(80)
    # today: 240 leads in 3 months = 80 a month, x 0.25 x 0.5 x 100 000 = 1 000 000: no gap
    assert d.delivered == pytest.approx(1_000_000) and d.gap == pytest.approx(0, abs=1e-6)
    assert d.cheapest is None
    assert [(m.manager, m.share, m.revenue) for m in d.managers] == [
        ("А", 0.75, 750_000),
        ("Б", 0.25, 250_000),
    ]
    assert d.working_days == 22
    assert sum(w.revenue for w in d.weeks) == pytest.approx(1_000_000)


def test_capacity_and_manual_splits():
    f = funnel([240, 60, 30], [0.25, 0.5, None])
    sold = deals([("А", 300_000), ("Б", 100_000)])
    even = decompose(f, NO_PLAN, sold, PERIOD, PlanTarget(revenue=1_000_000, split="capacity"), RU)
    assert [m.revenue for m in even.managers] == [500_000, 500_000]
    manual = decompose(
        f, NO_PLAN, sold, PERIOD, PlanTarget(split="manual", managers={"А": 600_000, "В": 200_000}), RU
    )
    assert manual.target == 800_000 and [m.revenue for m in manual.managers] == [600_000, 200_000]


def test_the_gap_and_the_cheapest_lever_is_the_weak_step():
    # today delivers 1 000 000; the target is 10 % more. The 25 % step needs 27.5 %: 3.3 % of its losses
    # saved, within the equal-effort 10 %; the 50 % step would need 10 % of its losses saved.
    f = funnel([240, 60, 30], [0.25, 0.5, None])
    d = decompose(f, NO_PLAN, deals([("А", 1)]), PERIOD, PlanTarget(revenue=1_100_000), RU)
    assert d.gap == pytest.approx(100_000)
    step = d.bottleneck_lever
    assert step.stage == "s0" and step.needed == pytest.approx(0.275)
    assert step.losses_to_save == pytest.approx(0.025 / 0.75)
    assert d.cheapest == "step"
    assert d.levers[0].kind == "leads" and d.levers[0].needed == pytest.approx(88)


def test_a_gap_no_step_closes_within_equal_effort_needs_leads():
    f = funnel([240, 60, 30], [0.25, 0.5, None])
    d = decompose(f, NO_PLAN, deals([("А", 1)]), PERIOD, PlanTarget(revenue=2_000_000), RU)
    assert d.cheapest == "leads"


def test_without_a_target_the_decomposition_says_so():
    f = funnel([240, 60, 30], [0.25, 0.5, None])
    d = decompose(f, NO_PLAN, deals([("А", 1)]), PERIOD, PlanTarget(), RU)
    assert not d.available and d.reason == "no_target"
    zero = funnel([240, 60, 30], [0.25, 0.0, None])
    assert (
        decompose(zero, NO_PLAN, deals([("А", 1)]), PERIOD, PlanTarget(revenue=1), RU).reason
        == "no_conversions"
    )


@given(
    st.floats(1e4, 1e9),
    st.floats(1e3, 1e7),
    st.lists(st.floats(0.01, 1.0), min_size=1, max_size=8),
)
def test_the_decomposition_times_the_conversions_gives_back_the_target(target, check, conversions):
    needed = backwards(target, check, conversions)
    assert needed[0] * math.prod(conversions) * check == pytest.approx(target, rel=1e-9)
    for i, c in enumerate(conversions):
        assert needed[i] * c == pytest.approx(needed[i + 1], rel=1e-9)


def test_revenue_grid_over_the_cheapest_step_and_the_check():
    f = funnel([240, 60, 30], [0.25, 0.5, None])
    d = decompose(f, NO_PLAN, deals([("А", 1)]), PERIOD, PlanTarget(revenue=1_100_000), RU)
    grid = d.grid
    assert grid.stage == "s0" and grid.conversions[2] == 0.25 and grid.checks[2] == 100_000
    assert grid.revenue[2][2] == pytest.approx(d.delivered)
    # +20 % conversion and +20 % check: 80 leads x 0.3 x 0.5 x 120 000
    assert grid.revenue[4][4] == pytest.approx(80 * 0.3 * 0.5 * 120_000)
    assert grid.conversions == pytest.approx([0.2, 0.225, 0.25, 0.275, 0.3])


def test_delivery_capacity_check_and_its_finding():
    from analyses_stub import analyses

    from workbench.findings.registry import detect

    f = funnel([240, 60, 30], [0.25, 0.5, None])
    target = PlanTarget(revenue=1_000_000, delivery_capacity=8)
    d = decompose(f, NO_PLAN, deals([("А", 1)]), PERIOD, target, RU)
    assert d.won_needed == pytest.approx(10) and d.over_capacity == pytest.approx(2)
    [hit] = detect("plan_over_capacity", analyses(SimpleNamespace(months=3.0, revenue=3e6), decomposition=d))
    assert hit.impact_per_month == pytest.approx(200_000)  # 2 orders x 100 000
    enough = decompose(
        f, NO_PLAN, deals([("А", 1)]), PERIOD, PlanTarget(revenue=1_000_000, delivery_capacity=12), RU
    )
    assert enough.over_capacity == 0
    assert (
        detect("plan_over_capacity", analyses(SimpleNamespace(months=3.0, revenue=3e6), decomposition=enough))
        == []
    )
    assert decompose(f, NO_PLAN, deals([("А", 1)]), PERIOD, PlanTarget(revenue=1), RU).over_capacity is None
