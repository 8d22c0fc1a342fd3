"""Temporary dips and slow groups on a generated department with a stage history: the planted effect is
found, named and priced; with nothing planted both stay silent at about their nominal family-wise rate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from analyses_stub import analyses
from funnel_frames import events_frame
from history_frames import FUNNEL, PERIOD, department

from workbench.analysis.funnel.conversion import analyze_frame
from workbench.analysis.funnel.dips import DIP_P, find_dips
from workbench.analysis.funnel.position import prepare
from workbench.analysis.funnel.time_by_group import SLOW_P, analyze_time_by_group
from workbench.analysis.funnel.weekly import weekly_funnel
from workbench.findings import detect

DIP_MONTHS = {"2025-06", "2025-07"}


def analysed(deals: pd.DataFrame, events: pd.DataFrame):
    frame = prepare(deals, events, FUNNEL, PERIOD)
    funnel = analyze_frame(frame, FUNNEL)
    dips = find_dips(weekly_funnel(frame), [s.conversion for s in funnel.stages[:-1]], funnel.avg_check)
    return frame, funnel, dips


def test_a_two_month_dip_that_recovered_is_found_with_its_months_drop_and_money():
    deals, events = department(np.random.default_rng(1), dip=(1, 0.53, DIP_MONTHS))
    _, funnel, dips = analysed(deals, events)
    assert len(dips.dips) == 1
    dip = dips.dips[0]
    assert (dip.stage, dip.months, dip.recovered) == ("Meeting", ["2025-06", "2025-07"], True)
    assert dip.rate == pytest.approx(0.53, abs=0.06)
    assert dip.others_rate == pytest.approx(0.76, abs=0.03)
    assert dip.drop == pytest.approx(dip.others_rate - dip.rate)
    # Deals lost = deals that left the step in the dip x the drop; money = x P(win after) x average check.
    assert dip.deals_lost == pytest.approx(dip.left * dip.drop)
    after = funnel.stages[2].conversion
    assert dip.money_lost == pytest.approx(dip.deals_lost * after * 1000.0)
    finding = detect("funnel_dip", analyses(funnel, dips=dips))
    assert [f.id for f in finding] == ["funnel-dip-1-2025-06"]
    assert finding[0].params["recovered"] and finding[0].params["money_lost"] == dip.money_lost


def test_a_slow_manager_is_named_with_the_stage_medians_and_the_money_waiting():
    deals, events = department(np.random.default_rng(2), slow=("M3", 1, 3.0))
    # Two open deals of M3 waiting at Meeting, worth 5000 and 7000.
    last = pd.Timestamp(PERIOD.end)
    waiting = pd.DataFrame(
        {
            "deal_id": ["w1", "w2"],
            "created_at": [last - pd.Timedelta(days=40)] * 2,
            "closed_at": [pd.NaT, pd.NaT],
            "stage": ["Meeting", "Meeting"],
            "status": ["open", "open"],
            "amount": [5000.0, 7000.0],
            "manager": ["M3", "M3"],
            "source": ["Site", "Site"],
            "customer_id": [None, None],
            "loss_reason": [None, None],
            "lost_at_stage": [None, None],
        }
    ).astype(deals.dtypes.to_dict())
    more = events_frame(
        [(d, "Lead", last - pd.Timedelta(days=40)) for d in ("w1", "w2")]
        + [(d, "Meeting", last - pd.Timedelta(days=35)) for d in ("w1", "w2")]
    )
    frame = prepare(pd.concat([deals, waiting], ignore_index=True), pd.concat([events, more]), FUNNEL, PERIOD)
    groups = analyze_time_by_group(frame)
    assert [(r.grouping, r.name, r.stage) for r in groups.slow] == [("manager", "M3", "Meeting")]
    slow = groups.slow[0]
    assert slow.median_days == pytest.approx(33.0, rel=0.15)
    assert slow.rest_median_days == pytest.approx(11.0, rel=0.1)
    assert (slow.open_deals, slow.open_amount) == (2, 12000.0)
    funnel = analyze_frame(frame, FUNNEL)
    time = type("T", (), {"open_amount": 12000.0})()
    found = detect("funnel_slow_manager", analyses(funnel, funnel_time=time, time_by_group=groups))
    assert [f.id for f in found] == ["funnel-slow-manager-m3-1"]
    assert found[0].params["amount"] == 12000.0 and found[0].severity == "high"
    assert detect("funnel_slow_source", analyses(funnel, funnel_time=time, time_by_group=groups)) == []


def test_with_nothing_planted_dips_and_slow_groups_stay_at_their_nominal_rate():
    rng = np.random.default_rng(20261129)
    runs, dip_runs, slow_runs, months_tested = 30, 0, 0, 0
    for _ in range(runs):
        deals, events = department(rng, deals=1500)
        frame, _, dips = analysed(deals, events)
        months_tested += len(dips.months)
        dip_runs += bool(dips.dips)
        slow_runs += bool(analyze_time_by_group(frame).slow)
    assert months_tested > 30 * 30
    # Family-wise levels of 1%: 30 clean departments would show 0.3 false alarms; three or more would have
    # a probability of about 0.3% if the level held.
    assert DIP_P == SLOW_P == 0.01
    assert dip_runs <= 2
    assert slow_runs <= 2


def test_without_a_stage_history_there_is_nothing_to_test():
    deals, _ = department(np.random.default_rng(3), deals=200)
    frame = prepare(deals, None, FUNNEL, PERIOD)
    funnel = analyze_frame(frame, FUNNEL)
    dips = find_dips(weekly_funnel(frame), [s.conversion for s in funnel.stages[:-1]], funnel.avg_check)
    assert (dips.basis, dips.months, dips.dips) == ("snapshot", [], [])
    assert analyze_time_by_group(frame).rows == []
