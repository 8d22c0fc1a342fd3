"""The report's live what-if as a Vega-Lite specification, built as plain data: sliders bound to the
page's own fieldsets, every figure of the scenario as a named signal, the funnel and the payout curves.

Every figure is an expression generated from the Python model
(:class:`workbench.analysis.whatif_model.WhatIfModel`); nothing here computes.
"""

from __future__ import annotations

import json
from typing import Any

from workbench.analysis.expr import Steps, Value, field, to_vega, var
from workbench.analysis.funnel.whatif import funnel_reached
from workbench.analysis.whatif_model import Input, WhatIfModel
from workbench.present.i18n import Messages

WIDTH = 620
ROW = 19
CURVE_STEP = 1  # percent of plan between the points of a payout curve
VEGA_LOCALES = {"ru": "ru-RU", "en": "en-US"}
SCHEME_COLOURS = ["#1f4e79", "#d9822b", "#3a8a4f", "#8e44ad", "#7f8c8d"]


def input_label(t: Messages, i: Input) -> str:
    """A slider's label in the client's language."""
    return t(f"live_whatif.input.{i.label}", **i.params)


def scheme_label(t: Messages, name: str | None) -> str:
    return t("live_whatif.current_scheme") if name is None else name


def _param(t: Messages, i: Input) -> dict[str, Any]:
    bind = {"input": "range", "min": i.low, "max": i.high, "step": i.step, "name": input_label(t, i)}
    return {"name": i.name, "value": i.value, "bind": bind | {"element": f"#wb-wi-{i.group}"}}


def _quantity(name: str, **extra: Any) -> dict[str, Any]:
    return {"field": name, "type": "quantitative", **extra}


def _funnel(t: Messages, model: WhatIfModel, reached: list[Value], today: list[Value]) -> dict[str, Any]:
    """Deals a month reaching each stage in the scenario (bars) and today (marks)."""
    stages = model.stages
    pick = "0"
    for k in reversed(range(len(stages))):
        pick = f"(datum.k === {k} ? {to_vega(reached[k])} : {pick})"
    x = _quantity("reached", title=t("live_whatif.funnel_axis"), axis={"tickCount": 5})
    return {
        "title": t("live_whatif.funnel_title"),
        "width": WIDTH - 230,
        "height": ROW * len(stages),
        "data": {"values": [{"k": k, "stage": s, "today": float(today[k])} for k, s in enumerate(stages)]},
        "transform": [{"calculate": pick, "as": "reached"}],
        "encoding": {
            "y": {"field": "stage", "type": "nominal", "sort": {"field": "k"}, "title": None},
        },
        "layer": [
            {"mark": {"type": "bar", "color": "#1f4e79", "height": ROW - 5}, "encoding": {"x": x}},
            {
                "mark": {"type": "tick", "color": "#d9822b", "thickness": 2, "size": ROW - 2},
                "encoding": {"x": _quantity("today")},
            },
            {
                "mark": {"type": "text", "align": "left", "dx": 4, "fontSize": 11},
                "encoding": {"x": _quantity("reached"), "text": _quantity("reached", format=",.1f")},
            },
        ],
    }


def _curve(t: Messages, model: WhatIfModel) -> dict[str, Any]:
    """Each scheme's pay of one manager over attainment 0-150 % of the scenario's plan."""
    steps = Steps(as_fields=True)
    pays = model.curve({i.name: var(i.name) for i in model.inputs}, field("a") / 100, var("plan"), steps)
    names = {f"pay_{s.key}": scheme_label(t, s.name) for s in model.schemes}
    label = "''"
    for key, name in reversed(list(names.items())):
        label = f"(datum.key === {json.dumps(key)} ? {json.dumps(name)} : {label})"
    transform = [{"calculate": to_vega(e), "as": name} for name, e in steps.recorded]
    transform += [{"calculate": to_vega(e), "as": f"pay_{k}"} for k, e in pays.items()]
    transform += [{"fold": list(names), "as": ["key", "pay"]}, {"calculate": label, "as": "scheme"}]
    colours = {"domain": list(names.values()), "range": SCHEME_COLOURS[: len(names)]}
    lines = {
        "data": {"sequence": {"start": 0, "stop": 150 + CURVE_STEP, "step": CURVE_STEP, "as": "a"}},
        "transform": transform,
        "mark": "line",
        "encoding": {
            "x": _quantity("a", title=t("live_whatif.curve_x"), scale={"domain": [0, 150], "nice": False}),
            "y": _quantity("pay", title=t("live_whatif.curve_y"), axis={"format": ",.0f"}),
            "color": {
                "field": "scheme",
                "type": "nominal",
                "scale": colours,
                "legend": {"orient": "top", "title": None},
            },
        },
    }
    now = {
        "data": {"values": [{}]},
        "transform": [{"calculate": "min(attainment * 100, 150)", "as": "x"}],
        "mark": {"type": "rule", "color": "#999", "strokeDash": [4, 3]},
        "encoding": {"x": _quantity("x")},
    }
    return {"title": t("live_whatif.curve_title"), "width": WIDTH - 60, "height": 220, "layer": [lines, now]}


def whatif_spec(t: Messages, model: WhatIfModel, locale: dict[str, Any]) -> dict[str, Any]:
    """The page's Vega-Lite specification (the funnel and the payout curves, and every figure of the
    scenario as a named signal); ``locale`` is the Vega number-format locale of the client's language."""
    steps = Steps()
    model.symbolic(steps)
    x = model.scaled({i.name: var(i.name) for i in model.inputs})
    base = model.scaled(model.baseline())
    flow = [(x, "lead_flow"), (base, "lead_flow")]
    reached, today_reached = (
        funnel_reached(v[k], tuple(v[f"conv_{n}"] for n in range(len(model.stages) - 1))) for v, k in flow
    )
    charts = [_funnel(t, model, reached, today_reached)]
    if model.schemes:
        charts.append(_curve(t, model))
    params = [_param(t, i) for i in model.inputs]
    params += [{"name": name, "expr": to_vega(e)} for name, e in steps.recorded]
    return {
        "params": params,
        "vconcat": charts,
        "spacing": 24,
        "resolve": {"legend": {"color": "independent"}},
        "config": {
            "locale": {"number": locale},
            "font": "DejaVu Sans, Arial, sans-serif",
            "view": {"stroke": None},
            "axis": {"labelFontSize": 11, "titleFontSize": 11, "labelLimit": 220},
        },
    }
