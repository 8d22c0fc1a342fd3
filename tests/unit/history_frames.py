"""A generated department with a stage history, for the tests of dips and of time in stage per group:
deals created over 15 months pass three steps with given conversions and stay at each stage for a random
time; a test plants a dip (some months of one step convert worse) or a slow manager (longer stays)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from funnel_frames import deals_frame, events_frame

from workbench.config import FunnelConfig, Period

STAGES = ["Lead", "Meeting", "Proposal"]
FUNNEL = FunnelConfig(stages=STAGES, won_stages=["Won"], lost_stages=["Lost"], min_deals_for_flag=30)
PERIOD = Period(start=dt.date(2025, 1, 1), end=dt.date(2026, 3, 31))
RATES = (0.8, 0.76, 0.5)
STAY_DAYS = (3.0, 11.0, 7.0)  # median stay at each stage
MANAGERS = [f"M{i}" for i in range(6)]
SOURCES = ["Site", "Referral", "Ads"]


def department(
    rng: np.random.Generator,
    deals: int = 3000,
    dip: tuple[int, float, set[str]] | None = None,
    slow: tuple[str, int, float] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Deals and stage events. ``dip``: (step, rate, months "YYYY-MM") -- deals leaving that step in
    those months move on at ``rate``; ``slow``: (manager, stage, factor) -- that manager's stays there are
    longer."""
    start = pd.Timestamp(PERIOD.start)
    span = (pd.Timestamp(PERIOD.end) - start).days - 40
    rows, events = [], []
    for i in range(deals):
        manager = MANAGERS[int(rng.integers(len(MANAGERS)))]
        source = SOURCES[int(rng.integers(len(SOURCES)))]
        at = start + pd.Timedelta(days=float(rng.uniform(0, span)))
        outcome, lost_at = "won", None
        for k, stage in enumerate(STAGES):
            events.append((f"d{i}", stage, at))
            median = STAY_DAYS[k] * (slow[2] if slow and slow[0] == manager and slow[1] == k else 1.0)
            at = at + pd.Timedelta(days=float(median * rng.lognormal(0.0, 0.5)))
            rate = RATES[k]
            if dip and dip[0] == k and f"{at:%Y-%m}" in dip[2]:
                rate = dip[1]
            if rng.random() >= rate:
                outcome, lost_at = "lost", stage
                break
        closed = at
        status = outcome
        events.append((f"d{i}", "Won" if status == "won" else "Lost", closed))
        rows.append(
            {
                "deal_id": f"d{i}",
                "status": status,
                "lost_at": lost_at,
                "manager": manager,
                "source": source,
                "closed": closed,
            }
        )
    frame = deals_frame(
        [
            {
                "deal_id": r["deal_id"],
                "created_at": first,
                "closed_at": r["closed"],
                "stage": "Won" if r["status"] == "won" else "Lost",
                "status": r["status"],
                "amount": 1000.0,
                "manager": r["manager"],
                "source": r["source"],
                "customer_id": None,
                "loss_reason": None,
                "lost_at_stage": r["lost_at"],
            }
            for r, first in zip(rows, _firsts(events), strict=True)
        ]
    )
    return frame, events_frame(events)


def _firsts(events: list[tuple[str, str, pd.Timestamp]]) -> list[pd.Timestamp]:
    """Each deal's creation: its first event (the events are listed deal by deal)."""
    seen: dict[str, pd.Timestamp] = {}
    for deal, _, at in events:
        seen.setdefault(deal, at)
    return list(seen.values())
