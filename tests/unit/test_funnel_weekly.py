"""Entry times and the weekly funnel (entries, exits, step conversion, trends), checked by hand.

Week labels are Mondays; 5 January 2026 is a Monday.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

import numpy as np
import pandas as pd
import pytest
from funnel_frames import closed_deal, deals_frame, events_frame
from scipy import stats as sps

from workbench.analysis.funnel.position import prepare
from workbench.analysis.funnel.weekly import entry_times, weekly_funnel
from workbench.config import FunnelConfig, Period

STAGES = ["Lead", "Meeting", "Proposal"]
PERIOD = Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31))
W0, W1, W2 = pd.Timestamp("2026-01-05"), pd.Timestamp("2026-01-12"), pd.Timestamp("2026-01-19")


def config(**overrides) -> FunnelConfig:
    return FunnelConfig(stages=STAGES, won_stages=["Won"], lost_stages=["Lost"], **overrides)


deal = partial(closed_deal, closed=None)  # a deal closes only when a test says when


# ----------------------------------------------------------------------------------------------------
# entry_times
# ----------------------------------------------------------------------------------------------------
#
# a  won, created Jan 5; events Lead Jan 5, Proposal Jan 9 (Meeting skipped); closed Jan 12
# b  open at Meeting, created Jan 6; events Lead Jan 6, Meeting Jan 8
# c  lost at Lead, created Jan 7; no events at all
# e  open at Meeting, created Jan 5; events Lead Jan 5, Meeting Jan 6, Lead Jan 7 (back), Meeting Jan 10


def entry_deals() -> pd.DataFrame:
    return deals_frame(
        [
            deal("a", "won", created="2026-01-05", closed="2026-01-12"),
            deal("b", "open", "Meeting", created="2026-01-06"),
            deal("c", "lost", lost_at="Lead", created="2026-01-07", closed="2026-01-08"),
            deal("e", "open", "Meeting", created="2026-01-05"),
        ]
    )


def entry_events() -> pd.DataFrame:
    return events_frame(
        [
            ("a", "Lead", "2026-01-05"),
            ("a", "Proposal", "2026-01-09"),
            ("b", "Lead", "2026-01-06"),
            ("b", "Meeting", "2026-01-08"),
            ("e", "Lead", "2026-01-05"),
            ("e", "Meeting", "2026-01-06"),
            ("e", "Lead", "2026-01-07"),
            ("e", "Meeting", "2026-01-10"),
        ]
    )


def as_text(times: np.ndarray) -> list[list[str | None]]:
    return [[None if np.isnat(t) else str(pd.Timestamp(t).date()) for t in row] for row in times]


def test_entry_times_under_the_credit_rule():
    frame = prepare(entry_deals(), entry_events(), config(), PERIOD)
    times = entry_times(frame)
    assert times.dtype == np.dtype("datetime64[ns]")
    assert times.shape == (4, 4)
    assert as_text(times) == [
        # a skipped Meeting: entered when Proposal was (Jan 9); the won step at the close.
        ["2026-01-05", "2026-01-09", "2026-01-09", "2026-01-12"],
        ["2026-01-06", "2026-01-08", None, None],
        # c has no events: only its creation is known.
        ["2026-01-07", None, None, None],
        # e went back to Lead and again to Meeting: the first entries count.
        ["2026-01-05", "2026-01-06", None, None],
    ]


def test_entry_times_under_the_strict_rule_leave_a_skipped_stage_empty():
    frame = prepare(entry_deals(), entry_events(), config(counting="strict"), PERIOD)
    times = entry_times(frame)
    assert as_text(times)[0] == ["2026-01-05", None, "2026-01-09", "2026-01-12"]


def test_strict_rule_gives_no_first_stage_time_to_a_deal_that_skipped_it():
    # f was created on Jan 5 and its history starts at Meeting (Jan 6): under the strict rule it never
    # entered Lead (the funnel's Lead count is 0), so its Lead entry time should be NaT and the weekly
    # funnel should count no Lead entry.
    deals = deals_frame([deal("f", "open", "Meeting")])
    frame = prepare(deals, events_frame([("f", "Meeting", "2026-01-06")]), config(counting="strict"), PERIOD)
    assert not frame.entered[0, 0]
    assert as_text(entry_times(frame)) == [[None, "2026-01-06", None, None]]
    assert weekly_funnel(frame).entered["Lead"].sum() == 0


# ----------------------------------------------------------------------------------------------------
# Weekly counts, exits and conversions
# ----------------------------------------------------------------------------------------------------
#
# A  won: created Jan 5; Lead Jan 5, Meeting Jan 7, Proposal Jan 13; closed Jan 14
# B  lost at Lead: created Jan 6; Lead Jan 6; closed Jan 8
# C  lost at Proposal: created Jan 7; Lead Jan 7, Proposal Jan 12 (Meeting skipped); closed Jan 20
# D  open at Lead: created Jan 13; Lead Jan 13
#
# Weeks: Jan 5 (W0), Jan 12 (W1), Jan 19 (W2 - C's close).
# Entered   Lead     A, B, C in W0; D in W1                       -> [3, 1, 0]
#           Meeting  A Jan 7 (W0); C credited with Proposal, Jan 12 -> [1, 1, 0]
#           Proposal A Jan 13 (W1), C Jan 12 (W1)               -> [0, 2, 0]
#           Won      A at its close Jan 14 (W1)                 -> [0, 1, 0]
# Left Lead:     A moved on Jan 7 (W0), B lost Jan 8 (W0), C moved on Jan 12 (W1); D still there
#                -> left [2, 1, 0], advanced [1, 1, 0], rate [0.5, 1.0, NaN]
# Left Meeting:  A on Jan 13 (W1), C on Jan 12 (W1)  -> left [0, 2, 0], advanced [0, 2, 0]
# Left Proposal: A won Jan 14 (W1); C lost Jan 20 (W2) -> left [0, 1, 1], advanced [0, 1, 0]
# Won per week [0, 1, 0]; lost per week [1, 0, 1] (B in W0, C in W2).


def small_weekly_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    deals = deals_frame(
        [
            deal("A", "won", created="2026-01-05", closed="2026-01-14", amount=100),
            deal("B", "lost", lost_at="Lead", created="2026-01-06", closed="2026-01-08"),
            deal("C", "lost", lost_at="Proposal", created="2026-01-07", closed="2026-01-20"),
            deal("D", "open", "Lead", created="2026-01-13"),
        ]
    )
    events = events_frame(
        [
            ("A", "Lead", "2026-01-05"),
            ("A", "Meeting", "2026-01-07"),
            ("A", "Proposal", "2026-01-13"),
            ("B", "Lead", "2026-01-06"),
            ("C", "Lead", "2026-01-07"),
            ("C", "Proposal", "2026-01-12"),
            ("D", "Lead", "2026-01-13"),
        ]
    )
    return deals, events


def test_weekly_entries_exits_and_step_conversions():
    deals, events = small_weekly_tables()
    weekly = weekly_funnel(prepare(deals, events, config(), PERIOD))
    assert weekly.basis == "history"
    assert weekly.weeks == [W0, W1, W2]
    assert weekly.entered.to_dict("list") == {
        "Lead": [3, 1, 0],
        "Meeting": [1, 1, 0],
        "Proposal": [0, 2, 0],
        "Won": [0, 1, 0],
    }
    assert weekly.left.to_dict("list") == {"Lead": [2, 1, 0], "Meeting": [0, 2, 0], "Proposal": [0, 1, 1]}
    assert weekly.advanced.to_dict("list") == {
        "Lead": [1, 1, 0],
        "Meeting": [0, 2, 0],
        "Proposal": [0, 1, 0],
    }
    assert weekly.won.tolist() == [0, 1, 0]
    assert weekly.lost.tolist() == [1, 0, 1]
    rates = weekly.rates()
    np.testing.assert_allclose(rates["Lead"].to_numpy(), [0.5, 1.0, np.nan])
    np.testing.assert_allclose(rates["Meeting"].to_numpy(), [np.nan, 1.0, np.nan])
    np.testing.assert_allclose(rates["Proposal"].to_numpy(), [np.nan, 1.0, 0.0])


def test_snapshot_basis_counts_no_exits_and_gives_no_step_trends():
    deals, _ = small_weekly_tables()
    weekly = weekly_funnel(prepare(deals, None, config(), PERIOD))
    assert weekly.basis == "snapshot"
    assert weekly.steps == []
    assert int(weekly.left.to_numpy().sum()) == 0
    assert int(weekly.advanced.to_numpy().sum()) == 0
    # Creation, wins and losses can still be placed in weeks.
    assert weekly.entered["Lead"].tolist() == [3, 1, 0]
    assert weekly.won.tolist() == [0, 1, 0]
    assert weekly.lost.tolist() == [1, 0, 1]


# ----------------------------------------------------------------------------------------------------
# Trends: eight weeks of ten new deals, each leaving Lead on the Wednesday of its week
# ----------------------------------------------------------------------------------------------------


def weekly_flow(advancing: list[int], per_week: int = 10) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Week w: ``per_week`` deals enter Lead on Monday; ``advancing[w]`` reach Meeting on Wednesday (and stay
    open there), the others are lost at Lead on Wednesday."""
    rows, events = [], []
    for w, moved in enumerate(advancing):
        monday = W0 + pd.Timedelta(weeks=w)
        wednesday = monday + pd.Timedelta(days=2)
        for i in range(per_week):
            deal_id = f"w{w}-{i}"
            events.append((deal_id, "Lead", str(monday)))
            if i < moved:
                rows.append(deal(deal_id, "open", "Meeting", created=str(monday)))
                events.append((deal_id, "Meeting", str(wednesday)))
            else:
                rows.append(deal(deal_id, "lost", lost_at="Lead", created=str(monday), closed=str(wednesday)))
    return deals_frame(rows), events_frame(events)


