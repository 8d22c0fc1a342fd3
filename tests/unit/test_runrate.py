"""How early the run-rate showed a missed monthly plan, by hand on the production calendar."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pandas as pd
import pytest

from workbench.analysis.plan import PlanRow
from workbench.analysis.runrate import miss_visibility, run_rate
from workbench.config import CalendarConfig, Period

PERIOD = Period(start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31))


def deals(rows):
    return pd.DataFrame(
        {
            "manager": [m for m, _, _ in rows],
            "closed_at": pd.to_datetime([d for _, d, _ in rows]),
            "amount": [a for _, _, a in rows],
            "status": ["won"] * len(rows),
        }
    )


def plan(manager, plan_revenue, fact):
    return SimpleNamespace(
        monthly=[PlanRow(pd.Timestamp("2026-10-01"), manager, plan_revenue, fact, None, None, 0)]
    )


def test_run_rate():
    assert run_rate(100_000, 5, 22) == pytest.approx(440_000)
    assert run_rate(0, 0, 22) is None


def test_the_week_from_which_the_miss_was_visible():
    # October 2026: 22 working days; weeks end 4, 11, 18, 25 and 31 October with 2, 7, 12, 17, 22 days gone
    sold = deals([("Анна", "2026-10-02", 300_000), ("Анна", "2026-10-20", 100_000)])
    seen = miss_visibility(sold, plan("Анна", 1_000_000, 400_000), PERIOD, CalendarConfig())
    [month] = seen.missed
    assert month.weeks == 5
    assert month.projections == pytest.approx(
        [300_000 / 2 * 22, 300_000 / 7 * 22, 300_000 / 12 * 22, 400_000 / 17 * 22, 400_000]
    )
    # 3.3 m, 943 k: the second week is the first below the plan for good
    assert month.weeks_gone == 2 and month.weeks_left == 3
    assert seen.visible_early == 1 and seen.median_weeks_gone == 2


def test_met_plans_and_a_miss_seen_only_at_the_end():
    sold = deals([("Анна", "2026-10-30", 900_000)])
    assert miss_visibility(sold, plan("Анна", 800_000, 900_000), PERIOD, CalendarConfig()).missed == []
    late = deals([("Анна", "2026-10-02", 500_000), ("Анна", "2026-10-30", 100_000)])
    [month] = miss_visibility(late, plan("Анна", 700_000, 600_000), PERIOD, CalendarConfig()).missed
    # 5.5 m, 1.57 m, 917 k, 647 k (below), 600 k: below only from the fourth week
    assert month.weeks_gone == 4 and month.weeks_left == 1
