"""Dynamics of the customer base: class migration between two periods and A customers who are falling.

The two periods are ``abc.migration.previous`` and the audited period when the consultant sets a previous
period; otherwise the audited period is split in two at the start of the month nearest to its middle
(at the middle day when it is shorter than two months). Each half gets its own ABC with the same mode,
metric and thresholds. "—" is a customer without a positive total in that period (it did not buy, or
returns cancelled its purchases).

An A customer of the previous period is falling when its typical monthly revenue in the current period
is lower by ``falling_share`` or more. The typical month is the median of the revenue of the complete
calendar months of the period, months without purchases as 0 (the total a month when a period has fewer
than two complete months). The median ignores a single large order: a customer that was A thanks to one
big project and did not repeat it is not "falling" (it shows in the migration as a lost A customer),
while a regular buyer whose orders shrink is. The revenue at risk is the sum of the falls of the typical
month: what the company stops receiving each month unless it wins those customers back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.analysis.customers.abc import analyze_abc
from workbench.analysis.customers.totals import keyed, month_numbers
from workbench.analysis.customers.xyz import complete_months
from workbench.analysis.periods import in_period
from workbench.config import AbcConfig, Period
from workbench.serialize import frame_records, json_key, json_omit

CLASSES = ("A", "B", "C", "—")
RANK = {"A": 0, "B": 1, "C": 2}


@dataclass(frozen=True)
class Migration:
    """Customers by class in the previous and the current period."""

    previous: Period
    current: Period
    split: str  # "configured" or "halves"
    matrix: dict[str, dict[str, int]]  # previous class -> current class -> customers
    # id, previous, current
    classes: pd.DataFrame = field(metadata=json_omit("one row per customer; matrix counts them"))
    # id, previous_monthly, current_monthly, change, stopped (typical month 0)
    falling: pd.DataFrame = field(metadata=json_key(via=frame_records))
    falling_share: float

    @property
    def lost_a(self) -> list[str]:
        return self._moved("A", "—")

    @property
    def new_a(self) -> list[str]:
        return self._moved("—", "A")

    @property
    def up(self) -> int:
        """Customers who moved to a better class (C to B, B to A, C to A)."""
        c = self.classes
        both = c["previous"].isin(RANK) & c["current"].isin(RANK)
        return int((c.loc[both, "previous"].map(RANK) > c.loc[both, "current"].map(RANK)).sum())

    @property
    def down(self) -> int:
        c = self.classes
        both = c["previous"].isin(RANK) & c["current"].isin(RANK)
        return int((c.loc[both, "previous"].map(RANK) < c.loc[both, "current"].map(RANK)).sum())

    @property
    def revenue_at_risk(self) -> float:
        """Revenue a month the falling A customers no longer bring."""
        f = self.falling
        return float((f["previous_monthly"] - f["current_monthly"]).sum())

    def json_derived(self) -> dict[str, object]:
        """metrics.json: the moves between classes and the revenue at risk."""
        return {
            "up": self.up,
            "down": self.down,
            "lost_a": self.lost_a,
            "new_a": self.new_a,
            "revenue_at_risk": self.revenue_at_risk,
        }

    def _moved(self, source: str, target: str) -> list[str]:
        c = self.classes
        return c.loc[(c["previous"] == source) & (c["current"] == target), "id"].tolist()


def split_period(period: Period) -> tuple[Period, Period]:
    """The two halves of a period, split at the month start nearest to its middle."""
    middle = period.start + (period.end - period.start) / 2
    this_month = middle.replace(day=1)
    next_month = (this_month + dt.timedelta(days=32)).replace(day=1)
    split = min((this_month, next_month), key=lambda d: abs((d - middle).days))
    if not period.start < split <= period.end:
        split = middle + dt.timedelta(days=1)
    return (
        Period(start=period.start, end=split - dt.timedelta(days=1)),
        Period(start=split, end=period.end),
    )


def analyze_migration(transactions: pd.DataFrame, config: AbcConfig, period: Period) -> Migration | None:
    """Class migration between the two periods and the falling A customers; None for a one-day period."""
    if config.migration.previous is not None:
        previous, current, how = config.migration.previous, period, "configured"
    elif period.end > period.start:
        (previous, current), how = split_period(period), "halves"
    else:
        return None
    before = analyze_abc(transactions, config, previous, with_xyz=False).items.set_index("id")["cls"]
    after = analyze_abc(transactions, config, current, with_xyz=False).items.set_index("id")["cls"]
    ids = before.index.union(after.index)
    classes = pd.DataFrame(
        {
            "id": ids,
            "previous": before.reindex(ids).fillna("—").to_numpy(),
            "current": after.reindex(ids).fillna("—").to_numpy(),
        }
    )
    counts = classes.groupby(["previous", "current"]).size()
    matrix = {p: {c: int(counts.get((p, c), 0)) for c in CLASSES} for p in CLASSES}
    return Migration(
        previous=previous,
        current=current,
        split=how,
        matrix=matrix,
        classes=classes,
        falling=_falling(transactions, before, previous, current, config.migration.falling_share),
        falling_share=config.migration.falling_share,
    )


def typical_month(transactions: pd.DataFrame, period: Period) -> pd.Series:
    """Median revenue of the period's complete calendar months per customer (see the module's rules)."""
    lines = in_period(transactions, "date", period)
    groups = keyed(lines, "customer_id")
    months = complete_months(period)
    if len(months) < 2:
        return groups.sum(lines["amount"]) / period.months
    number = month_numbers(lines["date"], months[0], len(months))
    matrix = groups.by_month(lines["amount"], number, len(months))
    return pd.Series(np.median(matrix, axis=1), index=groups.ids)


def _falling(
    transactions: pd.DataFrame, before: pd.Series, previous: Period, current: Period, share: float
) -> pd.DataFrame:
    a_ids = before.index[before == "A"]
    was = typical_month(transactions, previous).reindex(a_ids).fillna(0.0)
    now = typical_month(transactions, current).reindex(a_ids).fillna(0.0).clip(lower=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        change = now / was - 1
    out = pd.DataFrame(
        {
            "id": a_ids,
            "previous_monthly": was.to_numpy(),
            "current_monthly": now.to_numpy(),
            "change": change.to_numpy(),
            "stopped": (now <= 0).to_numpy(),
        }
    )
    out = out[(was > 0).to_numpy() & (change <= -share + 1e-12).to_numpy()]
    out = out.assign(drop=out["previous_monthly"] - out["current_monthly"])
    out = out.sort_values(["drop", "id"], ascending=[False, True], kind="stable")
    return out.drop(columns="drop").reset_index(drop=True)
