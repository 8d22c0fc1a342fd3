"""The what-if of the report: its inputs (what the sliders move) and its outputs, described once.

The inputs are today's funnel (lead flow, each step's conversion, the average check), the month's plan and
every parameter of the current and proposed pay schemes. :meth:`WhatIfModel.outputs` maps them onto the
scenario formula (:func:`workbench.analysis.scenario.scenario_formula`); called with numbers it is the
Python model, called with :func:`~workbench.analysis.expr.var` inputs it is written out as the page's
Vega expressions. Slider values are in the units a person reads (percent of plan, percent conversion,
roubles); :meth:`WhatIfModel.scaled` turns percentages into the formula's shares.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from workbench.analysis.expr import Steps, Value, kopecks, var
from workbench.analysis.funnel.conversion import FunnelResult
from workbench.analysis.funnel.whatif import baseline
from workbench.analysis.pay import SchemeTerms, money, pay_formula
from workbench.analysis.scenario import SchemeInScenario, misfit, scenario_formula
from workbench.config import PayScheme

MODEL_VERSION = "1.0"
CURRENT = "now"


@dataclass(frozen=True)
class Input:
    """One slider: its name (the page's signal), group, label (message key and parameters), baseline value,
    range and step in display units, and the unit it is read in."""

    name: str
    group: str  # "funnel", "plan" or a scheme's key
    label: str  # message key
    value: float
    low: float
    high: float
    step: float
    unit: str  # "count", "money", "pct" (a share shown in percent), "times" (a multiplier)
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SchemeSlot:
    """A scheme in the what-if: its key in signal names, its name (None: the current scheme), the scheme,
    and, for a margin scheme, the margin rate of the sales ledger."""

    key: str
    name: str | None
    scheme: PayScheme
    margin_rate: float | None


@dataclass(frozen=True)
class WhatIfModel:
    """The inputs and outputs of the report's what-if for one audit."""

    stages: list[str]  # the funnel's stages, the won step last
    inputs: list[Input]
    managers: int
    schemes: list[SchemeSlot]
    actual_revenue: float | None  # today's revenue of won deals a month, for the reader's reference

    @property
    def has_plan(self) -> bool:
        return any(i.name == "target" for i in self.inputs)

    def baseline(self) -> dict[str, float]:
        """Every input at today's value."""
        return {i.name: i.value for i in self.inputs}

    def outputs(self, values: Mapping[str, Value], steps: Steps) -> dict[str, Value]:
        """The scenario's outputs for slider ``values`` (numbers or symbolic inputs)."""
        x = self.scaled(values)
        conversions = tuple(x[f"conv_{k}"] for k in range(len(self.stages) - 1))
        target = x.get("target", Decimal(1))
        schemes = {s.key: _scheme_in_scenario(s, x) for s in self.schemes} if self.has_plan else {}
        return scenario_formula(
            x["lead_flow"], conversions, x["avg_check"], target, self.managers, schemes, steps
        )

    def scaled(self, values: Mapping[str, Value]) -> dict[str, Value]:
        """Slider values in the formula's units (percentages as shares)."""
        return {i.name: values[i.name] / 100 if i.unit == "pct" else values[i.name] for i in self.inputs}

    def curve(self, values: Mapping[str, Value], share: Value, plan: Value, steps: Steps) -> dict[str, Value]:
        """One manager's pay under each scheme (by key) at attainment ``share`` of a manager's ``plan``."""
        x = self.scaled(values)
        sales = steps.let("sales", kopecks(share * plan))
        out = {}
        for slot in self.schemes:
            scheme = _scheme_in_scenario(slot, x)
            own = steps.scoped(f"{slot.key}_")
            base, plan_base = sales, plan
            if scheme.margin_rate is not None:
                base = own.let("sales_base", kopecks(sales * scheme.margin_rate))
                plan_base = own.let("plan_base", kopecks(plan * scheme.margin_rate))
            out[slot.key] = pay_formula(scheme.terms, base, plan_base, own)["total"]
        return out

    def evaluate(self, values: Mapping[str, float]) -> dict[str, Decimal]:
        """The Python model: the outputs for slider ``values`` in exact decimal arithmetic."""
        exact = {k: Decimal(str(v)) for k, v in values.items()}
        return {k: Decimal(v) for k, v in self.outputs(exact, Steps()).items()}

    def symbolic(self, steps: Steps) -> dict[str, Value]:
        """The outputs written over the sliders' signals, for the page."""
        return self.outputs({i.name: var(i.name) for i in self.inputs}, steps)


def _scheme_in_scenario(slot: SchemeSlot, x: Mapping[str, Value]) -> SchemeInScenario:
    """The slot's scheme with every parameter that has a slider taken from ``x``."""
    k = slot.key
    s = slot.scheme

    def get(name: str, fixed: Any) -> Value:
        return x.get(f"{k}_{name}", fixed)

    terms = SchemeTerms(
        get("base_salary", money(s.base_salary)),
        tuple(
            (
                get(f"tier{i}_from", Decimal(str(t.from_attainment))),
                get(f"tier{i}_rate", Decimal(str(t.rate))),
            )
            for i, t in enumerate(s.tiers)
        ),
        s.tier_mode,
        tuple(
            (
                get(f"acc{i}_from", Decimal(str(a.from_attainment))),
                get(f"acc{i}_multiplier", Decimal(str(a.multiplier))),
            )
            for i, a in enumerate(s.accelerators)
        ),
        get("plan_bonus", money(s.plan_bonus)),
        get("bonus_threshold", Decimal(str(s.bonus_threshold))),
        get("cap", money(s.cap)) if s.cap is not None else None,
        tuple(
            (get(f"spif{i}_from", Decimal(str(c.threshold))), get(f"spif{i}_amount", money(c.amount)))
            for i, c in enumerate(s.spif)
            if c.kind == "above_attainment"
        ),
        (),  # a best-manager contest depends on the others' results: not part of the what-if
        tuple(
            (
                get(f"penalty{i}_below", Decimal(str(p.below_attainment))),
                get(f"penalty{i}_amount", money(p.amount)),
            )
            for i, p in enumerate(s.penalties)
        ),
    )
    margin = x.get("margin_rate") if s.commission_base == "margin" else None
    return SchemeInScenario(terms, margin)


def _money_input(name: str, group: str, label: str, value: float, floor: float, **params: Any) -> Input:
    top = max(value * 2, floor)
    step = 1000.0 if top >= 20000 else 100.0
    return Input(name, group, label, value, 0.0, float(round(top / step) * step), step, "money", params)


def _between(values: list[float], i: int, low: float, high: float) -> tuple[float, float]:
    """A threshold slider's range: halfway to its neighbours, so that thresholds keep their order."""
    below = (values[i - 1] + values[i]) / 2 if i > 0 else low
    above = (values[i] + values[i + 1]) / 2 if i + 1 < len(values) else high
    return below, above


def _pct_input(
    name: str, group: str, label: str, share: float, low: float, high: float, step: float, **params: Any
) -> Input:
    return Input(
        name, group, label, share * 100, round(low * 100, 4), round(high * 100, 4), step, "pct", params
    )


def scheme_inputs(slot: SchemeSlot) -> list[Input]:
    """Sliders for every parameter of one scheme."""
    k, s = slot.key, slot.scheme
    out = [_money_input(f"{k}_base_salary", k, "base_salary", s.base_salary, 100000)]
    starts = [t.from_attainment for t in s.tiers]
    for i, tier in enumerate(s.tiers):
        if tier.from_attainment > 0:
            low, high = _between(starts, i, 0.0, 2.0)
            out.append(
                _pct_input(f"{k}_tier{i}_from", k, "tier_from", tier.from_attainment, low, high, 1, n=i + 1)
            )
        out.append(
            _pct_input(
                f"{k}_tier{i}_rate",
                k,
                "tier_rate",
                tier.rate,
                0,
                min(1.0, max(tier.rate * 2, tier.rate + 0.05)),
                0.01,
                n=i + 1,
                start=tier.from_attainment,
            )
        )
    if s.plan_bonus > 0 or slot.name is None:
        out.append(_money_input(f"{k}_plan_bonus", k, "plan_bonus", s.plan_bonus, 50000))
        out.append(_pct_input(f"{k}_bonus_threshold", k, "bonus_threshold", s.bonus_threshold, 0.5, 1.5, 1))
    starts = [a.from_attainment for a in s.accelerators]
    for i, acc in enumerate(s.accelerators):
        low, high = _between(starts, i, 1.0, 2.0)
        out.append(_pct_input(f"{k}_acc{i}_from", k, "acc_from", acc.from_attainment, low, high, 1, n=i + 1))
        out.append(
            Input(
                f"{k}_acc{i}_multiplier",
                k,
                "acc_multiplier",
                acc.multiplier,
                1.0,
                max(3.0, acc.multiplier),
                0.05,
                "times",
                {"n": i + 1},
            )
        )
    if s.cap is not None:
        out.append(
            Input(f"{k}_cap", k, "cap", s.cap, round(s.cap / 4, -3), round(s.cap * 3, -3), 1000.0, "money")
        )
    for i, c in enumerate(s.spif):
        if c.kind == "above_attainment":
            out.append(_money_input(f"{k}_spif{i}_amount", k, "spif_amount", c.amount, 50000, name=c.name))
            out.append(
                _pct_input(f"{k}_spif{i}_from", k, "spif_from", c.threshold or 1.0, 0.5, 2.0, 1, name=c.name)
            )
    for i, p in enumerate(s.penalties):
        out.append(_money_input(f"{k}_penalty{i}_amount", k, "penalty_amount", p.amount, 20000, n=i + 1))
        out.append(
            _pct_input(f"{k}_penalty{i}_below", k, "penalty_below", p.below_attainment, 0.1, 1.0, 1, n=i + 1)
        )
    return out


def build_model(
    funnel: FunnelResult,
    target: float | None,
    current: PayScheme | None,
    proposed: list[Any],
    managers: int,
    margin_rate: float | None,
    actual_revenue: float | None = None,
) -> WhatIfModel | None:
    """The what-if of an audit: today's funnel, the month's ``target`` and the schemes (``proposed`` are
    named schemes); None when the funnel has no step to move. Without a target or a current scheme the
    what-if is the funnel's alone; a scheme paid on margin needs ``margin_rate``."""
    stages = [s.stage for s in funnel.stages]
    if len(stages) < 2 or not funnel.months:
        return None
    now = baseline(funnel)
    inputs = [
        Input(
            "lead_flow",
            "funnel",
            "lead_flow",
            now.lead_flow,
            0.0,
            float(max(round(now.lead_flow * 2), 10)),
            0.1,
            "count",
        ),
    ]
    inputs.append(_money_input("avg_check", "funnel", "avg_check", now.avg_check, 1000))
    for k, rate in enumerate(now.conversions):
        inputs.append(
            _pct_input(
                f"conv_{k}", "conversion", "conversion", rate, 0, 1, 0.1, stage=stages[k], next=stages[k + 1]
            )
        )
    slots: list[SchemeSlot] = []
    if target and target > 0 and current is not None:
        inputs.append(
            Input(
                "target",
                "plan",
                "target",
                target,
                round(target / 4, -3),
                round(target * 2, -3),
                1000.0,
                "money",
            )
        )
        candidates = [SchemeSlot(CURRENT, None, current, margin_rate)]
        candidates += [SchemeSlot(f"p{i + 1}", p.name, p, margin_rate) for i, p in enumerate(proposed)]
        slots = [c for c in candidates if c.scheme.commission_base != "margin" or margin_rate is not None]
        if any(c.scheme.commission_base == "margin" for c in slots):
            inputs.append(_pct_input("margin_rate", "plan", "margin_rate", margin_rate or 0, 0, 1, 0.1))
        for slot in slots:
            inputs += scheme_inputs(slot)
    return WhatIfModel(stages, inputs, max(1, managers), slots, actual_revenue)


@dataclass(frozen=True)
class Preset:
    """A set of slider values the reader can pick, today (name ``""``) or a saved scenario, with the
    model's figures for them."""

    name: str
    author: str | None
    values: dict[str, float]
    figures: dict[str, Decimal]


def preset(model: WhatIfModel, name: str, author: str | None, values: dict[str, float]) -> Preset:
    """``values`` with the model's figures for them."""
    return Preset(name, author, values, model.evaluate(values))


def today(model: WhatIfModel) -> Preset:
    """Every slider at today's value."""
    return preset(model, "", None, model.baseline())


def presets(model: WhatIfModel, saved: list[Any]) -> list[Preset]:
    """Today and each saved scenario that still fits the funnel and the current scheme, as slider values
    (the parameters a saved scenario does not hold stay at today's)."""
    now = today(model)
    out = [now]
    if not model.has_plan:
        return out
    stages = model.stages[:-1]
    tiers = len(model.schemes[0].scheme.tiers) if model.schemes and model.schemes[0].key == CURRENT else -1
    for s in saved:
        v = s.values
        if misfit(v, stages, tiers):
            continue
        values = dict(now.values)
        values |= {"lead_flow": v.lead_flow, "avg_check": v.avg_check, "target": v.target}
        values |= {f"conv_{k}": v.conversions[stage] * 100 for k, stage in enumerate(stages)}
        values |= {f"{CURRENT}_base_salary": v.base_salary}
        values |= {f"{CURRENT}_tier{i}_rate": r * 100 for i, r in enumerate(v.tier_rates)}
        if f"{CURRENT}_plan_bonus" in values:
            values[f"{CURRENT}_plan_bonus"] = v.plan_bonus
        out.append(preset(model, s.name, s.author, values))
    return out
