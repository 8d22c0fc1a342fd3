"""The report's live what-if as a Vega-Lite specification: sliders bound to the page's own fieldsets,
every figure of the scenario as a named signal, the funnel and the payout curves.

Every figure is an expression generated from the Python model
(:class:`workbench.analysis.whatif_model.WhatIfModel`); nothing here computes.
"""

from __future__ import annotations

import json
from typing import Any

import altair as alt

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


def _param(t: Messages, i: Input) -> alt.Parameter:
    return alt.param(
        name=i.name,
        value=i.value,
        bind=alt.binding_range(
            min=i.low, max=i.high, step=i.step, name=input_label(t, i), element=f"#wb-wi-{i.group}"
        ),
    )


def _funnel(t: Messages, model: WhatIfModel, reached: list[Value], today: list[Value]) -> alt.Chart:
    stages = model.stages
    values = [{"k": k, "stage": s, "today": float(today[k])} for k, s in enumerate(stages)]
    pick = "0"
    for k in reversed(range(len(stages))):
        pick = f"(datum.k === {k} ? {to_vega(reached[k])} : {pick})"
    base = alt.Chart(alt.Data(values=values, name="funnel")).transform_calculate(reached=pick)
    y = alt.Y("stage:N", sort=alt.SortField("k"), title=None, axis=alt.Axis(labelLimit=220))
    x = alt.X("reached:Q", title=t("live_whatif.funnel_axis"), axis=alt.Axis(tickCount=5))
    bars = base.mark_bar(color="#1f4e79", height=ROW - 5).encode(y=y, x=x)
    ticks = base.mark_tick(color="#d9822b", thickness=2, size=ROW - 2).encode(y=y, x="today:Q")
    labels = base.mark_text(align="left", dx=4, fontSize=11).encode(
        y=y, x=x, text=alt.Text("reached:Q", format=",.1f")
    )
    return (bars + ticks + labels).properties(
        width=WIDTH - 230, height=ROW * len(stages), title=t("live_whatif.funnel_title")
    )


def _curve(t: Messages, model: WhatIfModel) -> alt.Chart:
    """Each scheme's pay of one manager over attainment 0-150 % of the scenario's plan."""
    steps = Steps(as_fields=True)
    pays = model.curve({i.name: var(i.name) for i in model.inputs}, field("a") / 100, var("plan"), steps)
    chart = alt.Chart(alt.sequence(0, 150 + CURVE_STEP, CURVE_STEP, as_="a"))
    for name, e in steps.recorded:
        chart = chart.transform_calculate(**{name: to_vega(e)})
    names = {f"pay_{s.key}": scheme_label(t, s.name) for s in model.schemes}
    chart = chart.transform_calculate(**{f"pay_{k}": to_vega(e) for k, e in pays.items()})
    label = "''"
    for key, name in reversed(list(names.items())):
        label = f"(datum.key === {json.dumps(key)} ? {json.dumps(name)} : {label})"
    chart = chart.transform_fold(list(names), as_=["key", "pay"]).transform_calculate(scheme=label)
    colours = alt.Scale(domain=list(names.values()), range=SCHEME_COLOURS[: len(names)])
    lines = chart.mark_line().encode(
        x=alt.X("a:Q", title=t("live_whatif.curve_x"), scale=alt.Scale(domain=[0, 150], nice=False)),
        y=alt.Y("pay:Q", title=t("live_whatif.curve_y"), axis=alt.Axis(format=",.0f")),
        color=alt.Color("scheme:N", scale=colours, legend=alt.Legend(orient="top", title=None)),
    )
    now = (
        alt.Chart(alt.Data(values=[{}]))
        .transform_calculate(x="min(attainment * 100, 150)")
        .mark_rule(color="#999", strokeDash=[4, 3])
        .encode(x="x:Q")
    )
    return (lines + now).properties(width=WIDTH - 60, height=220, title=t("live_whatif.curve_title"))


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
    params += [alt.param(name=name, expr=to_vega(e)) for name, e in steps.recorded]
    spec = alt.vconcat(*charts, spacing=24).add_params(*params).resolve_legend(color="independent")
    spec = spec.to_dict()
    spec.pop("$schema", None)  # a URL the page never needs
    spec["config"] = {
        "locale": {"number": locale},
        "font": "DejaVu Sans, Arial, sans-serif",
        "view": {"stroke": None},
        "axis": {"labelFontSize": 11, "titleFontSize": 11},
    }
    return spec
