"""metrics.json: the machine-readable contract of a run, built from the same result objects as the report.

The contract is ``schemas/metrics.schema.json``; :data:`SCHEMA_VERSION` follows semantic versioning
(a new minor version adds keys, nothing is renamed or removed).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from functools import cache
from typing import Any

import pandas as pd

from workbench import __version__
from workbench.analysis.abc import AbcResult
from workbench.analysis.customers import CustomerBase
from workbench.analysis.groups import GroupRow, GroupStage
from workbench.audit import AuditResult
from workbench.present.i18n import Messages
from workbench.present.sections import finding_texts
from workbench.resources import schema_path

SCHEMA_VERSION = "1.1.0"


def _clean(value: Any) -> Any:
    """JSON-safe: NaN and infinities become null, numpy scalars become Python numbers, dates ISO."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def build_metrics(
    audit: AuditResult, parameters: dict[str, Any], locale: str | None = None
) -> dict[str, Any]:
    """The metrics.json document of one audit."""
    config = audit.config
    locale = locale or config.locale
    t = Messages(locale, config.currency)
    funnel = audit.funnel
    document = {
        "schema_version": SCHEMA_VERSION,
        "client": {
            "name": config.name,
            "slug": config.slug,
            "locale": locale,
            "currency": config.currency,
            "period": {"start": config.period.start, "end": config.period.end},
        },
        "run": {
            "generated_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            "workbench_version": __version__,
            "parameters": parameters,
            "as_of": audit.as_of,
            "anonymized": audit.data.anonymized,
        },
        "data_quality": {
            table: {
                "file": r.file,
                "rows_read": r.rows_read,
                "rows_used": r.rows_used,
                "rows_quarantined": r.rows_quarantined,
                "reasons": r.reasons,
                "warnings": r.warnings,
                "rows_excluded": r.rows_excluded,
                "excluded": r.excluded,
                "examples": r.examples,
                "columns": r.columns,
                "preset": r.preset.as_dict() if r.preset else None,
                "encoding": r.encoding,
                "delimiter": r.delimiter,
                "sheet": r.sheet,
                "format": r.file_format,
            }
            for table, r in audit.data.reports.items()
        },
        "funnel": {
            "available": audit.data.has_deals,  # False: sales lines only, no deals export
            "rule": funnel.rule,
            "basis": funnel.basis,
            "stages": [
                {
                    "stage": s.stage,
                    "reached": s.reached,
                    "conversion": s.conversion,
                    "left": s.left,
                    "advanced": s.advanced,
                    "lost": s.lost,
                    "open": s.open,
                    "ci_low": s.ci_low,
                    "ci_high": s.ci_high,
                    "cumulative": s.cumulative,
                }
                for s in funnel.stages
            ],
            "won": funnel.won,
            "lost": funnel.lost,
            "open": funnel.open,
            "lost_stage_unknown": funnel.lost_stage_unknown,
            "deals_in_cohort": funnel.deals_in_cohort,
            "win_rate": funnel.win_rate,
            "avg_check": funnel.avg_check,
            "revenue": funnel.revenue,
            "cycle_days_median": funnel.cycle_days_median,
            "managers": [{"manager": m.name, **_group(m)} for m in funnel.managers],
            "sources": [{"source": s.name, **_group(s)} for s in funnel.sources],
            "managers_unassigned": _group(funnel.managers_unassigned) if funnel.managers_unassigned else None,
            "managers_compared": funnel.managers_compared,
            "sources_unassigned": _group(funnel.sources_unassigned) if funnel.sources_unassigned else None,
            "manager_stages": [{"manager": m.name, **_group_stage(m)} for m in funnel.manager_stages],
            "source_stages": [{"source": m.name, **_group_stage(m)} for m in funnel.source_stages],
            "tests": [
                {
                    "stage": x.stage,
                    "groups": x.managers,
                    "statistic": x.statistic,
                    "dof": x.dof,
                    "p_value": x.p_value,
                }
                for x in ([funnel.manager_win_test] if funnel.manager_win_test else []) + funnel.tests
            ],
            "time": _time(audit),
            "weekly": _weekly(audit),
            "velocity": _velocity(audit),
            "lost_reasons": _reasons(audit),
            "cohorts": [vars(c) for c in audit.cohorts],
            "bottlenecks": [
                {
                    "stage": i.stage,
                    "conversion": i.conversion,
                    "best_practice": i.best_practice,
                    "impact_equal_effort": i.impact_equal_effort,
                    "impact_best_practice": i.impact_best_practice,
                }
                for i in funnel.impacts
            ],
        },
        "abc": _abc(audit),
        "plan": _plan(audit),
        "activity": {
            "available": audit.activity.available,
            "managers": [vars(m) for m in audit.activity.managers],
        },
        "findings": [
            {
                "id": f.id,
                "code": f.code,
                "layer": f.layer,
                "severity": f.severity,
                "impact_per_month": f.impact_per_month,
                "section": f.section,
                **finding_texts(t, f),
            }
            for f in audit.findings
        ],
    }
    return _clean(document)


