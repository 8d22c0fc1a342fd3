"""Sales velocity and its levers, the what-if arithmetic and the what-if sliders, all checked by hand.

A month is 30.4375 days; Q1 2026 has 90 days, so the period lasts 90 / 30.4375 months.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from funnel_frames import closed_deal as deal
from funnel_frames import deals_frame

from workbench.analysis.funnel.conversion import analyze_funnel
from workbench.analysis.funnel.position import prepare
from workbench.analysis.funnel.velocity import DAYS_PER_MONTH, analyze_velocity
from workbench.analysis.funnel.whatif import FunnelScenario, baseline, forecast, uplift
from workbench.config import FunnelConfig, Period
from workbench.present.funnel_widgets import FunnelWhatIf
from workbench.present.i18n import Messages

PERIOD = Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31))
MONTHS = 90 / 30.4375


def two_step(**overrides) -> FunnelConfig:
    return FunnelConfig(stages=["Lead", "Deal"], won_stages=["Won"], lost_stages=["Lost"], **overrides)


# ----------------------------------------------------------------------------------------------------
# Velocity
# ----------------------------------------------------------------------------------------------------
#
# Manager A: won 100 in 10 days and 100 in 30 days; 2 lost; 1 open.   win rate 2/4, check 100, cycle 20
# Manager B: won 500 in 20 days and 500 in 40 days; 2 lost; 3 open.   win rate 2/4, check 500, cycle 30
# Department: 4 open; win rate 4 / 8 = 0.5; average check (100+100+500+500) / 4 = 300;
#   median cycle of [10, 30, 20, 40] = 25.
# Velocity = 4 x 0.5 x 300 / 25 = 24 a day = 24 x 30.4375 = 730.5 a month.
# Levers at the best quarter of managers (both managers have 4 closed deals >= min_deals 2):
#   opportunities: 75th percentile of open per manager [1, 3] = 2.5, x 2 managers = 5
#                  -> 5 x 0.5 x 300 / 25 = 30 a day: +6 a day = 182.625 a month
#   win rate:      both managers at 0.5; shrinkage keeps 0.5 -> no gain (up to the fit's tolerance)
#   average check: 75th percentile of [100, 500] = 400 -> 4 x 0.5 x 400 / 25 = 32: +8 a day = 243.5 a month
#   cycle:         25th percentile of the managers' median cycles [20, 30] = 22.5
#                  -> 4 x 0.5 x 300 / 22.5 = 26.667: +2.667 a day = 81.1667 a month
# Ranked: average check, opportunities, cycle, win rate.


def velocity_deals() -> pd.DataFrame:
    rows = [
        deal("a1", "won", amount=100, closed="2026-01-15", manager="A"),
        deal("a2", "won", amount=100, closed="2026-02-04", manager="A"),
        deal("a3", "lost", lost_at="Lead", manager="A"),
        deal("a4", "lost", lost_at="Deal", manager="A"),
        deal("a5", "open", "Lead", manager="A"),
        deal("b1", "won", amount=500, closed="2026-01-25", manager="B"),
        deal("b2", "won", amount=500, closed="2026-02-14", manager="B"),
        deal("b3", "lost", lost_at="Lead", manager="B"),
        deal("b4", "lost", lost_at="Lead", manager="B"),
        deal("b5", "open", "Lead", manager="B"),
        deal("b6", "open", "Deal", manager="B"),
        deal("b7", "open", "Deal", manager="B"),
    ]
    return deals_frame(rows)


def velocity_of(deals: pd.DataFrame, min_deals: int = 2):
    frame = prepare(deals, None, two_step(), PERIOD)
    return analyze_velocity(frame, analyze_funnel(deals, None, two_step(), PERIOD), min_deals)


def test_velocity_arithmetic():
    v = velocity_of(velocity_deals())
    assert v.opportunities == 4
    assert (v.win_rate, v.avg_check, v.cycle_days) == (pytest.approx(0.5), pytest.approx(300.0), 25.0)
    assert v.per_day == pytest.approx(24.0)
    assert v.per_month == pytest.approx(730.5)
    assert DAYS_PER_MONTH == 30.4375


def test_levers_are_ranked_by_the_gain_of_reaching_the_best_quarter_of_managers():
    v = velocity_of(velocity_deals())
    assert [lever.name for lever in v.levers] == ["avg_check", "opportunities", "cycle_days", "win_rate"]
    by_name = {lever.name: lever for lever in v.levers}
    assert (by_name["avg_check"].current, by_name["avg_check"].target) == (300.0, pytest.approx(400.0))
    assert by_name["avg_check"].gain_per_month == pytest.approx(8 * 30.4375)
    assert (by_name["opportunities"].current, by_name["opportunities"].target) == (4.0, pytest.approx(5.0))
    assert by_name["opportunities"].gain_per_month == pytest.approx(6 * 30.4375)
    # The cycle target is the 25th percentile of the managers' median cycles (shorter is better).
    assert (by_name["cycle_days"].current, by_name["cycle_days"].target) == (25.0, pytest.approx(22.5))
    assert by_name["cycle_days"].gain_per_month == pytest.approx((4 * 0.5 * 300 / 22.5 - 24) * 30.4375)
    # The shrunk rates come from a numerical fit: 0.5 up to the optimiser's tolerance, a gain of cents.
    assert by_name["win_rate"].target == pytest.approx(0.5, abs=1e-3)
    assert by_name["win_rate"].gain_per_month == pytest.approx(0.0, abs=1.0)
    assert v.top_lever is by_name["avg_check"]


def test_without_two_comparable_managers_there_are_no_targets():
    # min_deals 5: neither manager has 5 closed deals.
    v = velocity_of(velocity_deals(), min_deals=5)
    assert v.per_day == pytest.approx(24.0)
    assert [(lever.target, lever.gain_per_month) for lever in v.levers] == [(None, None)] * 4
    assert v.top_lever is None


def test_without_open_deals_there_is_no_velocity():
    deals = velocity_deals()
    deals = deals[deals["status"] != "open"].reset_index(drop=True)
    v = velocity_of(deals)
    assert v.opportunities == 0
    assert (v.per_day, v.per_month, v.levers, v.top_lever) == (None, None, [], None)


# ----------------------------------------------------------------------------------------------------
# What-if arithmetic
# ----------------------------------------------------------------------------------------------------


def test_forecast_arithmetic():
    # 100 a month x 0.5 = 50, x 0.4 = 20, x 0.25 = 5 won; 5 x 2000 = 10 000.
    scenario = FunnelScenario(100.0, (0.5, 0.4, 0.25), 2000.0)
    result = forecast(scenario)
    assert result.reached == pytest.approx((100.0, 50.0, 20.0, 5.0))
    assert result.won == pytest.approx(5.0)
    assert result.revenue == pytest.approx(10_000.0)
    # Doubling the middle step doubles everything after it.
    better = forecast(scenario.with_conversion(1, 0.8))
    assert better.reached == pytest.approx((100.0, 50.0, 40.0, 10.0))
    assert better.revenue == pytest.approx(20_000.0)
    assert uplift(result, better) == pytest.approx(1.0)
    assert scenario.conversions == (0.5, 0.4, 0.25)  # the original scenario is unchanged


def test_uplift_without_baseline_revenue_is_none():
    zero = forecast(FunnelScenario(0.0, (0.5,), 1000.0))
    assert zero.revenue == 0.0
    assert uplift(zero, forecast(FunnelScenario(10.0, (0.5,), 1000.0))) is None


@pytest.mark.parametrize(
    ("scenario", "message"),
    [
        (FunnelScenario(-1.0, (0.5,), 1000.0), "negative"),
        (FunnelScenario(10.0, (0.5,), -1.0), "negative"),
        (FunnelScenario(10.0, (1.01,), 1000.0), "between 0 and 1"),
        (FunnelScenario(10.0, (0.5, -0.01), 1000.0), "between 0 and 1"),
        (FunnelScenario(10.0, (math.nan,), 1000.0), "between 0 and 1"),
    ],
)
def test_forecast_rejects_invalid_inputs(scenario, message):
    with pytest.raises(ValueError, match=message):
        forecast(scenario)


@pytest.mark.parametrize(
    "scenario", [FunnelScenario(math.nan, (0.5,), 1000.0), FunnelScenario(10.0, (0.5,), math.nan)]
)
def test_forecast_rejects_a_missing_flow_or_check(scenario):
    with pytest.raises(ValueError):
        forecast(scenario)


# Baseline funnel (two steps): 12 deals in Q1 - 4 won at 1000, 2 lost at Lead, 4 lost at Deal, 2 open at Lead.
# Lead: 8 moved on (4 won + 4 lost at Deal), 2 lost -> 0.8.  Deal: 4 won of 8 -> 0.5.  Average check 1000.
# Lead flow = 12 / (90 / 30.4375) = 4.058333 a month.
# Baseline revenue = 4.058333 x 0.8 x 0.5 x 1000 = 1623.33 a month.
FLOW = 12 * 30.4375 / 90


def baseline_deals() -> pd.DataFrame:
    rows = [deal(f"w{i}", "won", amount=1000) for i in range(4)]
    rows += [deal(f"l{i}", "lost", lost_at="Lead") for i in range(2)]
    rows += [deal(f"d{i}", "lost", lost_at="Deal") for i in range(4)]
    rows += [deal(f"o{i}", "open", "Lead") for i in range(2)]
    return deals_frame(rows)


def baseline_funnel():
    return analyze_funnel(baseline_deals(), None, two_step(), PERIOD)


def test_baseline_from_a_funnel_result():
    scenario = baseline(baseline_funnel())
    assert scenario.lead_flow == pytest.approx(FLOW)
    assert scenario.conversions == pytest.approx((0.8, 0.5))
    assert scenario.avg_check == pytest.approx(1000.0)
    assert forecast(scenario).revenue == pytest.approx(FLOW * 0.4 * 1000)
    assert forecast(scenario).revenue == pytest.approx(1623.3333, abs=1e-3)


def test_baseline_without_an_average_check_forecasts_no_revenue():
    rows = [deal("w", "won"), deal("l", "lost", lost_at="Lead")]  # the won deal has no amount
    scenario = baseline(analyze_funnel(deals_frame(rows), None, two_step(), PERIOD))
    assert scenario.avg_check == 0.0
    assert scenario.conversions == pytest.approx((0.5, 1.0))
    assert forecast(scenario).revenue == 0.0


def test_baseline_treats_a_step_nobody_left_as_losing_nothing():
    # Strict rule, stages Lead, Meeting, Proposal; every deal skips Meeting.
    # w1, w2 won (1000 each): Lead -> Proposal -> won; l1 lost at Lead; l2 lost at Proposal.
    # Lead 3 / 4 = 0.75; Meeting: nobody entered it -> None; Proposal 2 / 3.
    # Flow 4 / months; forecast = 4 / months x 0.75 x 1 x 2/3 x 1000 = 2000 / months = the actual revenue.
    config = FunnelConfig(
        stages=["Lead", "Meeting", "Proposal"], won_stages=["Won"], lost_stages=["Lost"], counting="strict"
    )
    deals = deals_frame(
        [
            deal("w1", "won", amount=1000),
            deal("w2", "won", amount=1000),
            deal("l1", "lost", lost_at="Lead"),
            deal("l2", "lost", lost_at="Proposal"),
        ]
    )
    history = pd.DataFrame(
        [
            ("w1", "Lead", "2026-01-05"),
            ("w1", "Proposal", "2026-01-06"),
            ("w2", "Lead", "2026-01-05"),
            ("w2", "Proposal", "2026-01-06"),
            ("l1", "Lead", "2026-01-05"),
            ("l2", "Lead", "2026-01-05"),
            ("l2", "Proposal", "2026-01-06"),
        ],
        columns=["deal_id", "stage", "entered_at"],
    ).astype({"deal_id": "string", "stage": "string", "entered_at": "datetime64[ns]"})
    funnel = analyze_funnel(deals, history, config, PERIOD)
    assert [s.conversion for s in funnel.stages[:3]] == [pytest.approx(0.75), None, pytest.approx(2 / 3)]
    scenario = baseline(funnel)
    assert scenario.conversions == pytest.approx((0.75, 1.0, 2 / 3))
    assert forecast(scenario).revenue == pytest.approx(2000 / MONTHS)


# ----------------------------------------------------------------------------------------------------
# The sliders (ipywidgets, no browser: setting a value fires the observers in Python)
# ----------------------------------------------------------------------------------------------------


def panel() -> FunnelWhatIf:
    return FunnelWhatIf(baseline_funnel(), Messages("en"))


def test_sliders_start_at_the_baseline():
    w = panel()
    assert w.flow.value == pytest.approx(FLOW)
    assert [s.value for s in w.steps] == pytest.approx([0.8, 0.5])
    assert w.check.value == pytest.approx(1000.0)
    assert w.stages == ["Lead", "Deal", "Won"]
    # Scenario = baseline: both columns show 1623.33 -> "₽1,623"; no change yet (uplift 0).
    assert w.result.value.count("₽1,623") == 2
    assert "Change in revenue: 0.0%" in w.result.value
    assert len(w.widget().children) == 5  # flow, two steps, check, result


def test_moving_a_step_slider_updates_the_result():
    w = panel()
    w.steps[0].value = 1.0
    # Lead 0.8 -> 1.0: 4.058333 x 1.0 x 0.5 x 1000 = 2029.17 a month, +405.83 (+25%).
    scenario = forecast(w.scenario())
    assert scenario.revenue - w.base.revenue == pytest.approx(FLOW * 0.2 * 0.5 * 1000)
    assert scenario.revenue - w.base.revenue == pytest.approx(405.8333, abs=1e-3)
    assert "<strong>₽2,029</strong>" in w.result.value
    assert "₽1,623" in w.result.value  # the baseline column stays
    assert "Change in revenue: 25.0%" in w.result.value
    # Deals reaching Deal: 4.06 x 1.0 = 4.1 (one decimal) in the scenario column.
    assert "<td class='num'>4.1</td>" in w.result.value


def test_moving_flow_and_check_sliders_updates_the_result():
    w = panel()
    w.flow.value = 8.0
    # 8 x 0.8 x 0.5 x 1000 = 3200.
    assert "<strong>₽3,200</strong>" in w.result.value
    w.check.value = 1500.0
    # 8 x 0.8 x 0.5 x 1500 = 4800; against 1623.33: 4800 / 1623.33 - 1 = 195.7%.
    assert "<strong>₽4,800</strong>" in w.result.value
    assert "Change in revenue: 195.7%" in w.result.value
    assert w.scenario() == FunnelScenario(8.0, (0.8, 0.5), 1500.0)
