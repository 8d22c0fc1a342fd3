"""Under the null (every manager shares the department's true step conversions) the funnel analysis flags
at most about the nominal share of manager-step comparisons: no manager is blamed for chance."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from funnel_frames import TEXT_COLUMNS

from workbench.analysis.funnel.conversion import analyze_funnel
from workbench.config import FunnelConfig, Period

STAGES = ["Lead", "Meeting", "Proposal"]
FUNNEL = FunnelConfig(stages=STAGES, won_stages=["Won"], lost_stages=["Lost"], min_deals_for_flag=30)
PERIOD = Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30))


def department(rng: np.random.Generator, managers: int = 8) -> pd.DataFrame:
    """Closed deals of one department: each manager's volume differs, the true step conversions do not."""
    rates = rng.uniform(0.2, 0.8, size=len(STAGES))
    sizes = rng.integers(40, 400, size=managers)
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
