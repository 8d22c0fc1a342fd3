"""Lead sources compared like managers, and the findings drawn from sources, stalled deals and weekly trends.

A month is 30.4375 days; Q1 2026 has 90 days, so the period lasts 90 / 30.4375 months.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from analyses_stub import analyses
from funnel_frames import closed_deal as deal
from funnel_frames import deals_frame

from workbench.analysis.funnel.conversion import analyze_funnel
from workbench.analysis.funnel.position import prepare
from workbench.analysis.funnel.time_in_stage import TimeResult
from workbench.analysis.funnel.weekly import weekly_funnel
from workbench.config import FunnelConfig, Period
from workbench.findings import detect
from workbench.present.finding_text import finding_texts
from workbench.present.i18n import Messages

PERIOD = Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31))
MONTHS = 90 / 30.4375


def two_step(**overrides) -> FunnelConfig:
    return FunnelConfig(stages=["Lead", "Deal"], won_stages=["Won"], lost_stages=["Lost"], **overrides)


def source_deals(source: str, won: int, lost: int) -> list[dict]:
    """``won`` deals won at 1000 and ``lost`` deals lost at Lead, all from ``source``."""
    rows = [deal(f"{source}-w{i}", "won", amount=1000, source=source) for i in range(won)]
    rows += [deal(f"{source}-l{i}", "lost", lost_at="Lead", source=source) for i in range(lost)]
    return rows


# ----------------------------------------------------------------------------------------------------
# A source with a clearly lower win rate
# ----------------------------------------------------------------------------------------------------
#
# Site 60 won / 40 lost, Referral 60 / 40, Ads 20 / 80: 300 deals, all closed.
# Department win rate 140 / 300 = 0.4667; average check 1000; revenue 140 000.
# Ads: 20 of 100 against 0.4667 - P(X <= 20) is about 1e-8, far below the 0.001 tail of the 99.8% limits,
#   with 100 closed deals >= 30: flagged "low". Share of deals 100 / 300 = 1/3 >= 10%.
# Site, Referral: P(X >= 60) is about 0.005 > 0.001: not flagged.
# Wilson 95% for 20 / 100 (z = 1.95996): centre (0.2 + z^2/200) / (1 + z^2/100) = 0.21110,
#   half z * sqrt(0.2 * 0.8 / 100 + z^2 / 40000) / (1 + z^2/100) = 0.07773 -> [0.1334, 0.2888].
# Finding impact = closed per month x (the other sources' rate - source rate) x average check
#   = 100 / MONTHS x (120/200 - 0.2) x 1000 = 33.819 x 0.4 x 1000 = 13 527.8 a month.
# Monthly revenue 140 000 / MONTHS = 47 347.2: impact is 29% of it (>= 10%) -> "critical".
# The step where Ads loses: Lead, 20 of 100 move on against 120 of 200 for the other sources; every deal
#   past Lead is won, so the step costs 100 / MONTHS x (0.6 - 0.2) x 1 x 1000 = 13 527.8 a month too.


def three_sources() -> pd.DataFrame:
    return deals_frame(
        source_deals("Site", 60, 40) + source_deals("Referral", 60, 40) + source_deals("Ads", 20, 80)
    )


def test_source_rows_with_intervals_shrinkage_and_limits():
    result = analyze_funnel(three_sources(), None, two_step(), PERIOD)
    assert result.win_rate == pytest.approx(140 / 300)
    assert [s.name for s in result.sources] == ["Ads", "Referral", "Site"]
    ads = result.sources[0]
    assert (ads.deals, ads.won, ads.lost, ads.open) == (100, 20, 80, 0)
    assert ads.win_rate == pytest.approx(0.2)
    assert ads.share_of_deals == pytest.approx(1 / 3)
    assert (ads.revenue, ads.avg_check) == (pytest.approx(20_000.0), pytest.approx(1000.0))
    assert (ads.ci_low, ads.ci_high) == (pytest.approx(0.1334, abs=1e-4), pytest.approx(0.2888, abs=1e-4))
    # Shrinkage pulls the rate towards the department's, never past it.
    assert 0.2 < ads.shrunk_rate < 140 / 300
    assert ads.limit_low > 0.2
    assert ads.flag == "low"
    for name in ("Referral", "Site"):
        row = next(s for s in result.sources if s.name == name)
        assert row.win_rate == pytest.approx(0.6)
        assert 140 / 300 < row.shrunk_rate < 0.6
        assert row.limit_high >= 0.6
        assert row.flag is None
    assert result.source_win_test is not None
    assert result.source_win_test.p_value < 1e-6
    # The source's Lead step sits below the department's, equally flagged.
    ads_lead = next(s for s in result.source_stages if s.name == "Ads" and s.stage == "Lead")
    assert (ads_lead.left, ads_lead.advanced, ads_lead.flag) == (100, 20, "low")


def test_low_source_with_enough_deals_gives_a_priced_finding():
    result = analyze_funnel(three_sources(), None, two_step(), PERIOD)
    monthly_revenue = 140_000 / MONTHS
    findings = detect("funnel_source_no_sales", analyses(result, monthly_revenue=monthly_revenue))
    assert [f.id for f in findings] == ["funnel-source-ads"]
    (finding,) = findings
    assert finding.code == "funnel_source_no_sales"
    assert finding.impact_per_month == pytest.approx(100 / MONTHS * (120 / 200 - 0.2) * 1000)
    assert finding.impact_per_month == pytest.approx(13_527.8, abs=0.1)
    assert finding.severity == "critical"
    assert (finding.layer, finding.section, finding.horizon) == (6, "funnel", 30)
    assert finding.params["source"] == "Ads"
    assert finding.params["deals"] == 100
    assert finding.params["won"] == 20
    assert finding.params["share"] == pytest.approx(1 / 3)
    assert finding.params["rate"] == pytest.approx(0.2)
    assert finding.params["department_rate"] == pytest.approx(140 / 300)
    assert finding.params["rest_rate"] == pytest.approx(0.6)
    # The finding names the step where the channel loses, with its money.
    assert (finding.params["has_step"], finding.params["stage"], finding.params["next_stage"]) == (
        True,
        "Lead",
        "Deal",
    )
    assert finding.params["stage_rate"] == pytest.approx(0.2)
    assert finding.params["stage_rest_rate"] == pytest.approx(0.6)
    assert finding.params["stage_impact"] == pytest.approx(13_527.8, abs=0.1)
    text = finding_texts(Messages("ru"), finding)["evidence"]
    assert "Больше всего канал теряет на шаге «Lead» → «Deal»" in text


def test_low_source_with_a_small_share_of_deals_gives_no_finding():
    # Site 120/80, Referral 120/80, Ads 0/40: Ads is flagged low (0 of 40 against 240/440 = 0.545),
    # but brings 40 / 440 = 9.1% of the deals, under the 10% that makes a channel matter.
    deals = deals_frame(
        source_deals("Site", 120, 80) + source_deals("Referral", 120, 80) + source_deals("Ads", 0, 40)
    )
    result = analyze_funnel(deals, None, two_step(), PERIOD)
    ads = next(s for s in result.sources if s.name == "Ads")
    assert ads.flag == "low"
    assert ads.share_of_deals == pytest.approx(40 / 440)
    assert detect("funnel_source_no_sales", analyses(result, monthly_revenue=240_000 / MONTHS)) == []


def test_source_with_fewer_deals_than_the_threshold_is_not_flagged():
    # Site 36/24, Referral 36/24, Ads 0/20 (14% of the deals): 0 of 20 against 72/140 = 0.514 is far outside
    # the limits (0.486^20, about 5e-7), but 20 closed deals are fewer than min_deals_for_flag (30).
    deals = deals_frame(
        source_deals("Site", 36, 24) + source_deals("Referral", 36, 24) + source_deals("Ads", 0, 20)
    )
    result = analyze_funnel(deals, None, two_step(), PERIOD)
    assert next(s for s in result.sources if s.name == "Ads").flag is None
    assert detect("funnel_source_no_sales", analyses(result, monthly_revenue=72_000 / MONTHS)) == []
    # With the threshold at 20 the same source is flagged and priced against the other sources:
    # 20 / MONTHS x (72/120 - 0) x 1000.
    lowered = analyze_funnel(deals, None, two_step(min_deals_for_flag=20), PERIOD)
    (finding,) = detect("funnel_source_no_sales", analyses(lowered, monthly_revenue=72_000 / MONTHS))
    assert finding.impact_per_month == pytest.approx(20 / MONTHS * (72 / 120) * 1000)


def test_deals_without_a_source_are_grouped_apart():
    rows = [*source_deals("Site", 3, 1), deal("n1", "won", amount=1000, source=None)]
    result = analyze_funnel(deals_frame(rows), None, two_step(), PERIOD)
    # An unknown source is no channel: it is counted apart and never compared.
    assert [(s.name, s.deals) for s in result.sources] == [("Site", 4)]
    assert result.sources_unassigned.deals == 1 and result.sources_unassigned.won == 1


def test_without_any_source_there_is_no_comparison():
    rows = [deal("a", "won", amount=1000, source=None), deal("b", "lost", lost_at="Lead", source=None)]
    result = analyze_funnel(deals_frame(rows), None, two_step(), PERIOD)
    assert (result.sources, result.source_stages, result.source_win_test) == ([], [], None)
    assert detect("funnel_source_no_sales", analyses(result, monthly_revenue=1000.0)) == []


# ----------------------------------------------------------------------------------------------------
# Stalled deals
# ----------------------------------------------------------------------------------------------------


def time_result(stalled_count: int, stalled_amount: float, open_amount: float = 4700.0) -> TimeResult:
    return TimeResult(
        basis="history",
        reference=pd.Timestamp("2026-03-06"),
        stages=[],
        cycle_days_median=9.0,
        cycle_days_p75=11.0,
        cycle_days_p90=12.8,
        stalled=[],
        stalled_count=stalled_count,
        stalled_amount=stalled_amount,
        open_count=4,
        open_amount=open_amount,
    )


def stalled(time: TimeResult) -> list:
    return detect("funnel_stalled", analyses(None, funnel_time=time, monthly_revenue=1.0))


def test_stalled_finding_with_its_share_of_the_open_pipeline():
    # 2 stalled deals holding 1500 of 4700 open: share 0.319 >= 10% -> high.
    (finding,) = detect(
        "funnel_stalled", analyses(None, funnel_time=time_result(2, 1500.0), monthly_revenue=1.0)
    )
    assert (finding.id, finding.code, finding.layer, finding.severity) == (
        "funnel-stalled",
        "funnel_stalled",
        4,
        "high",
    )
    assert finding.impact_per_month is None
    assert finding.params["count"] == 2
    assert finding.params["open"] == 4
    assert finding.params["amount"] == pytest.approx(1500.0)
    assert finding.params["share"] == pytest.approx(1500 / 4700)


def test_stalled_finding_below_a_tenth_of_the_pipeline_is_medium():
    # 400 of 4700 = 8.5%.
    (finding,) = detect(
        "funnel_stalled", analyses(None, funnel_time=time_result(1, 400.0), monthly_revenue=1.0)
    )
    assert finding.severity == "medium"
    assert finding.params["share"] == pytest.approx(400 / 4700)


def test_no_stalled_deal_no_finding():
    assert stalled(time_result(0, 0.0)) == []


# ----------------------------------------------------------------------------------------------------
# A declining step
# ----------------------------------------------------------------------------------------------------


def weekly_flow(advancing: list[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Week w (from Monday 5 January 2026): 10 deals enter Lead on Monday; ``advancing[w]`` of them reach
    Deal on Wednesday and stay open there, the others are lost at Lead on Wednesday."""
    rows, events = [], []
    for w, moved in enumerate(advancing):
        monday = pd.Timestamp("2026-01-05") + pd.Timedelta(weeks=w)
        wednesday = monday + pd.Timedelta(days=2)
        for i in range(10):
            deal_id = f"w{w}-{i}"
            events.append((deal_id, "Lead", monday))
            if i < moved:
                rows.append(deal(deal_id, "open", "Deal", created=str(monday)))
                events.append((deal_id, "Deal", wednesday))
            else:
                rows.append(deal(deal_id, "lost", lost_at="Lead", created=str(monday), closed=str(wednesday)))
    history = pd.DataFrame(events, columns=["deal_id", "stage", "entered_at"])
    return deals_frame(rows), history.astype({"deal_id": "string", "stage": "string"})


