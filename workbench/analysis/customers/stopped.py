"""Key customers who stopped buying: stopped is not falling.

A key customer (class A over the period, or in the earlier half of it) has *stopped* when the last
``stopped_months`` complete calendar months of the period hold no purchase from them although they bought
in at least three of four complete months up to their last purchase (and in four months at least: a
single large order is not a habit), and have not bought again in the incomplete last month either (a
customer who buys on the period's last day has not stopped). Their monthly revenue lost is their average
month from the period's first complete month to the month of their last purchase, months without
purchases as 0.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.analysis.customers.totals import keyed, month_numbers
from workbench.analysis.customers.xyz import complete_months
from workbench.analysis.periods import in_period
from workbench.config import Period

MIN_ACTIVE_SHARE = 0.75  # bought in at least three months of four up to the last purchase
MIN_ACTIVE_MONTHS = 4


@dataclass(frozen=True)
class StoppedCustomer:
    """A key customer with no purchase in the last months of the period."""

    id: str
    last_purchase: dt.date
    since: dt.date  # the first day of the first month without purchases
    empty_months: int  # complete months without purchases at the end of the period
    active_months: int  # months with purchases up to the last one
    monthly_revenue: float  # the average month while buying: the revenue a month lost


@dataclass(frozen=True)
class StoppedCustomers:
    """The stopped key customers, the largest monthly revenue first."""

    customers: list[StoppedCustomer]
    min_empty_months: int

    @property
    def monthly_revenue(self) -> float:
        """Revenue a month the stopped customers no longer bring."""
        return float(sum(c.monthly_revenue for c in self.customers))

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self.customers]


def stopped_customers(
    transactions: pd.DataFrame, period: Period, key_ids: list[str], min_empty_months: int
) -> StoppedCustomers:
    """Key customers whose last ``min_empty_months`` complete months are empty after regular buying."""
    months = complete_months(period)
    if len(months) <= min_empty_months or not key_ids:
        return StoppedCustomers([], min_empty_months)
    lines = in_period(transactions, "date", period)
    groups = keyed(lines, "customer_id")
    number = month_numbers(lines["date"], months[0], len(months))
    matrix = groups.by_month(lines["amount"], number, len(months))
    # The last purchase, in any month of the period: one in the incomplete last month means the customer
    # has come back (a return is no purchase).
    dates = pd.Series(lines["date"].to_numpy()).where(lines["amount"].to_numpy() > 0)
    last_date = dates.groupby(groups.codes).max()
    found = []
    for cid in key_ids:
        if cid not in groups.ids:
            continue
        row = groups.ids.get_loc(cid)
        bought = np.flatnonzero(matrix[row] > 0)
        if not len(bought):
            continue
        last = int(bought[-1])
        empty = len(months) - 1 - last
        active = len(bought)
        if empty < min_empty_months or active < max(MIN_ACTIVE_MONTHS, MIN_ACTIVE_SHARE * (last + 1)):
            continue
        if pd.Timestamp(last_date.loc[row]) >= months[last + 1]:  # bought again after the empty months
            continue
        found.append(
            StoppedCustomer(
                id=cid,
                last_purchase=pd.Timestamp(last_date.loc[row]).date(),
                since=months[last + 1].date(),
                empty_months=empty,
                active_months=active,
                monthly_revenue=float(matrix[row, : last + 1].mean()),
            )
        )
    found.sort(key=lambda c: (-c.monthly_revenue, c.id))
    return StoppedCustomers(found, min_empty_months)
