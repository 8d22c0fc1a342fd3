"""Best practice comes from managers demonstrably better than the rest of the department: they are named,
and the others reaching their level is priced; when nobody is demonstrably better, nothing is claimed."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from analyses_stub import analyses
from funnel_frames import closed_deal, deals_frame

from workbench.analysis.funnel.conversion import analyze_funnel
from workbench.config import FunnelConfig, Period
from workbench.findings import detect

PERIOD = Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31))
MONTHS = 90 / 30.4375
FUNNEL = FunnelConfig(stages=["Lead", "Deal"], won_stages=["Won"], lost_stages=["Lost"])


def department(advanced: dict[str, tuple[int, int]]) -> pd.DataFrame:
    """(advanced, lost at Lead) per manager; every deal past Lead is won at 1000."""
    rows = []
    for manager, (moved, lost) in advanced.items():
        rows += [closed_deal(f"{manager}-w{i}", "won", amount=1000, manager=manager) for i in range(moved)]
        rows += [closed_deal(f"{manager}-l{i}", "lost", lost_at="Lead", manager=manager) for i in range(lost)]
    return deals_frame(rows)


def test_a_manager_demonstrably_better_is_named_and_reaching_their_level_is_priced():
    # The case: one manager converts 53.8% on 210 deals against about 32.5% for the others.
    result = analyze_funnel(
        department({"Star": (113, 97), "A": (65, 135), "B": (65, 135), "C": (65, 135), "D": (65, 135)}),
        None,
        FUNNEL,
        PERIOD,
    )
    lead = next(i for i in result.impacts if i.stage == "Lead")
    assert lead.best_managers == ["Star"]
    star = next(m for m in result.manager_stages if m.name == "Star" and m.stage == "Lead")
    assert star.flag == "high"
    # Best practice: Star's rate shrunk towards the others' 260 / 800, between the two.
    assert lead.best_practice == pytest.approx(star.shrunk_rate)
    assert 260 / 800 < lead.best_practice < 113 / 210
    assert lead.others_rate == pytest.approx(260 / 800)
    # The others (800 deals over the period) reaching that level; every deal past Lead is won at 1000.
    expected = 800 / MONTHS * (lead.best_practice - 260 / 800) * 1.0 * 1000
    assert lead.impact_best_practice == pytest.approx(expected)
    assert lead.impact_best_practice > 0
    (bottleneck,) = detect("funnel_bottleneck", analyses(result, monthly_revenue=1e6))
    assert bottleneck.params["best_managers"] == "Star"
    assert bottleneck.params["best_worth_mentioning"] and not bottleneck.params["no_better_manager"]


def test_without_a_demonstrably_better_manager_no_best_practice_is_claimed():
    result = analyze_funnel(
        department({"A": (60, 40), "B": (64, 36), "C": (58, 42), "D": (62, 38)}), None, FUNNEL, PERIOD
    )
    lead = next(i for i in result.impacts if i.stage == "Lead")
    assert (lead.best_managers, lead.best_practice, lead.impact_best_practice) == ([], None, None)
    (bottleneck,) = detect("funnel_bottleneck", analyses(result, monthly_revenue=1e6))
    assert bottleneck.params["no_better_manager"] and not bottleneck.params["best_worth_mentioning"]
    assert detect("funnel_learn_from", analyses(result, monthly_revenue=1e6)) == []


def test_a_better_manager_at_a_step_other_than_the_bottleneck_gives_a_learn_from_finding():
    # Lead -> Meeting: Star loses 10 of 200 at Lead, the four others 40 of 200 each. Meeting -> Won is the
    # weak step (about a fifth won) and the bottleneck; Star is demonstrably better at Lead only.
    rows = []
    for manager, lost_lead, won in (("Star", 10, 40), *((m, 40, 34) for m in "ABCD")):
        rows += [
            closed_deal(f"{manager}-a{i}", "lost", lost_at="Lead", manager=manager) for i in range(lost_lead)
        ]
        rows += [closed_deal(f"{manager}-w{i}", "won", amount=1000, manager=manager) for i in range(won)]
        past = 200 - lost_lead - won
        rows += [
            closed_deal(f"{manager}-m{i}", "lost", lost_at="Meeting", manager=manager) for i in range(past)
        ]
    config = FunnelConfig(stages=["Lead", "Meeting"], won_stages=["Won"], lost_stages=["Lost"])
    result = analyze_funnel(deals_frame(rows), None, config, PERIOD)
    assert result.bottleneck.stage == "Meeting"
    (finding,) = detect("funnel_learn_from", analyses(result, monthly_revenue=1e6))
    assert (finding.id, finding.params["managers"], finding.params["stage"]) == (
        "learn-from-0",
        "Star",
        "Lead",
    )
    lead = next(i for i in result.impacts if i.stage == "Lead")
    assert finding.impact_per_month == lead.impact_best_practice > 0
