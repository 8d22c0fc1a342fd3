"""Activity findings: no activity data, managers whose weekly activity is irregular."""

from __future__ import annotations

from collections.abc import Iterator

from workbench.analysis.activity import department_cv
from workbench.analysis.result import AuditResult
from workbench.findings.model import Layer, Section, Severity, slug
from workbench.findings.registry import Hit, rule


@rule("activity-missing", "activity_missing", Layer.REGULAR_ACTIONS, Section.ACTIVITY, 30)
def missing(result: AuditResult) -> Iterator[Hit]:
    """No activity counts in the data."""
    if not result.activity.available:
        yield Hit(Severity.MEDIUM)


@rule("activity-irregular", "activity_irregular", Layer.REGULAR_ACTIONS, Section.ACTIVITY, 30)
def irregular(result: AuditResult) -> Iterator[Hit]:
    """Managers whose weekly activity varies far more than the department's."""
    activity = result.activity
    if not activity.available:
        return
    usual = department_cv(activity)
    for m in activity.managers:
        if not m.irregular:
            continue
        yield Hit(
            Severity.HIGH if m.zero_weeks >= 3 else Severity.MEDIUM,
            {
                "manager": m.manager,
                "cv": m.weekly_cv,
                "usual": usual,
                "zero_weeks": m.zero_weeks,
                "weeks": m.weeks,
                "mean": m.weekly_mean,
            },
            key=slug(m.manager),
        )
