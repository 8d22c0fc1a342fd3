"""Customer-base findings from a real analysis of hand-built lines: falling A customers with the revenue at
risk, class D with the managers' time in money, customers lifted into A by their potential."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from analyses_stub import analyses
from sales_lines import monthly, sales
from test_findings import funnel_result, no_activity, no_plan

from workbench.analysis.customers.base import analyze_customer_base
from workbench.config import AbcConfig, DClassConfig, MotivationConfig, Period
from workbench.findings import derive_findings
from workbench.present.finding_text import finding_texts
from workbench.present.i18n import Messages

HALF_YEAR = Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30))
COLUMNS = ("customer_id", "date", "amount", "margin")


def lines() -> pd.DataFrame:
    rows = [
        *[(*r, r[2] * 0.2) for r in monthly("steady", [300, 300, 300, 300, 300, 300])],
        *[(*r, r[2] * 0.2) for r in monthly("shrinking", [200, 200, 200, 50, 50, 50])],  # typical month -150
        *[(*r, r[2] * 0.2) for r in monthly("stopped", [150, 150, 150, 0, 0, 0])],  # typical month -150
        *[(*r, -r[2] * 0.1) for r in monthly("loss", [20, 20, 20, 20, 20, 20])],  # negative margin: class D
        *[(*r, r[2] * 0.3) for r in monthly("gazprom", [0, 0, 10, 0, 0, 10])],
    ]
    return sales(rows, COLUMNS)


def deals() -> pd.DataFrame:
    customers = ["loss"] * 6 + ["steady"] * 4 + ["gazprom"] * 2
    frame = pd.DataFrame({"created_at": pd.Timestamp("2026-02-01"), "customer_id": customers})
    return frame.astype({"customer_id": "string", "created_at": "datetime64[ns]"})


def potentials() -> pd.DataFrame:
    frame = pd.DataFrame({"customer_id": ["gazprom"], "potential": [1_000_000.0], "name": ["ПАО «Газ»"]})
    return frame.astype({"customer_id": "string", "name": "string"})


def findings() -> dict:
    base = analyze_customer_base(
        lines(),
        AbcConfig(),
        HALF_YEAR,
        customers=potentials(),
        deals=deals(),
        motivation=MotivationConfig(base_salary=32_800),  # 200 an hour
    )
    # The deals bring 100 a month: the sales lines' 525 a month is the base of the severity.
    funnel = funnel_result(revenue=300.0, months=3.0)
    found = derive_findings(analyses(funnel, base.abc, no_plan(), no_activity(), customers=base))
    return {f.id: f for f in found}


def test_falling_a_customers_with_the_revenue_at_risk():
    f = findings()["customers-a-falling"]
    # Halves: January-March and April-June. Both shrinking (200 -> 50) and stopped (100 -> 0) were A.
    assert f.impact_per_month == pytest.approx(150 + 150)
    assert (f.params["count"], f.params["stopped"]) == (2, 1)
    assert f.params["names"] == "shrinking, stopped"
    assert (f.params["before"], f.params["after"]) == (dt.date(2026, 3, 31), dt.date(2026, 4, 1))
    # 300 a month against sales of 3,140 over 5.98 months (525 a month) is over 10%: critical.
    assert f.severity == "critical"
    assert f.layer == 9 and f.horizon == 30


def test_class_d_with_the_managers_time_in_money():
    f = findings()["customers-d-class"]
    # "loss" (negative margin) and "stopped" (nothing since March: inactive for 3 months? no: the rule is
    # six months and the period is six months long, so it is not in force) -> only "loss".
    assert f.params["count"] == 1
    assert f.params["deals"] == 6 and f.params["deals_share"] == pytest.approx(6 / 12)
    hours = 6 * 3.0 / HALF_YEAR.months
    assert f.params["hours"] == pytest.approx(hours)
    assert f.impact_per_month == pytest.approx(hours * 200)
    assert f.severity == "high"  # half of the deals go to class D
    texts = finding_texts(Messages("ru"), f)
    assert "6 сделок" in texts["evidence"] and "50,0" in texts["evidence"]


def test_class_d_without_deals_has_no_money_and_no_time_sentence():
    base = analyze_customer_base(lines(), AbcConfig(), HALF_YEAR)
    found = {
        f.id: f
        for f in derive_findings(
            analyses(funnel_result(), base.abc, no_plan(), no_activity(), customers=base)
        )
    }
    f = found["customers-d-class"]
    assert f.impact_per_month is None and f.severity == "medium"
    assert "сделок" not in finding_texts(Messages("ru"), f)["evidence"]


def test_a_small_customer_with_a_large_potential_is_lifted_into_a():
    f = findings()["customers-potential"]
    assert f.params == {
        "count": 1,
        "names": "ПАО «Газ»",
        "criteria": ["revenue", "margin", "frequency", "potential"],
    }
    assert f.impact_per_month is None
    texts = finding_texts(Messages("ru"), f)
    assert texts["title"].startswith("1 клиент с большим потенциалом")
    assert "(выручка, маржа, частота покупок, потенциал)" in texts["evidence"]


def test_without_potential_the_lifted_customers_are_not_said_to_have_one():
    """Sales lines without margin and no customer list: only revenue and frequency are scored, so the
    finding names those criteria and speaks of no potential (the data has none)."""
    rows = [
        *monthly("big", [0, 0, 5000, 0, 0, 0]),
        *monthly("mid", [0, 900, 0, 900, 0, 0]),
        *[("often", f"2026-0{m}-{d:02d}", 70.0) for m in range(1, 7) for d in (3, 17, 24)],
        *[r for c in "abcdefgh" for r in monthly(c, [0, 0, 0, 0, 0, 40])],
    ]
    base = analyze_customer_base(sales(rows), AbcConfig(), HALF_YEAR)
    result = analyses(funnel_result(), base.abc, no_plan(), no_activity(), customers=base)
    found = {f.id: f for f in derive_findings(result)}
    f = found["customers-potential"]
    assert f.params["criteria"] == ["revenue", "frequency"] and f.params["variant"] == "no_potential"
    for locale, word in (("ru", "потенциал"), ("en", "potential")):
        texts = finding_texts(Messages(locale), f)
        assert word not in texts["title"] + texts["evidence"], texts
    ru = finding_texts(Messages("ru"), f)
    assert "ценнее, чем видно по выручке" in ru["title"] and "(выручка, частота покупок)" in ru["evidence"]


def test_nothing_to_say_about_a_steady_profitable_base():
    steady = sales([(*r, 10.0) for c in ("a", "b", "c") for r in monthly(c, [100] * 6)], COLUMNS)
    base = analyze_customer_base(steady, AbcConfig(d_class=DClassConfig()), HALF_YEAR)
    found = derive_findings(analyses(funnel_result(), base.abc, no_plan(), no_activity(), customers=base))
    assert not {"customers-a-falling", "customers-d-class", "customers-potential"} & {f.id for f in found}
