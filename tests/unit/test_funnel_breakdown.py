"""Cohorts by month of creation and lost reasons by stage and manager, counted by hand."""

from __future__ import annotations

import datetime as dt
from functools import partial

import pandas as pd
import pytest
from funnel_frames import closed_deal, deals_frame

from workbench.analysis.funnel.breakdown import OTHER, cohorts_by_month, lost_reasons
from workbench.analysis.funnel.position import prepare
from workbench.config import FunnelConfig, Period

STAGES = ["Lead", "Meeting", "Proposal"]
PERIOD = Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31))


def config() -> FunnelConfig:
    return FunnelConfig(stages=STAGES, won_stages=["Won"], lost_stages=["Lost"])


deal = partial(closed_deal, created="2026-01-10", closed="2026-03-31")


def prepared(rows: list[dict]):
    return prepare(deals_frame(rows), None, config(), PERIOD)


# ----------------------------------------------------------------------------------------------------
# Cohorts by month
# ----------------------------------------------------------------------------------------------------
#
# January (4): j1 won 100, j2 won 300, j3 lost at Lead, j4 open at Meeting
#   win rate 2 / 3; average check 200
#   Lead: moved on j1, j2, j4; lost j3 -> 3 / 4.  Meeting: moved on j1, j2 (j4 still there) -> 2 / 2.
#   Proposal: j1, j2 -> 2 / 2.
# February (3): f1 won (amount unknown), f2 and f3 lost at Meeting
#   win rate 1 / 3; no known amount -> None
#   Lead: 3 / 3.  Meeting: f1 moved on, f2 and f3 lost -> 1 / 3.  Proposal: 1 / 1.
# March (1): m1 open at Lead: no closed deal -> win rate None; nobody left any stage -> [None] * 3.


def cohort_rows() -> list[dict]:
    return [
        deal("j1", "won", created="2026-01-02", amount=100),
        deal("j2", "won", created="2026-01-31", amount=300),
        deal("j3", "lost", lost_at="Lead", created="2026-01-15"),
        deal("j4", "open", "Meeting", created="2026-01-20"),
        deal("f1", "won", created="2026-02-01"),
        deal("f2", "lost", lost_at="Meeting", created="2026-02-14"),
        deal("f3", "lost", lost_at="Meeting", created="2026-02-28"),
        deal("m1", "open", "Lead", created="2026-03-31"),
    ]


def test_cohorts_by_month_counts_win_rates_and_conversions():
    rows = cohorts_by_month(prepared(cohort_rows()))
    assert [r.month for r in rows] == [
        pd.Timestamp("2026-01-01"),
        pd.Timestamp("2026-02-01"),
        pd.Timestamp("2026-03-01"),
    ]
    assert [(r.deals, r.won, r.lost, r.open) for r in rows] == [(4, 2, 1, 1), (3, 1, 2, 0), (1, 0, 0, 1)]
    jan, feb, mar = rows
    assert jan.win_rate == pytest.approx(2 / 3)
    assert feb.win_rate == pytest.approx(1 / 3)
    assert mar.win_rate is None
    assert jan.avg_check == pytest.approx(200.0)
    assert feb.avg_check is None
    assert mar.avg_check is None
    assert jan.conversions == pytest.approx([3 / 4, 1.0, 1.0])
    assert feb.conversions == pytest.approx([1.0, 1 / 3, 1.0])
    assert mar.conversions == [None, None, None]


def test_no_deals_no_cohorts():
    assert cohorts_by_month(prepared([])) == []


# ----------------------------------------------------------------------------------------------------
# Lost reasons
# ----------------------------------------------------------------------------------------------------
#
#  #   reason      lost at    manager
#  1   Price       Lead       Anna
#  2   Price       Meeting    Anna
#  3   Price       Meeting    Boris
#  4   Price       unknown    Boris     (no lost_at_stage and no history: column "?")
#  5   Timing      Lead       Boris
#  6   Timing      Proposal   Boris
#  7   Timing      Proposal   Anna
#  8   Competitor  Meeting    Anna
#  9   Competitor  Meeting    Anna
# 10   No budget   Lead       Boris
# 11   (none)      Lead       Anna
# plus a won deal carrying a stray reason "Price" and an open deal: neither is lost, neither counts.
#
# lost 11, with a reason 10; order by count: Price 4, Timing 3, Competitor 2, No budget 1.


