"""Stopped is not falling: key customers who bought every month and then nothing are told apart from the
falling ones, with the date they stopped and the revenue a month lost; the dependence limits come from the
client's settings and the section says where the client stands even without a finding."""

from __future__ import annotations

import datetime as dt

import pytest
from analyses_stub import analyses
from sales_lines import monthly, sales
from test_findings import funnel_result, no_activity, no_plan

from workbench.analysis.customers.base import analyze_customer_base
from workbench.analysis.customers.stopped import stopped_customers
from workbench.config import AbcConfig, ConcentrationConfig, Period
from workbench.findings import derive_findings, detect
from workbench.present.customer_section import customers_section
from workbench.present.i18n import Messages

NINE_MONTHS = Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 9, 30))


def lines():
    return sales(
        [
            *monthly("steady", [300] * 9),
            *monthly("quit", [200, 220, 180, 200, 200, 0, 0, 0, 0]),  # every month, then four empty ones
            *monthly("shrinking", [250, 250, 250, 250, 60, 60, 60, 60, 60]),  # falls, does not stop
            *monthly("gap", [150, 150, 150, 0, 150, 150, 150, 150, 150]),  # one empty month is no stop
            *monthly("once", [0, 0, 900, 0, 0, 0, 0, 0, 0]),  # a single large order is not a habit
        ]
    )


def audited(base):
    return analyses(
        funnel_result(revenue=300.0, months=9.0), base.abc, no_plan(), no_activity(), customers=base
    )


def test_a_regular_customer_with_empty_last_months_has_stopped():
    result = stopped_customers(lines(), NINE_MONTHS, ["steady", "quit", "shrinking", "gap", "once"], 3)
    assert [c.id for c in result.customers] == ["quit"]
    quit_ = result.customers[0]
    assert quit_.since == dt.date(2026, 6, 1)
    assert quit_.last_purchase == dt.date(2026, 5, 10)
    assert quit_.empty_months == 4 and quit_.active_months == 5
    assert quit_.monthly_revenue == pytest.approx(1000 / 5)
    # Four empty months are not enough when the limit is five.
    assert stopped_customers(lines(), NINE_MONTHS, ["quit"], 5).customers == []


def test_a_customer_who_buys_again_in_the_incomplete_last_month_has_not_stopped():
    """The period ends on the 9th of a month (incomplete): a purchase there, after three empty complete
    months, is a customer who came back, not one who stopped («last purchase 9 December, not buying since
    1 September»)."""
    period = Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 10, 9))
    rows = [*monthly("back", [200, 220, 180, 200, 200, 0, 0, 0, 0]), ("back", "2026-10-09", 150.0)]
    rows += [*monthly("gone", [200, 220, 180, 200, 200, 0, 0, 0, 0]), ("gone", "2026-10-05", -50.0)]
    result = stopped_customers(sales(rows), period, ["back", "gone"], 3)
    # A return in the last month is no purchase: "gone" still stopped.
    assert [c.id for c in result.customers] == ["gone"]
    assert result.customers[0].last_purchase == dt.date(2026, 5, 10)


def test_the_stopped_customer_has_its_own_finding_and_leaves_the_falling_one():
    base = analyze_customer_base(lines(), AbcConfig(), NINE_MONTHS)
    result = analyses(
        funnel_result(revenue=300.0, months=9.0), base.abc, no_plan(), no_activity(), customers=base
    )
    stopped = detect("customers_stopped", result)
    assert [f.id for f in stopped] == ["customers-stopped"]
    assert stopped[0].params["name"] == "quit" and stopped[0].params["since"] == dt.date(2026, 6, 1)
    assert stopped[0].impact_per_month == pytest.approx(200.0)
    falling = detect("customers_a_falling", result)
    assert "quit" in set(base.migration.falling["id"])  # the halves see a fall ...
    assert all("quit" not in f.params["names"] for f in falling)  # ... the finding tells it apart


def test_dependence_limits_come_from_the_settings_and_the_section_states_them():
    config = AbcConfig(concentration=ConcentrationConfig(top1=0.5, top3=0.9))
    base = analyze_customer_base(lines(), config, NINE_MONTHS)
    c = base.abc.concentration
    assert (c.top1_limit, c.top3_limit) == (0.5, 0.9)
    assert c.top1_share < 0.5 and c.top3_share < 0.9
    result = analyses(
        funnel_result(revenue=300.0, months=9.0), base.abc, no_plan(), no_activity(), customers=base
    )
    assert not [f for f in derive_findings(result) if f.code == "customers_dependence"]
    # The default limits (20 % and 50 %) make the same base a finding.
    default = analyze_customer_base(lines(), AbcConfig(), NINE_MONTHS)
    assert default.abc.concentration.over_limit
    audit = type("A", (), {"customers": base, "config": None, "abc": base.abc})()
    text = customers_section(Messages("en"), audit)["concentration"]
    assert text.startswith("Dependence on the largest customers is within the limits")
    assert "(limit 50%)" in text and "(limit 90%)" in text
