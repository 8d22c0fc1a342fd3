"""The portfolio page: one self-contained HTML page over the clients' rows, pre-sorted three ways.

The page needs no script: each order (money at stake, revenue a month, name) is its own table, and
the links at the top show one of them with the CSS ``:target`` rule; the page opens on money at stake.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from workbench import __version__
from workbench.analysis.portfolio import ORDERS, PortfolioRow, sorted_rows
from workbench.present.fmt import Formatter
from workbench.present.html import render
from workbench.present.i18n import Messages

DEFAULT_ORDER = "money"


def _link(target: str | None, page_dir: Path | None) -> str | None:
    """A link from the page's folder to ``target`` (relative when both are on one file system)."""
    if not target:
        return None
    if page_dir is None:
        return Path(target).as_posix()
    try:
        return Path(os.path.relpath(target, page_dir)).as_posix()
    except ValueError:  # another drive on Windows
        return Path(target).resolve().as_uri()


def _bottleneck(t: Messages, row: PortfolioRow) -> str | None:
    if row.bottleneck_stage is None:
        return None
    if row.bottleneck_next is None:
        return t("portfolio.bottleneck_last", stage=row.bottleneck_stage)
    return t("portfolio.bottleneck_step", stage=row.bottleneck_stage, next=row.bottleneck_next)


def row_view(t: Messages, row: PortfolioRow, page_dir: Path | None = None) -> dict[str, Any]:
    """One client's cells as text."""
    f = Formatter(t.locale, row.currency)
    if not row.ok:
        return {"ok": False, "name": row.name, "error": row.error, "link": _link(row.report, page_dir)}
    period = [
        f.date(dt.date.fromisoformat(day), "short") if day else f.date(None)
        for day in (row.period_start, row.period_end)
    ]
    change = None
    if row.change is not None:
        change = {
            "when": f.date(dt.date.fromisoformat(row.change.previous_as_of), "short")
            if row.change.previous_as_of
            else f.date(None),
            "parts": [
                t("portfolio.change_at_stake", value=f.money(row.change.at_stake, signed=True)),
                t("portfolio.change_revenue", value=f.money(row.change.revenue_per_month, signed=True)),
                t("portfolio.change_win_rate", value=f.pp(row.change.win_rate)),
            ],
        }
    return {
        "ok": True,
        "name": row.name,
        "period": period,
        "revenue": f.money(row.revenue_per_month),
        "win_rate": f.pct(row.win_rate),
        "bottleneck": _bottleneck(t, row),
        "bottleneck_money": f.money(row.bottleneck_impact) if row.bottleneck_impact is not None else None,
        "top": [{"title": x.title, "money": f.money(x.impact_per_month)} for x in row.top_findings],
        "at_stake": f.money(row.at_stake),
        "change": change,
        "link": _link(row.report, page_dir),
    }


def portfolio_page(
    rows: Sequence[PortfolioRow],
    locale: str = "ru",
    as_of: dt.date | None = None,
    page_dir: Path | None = None,
    generated: dt.datetime | None = None,
) -> str:
    """The whole portfolio page as HTML; links to the reports are relative to ``page_dir``."""
    t = Messages(locale)
    views = [
        {
            "id": f"by-{order}",
            "label": t(f"portfolio.by_{order}"),
            "default": order == DEFAULT_ORDER,
            "rows": [row_view(t, row, page_dir) for row in _ordered(rows, order)],
        }
        for order in ORDERS
    ]
    # the default view comes last, so that a chosen one (":target") can hide it with a sibling rule
    views.sort(key=lambda view: view["default"])
    failed = sum(not row.ok for row in rows)
    when = generated or dt.datetime.now(dt.UTC)
    return render(
        "portfolio.html.j2",
        t,
        lang=locale,
        title=t("portfolio.title"),
        lead=t("portfolio.lead", clients=len(rows), when=as_of) if as_of else None,
        failed=t("portfolio.failed_lead", count=failed) if failed else None,
        anonymized=any(row.anonymized for row in rows),
        views=views,
        order_links=[{"id": f"by-{order}", "label": t(f"portfolio.by_{order}")} for order in ORDERS],
        generated=t("portfolio.generated", when=when.strftime("%Y-%m-%d %H:%M UTC"), version=__version__),
    ).html


def _ordered(rows: Sequence[PortfolioRow], order: str) -> list[PortfolioRow]:
    """Finished audits in ``order``, failed ones after them."""
    done = sorted_rows([r for r in rows if r.ok], order)
    return done + sorted_rows([r for r in rows if not r.ok], "name")
