"""What a finding is: its layer of the sales system, severity, report section, money and evidence.

A finding holds a message ``code`` and raw ``params``; the presentation layer turns them into the localised
title, evidence and recommendation. Findings are ranked by money a month (largest first), then by
severity: a finding without a money estimate is not less important, it just cannot be priced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any


class Severity(StrEnum):
    """How urgent a finding is; the order of the members is the order of importance."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


class Section(StrEnum):
    """The report section that shows a finding's evidence."""

    FUNNEL = "funnel"
    CUSTOMERS = "customers"
    PLAN = "plan"
    MOTIVATION = "motivation"
    ACTIVITY = "activity"
    DATA = "data"
    APPENDIX_DATA = "appendix-data"
    INTAKE = "intake"


class Layer(IntEnum):
    """The 11 layers of a sales system (the audit's method); data findings have no layer."""

    PLANNING = 1
    MOTIVATION = 2
    RESOURCES = 3
    MANAGEMENT_CYCLE = 4
    REGULAR_ACTIONS = 5
    QUALITY_OF_ACTIONS = 6
    COMPETITORS = 7
    REPUTATION = 8
    SEGMENTATION = 9
    TEAM_RELATIONS = 10
    FEARS = 11


SEVERITIES = tuple(s.value for s in Severity)
LAYERS = tuple(int(layer) for layer in Layer)
HORIZONS = (30, 60, 90)  # days of the action plan

# The money thresholds of severity, stated in the report's methodology.
CRITICAL_SHARE_OF_REVENUE = 0.10  # a gain of 10% of monthly revenue or more is critical
HIGH_SHARE_OF_REVENUE = 0.03


@dataclass(frozen=True)
class Finding:
    """One finding of the audit."""

    id: str
    code: str
    layer: int | None  # 1..11 (a :class:`Layer`); None for findings about the data itself
    severity: str  # a :class:`Severity`
    impact_per_month: float | None
    section: str  # a :class:`Section`
    horizon: int  # days: 30, 60 or 90, for the action plan
    params: dict[str, Any] = field(default_factory=dict)


def slug(text: str) -> str:
    """A short stable id fragment of a name (a manager, a source)."""
    return re.sub(r"[^0-9a-zа-яё]+", "-", str(text).casefold()).strip("-")[:40] or "x"


def money_severity(impact: float | None, monthly_revenue: float) -> Severity:
    """Severity of a priced finding: its money as a share of the company's monthly revenue."""
    if impact is None or monthly_revenue <= 0:
        return Severity.MEDIUM
    share = impact / monthly_revenue
    if share >= CRITICAL_SHARE_OF_REVENUE:
        return Severity.CRITICAL
    if share >= HIGH_SHARE_OF_REVENUE:
        return Severity.HIGH
    return Severity.MEDIUM


def rank(findings: list[Finding]) -> list[Finding]:
    """Money first (largest first), then findings without a price by severity."""
    return sorted(
        findings,
        key=lambda f: (
            f.impact_per_month is None,
            -(f.impact_per_month or 0.0),
            Severity(f.severity).rank,
            f.id,
        ),
    )
