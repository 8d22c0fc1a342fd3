"""Won and lost events of the stage history close the deals they belong to.

A common pair of files is "all leads" (no status: every lead reads as open at its first stage) plus "the
closed deals" mapped as the stage history with a won stage. The history's terminal events are then the only
record of the sales: a deal whose last event is at a won or lost stage is closed by it, with the event's
time as its close date. A deal that the deals file already closes the other way (won there, lost in the
history, or back) keeps the deals file's status, and the conflict is reported.
"""

from __future__ import annotations

import pandas as pd

from workbench.config import FunnelConfig
from workbench.frames import lookup
from workbench.io.quarantine import Quarantine

MAX_EXAMPLES = 3


def close_from_history(
    deals: pd.DataFrame, events: pd.DataFrame, funnel: FunnelConfig, q: Quarantine | None = None
) -> pd.DataFrame:
    """Deals with their status, stage and close date taken from a last history event at a won or lost stage.

    Only a deal that the deals file leaves open is closed so (caveat ``closed_by_history``); a closed deal
    whose last event says otherwise keeps its status (caveat ``history_conflict``).
    """
    kinds = {**{s: "won" for s in funnel.won_stages}, **{s: "lost" for s in funnel.lost_stages}}
    if events.empty or not events["stage"].isin(list(kinds)).any():
        return deals
    ordered = events.sort_values(["entered_at"], kind="stable")
    last = ordered.groupby("deal_id", sort=False)[["stage", "entered_at"]].last()
    last = last[last["stage"].isin(list(kinds))]
    if last.empty:
        return deals
    ids = deals["deal_id"]
    kind = lookup(ids, last["stage"].map(kinds).astype("string"))
    stage = lookup(ids, last["stage"].astype("string"))
    when = lookup(ids, last["entered_at"])
    deals = deals.copy()
    closing = (deals["status"] == "open") & kind.notna()
    closing = closing.fillna(False).astype(bool)
    if closing.any():
        deals.loc[closing, "status"] = kind[closing]
        deals.loc[closing, "stage"] = stage[closing]
        deals.loc[closing, "closed_at"] = when[closing]
    conflict = deals["status"].isin(["won", "lost"]) & kind.notna() & (kind != deals["status"]) & ~closing
    conflict = conflict.fillna(False).astype(bool)
    if q is not None:
        closed_ids = deals.loc[closing, "deal_id"]
        q.warn("closed_by_history", int(closing.sum()), closed_ids.head(MAX_EXAMPLES).tolist())
        examples = [
            {"row": int(row), "value": f"{d}: {s}", "hint": k}  # the deals file's status -> the history's
            for row, d, s, k in zip(
                deals.index[conflict][:MAX_EXAMPLES],
                deals.loc[conflict, "deal_id"].head(MAX_EXAMPLES),
                deals.loc[conflict, "status"].head(MAX_EXAMPLES),
                kind[conflict].head(MAX_EXAMPLES),
                strict=True,
            )
        ]
        q.warn("history_conflict", int(conflict.sum()), examples)
    return deals
