"""Data findings: lost deals at an unknown stage, no stage history, files with many unusable rows."""

from __future__ import annotations

from collections.abc import Iterator

from workbench.analysis.result import AuditResult
from workbench.findings.model import Section, Severity
from workbench.findings.registry import Hit, rule

QUARANTINE_SHARE_WARNING = 0.02


@rule("data-lost-stage-unknown", "data_lost_stage_unknown", None, Section.DATA, 30)
def lost_stage_unknown(result: AuditResult) -> Iterator[Hit]:
    """Lost deals whose last working stage is unknown (left out of the step conversions)."""
    funnel = result.funnel
    if funnel.lost_stage_unknown:
        yield Hit(Severity.HIGH, {"count": funnel.lost_stage_unknown, "lost": funnel.lost})


@rule("data-no-history", "data_no_history", None, Section.DATA, 60)
def no_history(result: AuditResult) -> Iterator[Hit]:
    """No stage history: the funnel is a snapshot of current stages."""
    if result.funnel.basis == "snapshot":
        yield Hit(Severity.LOW)


@rule("data-quarantine", "data_quarantine", None, Section.APPENDIX_DATA, 30)
def quarantine(result: AuditResult) -> Iterator[Hit]:
    """Files with 2% of their rows or more unusable."""
    for table, report in result.data.reports.items():
        if report.rows_read and report.rows_rejected / report.rows_read >= QUARANTINE_SHARE_WARNING:
            yield Hit(
                Severity.MEDIUM,
                {
                    "file": report.file,
                    "count": report.rows_rejected,
                    "read": report.rows_read,
                    "share": report.rows_rejected / report.rows_read,
                },
                key=table,
            )
