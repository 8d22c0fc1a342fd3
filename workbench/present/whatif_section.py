"""The «Что если» section: the live what-if for the browser and its static twin for paper.

The live part is the Vega-Lite specification of :mod:`workbench.present.whatif_spec` with the page's
fieldsets for its sliders, the saved scenarios as presets and the readouts' formats, all as JSON data
blocks; the report's exporter adds the script that runs it. The static twin, shown in the PDF and
wherever scripts do not run, is the same specification drawn at today's values, a table of the model's
assumptions and each saved scenario's values and results.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from markupsafe import Markup

from workbench.analysis.whatif_model import MODEL_VERSION, Input, Preset, WhatIfModel
from workbench.analysis.whatif_model import today as today_preset
from workbench.present.i18n import Messages
from workbench.present.vega_remote import VEGA_LITE_VERSION, RemoteError, configured
from workbench.present.whatif_spec import VEGA_LOCALES, input_label, scheme_label, whatif_spec


def script_json(value: Any) -> str:
    """JSON safe inside an HTML ``<script type="application/json">`` block: nothing in the client's strings
    (a manager named ``</script>``) can end the block or open a comment."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_renderer_used: list[bool] = []  # set once this process has started vl-convert's runtime
_remote_failed: list[bool] = []  # set once the renderer process failed this process: draw here from then


def _draw(call: str, *args: Any, **kwargs: Any) -> Any:
    """``vl_convert.<call>(...)``: in the renderer process that :mod:`workbench.present.vega_remote` names
    when there is one (no runtime to start here), else, or when it fails, in this process."""
    remote = configured()
    if remote is not None and not _remote_failed:
        try:
            return remote.call(call, *args, **kwargs)
        except RemoteError:
            _remote_failed.append(True)
    return getattr(_renderer(), call)(*args, **kwargs)


def _renderer() -> Any:
    """vl-convert, noting that this process's runtime (threads of its own) is started by using it."""
    import vl_convert

    if not _renderer_used:
        _renderer_used.append(True)
    return vl_convert


def renderer_started() -> bool:
    """Whether this process has started the renderer: a forked copy of it must not draw then (the copy
    would inherit the runtime without its threads)."""
    return bool(_renderer_used)


@cache
def vega_number_locale(lang: str) -> dict[str, Any]:
    """d3's number-format locale of the client's language, as the renderer carries it."""
    return _draw("get_format_locale", VEGA_LOCALES.get(lang, "en-US"))


def warm_up() -> None:
    """Start the renderer (its first drawing takes a second or more): called in a background thread while
    the audit is computed, so that the section's drawing does not wait for it."""
    _draw("vegalite_to_svg", {"mark": "point"}, vl_version=VEGA_LITE_VERSION)


def vega_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """The Vega-Lite specification compiled to Vega, which the page runs without a compiler."""
    compiled = _draw("vegalite_to_vega", spec, vl_version=VEGA_LITE_VERSION)
    compiled.pop("$schema", None)  # a URL the page never needs
    return compiled


def static_svg(spec: dict[str, Any]) -> str:
    """The specification drawn at its sliders' starting values, as SVG."""
    return _draw("vegalite_to_svg", spec, vl_version=VEGA_LITE_VERSION)


def format_input(t: Messages, i: Input, value: float) -> str:
    """A slider's value as the report writes it."""
    f = t.fmt
    if i.unit == "money":
        return f.money(value)
    if i.unit == "pct":
        return f.pct(value / 100, 2 if i.step < 0.1 else 1)
    if i.unit == "times":
        return "×" + f.num(value, 2)
    return f.num(value, 1)


@dataclass(frozen=True)
class Output:
    """A figure of the scenario the page shows: its signal, label and how it is written."""

    key: str
    label: str
    unit: str  # "money", "count" or "share" (a share written in percent)
    digits: int
    needs_revenue: bool = False  # meaningless without revenue: written as a dash