def test_a_clear_drop_in_the_last_four_weeks_is_down():
    # Weeks 0-3: 8 of 10 move on; weeks 4-7: 2 of 10.
    deals, events = weekly_flow([8, 8, 8, 8, 2, 2, 2, 2])
    weekly = weekly_funnel(prepare(deals, events, config(), PERIOD))
    assert len(weekly.weeks) == 8
    assert weekly.left["Lead"].tolist() == [10] * 8
    assert weekly.advanced["Lead"].tolist() == [8, 8, 8, 8, 2, 2, 2, 2]
    assert weekly.entered["Meeting"].tolist() == [8, 8, 8, 8, 2, 2, 2, 2]
    lead = weekly.steps[0]
    assert (lead.stage, lead.index) == ("Lead", 0)
    # Last four weeks against the four before: 8/40 = 0.2 against 32/40 = 0.8.
    assert (lead.recent_left, lead.previous_left) == (40, 40)
    assert (lead.recent_rate, lead.previous_rate) == (pytest.approx(0.2), pytest.approx(0.8))
    # 2x2 table [[8, 32], [32, 8]], every expected count 20, Yates: 4 * (12 - 0.5)^2 / 20 = 26.45 (1 dof).
    assert lead.change_p == pytest.approx(sps.chi2.sf(26.45, 1))
    assert lead.change_p < 0.05
    assert lead.change == "down"
    # Trend: x = 0..7, y = 0.8 x4 then 0.2 x4; Sxy = -4.8, Sxx = 42 -> slope -4.8 / 42 a week, x4 a month.
    # r = -4.8 / sqrt(42 * 0.72) = -0.873; t = r * sqrt(6 / (1 - r^2)) = -4.38 on 6 dof: p about 0.005.
    assert lead.slope_per_4_weeks == pytest.approx(-4.8 / 42 * 4)
    assert lead.trend_p < 0.05
    assert lead.trend == "down"
    # Nobody left Meeting or Proposal: no rates, no test, flat.
    meeting = weekly.steps[1]
    assert (meeting.recent_left, meeting.recent_rate, meeting.change_p, meeting.change) == (
        0,
        None,
        None,
        "flat",
    )
    assert (meeting.slope_per_4_weeks, meeting.trend) == (None, "flat")