def _group(row: GroupRow) -> dict[str, Any]:
    return {
        "deals": row.deals,
        "won": row.won,
        "lost": row.lost,
        "open": row.open,
        "win_rate": row.win_rate,
        "ci_low": row.ci_low,
        "ci_high": row.ci_high,
        "shrunk_rate": row.shrunk_rate,
        "flag": row.flag,
        "share_of_deals": row.share_of_deals,
        "revenue": row.revenue,
        "avg_check": row.avg_check,
    }


def _group_stage(row: GroupStage) -> dict[str, Any]:
    return {
        "stage": row.stage,
        "left": row.left,
        "advanced": row.advanced,
        "conversion": row.conversion,
        "ci_low": row.ci_low,
        "ci_high": row.ci_high,
        "shrunk_rate": row.shrunk_rate,
        "limit_low": row.limit_low,
        "limit_high": row.limit_high,
        "flag": row.flag,
        "watch": row.watch,
        "impact_per_month": row.impact_per_month,
    }


def _time(audit: AuditResult) -> dict[str, Any]:
    time = audit.funnel_time
    return {
        "basis": time.basis,
        "reference": time.reference,
        "stages": [vars(s) for s in time.stages],
        "cycle_days": {
            "median": time.cycle_days_median,
            "p75": time.cycle_days_p75,
            "p90": time.cycle_days_p90,
        },
        "stalled": {
            "count": time.stalled_count,
            "amount": time.stalled_amount,
            "open": time.open_count,
            "open_amount": time.open_amount,
            "amount_unknown": time.stalled_no_amount,
            "open_amount_unknown": time.open_no_amount,
            "deals": [vars(d) for d in time.stalled],
        },
    }


def _weekly(audit: AuditResult) -> dict[str, Any]:
    weekly = audit.weekly
    rates = weekly.rates()
    return {
        "basis": weekly.basis,
        "compare_weeks": weekly.compare_weeks,
        "weeks": [
            {
                "week": week,
                "entered": {str(k): int(v) for k, v in weekly.entered.loc[week].items()},
                "won": int(weekly.won.loc[week]),
                "lost": int(weekly.lost.loc[week]),
                "conversion": {
                    str(k): (None if pd.isna(v) else float(v)) for k, v in rates.loc[week].items()
                },
            }
            for week in weekly.entered.index
        ],
        "steps": [vars(s) for s in weekly.steps],
    }


def _velocity(audit: AuditResult) -> dict[str, Any]:
    v = audit.velocity
    return {
        "opportunities": v.opportunities,
        "win_rate": v.win_rate,
        "avg_check": v.avg_check,
        "cycle_days": v.cycle_days,
        "per_day": v.per_day,
        "per_month": v.per_month,
        "levers": [vars(lever) for lever in v.levers],
    }


def _reasons(audit: AuditResult) -> dict[str, Any]:
    reasons = audit.reasons
    return {
        "available": reasons.available,
        "lost": reasons.lost,
        "with_reason": reasons.with_reason,
        "by_stage": {
            str(r): {str(k): int(v) for k, v in row.items()} for r, row in reasons.by_stage.iterrows()
        },
        "by_manager": {
            str(r): {str(k): int(v) for k, v in row.items()} for r, row in reasons.by_manager.iterrows()
        },
    }


def _abc(audit: AuditResult) -> dict[str, Any]:
    base = audit.customers
    if base is None:
        if audit.abc is None:
            return {"customers": None, "concentration": None}
        return {
            "customers": _abc_result(audit.abc),
            "concentration": vars(audit.abc.concentration),
            "profitability": vars(audit.abc.profitability),
        }
    abc = base.abc
    return {
        "customers": _abc_result(abc),
        "concentration": vars(abc.concentration),
        "profitability": vars(abc.profitability),
        "products": _abc_result(base.products) if base.products is not None else None,
        "xyz": _xyz(base),
        "matrix": {
            "customers": _matrix(abc),
            "products": _matrix(base.products) if base.products is not None else None,
        },
        "d_class": _d_class(base),
        "segments": _segments(base),
        "migration": _migration(base),
    }


