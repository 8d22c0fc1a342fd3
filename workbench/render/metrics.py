"""metrics.json: the machine-readable contract of a run, built from the same result objects as the report.

The contract is ``schemas/metrics.schema.json``; :data:`SCHEMA_VERSION` follows semantic versioning
(a new minor version adds keys, nothing is renamed or removed).

The result objects are encoded by :func:`workbench.serialize.encode`, which takes every dataclass field
(see that module for renaming, nesting, converting or omitting one, and how to add a field). This module
only lays the encoded results out: the client and the run, and where each analysis goes. A field of
:class:`Audit` or :class:`CustomerBase` that the layout does not place is added under its own name,
at the top level or in ``abc`` respectively; :data:`MOVED` lists the keys of encoded results that the
layout puts under another name.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from functools import cache
from typing import Any

from workbench import __version__
from workbench.analysis.customers.abc import AbcResult
from workbench.analysis.whatif_model import MODEL_VERSION
from workbench.analysis.whatif_model import today as whatif_today
from workbench.audit import Audit
from workbench.findings.model import HORIZONS
from workbench.present.finding_text import finding_texts
from workbench.present.i18n import Messages
from workbench.resources import schema_path
from workbench.serialize import encode

SCHEMA_VERSION = "1.4.0"

# Audit fields placed by build_metrics; any other field goes to the top level under its name.
AUDIT_PLACED = frozenset(
    {"data", "funnel", "funnel_time", "weekly", "velocity", "reasons", "cohorts", "abc", "customers"}
    | {"plan", "activity", "findings", "as_of", "decomposition", "capacity", "forecast", "intake"}
    | {"current_month"}
    | {"dips", "time_by_group", "activity_quality", "whatif", "whatif_presets"}
)
# CustomerBase fields placed by _abc (names, the customers file's names, on purpose nowhere); any other
# field goes into ``abc`` under its name.
CUSTOMERS_PLACED = frozenset({"abc", "products", "d_class", "time", "segments", "migration", "names"})
# Parts of an encoded AbcResult shown beside it in ``abc`` (concentration, profitability) or split
# into ``abc.xyz`` and ``abc.matrix``.
_ABC_BESIDE = ("concentration", "profitability", "xyz")
# Keys of encoded results that the layout moves under another name: "Class.field" -> the new key paths.
MOVED = {
    "XyzResult.counts": ("abc.xyz.customers", "abc.xyz.products"),
    "XyzResult.unclassified": ("abc.xyz.customers.unclassified", "abc.xyz.products.unclassified"),
    "Decomposition.month": ("plan.target.month",),
    "Decomposition.target": ("plan.target.revenue",),
    "Decomposition.target_source": ("plan.target.source",),
}


def build_metrics(audit: Audit, parameters: dict[str, Any], locale: str | None = None) -> dict[str, Any]:
    """The metrics.json document of one audit."""
    config = audit.config
    locale = locale or config.locale
    t = Messages(locale, config.currency)
    document = {
        "schema_version": SCHEMA_VERSION,
        "client": {
            "name": config.name,
            "slug": config.slug,
            "locale": locale,
            "currency": config.currency,
            "period": config.period,
        },
        "run": {
            "generated_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            "workbench_version": __version__,
            "parameters": parameters,
            "as_of": audit.as_of,
            "anonymized": audit.data.anonymized,
        },
        "data_quality": audit.data.reports,
        "funnel": {
            "available": audit.data.has_deals,  # False: sales lines only, no deals export
            **encode(audit.funnel, "funnel"),
            "time": audit.funnel_time,
            "weekly": audit.weekly,
            "velocity": audit.velocity,
            "lost_reasons": audit.reasons,
            "cohorts": audit.cohorts,
            "dips": audit.dips,
            "time_by_group": audit.time_by_group,
        },
        "abc": _abc(audit),
        "plan": _plan(audit),
        "activity": {**encode(audit.activity, "activity"), "quality": audit.activity_quality},
        "findings": [{**encode(f, "finding"), **finding_texts(t, f)} for f in audit.findings],
        "action_plan": action_plan(audit, t),
        "intake": _intake(audit, t),
        "whatif": _whatif(audit, parameters),
    }
    rest = {f.name: getattr(audit, f.name) for f in dataclasses.fields(audit) if f.name not in AUDIT_PLACED}
    return encode(document | rest, "metrics")


def _plan(audit: Audit) -> dict[str, Any]:
    """The plan analysis with the month's target, its decomposition through the funnel and the regular
    actions it needs beside it; ``forecast`` holds how early the run-rate showed each missed month and,
    under ``current_month``, the run-rate forecast of the month of the as-of date."""
    decomposition = encode(audit.decomposition, "decomposition")
    target = None
    if decomposition is not None:
        target = {k: decomposition.pop(k) for k in ("month", "target", "target_source")}
        target["revenue"] = target.pop("target")
        target["source"] = target.pop("target_source")
    return {
        **encode(audit.plan, "plan"),
        "target": target,
        "decomposition": decomposition,
        "capacity": encode(audit.capacity, "capacity"),
        "forecast": _forecast(audit),
    }


def _whatif(audit: Audit, parameters: dict[str, Any]) -> dict[str, Any]:
    """The report's what-if: whether the section is there and live, the model's version, its sliders at
    today's values with their ranges, today's figures, and the saved scenarios offered as presets."""
    model = audit.whatif
    if model is None:
        return {"present": False, "interactive": False, "model_version": None}
    today = audit.whatif_presets[0].figures if audit.whatif_presets else whatif_today(model).figures
    return {
        "present": True,
        "interactive": bool(parameters.get("interactive", True)),
        "model_version": MODEL_VERSION,
        "managers": model.managers,
        "schemes": [s.name for s in model.schemes],
        "inputs": [
            {"name": i.name, "group": i.group, "unit": i.unit, "value": i.value, "min": i.low, "max": i.high}
            for i in model.inputs
        ],
        "today": {k: float(v) for k, v in today.items()},
        "presets": [p.name for p in audit.whatif_presets if p.name],
    }


def _forecast(audit: Audit) -> dict[str, Any] | None:
    forecast = encode(audit.forecast, "forecast")
    current = encode(audit.current_month, "current_month")
    if forecast is None and current is None:
        return None
    return {**(forecast or {}), "current_month": current}


def action_plan(audit: Audit, t: Messages) -> list[dict[str, Any]]:
    """The 30 / 60 / 90-day plan: per horizon, its actions in the findings' rank order (money a month
    first, then severity), each with the responsible role and the KPI that shows progress."""
    ranked = list(enumerate(audit.findings, start=1))
    return [
        {
            "horizon": horizon,
            "actions": [
                {
                    "rank": rank,
                    "id": f.id,
                    "layer": f.layer,
                    "severity": f.severity,
                    "impact_per_month": f.impact_per_month,
                    **{k: v for k, v in finding_texts(t, f).items() if k != "evidence"},
                }
                for rank, f in ranked
                if f.horizon == horizon
            ],
        }
        for horizon in HORIZONS
    ]


def _intake(audit: Audit, t: Messages) -> dict[str, Any] | None:
    """The scorecard, its layers named in the document's language."""
    if audit.intake is None:
        return None
    card = encode(audit.intake, "intake")
    for row in card["layers"]:
        row["name"] = t(f"layers.{row['layer']}")
    return card


