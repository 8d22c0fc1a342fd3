"""Time in stage, the reference moment and stalled deals, checked against a small history counted by hand.

Every expected number is worked out in the comments from the deals and events listed; day offsets are from
T0 = Monday 5 January 2026, 00:00.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from funnel_frames import closed_deal, deals_frame

from workbench.analysis.funnel.position import prepare
from workbench.analysis.funnel.time_in_stage import MIN_STAYS, analyze_time, reference_moment, stays
from workbench.config import FunnelConfig, Period

STAGES = ["Lead", "Meeting", "Proposal"]
PERIOD = Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31))
T0 = pd.Timestamp("2026-01-05")


def config(**overrides) -> FunnelConfig:
    return FunnelConfig(stages=STAGES, won_stages=["Won"], lost_stages=["Lost"], **overrides)


def day(offset: float) -> pd.Timestamp:
    return T0 + pd.Timedelta(days=offset)


def deal(*args, created: float = 0, closed: float | None = None, **fields) -> dict:
    """A deal row timed in days after ``T0``; no close date unless ``closed`` is given."""
    return closed_deal(*args, created=day(created), closed=None if closed is None else day(closed), **fields)


def events_frame(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    out = pd.DataFrame([(d, s, day(t)) for d, s, t in rows], columns=["deal_id", "stage", "entered_at"])
    return out.astype({"deal_id": "string", "stage": "string", "entered_at": "datetime64[ns]"})


# ----------------------------------------------------------------------------------------------------
# The hand-timed history
# ----------------------------------------------------------------------------------------------------
#
# deal  status               events (day: stage)                          closed  amount
# w1    won                  0 Lead, 1 Meeting, 3 Proposal, 5 Won          6
# w2    won                  0 Lead, 2 Meeting, 4 Proposal                 10
# w3    won                  0 Lead, 3 Meeting, 7 Proposal, 8 Won          8
# w4    won                  0 Lead, 4 Meeting, 10 Proposal                14
# l5    lost at Meeting      0 Lead, 10 Meeting                            18
# o1    open at Lead         40 Lead                                       -       1000  (created 40)
# o2    open at Lead         60 Lead                                       -        200  (created 58)
# o3    open at Meeting      20 Lead, 23 Meeting                           -        500  (created 20)
# o4    open at Proposal     30 Lead, 31 Meeting, 32 Proposal              -       3000  (created 30)
#
# Reference moment = the latest timestamp = o2's Lead event, day 60 (later than any creation or close).
#
# Finished stays (a stay ends at the next event, the last stay of a closed deal at its close):
#   Lead:     w1 1, w2 2, w3 3, w4 4, l5 10, o3 3, o4 1      -> sorted [1, 1, 2, 3, 3, 4, 10] (7 stays)
#   Meeting:  w1 2, w2 2, w3 4, w4 6, l5 8 (ends at close 18), o4 1 -> sorted [1, 2, 2, 4, 6, 8] (6 stays)
#   Proposal: w1 2 (ends at the Won event on day 5, not at the close on day 6), w2 6 (ends at the close),
#             w3 1, w4 4                                          -> sorted [1, 2, 4, 6] (4 stays)
# Running stays (open deals, not in the quantiles): o1 Lead 60-40 = 20, o2 Lead 0, o3 Meeting 60-23 = 37,
#   o4 Proposal 60-32 = 28.
#
# Quantiles (linear interpolation, position q * (n - 1)):
#   Lead     median pos 3 -> 3;  p75 pos 4.5 -> 3 + 0.5 * (4 - 3) = 3.5;  p90 pos 5.4 -> 4 + 0.4 * 6 = 6.4
#   Meeting  median pos 2.5 -> (2 + 4) / 2 = 3;  p75 pos 3.75 -> 4 + 0.75 * 2 = 5.5;
#            p90 pos 4.5 -> 6 + 0.5 * 2 = 7
#   Proposal median pos 1.5 -> 3;  p75 pos 2.25 -> 4 + 0.25 * 2 = 4.5;  p90 pos 2.7 -> 4 + 0.7 * 2 = 5.4
#
# Stalled: o1 (20 > 6.4, 7 stays), o3 (37 > 7, 6 stays). o2 (0 days) is not. o4 (28 > 5.4) is NOT stalled:
#   Proposal has only 4 finished stays, fewer than MIN_STAYS = 5.
# Stalled money 1000 + 500 = 1500; open money 1000 + 200 + 500 + 3000 = 4700.
# Won cycles (created day 0): 6, 10, 8, 14 -> sorted [6, 8, 10, 14]: median 9, p75 pos 2.25 -> 10 + 0.25 * 4
#   = 11, p90 pos 2.7 -> 10 + 0.7 * 4 = 12.8.


def history_rows() -> list[dict]:
    return [
        deal("w1", "won", closed=6, amount=100),
        deal("w2", "won", closed=10, amount=100),
        deal("w3", "won", closed=8, amount=100),
        deal("w4", "won", closed=14, amount=100),
        deal("l5", "lost", lost_at="Meeting", closed=18),
        deal("o1", "open", "Lead", created=40, amount=1000, manager="Boris", customer="C-1"),
        deal("o2", "open", "Lead", created=58, amount=200),
        deal("o3", "open", "Meeting", created=20, amount=500, manager="Vera"),
        deal("o4", "open", "Proposal", created=30, amount=3000),
    ]


def history_events() -> list[tuple[str, str, float]]:
    return [
        ("w1", "Lead", 0),
        ("w1", "Meeting", 1),
        ("w1", "Proposal", 3),
        ("w1", "Won", 5),
        ("w2", "Lead", 0),
        ("w2", "Meeting", 2),
        ("w2", "Proposal", 4),
        ("w3", "Lead", 0),
        ("w3", "Meeting", 3),
        ("w3", "Proposal", 7),
        ("w3", "Won", 8),
        ("w4", "Lead", 0),
        ("w4", "Meeting", 4),
        ("w4", "Proposal", 10),
        ("l5", "Lead", 0),
        ("l5", "Meeting", 10),
        ("o1", "Lead", 40),
        ("o2", "Lead", 60),
        ("o3", "Lead", 20),
        ("o3", "Meeting", 23),
        ("o4", "Lead", 30),
        ("o4", "Meeting", 31),
        ("o4", "Proposal", 32),
    ]


def timed(rows=None, events=None):
    rows = history_rows() if rows is None else rows
    events = history_events() if events is None else events
    frame = prepare(deals_frame(rows), events_frame(events), config(), PERIOD)
    return frame, analyze_time(frame)


def test_reference_moment_is_the_latest_timestamp_of_the_export():
    frame, result = timed()
    assert reference_moment(frame) == day(60)
    assert result.reference == day(60)


def test_reference_moment_takes_a_close_later_than_every_event():
    # The same history with w4 closed on day 75: the latest stamp is now that close.
    rows = history_rows()
    rows[3] = deal("w4", "won", closed=75, amount=100)
    frame, result = timed(rows)
    assert result.reference == day(75)
    # o1's running Lead stay is measured to day 75: 75 - 40 = 35 days.
    table = stays(frame, result.reference)
    o1 = table[(table["pos"] == 5) & ~table["finished"]]
    assert o1["days"].tolist() == pytest.approx([35.0])


def test_time_in_stage_medians_and_percentiles_use_finished_stays_only():
    _, result = timed()
    assert result.basis == "history"
    got = [(s.stage, s.stays, s.median_days, s.p75_days, s.p90_days) for s in result.stages]
    assert got == [
        ("Lead", 7, pytest.approx(3.0), pytest.approx(3.5), pytest.approx(6.4)),
        ("Meeting", 6, pytest.approx(3.0), pytest.approx(5.5), pytest.approx(7.0)),
        ("Proposal", 4, pytest.approx(3.0), pytest.approx(4.5), pytest.approx(5.4)),
    ]
    assert [s.open_now for s in result.stages] == [2, 1, 1]


def test_stays_end_at_the_next_event_or_at_the_close():
    frame, result = timed()
    table = stays(frame, result.reference)
    # Positions in the cohort follow the rows: w1 0, w2 1, w3 2, w4 3, l5 4, o1 5, o2 6, o3 7, o4 8.
    proposal = table[table["idx"] == 2].set_index("pos")
    assert proposal.loc[0, "days"] == pytest.approx(2.0)  # w1: Proposal day 3 -> Won event day 5
    assert proposal.loc[1, "days"] == pytest.approx(6.0)  # w2: Proposal day 4 -> close day 10
    meeting = table[table["idx"] == 1].set_index("pos")
    assert meeting.loc[4, "days"] == pytest.approx(8.0)  # l5: Meeting day 10 -> close day 18
    assert bool(meeting.loc[4, "finished"])
    running = table[~table["finished"]].sort_values("pos")
    assert running["pos"].tolist() == [5, 6, 7, 8]
    assert running["days"].tolist() == pytest.approx([20.0, 0.0, 37.0, 28.0])


def test_an_open_deals_running_stay_does_not_enter_the_median():
    # An extra open deal sitting at Proposal since day 2 (58 days by day 60) does not move its quantiles.
    rows = [*history_rows(), deal("o5", "open", "Proposal", created=1, amount=1)]
    events = [*history_events(), ("o5", "Proposal", 2)]
    _, result = timed(rows, events)
    proposal = result.stages[2]
    assert (proposal.stays, proposal.median_days, proposal.p90_days) == (4, 3.0, pytest.approx(5.4))
    assert proposal.open_now == 2


def test_event_order_in_the_export_does_not_matter():
    # The same history listed backwards and interleaved: the same hand-computed stays and stalled deals.
    shuffled = history_events()[::-1]
    shuffled = shuffled[::2] + shuffled[1::2]
    _, result = timed(events=shuffled)
    got = [(s.stays, s.median_days, s.p90_days, s.open_now, s.stalled) for s in result.stages]
    assert got == [
        (7, pytest.approx(3.0), pytest.approx(6.4), 2, 1),
        (6, pytest.approx(3.0), pytest.approx(7.0), 1, 1),
        (4, pytest.approx(3.0), pytest.approx(5.4), 1, 0),
    ]
    assert [(d.deal_id, d.days) for d in result.stalled] == [
        ("o1", pytest.approx(20.0)),
        ("o3", pytest.approx(37.0)),
    ]


def test_stalled_deals_and_their_money():
    _, result = timed()
    assert [(s.stalled, s.stalled_amount) for s in result.stages] == [(1, 1000.0), (1, 500.0), (0, 0.0)]
    assert result.stalled_count == 2
    assert result.stalled_amount == pytest.approx(1500.0)
    assert result.open_count == 4
    assert result.open_amount == pytest.approx(4700.0)
    # Listed largest amount first.
    assert [(d.deal_id, d.stage) for d in result.stalled] == [("o1", "Lead"), ("o3", "Meeting")]
    o1, o3 = result.stalled
    assert (o1.manager, o1.customer, o1.amount) == ("Boris", "C-1", 1000.0)
    assert o1.days == pytest.approx(20.0)
    assert o1.threshold_days == pytest.approx(6.4)
    assert (o3.manager, o3.customer) == ("Vera", None)
    assert (o3.days, o3.threshold_days) == (pytest.approx(37.0), pytest.approx(7.0))


def test_never_stalled_with_fewer_than_five_finished_stays():
    # Proposal has 4 finished stays: o4, 28 days against a p90 of 5.4, is not stalled ...
    _, result = timed()
    assert MIN_STAYS == 5
    assert result.stages[2].stays == 4
    assert "o4" not in {d.deal_id for d in result.stalled}
    # ... and becomes stalled with a fifth: x6 entered Proposal directly on day 0 and was lost there on day 3.
    # Proposal stays [1, 2, 3, 4, 6]: p90 pos 3.6 -> 4 + 0.6 * 2 = 5.2; 28 > 5.2.
    rows = [*history_rows(), deal("x6", "lost", lost_at="Proposal", closed=3)]
    events = [*history_events(), ("x6", "Proposal", 0)]
    _, more = timed(rows, events)
    proposal = more.stages[2]
    assert (proposal.stays, proposal.p90_days, proposal.stalled) == (5, pytest.approx(5.2), 1)
    assert proposal.stalled_amount == pytest.approx(3000.0)
    assert more.stalled_count == 3
    assert more.stalled_amount == pytest.approx(4500.0)
    assert [d.deal_id for d in more.stalled] == ["o4", "o1", "o3"]


def test_cycle_length_of_the_won_deals():
    _, result = timed()
    assert result.cycle_days_median == pytest.approx(9.0)
    assert result.cycle_days_p75 == pytest.approx(11.0)
    assert result.cycle_days_p90 == pytest.approx(12.8)


def test_stall_limit_cuts_the_list_but_not_the_totals():
    frame, _ = timed()
    result = analyze_time(frame, stall_limit=1)
    assert [d.deal_id for d in result.stalled] == ["o1"]
    assert (result.stalled_count, result.stalled_amount) == (2, pytest.approx(1500.0))


# ----------------------------------------------------------------------------------------------------
# Without a stage history
# ----------------------------------------------------------------------------------------------------
#
# Won deals created day 0, closed on days 10, 20, 30, 40, 50: cycles [10, 20, 30, 40, 50];
#   p90 pos 3.6 -> 40 + 0.6 * 10 = 46; median 30; p75 pos 3 -> 40.
# Reference = latest timestamp = the close on day 50.
# a1 open, created day 0: age 50 > 46 -> stalled (amount 700).
# a2 open, created day 9: age 41 -> not stalled (amount 300).
# a3 lost, created day 0: closed deals are never stalled.


def test_without_history_open_deals_are_aged_against_the_won_cycle():
    rows = [deal(f"w{i}", "won", closed=10 * i, amount=100) for i in range(1, 6)]
    rows += [
        deal("a1", "open", "Meeting", amount=700, manager="Gleb"),
        deal("a2", "open", "Lead", created=9, amount=300),
        deal("a3", "lost", lost_at="Lead", closed=12),
    ]
    frame = prepare(deals_frame(rows), None, config(), PERIOD)
    result = analyze_time(frame)
    assert result.basis == "age"
    assert result.stages == []
    assert result.reference == day(50)
    assert (result.cycle_days_median, result.cycle_days_p75) == (pytest.approx(30.0), pytest.approx(40.0))
    assert result.cycle_days_p90 == pytest.approx(46.0)
    assert result.stalled_count == 1
    assert result.stalled_amount == pytest.approx(700.0)
    assert (result.open_count, result.open_amount) == (2, pytest.approx(1000.0))
    (a1,) = result.stalled
    assert (a1.deal_id, a1.stage, a1.manager, a1.amount) == ("a1", "Meeting", "Gleb", 700.0)
    assert (a1.days, a1.threshold_days) == (pytest.approx(50.0), pytest.approx(46.0))


def test_without_history_and_without_won_deals_nothing_is_stalled():
    rows = [deal("a1", "open", "Lead", amount=700), deal("l1", "lost", lost_at="Lead", closed=90)]
    result = analyze_time(prepare(deals_frame(rows), None, config(), PERIOD))
    assert result.cycle_days_p90 is None
    assert (result.stalled_count, result.stalled_amount, result.stalled) == (0, 0.0, [])
    assert result.open_amount == pytest.approx(700.0)


def test_an_open_deal_without_events_waits_at_its_stage_since_creation():
    # The history has events for h only; o is open at Meeting since day 2 and has none of its own.
    deals = deals_frame([deal("h", "won", created=0, closed=10), deal("o", "open", "Meeting", created=2)])
    events = events_frame([("h", "Lead", 0), ("h", "Meeting", 4), ("h", "Won", 10)])
    frame = prepare(deals, events, config(), PERIOD)
    table = stays(frame, reference_moment(frame))
    lonely = table[table["pos"] == 1]
    # Reference = day 10 (h's close): o has been at Meeting (index 1) for 10 - 2 = 8 days, still running.
    assert lonely[["idx", "days", "finished"]].values.tolist() == [[1, 8.0, False]]
    result = analyze_time(frame)
    assert result.stages[1].open_now == 1