def outputs(t: Messages, model: WhatIfModel) -> list[Output]:
    """The figures of the scenario, in the order the page and the tables show them."""
    out = [
        Output("revenue", t("live_whatif.out.revenue"), "money", 0),
        Output("won", t("live_whatif.out.won"), "count", 1),
    ]
    if model.has_plan:
        out.append(Output("attainment", t("live_whatif.out.attainment"), "share", 1))
    for s in model.schemes:
        name = scheme_label(t, s.name)
        out.append(Output(f"{s.key}_total", t("live_whatif.out.pay", scheme=name), "money", 0))
        out.append(Output(f"{s.key}_cost", t("live_whatif.out.cost", scheme=name), "share", 1, True))
    return out


def format_output(t: Messages, o: Output, values: dict[str, Decimal]) -> str:
    """A figure of the scenario as the report writes it."""
    f = t.fmt
    if o.needs_revenue and values["revenue"] <= 0:
        return "—"
    value = values[o.key]
    if o.unit == "money":
        return f.money(value)
    if o.unit == "share":
        return f.pct(value, o.digits)
    return f.num(value, o.digits)


def groups(t: Messages, model: WhatIfModel) -> list[tuple[str, str]]:
    """The fieldsets the sliders go into: (id, legend)."""
    out = [("funnel", t("live_whatif.group_funnel")), ("conversion", t("live_whatif.group_conversion"))]
    if model.has_plan:
        out.append(("plan", t("live_whatif.group_plan")))
    for s in model.schemes:
        out.append((s.key, t("live_whatif.group_scheme", name=scheme_label(t, s.name))))
    return out


def _table(t: Messages, model: WhatIfModel, presets: list[Preset]) -> dict[str, Any]:
    """Assumptions and results of today and each saved scenario."""
    legends = dict(groups(t, model))
    names = [p.name or t("live_whatif.preset_today") for p in presets]
    assumptions = []
    for i in model.inputs:
        values = [format_input(t, i, p.values[i.name]) for p in presets]
        assumptions.append({"group": legends[i.group], "label": input_label(t, i), "cells": values})
    rows = [
        {"label": o.label, "cells": [format_output(t, o, p.figures) for p in presets]}
        for o in outputs(t, model)
    ]
    return {"names": names, "assumptions": assumptions, "results": rows}


def _page(t: Messages, model: WhatIfModel, presets: list[Preset]) -> dict[str, Any]:
    """What the page script needs: how to write each slider's value and each figure, and the presets."""
    f = t.fmt
    formats = {
        i.name: {"unit": i.unit, "digits": 0 if i.unit == "money" else 2 if i.step < 0.1 else 1}
        for i in model.inputs
    }
    return {
        "locale": VEGA_LOCALES.get(t.locale, "en-US"),
        "money": _around(f.money(1234567), f.num(1234567)),
        "pct": _around(f.pct(0.123), f.num(12.3, 1)),
        "formats": formats,
        "outputs": [
            {"key": o.key, "unit": o.unit, "digits": o.digits, "needs_revenue": o.needs_revenue}
            for o in outputs(t, model)
        ],
        "presets": [{"name": p.name, "values": p.values} for p in presets],
        "version": MODEL_VERSION,
    }


def whatif_section(t: Messages, audit: Any, interactive: bool = True) -> dict[str, Any]:
    """Context of whatif.html.j2."""
    model: WhatIfModel | None = getattr(audit, "whatif", None)
    if model is None:
        return {"model": None}
    presets: list[Preset] = getattr(audit, "whatif_presets", None) or [today_preset(model)]
    today = presets[0].figures
    spec = whatif_spec(t, model, vega_number_locale(t.locale))
    svg = Markup(static_svg(spec))  # drawn by the renderer, which escapes the client's strings
    actual = model.actual_revenue
    intro_key = "live_whatif.intro" if actual is not None else "live_whatif.intro_no_actual"
    live = None
    if interactive:
        live = {"spec": script_json(vega_spec(spec)), "page": script_json(_page(t, model, presets))}
    return {
        "model": model,
        "model_version": MODEL_VERSION,
        "intro": t(intro_key, managers=model.managers, revenue=float(today["revenue"]), actual=actual),
        "groups": groups(t, model),
        "presets": [p.name or t("live_whatif.preset_today") for p in presets],
        "outputs": [(o, format_output(t, o, today)) for o in outputs(t, model)],
        "live": live,
        "svg": svg,
        "table": _table(t, model, presets),
    }


def _around(sample: str, number: str) -> list[str]:
    at = sample.index(number)
    return [sample[:at], sample[at + len(number) :]]