def _abc_result(abc: AbcResult) -> dict[str, Any]:
    computed = abc.computed
    return {
        "mode": abc.mode,
        "metric": abc.metric,
        "thresholds": list(abc.thresholds),
        "classes": {
            k: {"count": v.count, "revenue": v.revenue, "share": v.share} for k, v in abc.classes.items()
        },
        "excluded": {"count": abc.excluded_count, "value": abc.excluded_value},
        "ranked": len(abc.items),
        "total": abc.total,
        "computed": None
        if computed is None
        else {
            "pareto": list(computed.pareto),
            "break_even": list(computed.break_even),
            "submarginal": list(computed.submarginal),
            "ab_exchanged": computed.ab_exchanged,
            "a_effort": computed.a_effort,
            "c_effort": computed.c_effort,
        },
        "fallback": abc.fallback,
        "lines_without_key": abc.lines_without_key,
    }


def _xyz(base: CustomerBase) -> dict[str, Any] | None:
    xyz = base.abc.xyz
    if xyz is None:
        return None
    products = base.products.xyz if base.products is not None else None
    return {
        "available": xyz.available,
        "limits": list(xyz.limits),
        "preset": xyz.preset,
        "months": [m.date() for m in xyz.months],
        "months_without_sales": xyz.months_without_sales,
        "customers": {**xyz.counts, "unclassified": xyz.unclassified},
        "products": {**products.counts, "unclassified": products.unclassified} if products else None,
    }


def _matrix(abc: AbcResult) -> dict[str, Any] | None:
    if abc.xyz is None or not abc.xyz.available:
        return None
    return {key: vars(cell) for key, cell in abc.xyz.matrix.items()}


def _d_class(base: CustomerBase) -> dict[str, Any]:
    d, time = base.d_class, base.time
    return {
        "count": d.count,
        "revenue": d.revenue,
        "margin": d.margin,
        "customers": d.total_customers,
        "rules": d.rules,
        "by_rule": d.by_rule,
        "by_abc": {k or "unranked": v for k, v in d.by_abc.items()},
        "ids": d.customers["id"].tolist(),
        "time": None
        if time is None
        else {
            "deals": time.deals,
            "deals_without_customer": time.deals_without_customer,
            "actions": time.actions,
            "hours_per_deal": time.hours_per_deal,
            "hours_per_action": time.hours_per_action,
            "hour_cost": time.hour_cost,
            "hour_cost_source": time.hour_cost_source,
            "hours_per_month": {c: time.hours_per_month(c) for c in time.deals},
            "cost_per_month": {c: time.cost_per_month(c) for c in time.deals},
        },
    }


def _segments(base: CustomerBase) -> dict[str, Any] | None:
    s = base.segments
    if s is None:
        return None
    return {
        "weights": s.weights,
        "dropped": s.dropped,
        "potential_filled": s.potential_filled,
        "classes": {
            k: {"count": v.count, "revenue": v.revenue, "share": v.share} for k, v in s.classes.items()
        },
        "moved_up": s.moved_up,
        "moved_down": s.moved_down,
        "movers": [
            {"id": r.id, "abc": r.abc, "score_class": r.cls, "score": r.score, "reason": r.reason}
            for r in s.movers.itertuples(index=False)
        ],
    }


def _migration(base: CustomerBase) -> dict[str, Any] | None:
    m = base.migration
    if m is None:
        return None
    return {
        "previous": {"start": m.previous.start, "end": m.previous.end},
        "current": {"start": m.current.start, "end": m.current.end},
        "split": m.split,
        "matrix": m.matrix,
        "up": m.up,
        "down": m.down,
        "lost_a": m.lost_a,
        "new_a": m.new_a,
        "falling_share": m.falling_share,
        "falling": [
            {
                "id": r.id,
                "previous_monthly": r.previous_monthly,
                "current_monthly": r.current_monthly,
                "change": r.change,
            }
            for r in m.falling.itertuples(index=False)
        ],
        "revenue_at_risk": m.revenue_at_risk,
    }


def _plan(audit: AuditResult) -> dict[str, Any]:
    plan = audit.plan
    return {
        "available": plan.available,
        "granularities": plan.granularities,
        "plan_total": plan.plan_total,
        "fact_total": plan.fact_total,
        "attainment": plan.attainment,
        "weekly_derived": plan.weekly_derived,
        "weeks_below": plan.weeks_below,
        "weeks_total": plan.weeks_total,
        "monthly": [vars(r) for r in plan.monthly],
        "managers": [vars(m) for m in plan.managers],
    }


@cache
def schema() -> dict[str, Any]:
    """The metrics.json JSON Schema."""
    return json.loads(schema_path().read_text(encoding="utf-8"))


def validate_metrics(document: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` when the document breaks the contract.

    The tests validate every document they produce; a run does not, because importing jsonschema (with
    its format checkers) costs seconds in every kernel.
    """
    import jsonschema

    jsonschema.validate(document, schema(), format_checker=jsonschema.FormatChecker())


def dumps(document: dict[str, Any]) -> str:
    """Stable, readable JSON (UTF-8 text, Cyrillic kept as is)."""
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False)
