"""Whether the data covers the audited period: a period without deals, sales lines, plans or actions
cannot be audited, and ``workbench check`` and ``workbench audit`` both say so before any analysis."""

from __future__ import annotations

import pandas as pd

from workbench.config import ClientConfig
from workbench.io.quarantine import TableReport

# The date that places a row of each table in the period, and how many days before the period's start a
# row may begin and still cover part of it (a month's plan, a week's counts).
PERIOD_DATES = {
    "deals": ("created_at", 0),
    "transactions": ("date", 0),
    "plans": ("period_start", 30),
    "activities": ("date", 6),
}


def period_problems(
    config: ClientConfig, tables: dict[str, pd.DataFrame], reports: dict[str, TableReport]
) -> list[dict[str, object]]:
    """One problem per configured table with no row in the audited period: the table, its file, the period
    and the dates the file does hold (None when it has no usable row); ``workbench check`` words it."""
    start, end = config.period.start, config.period.end
    last = pd.Timestamp(end) + pd.Timedelta(days=1)
    problems: list[dict[str, object]] = []
    for table, (column, slack) in PERIOD_DATES.items():
        first = pd.Timestamp(start) - pd.Timedelta(days=slack)
        frame = tables.get(table)
        if frame is None or column not in frame or table not in reports:
            continue
        dates = frame[column].dropna()
        if ((dates >= first) & (dates < last)).any():
            continue
        problems.append(
            {
                "table": table,
                "file": reports[table].file,
                "start": start,
                "end": end,
                "first": dates.min().date() if len(dates) else None,
                "last": dates.max().date() if len(dates) else None,
            }
        )
    return problems
