"""Canonical deal and stage-event frames from small hand-written rows, shared by the funnel tests."""

from __future__ import annotations

import math

import pandas as pd

DEAL_COLUMNS = [
    "deal_id",
    "created_at",
    "closed_at",
    "stage",
    "status",
    "amount",
    "manager",
    "source",
    "customer_id",
    "loss_reason",
    "lost_at_stage",
]
TEXT_COLUMNS = [
    "deal_id",
    "stage",
    "status",
    "manager",
    "source",
    "customer_id",
    "loss_reason",
    "lost_at_stage",
]


def deals_frame(rows: list[dict]) -> pd.DataFrame:
    """A deals table typed like the io layer's output (string, datetime64[ns] and float columns)."""
    out = pd.DataFrame(rows, columns=DEAL_COLUMNS).astype({c: "string" for c in TEXT_COLUMNS})
    return out.astype({"created_at": "datetime64[ns]", "closed_at": "datetime64[ns]", "amount": "float64"})


def events_frame(rows: list[tuple[str, str, object]]) -> pd.DataFrame:
    """A stage-history table from (deal id, stage, time) rows; times may be strings or timestamps."""
    out = pd.DataFrame(
        [(d, s, pd.Timestamp(t)) for d, s, t in rows], columns=["deal_id", "stage", "entered_at"]
    )
    return out.astype({"deal_id": "string", "stage": "string", "entered_at": "datetime64[ns]"})


def closed_deal(
    deal_id: str,
    status: str,
    stage: str | None = None,
    *,
    lost_at: str | None = None,
    amount: float = math.nan,
    source: str | None = "Site",
    manager: str = "Anna",
    created: str = "2026-01-05",
    closed: str | None = None,
) -> dict:
    """A deal row; won and lost deals close on 1 February 2026 unless told otherwise."""
    if stage is None:
        stage = {"won": "Won", "lost": "Lost"}[status]
    if closed is None and status != "open":
        closed = "2026-02-01"
    return {
        "deal_id": deal_id,
        "created_at": pd.Timestamp(created),
        "closed_at": pd.Timestamp(closed) if closed else pd.NaT,
        "stage": stage,
        "status": status,
        "amount": float(amount),
        "manager": manager,
        "source": source,
        "customer_id": None,
        "loss_reason": None,
        "lost_at_stage": lost_at,
    }
