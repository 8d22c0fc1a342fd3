"""The pay scheme applied to the managers' actual results, its payout curve, cost of sales and the
proposed alternatives compared on the same results.

Revenue is the revenue of deals won in each month (as in the plan analysis); a manager's plan is their
personal monthly plan. A scheme paid on margin uses the margin rate of the sales ledger (margin / revenue
over the period) applied to each manager's revenue, said as an estimate; without a margin in the data a
margin scheme is not computed. Money is exact to the kopeck (:mod:`workbench.analysis.pay`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd

from workbench.analysis.pay import ZERO, Pay, money, monthly_pay
from workbench.analysis.periods import won_in_period
from workbench.analysis.plan import PlanResult
from workbench.config import MotivationConfig, PayScheme, Period
from workbench.serialize import json_key

CURVE_STEP = Decimal("0.05")
CURVE_TOP = Decimal("1.5")
CHECKPOINTS = (Decimal("0.5"), Decimal("0.75"), Decimal("1"), Decimal("1.25"), Decimal("1.5"))
NEXT_STEP = Decimal("100000")  # "the next 100 000 above plan"
CURRENT = "current"


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True)
class ManagerMonthPay:
    """One manager's pay for one month by component."""

    manager: str
    month: pd.Timestamp
    revenue: Decimal
    commission_base: Decimal
    plan: Decimal | None
    attainment: float | None
    pay: Pay


@dataclass(frozen=True)
class ManagerPay:
    """A manager over the period: revenue, average monthly pay, its variable share, against comfort."""

    manager: str
    months: int
    revenue: Decimal
    pay: Decimal
    pay_per_month: Decimal
    at_risk: float | None
    comfort: str  # "below", "within" or "above" the comfort income


@dataclass(frozen=True)
class CurvePoint:
    """Pay of one manager at one attainment of the typical plan."""

    attainment: float
    revenue: Decimal
    pay: Pay
    cost_share: float | None  # pay / revenue


@dataclass(frozen=True)
class CostOfSales:
    """Payroll of the sales managers against what they sold."""

    payroll: Decimal
    revenue: Decimal
    margin: Decimal | None
    of_revenue: float | None
    of_margin: float | None


@dataclass(frozen=True)
class MarginalPayout:
    """Extra pay for the next 100 000 of revenue from 80 %, 100 % and 150 % of the typical plan, and the
    average variable pay per 100 000 of revenue at plan."""

    step: Decimal
    below_plan: Decimal  # from 80 % of plan
    above_plan: Decimal  # from 100 %
    far_above: Decimal  # from 150 %
    average_at_plan: Decimal  # variable pay at plan x step / plan

    @property
    def rewards_growth(self) -> bool:
        """The next 100 000 above plan pays at least the average of the pay at plan, and 150 % still pays."""
        return self.above_plan > 0 and self.far_above > 0 and self.above_plan >= self.average_at_plan

    def json_derived(self) -> dict[str, object]:
        return {"rewards_growth": self.rewards_growth}


@dataclass(frozen=True)
class SchemeResult:
    """One scheme (the current one or a proposed one) applied to the same results."""

    name: str
    current: bool
    components: PayScheme
    payout: list[ManagerMonthPay] = field(metadata=json_key("payout", "months"))
    managers: list[ManagerPay] = field(metadata=json_key("payout", "managers"))
    cost_of_sales: CostOfSales
    curve: list[CurvePoint]
    marginal_payout: MarginalPayout
    guaranteed_share: float | None  # pay at 50 % of plan / pay at 100 %

    def at(self, share: Decimal) -> CurvePoint:
        """The curve point at one attainment (one of the curve's steps)."""
        return next(p for p in self.curve if Decimal(str(p.attainment)) == share)

    def at_share(self, share: float) -> CurvePoint:
        """The curve point at one attainment given as a float (0.5, 1.0, ...)."""
        return self.at(Decimal(str(share)))

    @property
    def checkpoints(self) -> list[CurvePoint]:
        """The curve at 50, 75, 100, 125 and 150 %."""
        return [self.at(c) for c in CHECKPOINTS]


