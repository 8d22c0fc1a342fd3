"""Plan findings: no plan, monthly plans only, no personal plans, no stage targets, plan not met."""

from __future__ import annotations

from collections.abc import Iterator

from workbench.analysis.result import AuditResult
from workbench.findings.model import Layer, Section, Severity
from workbench.findings.registry import Hit, rule

PLAN_ATTAINMENT_LOW = 0.90


@rule("plan-missing", "plan_missing", Layer.PLANNING, Section.PLAN, 30)
def missing(result: AuditResult) -> Iterator[Hit]:
    """No sales plan in the data."""
    if not result.plan.available:
        yield Hit(Severity.CRITICAL)


@rule("plan-monthly-only", "plan_monthly_only", Layer.MANAGEMENT_CYCLE, Section.PLAN, 30)
def monthly_only(result: AuditResult) -> Iterator[Hit]:
    """Plans only per month: no weekly control."""
    plan = result.plan
    if plan.available and plan.granularities == ["month"]:
        seen = getattr(result, "forecast", None)
        yield Hit(
            Severity.HIGH,
            {
                "weeks_below": plan.weeks_below,
                "weeks": plan.weeks_total,
                "warning": plan.attainment_warning,
                "missed": len(seen.missed) if seen else 0,
                "visible_early": seen.visible_early if seen else 0,
                "median_weeks_gone": seen.median_weeks_gone if seen else None,
            },
        )


@rule("plan-no-personal", "plan_no_personal", Layer.PLANNING, Section.PLAN, 30)
def no_personal(result: AuditResult) -> Iterator[Hit]:
    """No personal plan per manager."""
    if result.plan.available and not result.plan.has_manager_plans:
        yield Hit(Severity.HIGH)


@rule("plan-no-stage-targets", "plan_no_stage_targets", Layer.PLANNING, Section.PLAN, 60)
def no_stage_targets(result: AuditResult) -> Iterator[Hit]:
    """The plan is not broken down into targets per funnel stage."""
    if result.plan.available:
        yield Hit(Severity.MEDIUM)


@rule("plan-attainment", "plan_attainment_low", Layer.PLANNING, Section.PLAN, 30)
def attainment_low(result: AuditResult) -> Iterator[Hit]:
    """The department's plan met by less than 90%."""
    plan = result.plan
    attainment = plan.attainment if plan.available else None
    if attainment is None or attainment >= PLAN_ATTAINMENT_LOW:
        return
    months = result.funnel.months
    yield Hit(
        Severity.HIGH,
        {
            "attainment": attainment,
            "gap": (plan.plan_total - plan.fact_total) / months if months else None,
            "plan": plan.plan_total,
            "fact": plan.fact_total,
        },
    )


@rule("plan-managers-below", "plan_managers_below", Layer.MOTIVATION, Section.PLAN, 60)
def managers_below(result: AuditResult) -> Iterator[Hit]:
    """Managers below their personal plan (the threshold is the plan analysis's)."""
    plan = result.plan
    weak = [m for m in plan.managers if m.below] if plan.available else []
    if weak:
        yield Hit(
            Severity.MEDIUM,
            {
                "managers": ", ".join(f"{m.manager}" for m in weak),
                "count": len(weak),
                "threshold": plan.manager_warning,
            },
        )
