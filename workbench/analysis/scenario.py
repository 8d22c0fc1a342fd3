"""A plan-and-pay scenario: the funnel (lead flow, step conversions, average check), the department's
monthly target and the main parameters of the pay scheme, and what they give a month.

The department's revenue is the funnel what-if (:mod:`workbench.analysis.funnel.whatif`); each of the
``managers`` sells an equal part of it against an equal part of the target, and is paid by the scheme with
the scenario's base salary, tier rates and plan bonus (:mod:`workbench.analysis.pay`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from workbench.analysis.funnel.whatif import FunnelScenario, forecast
from workbench.analysis.pay import Pay, money, monthly_pay
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


def evaluate(scenario: PlanScenario, scheme: PayScheme, managers: int) -> ScenarioOutcome:
    """Revenue, attainment, one manager's pay, the payroll and the cost of sales of a scenario."""
    if managers < 1:
        raise ValueError("expected at least one manager")
    if not scenario.target > 0:
        raise ValueError("the monthly target must be above zero")
    result = forecast(scenario.funnel)
    own = scheme_with(scheme, scenario)
    revenue = money(result.revenue)
    pay = monthly_pay(own, money(revenue / managers), money(Decimal(str(scenario.target)) / managers))
    payroll = pay.total * managers
    return ScenarioOutcome(
        float(revenue),
        result.won,
        float(revenue) / scenario.target,
        pay,
        payroll,
        float(payroll / revenue) if revenue > 0 else None,
    )