@dataclass(frozen=True)
class MotivationResult:
    """The pay schemes modelled on this audit's results; ``available`` False without a scheme."""

    available: bool
    reason: str | None  # why not: "no_scheme", "no_margin" (a margin scheme without margin data)
    typical_plan: Decimal | None  # the personal monthly plan the curves are drawn for
    typical_plan_source: str | None  # "personal_plans", "department_plan" or "revenue"
    margin_rate: float | None
    comfort_income: tuple[float, float]
    schemes: list[SchemeResult]
    cost_of_sales_limit: float = 0.10  # payroll / revenue above this is out of line
    cost_of_margin_limit: float = 0.50  # payroll / margin above this is out of line

    @property
    def current(self) -> SchemeResult | None:
        return self.schemes[0] if self.schemes else None

    @property
    def proposed(self) -> list[SchemeResult]:
        return self.schemes[1:]


def ledger_margin_rate(transactions: pd.DataFrame | None) -> float | None:
    """Margin / revenue of the sales ledger over the period; None without a margin column or revenue."""
    if transactions is None or "margin" not in transactions or transactions["margin"].notna().sum() == 0:
        return None
    revenue = float(transactions["amount"].sum())
    return float(transactions["margin"].sum()) / revenue if revenue > 0 else None


def monthly_results(deals: pd.DataFrame, plan: PlanResult, period: Period) -> pd.DataFrame:
    """Revenue of won deals and the personal plan per manager and month (columns manager, month,
    revenue, plan); a month in which a manager has neither a sale nor a plan is left out."""
    won = won_in_period(deals, period)
    fact = (
        pd.DataFrame(
            {
                "manager": won["manager"].astype(str),
                "month": won["closed_at"].dt.to_period("M").dt.start_time,
                "revenue": won["amount"].fillna(0.0),
            }
        )
        .groupby(["manager", "month"], as_index=False)["revenue"]
        .sum()
    )
    plans = pd.DataFrame(
        [
            {"manager": r.manager, "month": r.period_start, "plan": r.plan_revenue}
            for r in plan.monthly
            if r.manager is not None and r.plan_revenue
        ],
        columns=["manager", "month", "plan"],
    )
    out = fact.merge(plans, on=["manager", "month"], how="outer")
    out["revenue"] = out["revenue"].fillna(0.0)
    return out.sort_values(["manager", "month"]).reset_index(drop=True)


def typical_plan(results: pd.DataFrame, plan: PlanResult) -> tuple[Decimal | None, str | None]:
    """The monthly plan of a typical manager: the median personal plan, else the department's monthly
    plan per manager, else the median monthly revenue of a manager."""
    personal = results["plan"].dropna()
    if len(personal):
        return money(personal.median()), "personal_plans"
    managers = results["manager"].nunique()
    dept = [r.plan_revenue for r in plan.monthly if r.manager is None and r.plan_revenue]
    if dept and managers:
        return money(sum(dept) / len(dept) / managers), "department_plan"
    revenue = results.loc[results["revenue"] > 0, "revenue"]
    if len(revenue):
        return money(revenue.median()), "revenue"
    return None, None


def scheme_for(config: MotivationConfig, manager: str) -> PayScheme:
    """The current scheme of one manager: their role's, or the department's."""
    role = config.manager_roles.get(manager)
    return config.roles[role] if role else config


def apply_scheme(
    name: str,
    scheme: PayScheme,
    results: pd.DataFrame,
    margin_rate: float | None,
    typical: Decimal,
    comfort: tuple[float, float],
    roles: MotivationConfig | None = None,
) -> SchemeResult:
    """One scheme on every manager-month of ``results``, with its curve and marginal payout.

    With ``roles`` (the current configuration), a manager with a role is paid by the role's scheme.
    """
    to_base = _base_converter(scheme, margin_rate)
    best = results.loc[results["revenue"] > 0].groupby("month")["revenue"].transform("max")
    is_best = results["revenue"].eq(best.reindex(results.index)) & results["revenue"].gt(0)
    months: list[ManagerMonthPay] = []
    for row, best_flag in zip(results.itertuples(index=False), is_best, strict=True):
        own = scheme_for(roles, row.manager) if roles is not None else scheme
        revenue = money(row.revenue)
        plan = money(row.plan) if pd.notna(row.plan) else None
        base_amount, base_plan = to_base(revenue), to_base(plan) if plan is not None else None
        pay = monthly_pay(own, base_amount, base_plan, best_manager=bool(best_flag))
        share = float(base_amount / base_plan) if base_plan else None
        months.append(ManagerMonthPay(row.manager, row.month, revenue, base_amount, plan, share, pay))
    curve = [_point(scheme, to_base, typical, CURVE_STEP * i) for i in range(int(CURVE_TOP / CURVE_STEP) + 1)]
    pay_at = {p.attainment: p.pay.total for p in curve}
    guaranteed = float(pay_at[0.5] / pay_at[1.0]) if pay_at[1.0] > 0 else None
    return SchemeResult(
        name=name,
        current=roles is not None,
        components=PayScheme.model_validate({k: getattr(scheme, k) for k in PayScheme.model_fields}),
        payout=months,
        managers=_managers(months, comfort),
        cost_of_sales=_cost(months, margin_rate),
        curve=curve,
        marginal_payout=_marginal(scheme, to_base, typical),
        guaranteed_share=guaranteed,
    )


