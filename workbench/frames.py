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


ONLY_ON_WON_SHARE = 0.05  # at most 5% of won deals without a manager, at least 95% of the others without


def manager_only_on_won(has_manager: pd.Series, won: pd.Series) -> bool:
    """True when a manager is recorded on (almost) every won deal and (almost) no other deal.

    Some CRMs assign the responsible person only at the sale; per-manager conversion means nothing then.
    """
    has_manager = has_manager.astype(bool)
    won = won.astype(bool)
    if not won.any() or won.all():
        return False
    unassigned_won = (~has_manager[won]).mean()
    return bool(unassigned_won <= ONLY_ON_WON_SHARE and has_manager[~won].mean() <= ONLY_ON_WON_SHARE)
