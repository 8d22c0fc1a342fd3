"""A plan-and-pay scenario: the funnel (lead flow, step conversions, average check), the department's
monthly target and the main parameters of the pay scheme, and what they give a month.

The department's revenue is the funnel what-if (:mod:`workbench.analysis.funnel.whatif`); each of the
``managers`` sells an equal part of it against an equal part of the target, and is paid by the scheme with
the scenario's base salary, tier rates and plan bonus (:mod:`workbench.analysis.pay`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from workbench.analysis.expr import KOPECK, Steps, Value, kopecks, maximum
from workbench.analysis.funnel.conversion import FunnelResult
from workbench.analysis.funnel.whatif import FunnelScenario, baseline, forecast, funnel_reached
from workbench.analysis.pay import Pay, SchemeTerms, monthly_pay, pay_formula, scheme_terms
from workbench.config import PayScheme


@dataclass(frozen=True)
class PlanScenario:
    """The inputs the sliders move."""

    lead_flow: float
    conversions: tuple[float, ...]
    avg_check: float
    target: float  # the department's monthly revenue target
    base_salary: float
    tier_rates: tuple[float, ...]  # one per tier of the scheme, in its order
    plan_bonus: float

    @property
    def funnel(self) -> FunnelScenario:
        return FunnelScenario(self.lead_flow, self.conversions, self.avg_check)


@dataclass(frozen=True)
class ScenarioOutcome:
    """What a scenario gives a month."""

    revenue: float
    won: float
    attainment: float | None
    pay: Pay  # one manager's
    payroll: Decimal
    cost_share: float | None  # payroll / revenue


def scheme_with(scheme: PayScheme, scenario: PlanScenario) -> PayScheme:
    """The scheme with the scenario's base salary, tier rates and plan bonus."""
    if len(scenario.tier_rates) != len(scheme.tiers):
        raise ValueError(f"expected {len(scheme.tiers)} tier rates, got {len(scenario.tier_rates)}")
    tiers = [t.model_copy(update={"rate": r}) for t, r in zip(scheme.tiers, scenario.tier_rates, strict=True)]
    return PayScheme.model_validate(
        {k: getattr(scheme, k) for k in PayScheme.model_fields}
        | {"base_salary": scenario.base_salary, "tiers": tiers, "plan_bonus": scenario.plan_bonus}
    )


@dataclass(frozen=True)
class SchemeInScenario:
    """A pay scheme as the scenario formula reads it: its terms and, for a scheme paid on margin, the
    margin rate that turns revenue into its commission base (None: paid on revenue)."""

    terms: SchemeTerms
    margin_rate: Value | None = None


def scenario_formula(
    lead_flow: Value,
    conversions: tuple[Value, ...],
    avg_check: Value,
    target: Value,
    managers: int,
    schemes: dict[str, SchemeInScenario],
    steps: Steps,
) -> dict[str, Value]:
    """What a scenario gives a month, as one formula for Python and the report's page.

    The department's revenue is the funnel's (lead flow × step conversions × average check, to the
    kopeck); each of ``managers`` sells an equal part of it against an equal part of ``target`` and is paid
    by each scheme. Keys: ``won``, ``revenue``, ``attainment``, ``sales``, ``plan`` and, per scheme
    ``<key>_total`` (one manager's pay), ``<key>_payroll`` and ``<key>_cost`` (payroll / revenue, which
    means nothing without revenue)."""
    won = steps.let("won", funnel_reached(lead_flow, conversions)[-1])
    revenue = steps.let("revenue", kopecks(won * avg_check))
    out: dict[str, Value] = {
        "won": won,
        "revenue": revenue,
        "attainment": steps.let("attainment", revenue / target),
    }
    sales = out["sales"] = steps.let("sales", kopecks(revenue / managers))
    plan = out["plan"] = steps.let("plan", kopecks(target / managers))
    for key, scheme in schemes.items():
        own = steps.scoped(f"{key}_")
        base, plan_base = sales, plan
        if scheme.margin_rate is not None:
            base = own.let("sales_base", kopecks(sales * scheme.margin_rate))
            plan_base = own.let("plan_base", kopecks(plan * scheme.margin_rate))
        pay = pay_formula(scheme.terms, base, plan_base, own)
        out[f"{key}_total"] = pay["total"]
        payroll = out[f"{key}_payroll"] = own.let("payroll", pay["total"] * managers)
        out[f"{key}_cost"] = own.let("cost", payroll / maximum(revenue, KOPECK))  # shown only with revenue
    return out