def reason_rows() -> list[dict]:
    return [
        deal("1", "lost", lost_at="Lead", reason="Price"),
        deal("2", "lost", lost_at="Meeting", reason="Price"),
        deal("3", "lost", lost_at="Meeting", reason="Price", manager="Boris"),
        deal("4", "lost", lost_at=None, reason="Price", manager="Boris"),
        deal("5", "lost", lost_at="Lead", reason="Timing", manager="Boris"),
        deal("6", "lost", lost_at="Proposal", reason="Timing", manager="Boris"),
        deal("7", "lost", lost_at="Proposal", reason="Timing"),
        deal("8", "lost", lost_at="Meeting", reason="Competitor"),
        deal("9", "lost", lost_at="Meeting", reason="Competitor"),
        deal("10", "lost", lost_at="Lead", reason="No budget", manager="Boris"),
        deal("11", "lost", lost_at="Lead"),
        deal("12", "won", amount=100, reason="Price"),
        deal("13", "open", "Lead", reason="Price"),
    ]


def test_lost_reasons_by_stage_and_by_manager():
    result = lost_reasons(prepared(reason_rows()))
    assert result.available
    assert (result.lost, result.with_reason) == (11, 10)
    assert result.by_stage.index.tolist() == ["Price", "Timing", "Competitor", "No budget"]
    assert result.by_stage.columns.tolist() == ["Lead", "Meeting", "Proposal", "?"]
    assert result.by_stage.to_numpy().tolist() == [
        [1, 2, 0, 1],  # Price
        [1, 0, 2, 0],  # Timing
        [0, 2, 0, 0],  # Competitor
        [1, 0, 0, 0],  # No budget
    ]
    assert result.by_manager.columns.tolist() == ["Anna", "Boris"]
    assert result.by_manager.loc[["Price", "Timing", "Competitor", "No budget"]].to_numpy().tolist() == [
        [2, 2],
        [1, 2],
        [2, 0],
        [0, 1],
    ]
    assert result.top_reason == "Price"


def test_reasons_beyond_the_top_go_to_the_other_bucket():
    # top 2: Price and Timing kept; Competitor (deals 8, 9: Meeting, Anna) and No budget (10: Lead, Boris)
    # become *other*: Lead 1, Meeting 2; Anna 2, Boris 1.
    result = lost_reasons(prepared(reason_rows()), top=2)
    assert result.by_stage.index.tolist() == ["Price", "Timing", OTHER]
    assert result.by_stage.loc[OTHER].tolist() == [1, 2, 0, 0]
    assert result.by_manager.loc[OTHER].tolist() == [2, 1]
    assert int(result.by_stage.to_numpy().sum()) == 10  # nothing dropped but the reasonless deal
    assert result.top_reason == "Price"


def test_the_other_bucket_is_never_the_top_reason():
    # top 1: Price 4 against *other* 6 (Timing 3 + Competitor 2 + No budget 1): still Price.
    result = lost_reasons(prepared(reason_rows()), top=1)
    assert result.by_stage.sum(axis=1).to_dict() == {"Price": 4, OTHER: 6}
    assert result.top_reason == "Price"


@pytest.mark.parametrize("drop_column", [False, True])
def test_no_reasons_means_not_available(drop_column):
    rows = [deal("1", "lost", lost_at="Lead"), deal("2", "lost", lost_at="Meeting"), deal("3", "won")]
    deals = deals_frame(rows)
    if drop_column:
        deals = deals.drop(columns="loss_reason")
    result = lost_reasons(prepare(deals, None, config(), PERIOD))
    assert not result.available
    assert (result.lost, result.with_reason) == (2, 0)
    assert result.by_stage.empty
    assert result.by_manager.empty
    assert result.top_reason is None