def test_a_declining_step_gives_a_finding():
    # Last 4 weeks 8/40 = 0.2 against 32/40 = 0.8 before: "down".
    deals, history = weekly_flow([8, 8, 8, 8, 2, 2, 2, 2])
    weekly = weekly_funnel(prepare(deals, history, two_step(), PERIOD))
    findings = detect("funnel_step_declining", analyses(None, weekly=weekly, monthly_revenue=1.0))
    assert [(f.id, f.code, f.layer, f.severity) for f in findings] == [
        ("funnel-trend-0", "funnel_step_declining", 4, "medium")
    ]
    params = findings[0].params
    assert params["stage"] == "Lead"
    assert (params["recent"], params["previous"]) == (pytest.approx(0.2), pytest.approx(0.8))
    assert params["weeks"] == 4
    assert params["p"] < 0.05


@pytest.mark.parametrize("advancing", [[5] * 8, [2, 2, 2, 2, 8, 8, 8, 8]], ids=["flat", "rising"])
def test_a_flat_or_rising_step_gives_no_finding(advancing):
    deals, history = weekly_flow(advancing)
    weekly = weekly_funnel(prepare(deals, history, two_step(), PERIOD))
    assert detect("funnel_step_declining", analyses(None, weekly=weekly, monthly_revenue=1.0)) == []
