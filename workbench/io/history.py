"""Plausibility of a stage history: times that run against the funnel for most deals are flagged."""

from __future__ import annotations

import pandas as pd

from workbench.config import FunnelConfig
from workbench.io.quarantine import Quarantine

REVERSED_SHARE = 0.5  # above this share of deals with a history, the history's order is called reversed
MIN_DEALS = 5  # fewer deals with two or more events say nothing


def warn_reversed_order(events: pd.DataFrame, funnel: FunnelConfig, q: Quarantine) -> None:
    """The caveat ``stage_order_reversed`` when, for most deals, the stages entered later in time come
    earlier in the funnel (each deal's first stage has the latest time): the times are reversed or
    wrong, and time in stage cannot be trusted. The count is the number of such deals."""
    order = {name: i for i, name in enumerate(funnel.stages)}
    last = len(funnel.stages)
    order |= {name: last for name in [*funnel.won_stages, *funnel.lost_stages]}
    frame = events[["deal_id", "stage", "entered_at"]].dropna()
    if frame.empty:
        return
    rank = pd.to_numeric(frame["stage"].astype(object).map(order), errors="coerce")
    frame = frame.assign(rank=rank).dropna(subset=["rank"])
    frame = frame.sort_values(["deal_id", "entered_at"], kind="stable")
    steps = frame.groupby("deal_id", sort=False)["rank"].diff().dropna()
    if steps.empty:
        return
    deal = frame.loc[steps.index, "deal_id"]
    forward = (steps > 0).groupby(deal).sum()
    backward = (steps < 0).groupby(deal).sum()
    reversed_deals = backward[backward > forward].index
    judged = int(((forward + backward) > 0).sum())
    if judged >= MIN_DEALS and len(reversed_deals) > REVERSED_SHARE * judged:
        q.warn("stage_order_reversed", len(reversed_deals), list(reversed_deals[:3]))