def test_equal_weeks_are_flat():
    deals, events = weekly_flow([5] * 8)
    lead = weekly_funnel(prepare(deals, events, config(), PERIOD)).steps[0]
    assert (lead.recent_rate, lead.previous_rate) == (pytest.approx(0.5), pytest.approx(0.5))
    # The same weekly rate every week: slope 0, p 1; 20/40 against 20/40: Yates gives 0, p 1.
    assert (lead.slope_per_4_weeks, lead.trend_p, lead.trend) == (0.0, 1.0, "flat")
    assert lead.change_p == pytest.approx(1.0)
    assert lead.change == "flat"


def test_a_clear_rise_is_up():
    deals, events = weekly_flow([2, 2, 2, 2, 8, 8, 8, 8])
    lead = weekly_funnel(prepare(deals, events, config(), PERIOD)).steps[0]
    assert (lead.change, lead.trend) == ("up", "up")
    assert lead.slope_per_4_weeks == pytest.approx(4.8 / 42 * 4)


def test_weeks_with_fewer_than_five_exits_do_not_enter_the_trend():
    # 4 deals a week: no week has 5 exits, so there is no trend, but the 4-week comparison still runs
    # (16 against 16 exits: 4/16 against 16/16).
    deals, events = weekly_flow([4, 4, 4, 4, 1, 1, 1, 1], per_week=4)
    lead = weekly_funnel(prepare(deals, events, config(), PERIOD)).steps[0]
    assert (lead.slope_per_4_weeks, lead.trend_p, lead.trend) == (None, None, "flat")
    assert (lead.recent_left, lead.previous_left) == (16, 16)
    assert (lead.recent_rate, lead.previous_rate) == (pytest.approx(0.25), pytest.approx(1.0))
    assert lead.change == "down"


def test_holm_adjusts_p_values_across_steps():
    from workbench.analysis.funnel.weekly import holm

    # Sorted 0.01, 0.02, 0.04 of three tests: 3 x 0.01 = 0.03, max(0.03, 2 x 0.02) = 0.04, then 0.04.
    assert holm([0.04, None, 0.01, 0.02]) == pytest.approx([0.04, None, 0.03, 0.04], abs=1e-12)
    assert holm([None, None]) == [None, None]
    assert holm([0.9, 0.8]) == [1.0, 1.0]
