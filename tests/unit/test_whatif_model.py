"""The report's what-if model: its inputs from the audit, its Python figures, the page's expressions of the
same model, saved scenarios as presets, and the section built on it."""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
import re

import pytest

from workbench.analysis.expr import Steps, evaluate
from workbench.analysis.scenario import PlanScenario
from workbench.analysis.scenario import evaluate as evaluate_scenario
from workbench.analysis.whatif_model import CURRENT, build_model, presets
from workbench.io.scenarios import make_scenario
from workbench.present.i18n import Messages
from workbench.present.whatif_section import script_json, whatif_section


def page_values(model, values):
    """The figures as the page computes them: every step of the generated expressions in floats."""
    steps = Steps()
    outputs = model.symbolic(steps)
    inputs = {k: float(v) for k, v in values.items()}
    computed: dict[str, float] = {}
    for name, e in steps.recorded:
        computed[name] = evaluate(e, inputs, computed)
    return {k: evaluate(e, inputs, computed) for k, e in outputs.items()}


def test_the_demo_model_starts_at_todays_funnel_and_schemes(demo_audit):
    model = demo_audit.whatif
    today = model.evaluate(model.baseline())
    # today's funnel delivers what the plan decomposition says it delivers
    assert float(today["revenue"]) == pytest.approx(demo_audit.decomposition.delivered, abs=0.01)
    assert [s.key for s in model.schemes] == [CURRENT, "p1", "p2"]
    assert model.managers == len(demo_audit.motivation.current.managers)
    # the current scheme's pay equals the plan what-if's (one formula, two callers)
    scheme = demo_audit.config.motivation
    base = model.baseline()
    conversions = tuple(base[f"conv_{k}"] / 100 for k in range(len(model.stages) - 1))
    scenario = PlanScenario(
        base["lead_flow"], conversions, base["avg_check"], base["target"], scheme.base_salary,
        tuple(t.rate for t in scheme.tiers), scheme.plan_bonus,
    )  # fmt: skip
    assert evaluate_scenario(scenario, scheme, model.managers).pay.total == today["now_total"]
    names = {i.name for i in model.inputs}
    assert {"now_base_salary", "now_tier1_from", "p1_acc0_multiplier", "p2_cap", "margin_rate"} <= names


def test_the_page_expressions_give_the_python_figures_for_random_sliders(demo_audit):
    model = demo_audit.whatif
    rng = random.Random(3)
    for _ in range(200):
        values = {i.name: rng.uniform(i.low, i.high) for i in model.inputs}
        python = model.evaluate(values)
        page = page_values(model, values)
        for key, want in python.items():
            assert abs(page[key] - float(want)) <= max(1.0, abs(float(want)) * 1e-9), (key, values)


def test_threshold_sliders_cannot_cross_their_neighbours(demo_audit):
    model = demo_audit.whatif
    ranges = {i.name: (i.low, i.high) for i in model.inputs}
    assert ranges["now_tier1_from"][1] <= ranges["now_tier2_from"][0]
    assert all(i.low <= i.value <= i.high for i in model.inputs)


def test_a_saved_scenario_becomes_a_preset_and_one_that_no_longer_fits_does_not(demo_audit):
    model = demo_audit.whatif
    stages = model.stages[:-1]
    values = {
        "lead_flow": 700, "conversions": dict.fromkeys(stages, 0.5), "avg_check": 150000, "target": 2500000,
        "base_salary": 40000, "tier_rates": [0.03, 0.05, 0.07], "plan_bonus": 25000,
    }  # fmt: skip
    fits = make_scenario("Рост", "Аналитик", values, dt.datetime(2026, 11, 1))
    broken = make_scenario("Старый", "Аналитик", values | {"tier_rates": [0.1]}, dt.datetime(2026, 11, 1))
    found = presets(model, [fits, broken])
    assert [p.name for p in found] == ["", "Рост"]
    chosen = found[1].values
    assert (
        chosen["lead_flow"] == 700 and chosen["conv_0"] == 50 and chosen["now_tier2_rate"] == pytest.approx(7)
    )
    assert chosen["p1_base_salary"] == model.baseline()["p1_base_salary"]  # not in the scenario: today's


def test_without_a_plan_the_what_if_is_the_funnels_alone(demo_audit):
    model = build_model(demo_audit.funnel, None, demo_audit.config.motivation, [], 6, None)
    assert not model.has_plan and model.schemes == []
    assert set(model.evaluate(model.baseline())) == {"won", "revenue", "attainment", "sales", "plan"}
    section = whatif_section(Messages("ru"), type("A", (), {"whatif": model, "whatif_presets": []})())
    assert all(o.key in ("revenue", "won") for o, _ in section["outputs"])


def test_a_margin_scheme_needs_the_margin_rate(demo_audit):
    scheme = demo_audit.config.motivation
    model = build_model(demo_audit.funnel, 2_000_000, scheme, list(scheme.proposed), 6, None)
    assert [s.name for s in model.schemes] == [None, "Рост сверх плана"]  # the margin scheme is left out
    assert "margin_rate" not in {i.name for i in model.inputs}


def test_client_strings_cannot_end_the_json_block():
    text = script_json({"name": "</script><script>alert(1)</script><!-- & "})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["name"].startswith("</script>")


def test_the_section_without_the_live_part_has_no_script_block(demo_audit):
    t = Messages("ru")
    audit = copy.copy(demo_audit)
    live = whatif_section(t, audit)
    static = whatif_section(t, audit, interactive=False)
    assert live["live"] is not None and static["live"] is None
    assert static["svg"].startswith("<svg") and "Продажа" in static["svg"]
    today = [cells[0] for cells in (r["cells"] for r in static["table"]["results"])]
    assert today[0] == t.fmt.money(demo_audit.decomposition.delivered)
    assert not any(re.search(r"\d{5}", v) for v in today), today  # formatted, not raw numbers
    spec = json.loads(live["live"]["spec"])
    signals = {s["name"] for s in spec["signals"]}  # the page runs the compiled Vega specification
    assert {i.name for i in demo_audit.whatif.inputs} <= signals and "revenue" in signals


def test_the_notebook_panel_has_every_input_and_the_models_figures(demo_audit):
    from workbench.present.whatif_section import format_output, outputs
    from workbench.present.whatif_widgets import WhatIfPanel

    t = Messages("ru")
    model = demo_audit.whatif
    panel = WhatIfPanel(model, t)
    assert set(panel.sliders) == {i.name for i in model.inputs}
    panel.sliders["conv_2"].value = 30.0
    panel.sliders["p1_acc0_multiplier"].value = 2.0
    values = model.baseline() | {"conv_2": 30.0, "p1_acc0_multiplier": 2.0}
    expected = model.evaluate(values)
    assert panel.figures() == {o.key: format_output(t, o, expected) for o in outputs(t, model)}
    assert (
        panel.readouts["conv_2"].value == "30,0\xa0%"
        and panel.readouts["p1_acc0_multiplier"].value == "×2,00"
    )
    assert t.fmt.money(expected["revenue"]) in panel.result.value