def analyze_motivation(
    deals: pd.DataFrame,
    plan: PlanResult,
    config: MotivationConfig | None,
    period: Period,
    transactions: pd.DataFrame | None = None,
) -> MotivationResult:
    """Every scheme of ``config`` (the current one first, then ``proposed``) on the managers' results."""
    if config is None:
        return MotivationResult(False, "no_scheme", None, None, None, (70000, 100000), [])
    margin_rate = ledger_margin_rate(transactions)
    schemes = [config, *config.roles.values(), *config.proposed]
    if margin_rate is None and any(s.commission_base == "margin" for s in schemes):
        return MotivationResult(False, "no_margin", None, None, None, config.comfort_income, [])
    results = monthly_results(deals, plan, period)
    typical, source = typical_plan(results, plan)
    if typical is None or results.empty:
        return MotivationResult(False, "no_results", None, None, margin_rate, config.comfort_income, [])
    comfort = config.comfort_income
    out = [apply_scheme(CURRENT, config, results, margin_rate, typical, comfort, roles=config)]
    out += [apply_scheme(p.name, p, results, margin_rate, typical, comfort) for p in config.proposed]
    return MotivationResult(
        True, None, typical, source, margin_rate, comfort, out, config.cost_of_sales_limit,
        config.cost_of_margin_limit,
    )  # fmt: skip


def _base_converter(scheme: PayScheme, margin_rate: float | None):
    if scheme.commission_base == "margin":
        rate = Decimal(str(margin_rate))
        return lambda amount: money(amount * rate)
    return lambda amount: amount


def _point(scheme: PayScheme, to_base, typical: Decimal, share: Decimal) -> CurvePoint:
    revenue = money(typical * share)
    pay = monthly_pay(scheme, to_base(revenue), to_base(typical))
    return CurvePoint(float(share), revenue, pay, float(pay.total / revenue) if revenue > 0 else None)


def _marginal(scheme: PayScheme, to_base, typical: Decimal) -> MarginalPayout:
    def extra(share: Decimal) -> Decimal:
        start = money(typical * share)
        pay = [monthly_pay(scheme, to_base(r), to_base(typical)).total for r in (start, start + NEXT_STEP)]
        return pay[1] - pay[0]

    at_plan = monthly_pay(scheme, to_base(typical), to_base(typical))
    average = money((at_plan.total - at_plan.base) * NEXT_STEP / typical)
    return MarginalPayout(
        NEXT_STEP, extra(Decimal("0.8")), extra(Decimal("1")), extra(Decimal("1.5")), average
    )


def _managers(months: list[ManagerMonthPay], comfort: tuple[float, float]) -> list[ManagerPay]:
    out = []
    for manager in sorted({m.manager for m in months}):
        own = [m for m in months if m.manager == manager]
        total = sum((m.pay.total for m in own), ZERO)
        variable = sum((m.pay.variable for m in own), ZERO)
        per_month = money(total / len(own))
        status = "below" if per_month < comfort[0] else "above" if per_month > comfort[1] else "within"
        out.append(
            ManagerPay(
                manager,
                len(own),
                sum((m.revenue for m in own), ZERO),
                total,
                per_month,
                float(variable / total) if total > 0 else None,
                status,
            )
        )
    return out


def _cost(months: list[ManagerMonthPay], margin_rate: float | None) -> CostOfSales:
    payroll = sum((m.pay.total for m in months), ZERO)
    revenue = sum((m.revenue for m in months), ZERO)
    margin = money(revenue * Decimal(str(margin_rate))) if margin_rate is not None else None
    return CostOfSales(
        payroll,
        revenue,
        margin,
        float(payroll / revenue) if revenue > 0 else None,
        float(payroll / margin) if margin else None,
    )
