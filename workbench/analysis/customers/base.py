"""The customer base as one result: ABC and XYZ of customers and products, class D and the managers'
time, multi-criteria segmentation and migration between periods."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from workbench.analysis.customers.abc import AbcResult, analyze_abc
from workbench.analysis.customers.dclass import DClassResult, ManagerTime, analyze_d_class, analyze_time
from workbench.analysis.customers.migration import Migration, analyze_migration
from workbench.analysis.customers.segments import SegmentResult, analyze_segments
from workbench.analysis.customers.stopped import StoppedCustomers, stopped_customers
from workbench.config import AbcConfig, MotivationConfig, Period

WORKING_HOURS_A_MONTH = 164  # the average of a Russian 40-hour working month


@dataclass(frozen=True)
class CustomerBase:
    """Everything the customers section and its findings show."""

    abc: AbcResult
    products: AbcResult | None
    d_class: DClassResult
    time: ManagerTime | None
    segments: SegmentResult | None
    migration: Migration | None
    names: dict[str, str]  # customer id -> name, from the customers file
    stopped: StoppedCustomers | None = None  # key customers who stopped buying

    def falling(self) -> tuple[pd.DataFrame, float]:
        """The falling A customers who have not stopped buying altogether, and the revenue a month they no
        longer bring (the stopped ones are told apart in ``stopped``)."""
        m = self.migration
        if m is None:
            columns = ["id", "previous_monthly", "current_monthly", "change", "stopped"]
            return pd.DataFrame(columns=columns), 0.0
        stopped = set(self.stopped.ids) if self.stopped is not None else set()
        rows = m.falling[~m.falling["id"].isin(stopped)].reset_index(drop=True)
        return rows, float((rows["previous_monthly"] - rows["current_monthly"]).sum())

    def name(self, customer_id: str) -> str:
        """The customer's name when the customers file gives one, else its id."""
        return self.names.get(customer_id, customer_id)


def hour_cost(config: AbcConfig, motivation: MotivationConfig | None) -> tuple[float, str] | None:
    """Cost of a manager's hour and where it comes from: configured, or the base salary / 164 hours."""
    if config.d_class.hour_cost:
        return config.d_class.hour_cost, "config"
    if motivation is not None and motivation.base_salary > 0:
        return motivation.base_salary / WORKING_HOURS_A_MONTH, "base_salary"
    return None


def analyze_customer_base(
    transactions: pd.DataFrame,
    config: AbcConfig,
    period: Period,
    customers: pd.DataFrame | None = None,
    deals: pd.DataFrame | None = None,
    activities: pd.DataFrame | None = None,
    motivation: MotivationConfig | None = None,
) -> CustomerBase:
    """Run every customer-base analysis over the period's sales lines."""
    abc = analyze_abc(transactions, config, period, "customer_id")
    products = None
    if config.products and transactions["product"].notna().any():
        products = analyze_abc(transactions, config, period, "product")
    classes = abc.items.set_index("id")["cls"]
    d_class = analyze_d_class(transactions, config.d_class, period, classes, customers)
    time = None
    if deals is not None and deals["customer_id"].notna().any():
        cost = hour_cost(config, motivation)
        time = analyze_time(deals, activities, period, classes, d_class.ids, config.d_class, cost)
    names = {}
    if customers is not None and "name" in customers and customers["name"].notna().any():
        named = customers[customers["name"].notna()]
        names = dict(zip(named["customer_id"].astype(str), named["name"].astype(str), strict=True))
    migration = analyze_migration(transactions, config, period)
    key = set(classes.index[classes == "A"])
    if migration is not None:
        key |= set(migration.classes.loc[migration.classes["previous"] == "A", "id"])
    return CustomerBase(
        abc=abc,
        products=products,
        d_class=d_class,
        time=time,
        segments=analyze_segments(transactions, config, period, abc.items, customers),
        migration=migration,
        names=names,
        stopped=stopped_customers(transactions, period, sorted(key), config.migration.stopped_months),
    )
