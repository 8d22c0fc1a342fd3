"""Small pandas helpers that keep a column's type when a lookup table happens to be empty."""

from __future__ import annotations

import pandas as pd


def lookup(keys: pd.Series, table: pd.Series) -> pd.Series:
    """``keys.map(table)`` that always returns ``table``'s dtype, missing keys as NA/NaT.

    ``Series.map`` over an empty datetime or timedelta series raises ("Cannot cast DatetimeArray to dtype
    float64") and over an empty series of another type returns floats; an empty lookup table is a normal
    case (no deal of the history reached a lost stage), so it must give an all-missing column instead.
    """
    if table.empty:
        return pd.Series(pd.array([None] * len(keys), dtype=table.dtype), index=keys.index, name=keys.name)
    return keys.map(table)
