"""The headline figures of an audit, each with its rule, and the reconciliation of CRM and accounting revenue.

A company's "revenue" can be counted three honest ways, and a report that mixes them unlabelled
contradicts itself. Each figure here carries its rule; every page that quotes a revenue says which:

- ``won_in_period``: deals won (closed) within the period, by close date: the CRM's sales of the period.
  This is the report's headline revenue, the plan's fact and the base of "revenue a month".
- ``cohort``: deals created within the period that have been won by the export date: what the funnel
  analysis (conversion, average check, managers and sources) is computed on.
- ``sales_lines``: the sales lines of the accounting export within the period: the customer base's revenue.

The company's revenue a month, the base of every severity ("a gain of 10% of monthly revenue is
critical"), is the larger of the won-deals and sales-lines revenue a month: each misses a part of the
business (the CRM repeat purchases without a deal, the ledger deals not yet booked).

The reconciliation explains, customer by customer, why CRM won revenue and sales-lines revenue of the same
period differ: won deals without a customer, deals of customers with no sales line in the period, sales to
customers without a won deal in the period (repeat purchases, other channels), and the difference within
customers present in both. Its lines add up to the difference exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from workbench.analysis.funnel.conversion import FunnelResult
from workbench.analysis.funnel.velocity import Velocity
from workbench.analysis.funnel.whatif import baseline, forecast
from workbench.analysis.periods import in_period, won_in_period
from workbench.config import Period

REVENUE_RULES = ("won_in_period", "cohort", "sales_lines")
RECONCILIATION_LINES = (
    "deals_without_customer",
    "deals_not_in_sales",
    "sales_without_deal",
    "same_customers",
)


@dataclass(frozen=True)
class Revenue:
    """One revenue figure and the rule that produced it."""

    rule: str  # one of REVENUE_RULES
    total: float
    per_month: float
    count: int  # won deals, or sales lines, behind the figure
    unknown_amount: int  # won deals counted whose amount is unknown (left out of the total)
    undated: int = 0  # won deals without a close date: not placed in any period, so not counted here

    @property
    def known(self) -> bool:
        """Whether the figure is a sum at all: False when there are won deals but no known amount among
        them (all without an amount, or none dated), so that "0" would be a claim the data cannot make."""
        return self.count > self.unknown_amount or (self.count == 0 and self.undated == 0)


@dataclass(frozen=True)
class ReconciliationLine:
    """One reason why sales-lines revenue differs from CRM won revenue; ``amount`` is signed (sales − CRM)."""

    code: str  # one of RECONCILIATION_LINES
    amount: float
    deals: int
    customers: int


@dataclass(frozen=True)
class Reconciliation:
    """CRM won revenue against sales-lines revenue over the same period, and what explains the difference."""

    crm: float
    sales: float
    difference: float  # sales − crm; the lines add up to it
    lines: list[ReconciliationLine]
    returns: float  # negative sales lines netted inside ``sales`` (a part of the lines, not an extra one)


@dataclass(frozen=True)
class Summary:
    """The figures the summary and the sections quote, each with its rule."""

    months: float
    revenue_won: Revenue  # the headline: won in the period, by close date
    revenue_cohort: Revenue  # the funnel's: deals created in the period and won
    revenue_sales: Revenue | None  # the customer base's: sales lines in the period
    monthly_revenue: float  # the company's revenue a month: the base of every "share of monthly revenue"
    monthly_revenue_rule: str  # which revenue it is: the larger of won_in_period and sales_lines a month
    win_rate: float | None  # of the cohort: won / (won + lost)
    avg_check: float | None  # of the cohort's won deals with a known amount
    managers: int | None  # named managers of the cohort (the unknown bucket is not a manager)
    velocity_per_month: float | None  # open pipeline × win rate × average check ÷ cycle, a month
    whatif_baseline_per_month: float  # new deals a month × step conversions × average check
    reconciliation: Reconciliation | None


def _revenue(rule: str, amounts: pd.Series, months: float, undated: int = 0) -> Revenue:
    total = float(amounts.sum(skipna=True))
    return Revenue(rule, total, total / months, len(amounts), int(amounts.isna().sum()), undated)


def reconcile(won: pd.DataFrame, sales: pd.DataFrame) -> Reconciliation:
    """Split (sales − CRM won revenue) by customer into the lines of :data:`RECONCILIATION_LINES`."""
    known = won[won["amount"].notna()]
    customer = known["customer_id"].astype("string")
    no_customer = known[customer.isna() | (customer.str.strip() == "")]
    with_customer = known.drop(no_customer.index)
    crm_by = with_customer.groupby(with_customer["customer_id"].astype(str))["amount"].agg(["sum", "size"])
    sales_known = sales[sales["customer_id"].notna()]
    sales_by = sales_known.groupby(sales_known["customer_id"].astype(str))["amount"].sum()
    crm_only = crm_by.index.difference(sales_by.index)
    sales_only = sales_by.index.difference(crm_by.index)
    both = crm_by.index.intersection(sales_by.index)
    lines = [
        ReconciliationLine(
            "deals_without_customer", 0.0 - float(no_customer["amount"].sum()), len(no_customer), 0
        ),
        ReconciliationLine(
            "deals_not_in_sales",
            0.0 - float(crm_by.loc[crm_only, "sum"].sum()),
            int(crm_by.loc[crm_only, "size"].sum()),
            len(crm_only),
        ),
        ReconciliationLine("sales_without_deal", float(sales_by.loc[sales_only].sum()), 0, len(sales_only)),
        ReconciliationLine(
            "same_customers",
            float(sales_by.loc[both].sum() - crm_by.loc[both, "sum"].sum()),
            int(crm_by.loc[both, "size"].sum()),
            len(both),
        ),
    ]
    # Lines without a customer are not in the customer base either: they stay out of both sides.
    crm, total_sales = float(known["amount"].sum()), float(sales_by.sum())
    returns = float(-sales_known.loc[sales_known["amount"] < 0, "amount"].sum())
    return Reconciliation(crm, total_sales, total_sales - crm, lines, returns)


def summarize(
    deals: pd.DataFrame,
    transactions: pd.DataFrame | None,
    period: Period,
    funnel: FunnelResult,
    velocity: Velocity,
) -> Summary:
    """The headline figures of one audit."""
    months = funnel.months
    won = won_in_period(deals, period)
    undated = int(((deals["status"] == "won") & deals["closed_at"].isna()).sum()) if len(deals) else 0
    revenue_won = _revenue("won_in_period", won["amount"], months, undated)
    revenue_cohort = Revenue(
        "cohort",
        funnel.revenue,
        funnel.revenue / months,
        funnel.won,
        funnel.won - funnel.won_with_amount,
    )
    revenue_sales = reconciliation = None
    if transactions is not None:
        sales = in_period(transactions, "date", period)
        revenue_sales = _revenue("sales_lines", sales["amount"], months)
        # With sales lines only there is no CRM side to reconcile, and none without a known won amount.
        if len(deals) and revenue_won.known:
            reconciliation = reconcile(won, sales)
    # Each source misses a part of the business (the CRM repeat purchases, the ledger deals not yet booked),
    # so the company's revenue a month is the larger of the two.
    company = max([revenue_won, revenue_sales or revenue_won], key=lambda r: r.per_month)
    return Summary(
        months=months,
        revenue_won=revenue_won,
        revenue_cohort=revenue_cohort,
        revenue_sales=revenue_sales,
        monthly_revenue=company.per_month,
        monthly_revenue_rule=company.rule,
        win_rate=funnel.win_rate,
        avg_check=funnel.avg_check,
        managers=funnel.manager_count,
        velocity_per_month=velocity.per_month,
        whatif_baseline_per_month=forecast(baseline(funnel)).revenue,
        reconciliation=reconciliation,
    )