def _abc(audit: Audit) -> dict[str, Any]:
    base = audit.customers
    if base is None:
        if audit.abc is None:
            return {"customers": None, "concentration": None}
        customers = encode(audit.abc, "abc")
        return {
            "customers": _ranking(customers),
            "concentration": customers["concentration"],
            "profitability": customers["profitability"],
        }
    customers = encode(base.abc, "abc")
    products = encode(base.products, "products") if base.products is not None else None
    rest = {f.name: getattr(base, f.name) for f in dataclasses.fields(base) if f.name not in CUSTOMERS_PLACED}
    return encode(
        {
            "customers": _ranking(customers),
            "concentration": customers["concentration"],
            "profitability": customers["profitability"],
            "products": _ranking(products) if products is not None else None,
            "xyz": _xyz(customers, products),
            "matrix": {"customers": _matrix(base.abc), "products": _matrix(base.products)},
            "d_class": {**encode(base.d_class, "d_class"), "time": base.time},
            "segments": base.segments,
            "migration": base.migration,
        }
        | rest,
        "abc",
    )


def _ranking(encoded: dict[str, Any]) -> dict[str, Any]:
    """An encoded ABC result without the parts that ``abc`` shows beside it."""
    return {k: v for k, v in encoded.items() if k not in _ABC_BESIDE}


def _xyz(customers: dict[str, Any], products: dict[str, Any] | None) -> dict[str, Any] | None:
    """The customers' XYZ result, its class counts under ``customers`` beside the products' ones."""
    xyz = customers["xyz"]
    if xyz is None:
        return None
    product_xyz = products["xyz"] if products is not None else None
    return {
        **{k: v for k, v in xyz.items() if k not in ("counts", "matrix")},
        "customers": xyz["counts"],
        "products": product_xyz["counts"] if product_xyz else None,
    }


def _matrix(abc: AbcResult | None) -> Any:
    """The ABC x XYZ cells, or None without an XYZ analysis."""
    if abc is None or abc.xyz is None or not abc.xyz.available:
        return None
    return encode(abc.xyz.matrix, "matrix")


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
