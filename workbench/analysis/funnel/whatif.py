"""What-if model of the funnel: lead flow × step conversions × average check = deals and revenue a month.

Steady-state arithmetic, the same as the seed's conveyor: doubling the leads doubles the sales and leaves
every hole in the funnel where it was; raising a weak step's conversion multiplies everything after it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from workbench.analysis.expr import Value
from workbench.analysis.funnel.conversion import FunnelResult


@dataclass(frozen=True)
class FunnelScenario:
    """Inputs of the model."""

    lead_flow: float  # deals entering the first stage a month
    conversions: tuple[float, ...]  # step conversions, first stage to the won step
    avg_check: float

    def with_conversion(self, index: int, value: float) -> FunnelScenario:
        values = list(self.conversions)
        values[index] = value
        return replace(self, conversions=tuple(values))


@dataclass(frozen=True)
class Forecast:
    """Outputs of the model, per month."""

    reached: tuple[float, ...]  # deals reaching each stage, the won step last
    won: float
    revenue: float


def funnel_reached(lead_flow: Value, conversions: tuple[Value, ...]) -> list[Value]:
    """Deals reaching each stage a month, the won step last: one formula for Python and the page."""
    reached = [lead_flow]
    for rate in conversions:
        reached.append(reached[-1] * rate)
    return reached


def forecast(scenario: FunnelScenario) -> Forecast:
    """Deals reaching each stage, won deals and revenue a month."""
    if not (scenario.lead_flow >= 0 and scenario.avg_check >= 0):  # also refuses NaN
        raise ValueError("lead flow and average check must be numbers, not negative or missing")
    if any(not 0 <= c <= 1 for c in scenario.conversions):
        raise ValueError("a conversion is a share between 0 and 1")
    reached = funnel_reached(scenario.lead_flow, scenario.conversions)
    won = reached[-1]
    return Forecast(tuple(reached), won, won * scenario.avg_check)


def baseline(funnel: FunnelResult) -> FunnelScenario:
    """The client's current funnel: monthly new deals, measured step conversions and average check.

    A step nobody left (every deal skipped it) loses nothing, as in the impact estimates.
    """
    flow = funnel.deals_in_cohort / funnel.months if funnel.months else 0.0
    conversions = tuple(s.conversion if s.conversion is not None else 1.0 for s in funnel.stages[:-1])
    return FunnelScenario(flow, conversions, funnel.avg_check or 0.0)


def uplift(base: Forecast, scenario: Forecast) -> float | None:
    """Relative change of revenue (None when the baseline has none)."""
    if base.revenue <= 0 or math.isclose(base.revenue, 0.0):
        return None
    return scenario.revenue / base.revenue - 1