def _exact(value: float) -> Decimal:
    return Decimal(str(value))


def evaluate(scenario: PlanScenario, scheme: PayScheme, managers: int) -> ScenarioOutcome:
    """Revenue, attainment, one manager's pay, the payroll and the cost of sales of a scenario."""
    if managers < 1:
        raise ValueError("expected at least one manager")
    if not scenario.target > 0:
        raise ValueError("the monthly target must be above zero")
    forecast(scenario.funnel)  # refuses impossible funnel values
    own = scheme_with(scheme, scenario)
    out = scenario_formula(
        _exact(scenario.lead_flow),
        tuple(_exact(c) for c in scenario.conversions),
        _exact(scenario.avg_check),
        _exact(scenario.target),
        managers,
        {"now": SchemeInScenario(scheme_terms(own))},
        Steps(),
    )
    pay = monthly_pay(own, out["sales"], out["plan"])  # type: ignore[arg-type]
    revenue = Decimal(out["revenue"])
    return ScenarioOutcome(
        float(revenue),
        float(out["won"]),
        float(out["attainment"]),
        pay,
        pay.total * managers,
        float(pay.total * managers / revenue) if revenue > 0 else None,
    )


def baseline_scenario(
    funnel: FunnelResult, target: float | None, scheme: PayScheme | None
) -> PlanScenario | None:
    """Today's funnel, the month's target and the current scheme; None without a scheme or a target."""
    if scheme is None or not target:
        return None
    now = baseline(funnel)
    return PlanScenario(
        now.lead_flow,
        now.conversions,
        now.avg_check,
        float(target),
        scheme.base_salary,
        tuple(t.rate for t in scheme.tiers),
        scheme.plan_bonus,
    )


@dataclass(frozen=True)
class ScenarioResult:
    """A saved scenario against today: its outcome, or why it no longer fits the data."""

    name: str
    author: str | None
    saved_at: dt.datetime | None
    outcome: ScenarioOutcome | None
    problems: list[str] = field(default_factory=list)

    @property
    def fits(self) -> bool:
        return not self.problems

    def json_derived(self) -> dict[str, object]:
        return {"fits": self.fits}


def misfit(values: Any, stages: list[str], tiers: int) -> list[str]:
    """Why saved values no longer fit the data: stages the funnel lacks, funnel steps without a
    conversion, a different number of tiers. Empty when they fit."""
    have = list(values.conversions)
    problems = [f"stage {s!r} is not in the funnel" for s in have if s not in stages]
    problems += [f"no conversion for stage {s!r}" for s in stages if s not in have]
    if len(values.tier_rates) != tiers:
        problems.append(f"{len(values.tier_rates)} tier rates for a scheme of {tiers} tiers")
    return problems


def compare_scenarios(
    saved: list[Any], funnel: FunnelResult, target: float | None, scheme: PayScheme | None, managers: int
) -> list[ScenarioResult]:
    """Today (named ``""``) and every saved scenario (objects with ``name``, ``author``, ``saved_at`` and
    ``values``) evaluated on the same scheme; empty without a scheme or a target."""
    base = baseline_scenario(funnel, target, scheme)
    if base is None or scheme is None:
        return []
    stages = [s.stage for s in funnel.stages[:-1]]
    out = [ScenarioResult("", None, None, evaluate(base, scheme, managers))]
    for s in saved:
        problems = misfit(s.values, stages, len(scheme.tiers))
        outcome = None
        if not problems:
            v = s.values
            scenario = PlanScenario(
                v.lead_flow, tuple(v.conversions[x] for x in stages), v.avg_check, v.target, v.base_salary,
                tuple(v.tier_rates), v.plan_bonus,
            )  # fmt: skip
            outcome = evaluate(scenario, scheme, managers)
        out.append(ScenarioResult(s.name, s.author, s.saved_at, outcome, problems))
    return out
