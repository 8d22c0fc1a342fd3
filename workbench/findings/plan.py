"""Plan findings: no plan, monthly plans only, no personal plans, no stage targets, plan not met, the
current month forecast well below its plan."""

from __future__ import annotations

from collections.abc import Iterator

from workbench.analysis.current_month import MonthForecast, ScopeForecast
from workbench.analysis.result import AuditResult
from workbench.findings.model import Layer, Section, Severity, money_severity
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


def _current_month(result: AuditResult) -> MonthForecast | None:
    """The current month's forecast when there is one and it is no longer early."""
    current = getattr(result, "current_month", None)
    return current if current is not None and current.available and not current.early else None


def _forecast_params(current: MonthForecast, scope: ScopeForecast) -> dict[str, object]:
    return {
        "month": current.month,
        "plan": scope.plan,
        "fact": scope.fact,
        "forecast": scope.forecast,
        "attainment": scope.attainment,
        "high": scope.high,
        "level": current.level,
        "days_gone": current.days_gone,
        "days_left": current.days_left,
        "needed_per_day": scope.needed_per_day,
        "per_day": scope.per_day,
        "shortfall": scope.shortfall,
        "likely": scope.likely_shortfall,
    }


@rule("plan-forecast-short", "plan_forecast_short", Layer.MANAGEMENT_CYCLE, Section.PLAN, 30)
def forecast_short(result: AuditResult) -> Iterator[Hit]:
    """The department's run-rate forecast of the current month is well below its plan (money: what is
    missing at least, with a probability of 90 %: the plan less the interval's upper end)."""
    current = _current_month(result)
    department = current.department if current is not None else None
    if department is None or not department.short:
        return
    yield Hit(
        money_severity(department.likely_shortfall, result.summary.monthly_revenue),
        _forecast_params(current, department),
        department.likely_shortfall,
    )


@rule("plan-forecast-managers", "plan_forecast_managers", Layer.MANAGEMENT_CYCLE, Section.PLAN, 30)
def forecast_managers(result: AuditResult) -> Iterator[Hit]:
    """Managers whose run-rate forecast of the current month is well below their personal plan while the
    department's is not (money: the sum of what each of them misses at least, with a probability of 90 %)."""
    current = _current_month(result)
    if current is None or (current.department is not None and current.department.short):
        return
    short = current.short_managers
    if not short:
        return
    worst = max(short, key=lambda m: (m.shortfall or 0.0, m.likely_shortfall or 0.0))
    impact = sum(m.likely_shortfall or 0.0 for m in short)
    yield Hit(
        money_severity(impact, result.summary.monthly_revenue),
        {
            **_forecast_params(current, worst),
            "managers": ", ".join(str(m.manager) for m in short),
            "count": len(short),
            "manager": worst.manager,
            "total": impact,
        },
        impact,
    )
