"""Whether the data covers the audited period: a period without deals, sales lines, plans or actions
cannot be audited, and ``workbench check`` and ``workbench audit`` both say so before any analysis."""

from __future__ import annotations

import pandas as pd

from workbench.config import ClientConfig
from workbench.io.quarantine import TableReport

# The date that places a row of each table in the period, what the rows are called, and how many days
# before the period's start a row may begin and still cover part of it (a month's plan, a week's counts).
PERIOD_DATES = {
    "deals": ("created_at", "deal created", 0),
    "transactions": ("date", "sales line dated", 0),
    "plans": ("period_start", "plan for a span", 30),
    "activities": ("date", "action dated", 6),
}


def period_problems(
    config: ClientConfig, tables: dict[str, pd.DataFrame], reports: dict[str, TableReport]
) -> list[str]:
    """One sentence per configured table with no row in the audited period: the file, the period, the
    dates the file does hold and what to change."""
    start, end = config.period.start, config.period.end
    last = pd.Timestamp(end) + pd.Timedelta(days=1)
    problems = []
    for table, (column, what, slack) in PERIOD_DATES.items():
        first = pd.Timestamp(start) - pd.Timedelta(days=slack)
        frame = tables.get(table)
        if frame is None or column not in frame or table not in reports:
            continue
        dates = frame[column].dropna()
        if ((dates >= first) & (dates < last)).any():
            continue
        held = (
            f"its dates run from {dates.min():%d.%m.%Y} to {dates.max():%d.%m.%Y}"
            if len(dates)
            else "it has no usable row"
        )
        problems.append(
            f"{reports[table].file}: no {what} within the period {start:%d.%m.%Y}–{end:%d.%m.%Y} "
            f"({held}); set period in client.yaml to the dates of the data"
            + ("" if table == "deals" else f" or remove data.{table} from it")
        )
    return problems
