"""portfolio.html and portfolio.csv in a batch's output folder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.analysis.portfolio import TOP_FINDINGS, PortfolioRow, sorted_rows
from workbench.io.atomic import write_csv, write_text
from workbench.present.portfolio import portfolio_page

PORTFOLIO_HTML = "portfolio.html"
PORTFOLIO_CSV = "portfolio.csv"


def csv_record(row: PortfolioRow) -> dict[str, Any]:
    """One client's row of portfolio.csv: raw numbers (monthly money in the client's currency)."""
    record: dict[str, Any] = {
        "client": row.name,
        "slug": row.slug,
        "status": "ok" if row.ok else "failed",
        "as_of": row.as_of,
        "period_start": row.period_start,
        "period_end": row.period_end,
        "currency": row.currency if row.ok else None,
        "revenue_won_per_month": row.revenue_per_month,
        "win_rate": row.win_rate,
        "bottleneck_stage": row.bottleneck_stage,
        "bottleneck_next_stage": row.bottleneck_next,
        "bottleneck_per_month": row.bottleneck_impact,
    }
    for n in range(TOP_FINDINGS):
        finding = row.top_findings[n] if n < len(row.top_findings) else None
        record[f"finding_{n + 1}"] = finding.title if finding else None
        record[f"finding_{n + 1}_per_month"] = finding.impact_per_month if finding else None
    change = row.change
    record |= {
        "at_stake_per_month": row.at_stake,
        "previous_as_of": change.previous_as_of if change else None,
        "change_revenue_won_per_month": change.revenue_per_month if change else None,
        "change_win_rate": change.win_rate if change else None,
        "change_at_stake_per_month": change.at_stake if change else None,
        "report": row.report,
        "error": row.error,
    }
    return record


def write_portfolio(
    folder: Path, rows: Sequence[PortfolioRow], locale: str = "ru", as_of: dt.date | None = None
) -> dict[str, Path]:
    """Write portfolio.html (self-contained) and portfolio.csv (by money at stake) into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    html = portfolio_page(rows, locale, as_of, page_dir=folder)
    ordered = sorted_rows([r for r in rows if r.ok]) + sorted_rows([r for r in rows if not r.ok], "name")
    frame = pd.DataFrame([csv_record(row) for row in ordered])
    return {
        PORTFOLIO_HTML: write_text(folder / PORTFOLIO_HTML, html),
        PORTFOLIO_CSV: write_csv(folder / PORTFOLIO_CSV, frame),
    }
