"""Canonical sales lines for analysis tests: rows in, a frame with every transactions column out."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.tables import TABLES


def sales(rows: list[tuple], columns: tuple[str, ...] = ("customer_id", "date", "amount")) -> pd.DataFrame:
    """A canonical transactions table; columns not given are empty, as the io leaves unmapped ones."""
    frame = pd.DataFrame(rows, columns=list(columns))
    for column in TABLES["transactions"]:
        if column.name not in frame:
            frame[column.name] = pd.NA if column.kind == "str" else np.nan
        if column.kind == "str":
            frame[column.name] = frame[column.name].astype("string")
        elif column.kind == "datetime":
            frame[column.name] = pd.to_datetime(frame[column.name]).astype("datetime64[ns]")
        else:
            frame[column.name] = frame[column.name].astype("float64")
    return frame


def monthly(customer: str, amounts: list[float], year: int = 2026, first_month: int = 1) -> list[tuple]:
    """One line on the 10th of each month with the given amounts (0: no line that month)."""
    return [(customer, f"{year}-{first_month + k:02d}-10", float(a)) for k, a in enumerate(amounts) if a != 0]
