"""Under the null (every manager shares the department's true step conversions) the funnel analysis flags
at most about the nominal share of manager-step comparisons: no manager is blamed for chance."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from funnel_frames import TEXT_COLUMNS

from workbench.analysis import stats
from workbench.analysis.funnel.conversion import analyze_funnel
from workbench.analysis.funnel.groups import judge
from workbench.config import FunnelConfig, Period

STAGES = ["Lead", "Meeting", "Proposal"]
FUNNEL = FunnelConfig(stages=STAGES, won_stages=["Won"], lost_stages=["Lost"], min_deals_for_flag=30)
PERIOD = Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30))


def department(rng: np.random.Generator, managers: int = 8, low: int = 40, high: int = 400) -> pd.DataFrame:
    """Closed deals of one department: each manager's volume differs, the true step conversions do not."""
    rates = rng.uniform(0.2, 0.8, size=len(STAGES))
    sizes = rng.integers(low, high, size=managers)
    names = np.repeat([f"M{i}" for i in range(managers)], sizes)
    n = len(names)
    # The furthest stage: pass each step with its probability, stop at the first failure.
    passed = rng.random((n, len(STAGES))) < rates
    furthest = np.where(passed.all(axis=1), len(STAGES), np.argmin(passed, axis=1))
    won = furthest == len(STAGES)
    frame = pd.DataFrame(
        {
            "deal_id": [str(i) for i in range(n)],
            "created_at": pd.Timestamp("2026-02-01"),
            "closed_at": pd.Timestamp("2026-03-01"),
            "stage": np.where(won, "Won", "Lost"),
            "status": np.where(won, "won", "lost"),
            "amount": 1000.0,
            "manager": names,
            "source": "Site",
            "customer_id": None,
            "loss_reason": None,
            "lost_at_stage": np.where(won, None, np.array(STAGES)[np.minimum(furthest, len(STAGES) - 1)]),
        }
    )
    return frame.astype({column: "string" for column in TEXT_COLUMNS})


def test_equal_managers_are_flagged_at_most_at_the_nominal_rate():
    rng = np.random.default_rng(20261123)
    flagged = compared = 0
    for _ in range(40):
        result = analyze_funnel(department(rng), None, FUNNEL, PERIOD)
        eligible = [m for m in result.manager_stages if m.left >= FUNNEL.min_deals_for_flag]
        compared += len(eligible)
        flagged += sum(1 for m in eligible if m.flag)
    assert compared > 700
    # Nominal two-sided rate at the 99.8% limits: 0.002; allow for sampling noise.
    assert flagged / compared <= 0.005


def uneven_department(rng: np.random.Generator) -> pd.DataFrame:
    """Three managers of very different size sharing the true conversions: one holds most of the deals,
    so its own deals would dominate a department baseline."""
    frame = department(rng, managers=3)
    sizes = rng.multinomial(len(frame), [0.7, 0.2, 0.1])
    frame["manager"] = pd.array(np.repeat(["Big", "Mid", "Small"], sizes), dtype="string")
    return frame


def test_leave_one_out_keeps_the_nominal_rate_when_one_group_dominates():
    rng = np.random.default_rng(15)
    flagged = watched = compared = 0
    for _ in range(80):
        result = analyze_funnel(uneven_department(rng), None, FUNNEL, PERIOD)
        eligible = [m for m in result.manager_stages if m.left >= FUNNEL.min_deals_for_flag]
        compared += len(eligible)
        flagged += sum(1 for m in eligible if m.flag)
        watched += sum(1 for m in eligible if m.flag or m.watch)
    assert compared > 500
    # The exact conditional test against the rest: at most 0.002 at the 99.8% limits, 0.05 at the 95% ones.
    assert flagged / compared <= 0.005
    assert watched / compared <= 0.06


def planted_weak(rng: np.random.Generator, groups: int = 5) -> pd.DataFrame:
    """Equal groups but the first, whose first step converts at a third of the others' rate."""
    frame = department(rng, managers=groups, low=300, high=600)
    weak = (frame["manager"] == "M0").to_numpy()
    lost_first = weak & (rng.random(len(frame)) < 0.66)
    frame.loc[lost_first, ["stage", "status", "lost_at_stage"]] = ["Lost", "lost", STAGES[0]]
    return frame


def test_a_weak_group_does_not_make_its_equals_look_strong():
    rng = np.random.default_rng(7)
    weak_found = equals_high = runs = 0
    for _ in range(40):
        result = analyze_funnel(planted_weak(rng), None, FUNNEL, PERIOD)
        first = [m for m in result.manager_stages if m.index == 0]
        runs += 1
        weak_found += any(m.manager == "M0" and m.flag == "low" for m in first)
        equals_high += sum(1 for m in first if m.manager != "M0" and m.flag == "high")
        m0 = next(m for m in first if m.manager == "M0")
        # The weak group is judged against the others, never against a baseline holding its own deals.
        assert m0.rest_rate > m0.department_rate
    assert weak_found == runs
    assert equals_high <= 1  # 160 equal groups: the nominal 0.1% one-sided rate allows at most a chance one


def test_judge_compares_with_the_rest_and_confirms_against_the_rest_without_the_other_side():
    # Deals advanced / left at one step: W 20/100, A 60/100, B 60/100, S 85/100.
    k = np.array([20.0, 60, 60, 85])
    n = np.array([100.0, 100, 100, 100])
    judged = judge(k, n, n >= 30)
    # Leave-one-out: W against (60 + 60 + 85) / 300 = 0.6833; A against (20 + 60 + 85) / 300 = 0.55.
    assert judged.rest.rates == pytest.approx([205 / 300, 165 / 300, 165 / 300, 140 / 300])
    # W is far below its rest; S far above its rest (140/300 = 0.467): both flagged in the first test.
    # S is confirmed against the rest without W: (60 + 60) / 200 = 0.6, 85/100 still clearly above.
    # W is confirmed against the rest without S: 120 / 200 = 0.6, 20/100 still clearly below.
    assert list(judged.alarm) == [-1, 0, 0, 1]
    assert judged.below.rates[0] == pytest.approx(0.6)
    assert judged.above.rates[3] == pytest.approx(0.6)


def test_an_equal_group_beside_a_weak_one_is_not_confirmed_high():
    # W 10/100 drags the rest of E down: E 62/100 against (10 + 50 + 50) / 300 = 0.367 looks high at first,
    # but against the others without W, (50 + 50) / 200 = 0.5, 62/100 is within chance: not "high".
    k = np.array([10.0, 62, 50, 50])
    n = np.array([100.0, 100, 100, 100])
    judged = judge(k, n, n >= 30)
    assert stats.outside_rest(k, n, *stats.rest_of(k, n), stats.ALARM)[1] == 1
    assert list(judged.alarm) == [-1, 0, 0, 0]
