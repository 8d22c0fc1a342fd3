"""The demo client's planted customer-base problems are found: the unprofitable tail in class D, the
dependence on the largest customer, the falling and the stopped A customers, the potential customer."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.audit import build_audit
from workbench.demo.generate import (
    FALLING_CUSTOMER,
    FULL,
    SEED,
    STOPPED_CUSTOMER,
    customer_names,
    potential_customer,
)
from workbench.render.metrics import build_metrics, validate_metrics


@pytest.fixture(scope="module")
def audit(repo):
    return build_audit(repo / "clients" / "demo")


@pytest.fixture(scope="module")
def names():
    return customer_names(np.random.default_rng(SEED), FULL.customers)


def test_unprofitable_tail_is_class_d_and_takes_the_managers_time(audit):
    base = audit.customers
    unprofitable = audit.abc.profitability.unprofitable_count
    assert base.d_class.by_rule["low_margin"] == unprofitable
    assert 0.15 < base.d_class.count / base.d_class.total_customers < 0.40
    assert base.d_class.margin < 0
    assert base.time.share("D") > 0.10
    f = next(f for f in audit.findings if f.code == "customers_d_class")
    assert f.impact_per_month == pytest.approx(base.time.cost_per_month("D"))
    assert f.impact_per_month > 0


def test_dependence_on_the_largest_customer(audit):
    c = audit.abc.concentration
    assert c.top1_share > 0.20
    assert "customers_dependence" in {f.code for f in audit.findings}


def test_falling_and_stopped_a_customers_are_found(audit, names):
    falling = audit.customers.migration.falling.set_index("id")
    planted_falling, stopped = names[FALLING_CUSTOMER], names[STOPPED_CUSTOMER]
    assert falling.loc[planted_falling, "change"] < -0.5
    assert falling.loc[stopped, "change"] < -0.5
    f = next(f for f in audit.findings if f.code == "customers_a_falling")
    # The customers that stopped buying altogether have their own finding and leave this one.
    falling_rows, at_risk = audit.customers.falling()
    assert f.impact_per_month == pytest.approx(at_risk)
    assert {planted_falling, stopped} <= set(falling_rows["id"])
    stopped_finding = next(f for f in audit.findings if f.code == "customers_stopped")
    assert stopped_finding.impact_per_month == pytest.approx(audit.customers.stopped.monthly_revenue)
    assert not set(audit.customers.stopped.ids) & set(falling_rows["id"])
    # A real risk, but the funnel's bottleneck is still the first thing to fix.
    assert audit.findings[0].code == "funnel_bottleneck"


def test_the_potential_customer_is_lifted_into_a(audit, names):
    items = audit.customers.segments.items.set_index("id")
    special = names[potential_customer(FULL)]
    assert items.loc[special, "abc"] == "C"
    assert items.loc[special, ["cls", "reason"]].tolist() == ["A", "potential"]
    f = next(f for f in audit.findings if f.code == "customers_potential")
    assert special in f.params["names"]


def test_contract_customers_are_steady_and_the_cleaning_rules_count(audit, names):
    items = audit.abc.items.set_index("id")
    assert items.loc[names[10], "xyz"] == "X"  # a contract customer that neither falls nor stops
    report = audit.data.reports["transactions"]
    assert report.excluded["no_customer"]["rows"] == 30
    assert report.excluded["non_product"]["rows"] == 14
    assert report.rows_read == report.rows_used + report.rows_quarantined + report.rows_excluded


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_metrics_of_the_demo_follow_the_schema(audit, locale):
    metrics = build_metrics(audit, {}, locale)
    validate_metrics(metrics)
    abc = metrics["abc"]
    assert set(abc["customers"]["classes"]) == {"A", "B", "C"}  # the foundation's keys are kept
    assert abc["d_class"]["count"] == audit.customers.d_class.count
    assert abc["xyz"]["customers"]["X"] == audit.abc.xyz.counts["X"]
    assert sum(c["count"] for c in abc["matrix"]["customers"].values()) == len(audit.abc.items)
    assert abc["migration"]["revenue_at_risk"] == pytest.approx(audit.customers.migration.revenue_at_risk)
    assert abc["products"]["ranked"] == len(audit.customers.products.items)
