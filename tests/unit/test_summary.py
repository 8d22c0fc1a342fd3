"""Headline figures with their rules, the CRM-ledger reconciliation, one number per thing on the demo."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest
from sales_lines import sales

from workbench.analysis.summary import RECONCILIATION_LINES, reconcile
from workbench.audit import build_audit
from workbench.config import Period
from workbench.findings.layers import layer_statuses
from workbench.findings.model import Finding
from workbench.present.i18n import Messages
from workbench.present.registry import render_section

PERIOD = Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31))


def won_deals(rows: list[tuple[str, str | None, float | None]]) -> pd.DataFrame:
    """Won deals closed in the period: (deal id, customer, amount)."""
    return pd.DataFrame(
        {
            "deal_id": [r[0] for r in rows],
            "customer_id": pd.array([r[1] for r in rows], dtype="string"),
            "amount": [r[2] if r[2] is not None else float("nan") for r in rows],
            "status": "won",
            "closed_at": pd.Timestamp("2026-02-01"),
        }
    )


def test_reconciliation_lines_explain_the_difference_exactly():
    won = won_deals(
        [
            ("1", "a", 1000.0),  # a: deal 1000, sales 1500 -> +500 within shared customers
            ("2", "b", 400.0),  # b: no sales in the ledger -> -400
            ("3", None, 250.0),  # no customer -> -250
            ("4", "a", None),  # unknown amount: left out of both sides, not counted as zero
        ]
    )
    lines = sales(
        [
            ("a", "2026-01-10", 900.0),
            ("a", "2026-02-10", 700.0),
            ("a", "2026-03-10", -100.0),  # a return, netted
            ("c", "2026-02-10", 300.0),  # c: sales without a deal -> +300
        ]
    )
    r = reconcile(won, lines)
    by_code = {line.code: line for line in r.lines}
    assert [line.code for line in r.lines] == list(RECONCILIATION_LINES)
    assert r.crm == 1650.0 and r.sales == 1800.0 and r.difference == 150.0
    assert by_code["deals_without_customer"].amount == -250.0
    assert by_code["deals_without_customer"].deals == 1
    assert (by_code["deals_not_in_sales"].amount, by_code["deals_not_in_sales"].customers) == (-400.0, 1)
    assert (by_code["sales_without_deal"].amount, by_code["sales_without_deal"].customers) == (300.0, 1)
    assert by_code["same_customers"].amount == 500.0
    assert sum(line.amount for line in r.lines) == pytest.approx(r.difference)
    assert r.returns == 100.0


@pytest.fixture(scope="module")
def demo(repo):
    return build_audit(repo / "clients" / "demo", dt.date(2026, 11, 23))


def test_each_revenue_has_its_rule_and_one_number(demo):
    s = demo.summary
    assert [s.revenue_won.rule, s.revenue_cohort.rule, s.revenue_sales.rule] == [
        "won_in_period",
        "cohort",
        "sales_lines",
    ]
    # The plan's fact is the revenue of won deals; the funnel's revenue is the cohort's.
    assert demo.plan.fact_total == pytest.approx(s.revenue_won.total)
    assert demo.funnel.revenue == pytest.approx(s.revenue_cohort.total)
    # The managers' and sources' tables add up to the cohort's revenue: the same rule, the same number.
    assert sum(m.revenue for m in demo.funnel.managers) == pytest.approx(s.revenue_cohort.total)
    assert sum(x.revenue for x in demo.funnel.sources) == pytest.approx(s.revenue_cohort.total)
    # Average check times won deals is the cohort's revenue (all demo deals have an amount).
    assert s.avg_check * s.revenue_cohort.count == pytest.approx(s.revenue_cohort.total)
    assert s.revenue_won.per_month == pytest.approx(s.revenue_won.total / s.months)


def test_the_company_revenue_a_month_is_the_larger_of_crm_and_ledger(demo):
    s = demo.summary
    assert s.revenue_sales.per_month > s.revenue_won.per_month  # the ledger has repeat purchases
    assert s.monthly_revenue == s.revenue_sales.per_month and s.monthly_revenue_rule == "sales_lines"


def test_demo_reconciliation_adds_up_and_is_shown_with_its_labels(demo):
    r = demo.summary.reconciliation
    assert r.crm == pytest.approx(demo.summary.revenue_won.total)
    assert r.sales == pytest.approx(demo.summary.revenue_sales.total)
    assert sum(line.amount for line in r.lines) == pytest.approx(r.difference)
    html = render_section("data", Messages("ru"), demo).html
    for text in ("Сверка выручки CRM и учёта", "Выручка выигранных сделок", "Выручка по продажам (учёт)"):
        assert text in html
    summary = render_section("summary", Messages("ru"), demo).html
    assert "Выручка сделок периода" in summary  # the sentence that names the three rules


def test_velocity_and_the_whatif_baseline_say_what_they_are_beside_the_actual(demo):
    s = demo.summary
    assert s.velocity_per_month is not None and s.whatif_baseline_per_month > 0
    html = render_section("funnel", Messages("en"), demo).html
    assert "Sales velocity is not revenue" in html
    actual = Messages("en").fmt.money(s.revenue_won.per_month)
    assert actual in html


def test_motivation_is_not_assessed_until_a_finding_or_an_analysis_speaks_of_it(demo):
    statuses = {layer.number: layer.status for layer in demo.layers}
    assert statuses[2] == "problems"  # the pay scheme is modelled and its findings speak of it
    assert statuses[6] == "problems"
    assert statuses[8] == "not_assessed"  # reputation: no answer, no data
    bare = dataclasses.replace(demo, motivation=None, intake=None)
    assert {layer.number: layer.status for layer in layer_statuses(bare, [])}[2] == "not_assessed"
    answered = dataclasses.replace(demo, motivation=None)  # the questionnaire alone answers layer 2
    assert {layer.number: layer.status for layer in layer_statuses(answered, [])}[2] == "ok"
    below = Finding("plan-managers-below", "plan_managers_below", 2, "medium", None, "plan", 60)
    after = {layer.number: layer for layer in layer_statuses(bare, [below])}
    assert after[2].status == "problems" and after[2].severity == "medium" and after[2].findings == 1
