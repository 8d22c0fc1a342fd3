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

from workbench import __version__
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
            "managers": [
                {
                    "manager": m.manager,
                    "deals": m.deals,
                    "won": m.won,
                    "lost": m.lost,
                    "open": m.open,
                    "win_rate": m.win_rate,
                    "ci_low": m.ci_low,
                    "ci_high": m.ci_high,
                    "revenue": m.revenue,
                    "avg_check": m.avg_check,
                }
                for m in funnel.managers
            ],
            "manager_stages": [
                {
                    "manager": m.manager,
                    "stage": m.stage,
                    "left": m.left,
                    "advanced": m.advanced,
                    "conversion": m.conversion,
                    "ci_low": m.ci_low,
                    "ci_high": m.ci_high,
                    "shrunk_rate": m.shrunk_rate,
                    "flag": m.flag,
                }
                for m in funnel.manager_stages
            ],
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


def _abc(audit: AuditResult) -> dict[str, Any]:
    abc = audit.abc
    if abc is None:
        return {"customers": None, "concentration": None}
    return {
        "customers": {
            "mode": abc.mode,
            "metric": abc.metric,
            "thresholds": list(abc.thresholds),
            "classes": {
                k: {"count": v.count, "revenue": v.revenue, "share": v.share} for k, v in abc.classes.items()
            },
            "excluded": {"count": abc.excluded_count, "value": abc.excluded_value},
        },
        "concentration": vars(abc.concentration),
        "profitability": vars(abc.profitability),
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
