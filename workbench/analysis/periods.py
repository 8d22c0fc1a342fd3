"""Which rows belong to the audit period: one rule for every analysis (both ends inclusive)."""

from __future__ import annotations

import pandas as pd

from workbench.config import Period


def in_period(frame: pd.DataFrame, column: str, period: Period) -> pd.DataFrame:
    """Rows whose ``column`` date falls within the period (both ends inclusive)."""
    start = pd.Timestamp(period.start)
    end = pd.Timestamp(period.end) + pd.Timedelta(days=1)
    return frame[(frame[column] >= start) & (frame[column] < end)]


def won_in_period(deals: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Won deals closed within the period: the CRM's sales of the period, by close date."""
    won = deals[(deals["status"] == "won") & deals["closed_at"].notna()]
    return in_period(won, "closed_at", period)
