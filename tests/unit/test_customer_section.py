"""The customers section renders every state of the analysis in both languages: few customers, a short
period, no margin, the computed mode; client text stays text."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from markupsafe import escape
from sales_lines import monthly, sales

from workbench.analysis.customers.base import analyze_customer_base
from workbench.config import AbcConfig, Period, TransactionRules
from workbench.present.customer_section import method_paragraphs
from workbench.present.i18n import Messages
from workbench.present.registry import render_section

HALF_YEAR = Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30))


def audit_of(lines, config: AbcConfig, period: Period) -> SimpleNamespace:
    base = analyze_customer_base(lines, config, period)
    cleaning = TransactionRules(returns="exclude", non_product_codes=["POST"])
    data = SimpleNamespace(transactions=SimpleNamespace(cleaning=cleaning))
    return SimpleNamespace(customers=base, config=SimpleNamespace(abc=config, data=data))


def shown(text: str, html: str) -> bool:
    """Whether the message appears in the (autoescaped) HTML."""
    return str(escape(text)) in html


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_two_customers_in_one_month(locale):
    lines = sales([("<script>alert(1)</script>", "2026-01-10", 90.0), ("b", "2026-01-20", 10.0)])
    audit = audit_of(
        lines, AbcConfig(mode="computed"), Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31))
    )
    t = Messages(locale)
    html = render_section("customers", t, audit).html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert shown(t("customers.abc_fallback"), html)  # computed mode needs three customers
    assert shown(t("customers.xyz_unavailable", months=1, min=3), html)
    assert shown(t("customers.d_none"), html)
    assert shown(t("customers.profit_unavailable"), html)  # no margin in the lines
    method = " ".join(method_paragraphs(t, audit))
    assert t("methodology.cleaning_returns_exclude") in method and "POST" in method


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_computed_mode_and_the_halves_are_stated(locale):
    rows = [r for j, v in enumerate([30, 25, 15, 10, 8, 5, 3, 2, 1, 1]) for r in monthly(f"c{j}", [v] * 6)]
    audit = audit_of(sales(rows), AbcConfig(mode="computed"), HALF_YEAR)
    t = Messages(locale)
    html = render_section("customers", t, audit).html
    limits = audit.customers.abc.computed
    rule = t(
        "customers.abc_computed",
        metric=t("customers.metric_revenue"),
        a_effort=limits.a_effort,
        c_effort=limits.c_effort,
        a=limits.a_yield,
        b=limits.c_yield,
    )
    assert shown(rule, html)
    assert t("methodology.abc_computed") in " ".join(method_paragraphs(t, audit))
    halves = t(
        "customers.migration_halves",
        previous=t.fmt.period(dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        current=t.fmt.period(dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
    )
    assert shown(halves, html)


def test_the_loss_of_unprofitable_customers_is_stated_as_a_positive_sum():
    rows = [
        ("a", "2026-01-10", 1000.0, 400.0),
        ("b", "2026-02-10", 300.0, -120.0),
        ("c", "2026-03-10", 200.0, -30.0),
    ]
    lines = sales(rows, columns=("customer_id", "date", "amount", "margin"))
    html = render_section("customers", Messages("ru"), audit_of(lines, AbcConfig(), HALF_YEAR)).html
    assert "суммарный убыток — 150\u00a0₽" in html  # 120 + 30, no minus after the dash
    assert "Общая маржа по всем клиентам: 250\u00a0₽" in html
