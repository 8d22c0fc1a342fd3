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


DEFAULT_CLOSE = "2026-02-01"


def closed_deal(
    deal_id: str,
    status: str,
    stage: str | None = None,
    *,
    lost_at: str | None = None,
    amount: float = math.nan,
    source: str | None = "Site",
    manager: str = "Anna",
    customer: str | None = None,
    reason: str | None = None,
    created: object = "2026-01-05",
    closed: object = DEFAULT_CLOSE,
) -> dict:
    """A deal row. A won or lost deal closes on ``closed`` (1 February 2026 unless told; None for no
    close date); an open deal never has one. Times may be strings or timestamps."""
    if stage is None:
        stage = {"won": "Won", "lost": "Lost"}[status]
    has_close = closed is not None and status != "open"
    return {
        "deal_id": deal_id,
        "created_at": pd.Timestamp(created),
        "closed_at": pd.Timestamp(closed) if has_close else pd.NaT,
        "stage": stage,
        "status": status,
        "amount": float(amount),
        "manager": manager,
        "source": source,
        "customer_id": customer,
        "loss_reason": reason,
        "lost_at_stage": lost_at,
    }
