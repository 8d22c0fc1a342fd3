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


def _quality(result: AuditResult, verdict: str) -> Iterator[Hit]:
    quality = result.activity_quality
    if quality is None:
        return
    for r in quality.rows:
        if r.verdict != verdict:
            continue
        yield Hit(
            Severity.HIGH if verdict == "busy_poor" else Severity.MEDIUM,
            {
                "manager": r.manager,
                "type": r.type,
                "stage": r.stage,
                "next_stage": result.funnel.stages[r.index + 1].stage,
                "actions": r.actions,
                "others": r.others_median,
                "ratio": r.volume_ratio,
                "rate": r.conversion,
                "rest_rate": r.rest_rate,
            },
            key=f"{slug(r.manager)}-{slug(r.type)}",
        )


@rule("activity-busy-poor", "activity_busy_poor", Layer.QUALITY_OF_ACTIONS, Section.ACTIVITY, 30)
def busy_poor(result: AuditResult) -> Iterator[Hit]:
    """Much activity, poor conversion: many more actions than the others, clearly worse at the step."""
    yield from _quality(result, "busy_poor")


@rule("activity-good-idle", "activity_good_idle", Layer.QUALITY_OF_ACTIONS, Section.ACTIVITY, 60)
def good_idle(result: AuditResult) -> Iterator[Hit]:
    """Good conversion, little activity: clearly better at the step with far fewer actions."""
    yield from _quality(result, "good_idle")
