"""The portfolio of audited clients: one row per client from its metrics.json, and the previous one's.

Every figure is read from the metrics.json documents (the contract in ``schemas/metrics.schema.json``);
nothing is recomputed from data. A figure a document does not have stays ``None`` (unknown), never 0.

- revenue a month: ``summary.revenue_won.per_month``, the deals won within the period by close date
  (the CRM's sales of the period, rule ``won_in_period``), so that clients compare on one rule;
- money at stake: the sum of the findings' estimated monthly effects (``impact_per_month``), over the
  findings that have one; ``None`` when no finding has a money estimate;
- the change since the previous audit: this audit's figure less the previous one's, when both are known.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

TOP_FINDINGS = 3
REVENUE_RULE = "won_in_period"


@dataclass(frozen=True)
class MoneyFinding:
    """A finding with its estimated monthly effect."""

    code: str
    title: str
    severity: str
    impact_per_month: float


@dataclass(frozen=True)
class Change:
    """This audit's figures less the previous audit's (None where either is unknown)."""

    previous_as_of: str
    revenue_per_month: float | None
    win_rate: float | None
    at_stake: float | None


@dataclass(frozen=True)
class PortfolioRow:
    """One client of the portfolio. A failed audit has ``error`` and no figures."""

    slug: str
    name: str
    as_of: str | None = None
    period_start: str | None = None
    period_end: str | None = None
    currency: str = "RUB"
    revenue_per_month: float | None = None
    revenue_rule: str = REVENUE_RULE
    win_rate: float | None = None
    bottleneck_stage: str | None = None
    bottleneck_next: str | None = None
    bottleneck_impact: float | None = None
    top_findings: tuple[MoneyFinding, ...] = ()
    findings: int = 0
    at_stake: float | None = None
    change: Change | None = None
    report: str | None = None
    anonymized: bool = False
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _get(document: dict[str, Any] | None, *path: str) -> Any:
    node: Any = document
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def money_findings(document: dict[str, Any]) -> list[MoneyFinding]:
    """The findings that have a monthly money estimate, largest first."""
    found = [
        MoneyFinding(
            f.get("code", ""), f.get("title", ""), f.get("severity", ""), float(f["impact_per_month"])
        )
        for f in document.get("findings") or []
        if isinstance(f, dict) and f.get("impact_per_month") is not None
    ]
    return sorted(found, key=lambda f: -f.impact_per_month)


def at_stake(document: dict[str, Any]) -> float | None:
    """The sum of the findings' monthly effects; None when no finding has one."""
    found = money_findings(document)
    return sum(f.impact_per_month for f in found) if found else None


def _bottleneck(document: dict[str, Any]) -> tuple[str | None, str | None, float | None]:
    """The funnel step whose equal improvement gains the most: its stage, the next stage, the money."""
    bottlenecks = _get(document, "funnel", "bottlenecks") or []
    if not bottlenecks:
        return None, None, None
    first = bottlenecks[0]
    stages = _get(document, "funnel", "stages") or []
    index = first.get("index")
    following = stages[index + 1].get("stage") if isinstance(index, int) and index + 1 < len(stages) else None
    return first.get("stage"), following, first.get("impact_equal_effort")


def _difference(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


def portfolio_row(
    document: dict[str, Any], previous: dict[str, Any] | None = None, report: str | None = None
) -> PortfolioRow:
    """A client's row from its metrics.json document and, if there is one, the previous audit's."""
    stage, following, impact = _bottleneck(document)
    revenue = _get(document, "summary", "revenue_won", "per_month")
    win_rate = _get(document, "summary", "win_rate")
    stake = at_stake(document)
    change = None
    if previous is not None:
        change = Change(
            previous_as_of=_get(previous, "run", "as_of") or "",
            revenue_per_month=_difference(revenue, _get(previous, "summary", "revenue_won", "per_month")),
            win_rate=_difference(win_rate, _get(previous, "summary", "win_rate")),
            at_stake=_difference(stake, at_stake(previous)),
        )
    return PortfolioRow(
        slug=_get(document, "client", "slug") or "",
        name=_get(document, "client", "name") or "",
        as_of=_get(document, "run", "as_of"),
        period_start=_get(document, "client", "period", "start"),
        period_end=_get(document, "client", "period", "end"),
        currency=_get(document, "client", "currency") or "RUB",
        revenue_per_month=revenue,
        win_rate=win_rate,
        bottleneck_stage=stage,
        bottleneck_next=following,
        bottleneck_impact=impact,
        top_findings=tuple(money_findings(document)[:TOP_FINDINGS]),
        findings=len(document.get("findings") or []),
        at_stake=stake,
        change=change,
        report=report,
        anonymized=bool(_get(document, "run", "anonymized")),
    )


def failed_row(slug: str, error: str, report: str | None = None) -> PortfolioRow:
    """The row of a client whose audit failed: no figures, the reason, the failed notebook if any."""
    return PortfolioRow(slug=slug, name=slug, report=report, error=error)


def _by_money(row: PortfolioRow) -> tuple[bool, float, str]:
    return (row.at_stake is None, -(row.at_stake or 0.0), row.slug)


def _by_revenue(row: PortfolioRow) -> tuple[bool, float, str]:
    return (row.revenue_per_month is None, -(row.revenue_per_month or 0.0), row.slug)


def _by_name(row: PortfolioRow) -> tuple[str, str]:
    return (row.name.casefold(), row.slug)


ORDERS: dict[str, Callable[[PortfolioRow], Any]] = {
    "money": _by_money,
    "revenue": _by_revenue,
    "name": _by_name,
}


def sorted_rows(rows: Sequence[PortfolioRow], order: str = "money") -> list[PortfolioRow]:
    """The rows by money at stake (largest first), by revenue a month or by name; unknown figures last."""
    return sorted(rows, key=ORDERS[order])
