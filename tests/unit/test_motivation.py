"""The pay scheme on actual results: pay per manager and month, roles, contests, cost of sales, the curve,
the proposed schemes, the findings and the report section."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pandas as pd
import pytest
from analyses_stub import analyses

from workbench.analysis.motivation import analyze_motivation
from workbench.analysis.plan import PlanRow
from workbench.config import MotivationConfig, Period
from workbench.findings.registry import detect
from workbench.present.i18n import Messages
from workbench.present.registry import render_section

PERIOD = Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 2, 28))


def won(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "manager": [m for m, _, _ in rows],
            "closed_at": pd.to_datetime([d for _, d, _ in rows]),
            "amount": [a for _, _, a in rows],
            "status": ["won"] * len(rows),
        }
    )


def plans(rows: list[tuple[str, str, float]]) -> SimpleNamespace:
    return SimpleNamespace(monthly=[PlanRow(pd.Timestamp(d), m, p, 0.0, None, None, 0) for m, d, p in rows])


DEALS = won(
    [
        ("Анна", "2026-01-10", 600_000),
        ("Анна", "2026-01-20", 600_000),
        ("Борис", "2026-01-15", 400_000),
        ("Борис", "2026-02-15", 900_000),
    ]
)
PLANS = plans(
    [
        ("Анна", "2026-01-01", 1_000_000),
        ("Анна", "2026-02-01", 1_000_000),
        ("Борис", "2026-01-01", 1_000_000),
        ("Борис", "2026-02-01", 1_000_000),
    ]
)
SCHEME = {
    "base_salary": 40000,
    "tiers": [{"from_attainment": 0, "rate": 0.02}, {"from_attainment": 1.0, "rate": 0.05}],
    "plan_bonus": 10000,
    "penalties": [{"below_attainment": 0.5, "amount": 5000}],
    "spif": [{"name": "Лучший", "kind": "best_manager", "amount": 3000}],
}


def model(**extra) -> MotivationConfig:
    return MotivationConfig.model_validate(SCHEME | extra)


def test_pay_per_manager_and_month_by_hand():
    result = analyze_motivation(DEALS, PLANS, model(), PERIOD)
    pay = {(p.manager, p.month.month): p.pay.total for p in result.current.payout}
    # Анна, January: 1 200 000 = 120 %: 40 000 + 5 % x 1 200 000 + 10 000 + best of the month 3 000
    assert pay[("Анна", 1)] == Decimal("113000.00")
    # Анна, February: nothing sold, plan 1 000 000: 40 000 - 5 000
    assert pay[("Анна", 2)] == Decimal("35000.00")
    # Борис, January: 40 %: 40 000 + 8 000 - 5 000; February 90 %: 40 000 + 18 000 + best 3 000
    assert pay[("Борис", 1)] == Decimal("43000.00")
    assert pay[("Борис", 2)] == Decimal("61000.00")
    cost = result.current.cost_of_sales
    assert cost.payroll == Decimal("252000.00") and cost.revenue == Decimal("2500000.00")
    assert cost.of_revenue == pytest.approx(252_000 / 2_500_000)
    assert cost.margin is None  # no sales ledger


def test_income_against_comfort_and_pay_at_risk():
    result = analyze_motivation(DEALS, PLANS, model(comfort_income=(70000, 100000)), PERIOD)
    anna, boris = result.current.managers
    assert anna.pay_per_month == Decimal("74000.00") and anna.comfort == "within"
    assert boris.pay_per_month == Decimal("52000.00") and boris.comfort == "below"
    # Анна's variable pay: 60 000 + 10 000 + 3 000 over 148 000
    assert anna.at_risk == pytest.approx(73_000 / 148_000)


def test_a_role_has_its_own_scheme():
    config = model(roles={"старший": {"base_salary": 60000}}, manager_roles={"Борис": "старший"})
    pay = {
        (p.manager, p.month.month): p.pay.total
        for p in analyze_motivation(DEALS, PLANS, config, PERIOD).current.payout
    }
    assert pay[("Борис", 1)] == Decimal("60000.00") and pay[("Анна", 2)] == Decimal("35000.00")


def test_curve_checkpoints_and_marginal_payout_of_the_typical_plan():
    result = analyze_motivation(DEALS, PLANS, model(), PERIOD)
    assert result.typical_plan == Decimal("1000000.00") and result.typical_plan_source == "personal_plans"
    points = {p.attainment: p.pay.total for p in result.current.checkpoints}
    # 50 %: 40 000 + 10 000; 75 %: 40 000 + 15 000; 100 %: 40 000 + 50 000 + 10 000; 150 %: + 75 000
    assert points == {
        0.5: Decimal("50000.00"),
        0.75: Decimal("55000.00"),
        1.0: Decimal("100000.00"),
        1.25: Decimal("112500.00"),
        1.5: Decimal("125000.00"),
    }
    m = result.current.marginal_payout
    assert m.above_plan == Decimal("5000.00")  # 5 % of the next 100 000
    assert m.average_at_plan == Decimal("6000.00")  # 60 000 variable over 1 000 000, per 100 000
    assert not m.rewards_growth
    assert result.current.guaranteed_share == pytest.approx(0.5)


def test_proposed_schemes_run_on_the_same_results():
    config = model(
        proposed=[{"name": "Ускоритель", "base_salary": 30000, "tier_mode": "marginal",
                   "tiers": [{"from_attainment": 0, "rate": 0.03}],
                   "accelerators": [{"from_attainment": 1.0, "multiplier": 2}]}]
    )  # fmt: skip
    result = analyze_motivation(DEALS, PLANS, config, PERIOD)
    assert [s.name for s in result.schemes] == ["current", "Ускоритель"]
    proposed = result.proposed[0]
    assert not proposed.current
    pay = {(p.manager, p.month.month): p.pay.total for p in proposed.payout}
    assert pay[("Анна", 1)] == Decimal("72000.00")  # 30 000 + 3 % x 1 000 000 + 2 x 3 % x 200 000
    assert (
        proposed.marginal_payout.above_plan == Decimal("6000.00") and proposed.marginal_payout.rewards_growth
    )
    assert sum(p.revenue for p in proposed.payout) == sum(p.revenue for p in result.current.payout)


def test_a_margin_scheme_uses_the_ledger_margin_rate_or_is_not_computed():
    config = model(commission_base="margin")
    assert analyze_motivation(DEALS, PLANS, config, PERIOD).reason == "no_margin"
    ledger = pd.DataFrame({"amount": [1000.0, 1000.0], "margin": [250.0, 250.0]})
    result = analyze_motivation(DEALS, PLANS, config, PERIOD, ledger)
    assert result.margin_rate == 0.25
    pay = {(p.manager, p.month.month): p for p in result.current.payout}
    # Анна, January: margin 300 000 against a margin plan of 250 000 = 120 %: 5 % x 300 000
    assert pay[("Анна", 1)].pay.commission == Decimal("15000.00")
    assert result.current.cost_of_sales.margin == Decimal("625000.00")


def test_no_scheme_is_not_assessed():
    result = analyze_motivation(DEALS, PLANS, None, PERIOD)
    assert not result.available and result.reason == "no_scheme"


def _findings(code: str, motivation, decomposition=None):
    funnel = SimpleNamespace(months=2.0, revenue=2_500_000)
    return detect(code, analyses(funnel, motivation=motivation, decomposition=decomposition))


def test_findings_of_a_scheme_that_neither_rewards_growth_nor_costs_in_line():
    result = analyze_motivation(DEALS, PLANS, model(), PERIOD)
    [growth] = _findings("motivation_no_growth", result)
    assert growth.params["above"] == 5000.0 and growth.params["average"] == 6000.0
    [cost] = _findings("motivation_cost_of_sales", result)
    # 252 000 payroll over 2 months against 10 % of 2 500 000 = 250 000: 2 000 excess, 1 000 a month
    assert cost.impact_per_month == pytest.approx(1_000)
    assert _findings("motivation_guaranteed", result) == []  # half the plan pays half


def test_guaranteed_pay_finding():
    result = analyze_motivation(DEALS, PLANS, model(base_salary=90000), PERIOD)
    [hit] = _findings("motivation_guaranteed", result)
    # half the plan pays 100 000 of 150 000 (67 %), but the base alone is above the comfort income's 70 000
    assert (hit.params["base"], hit.params["comfort"]) == (90000, 70000)
    assert hit.params["share"] == pytest.approx(100_000 / 150_000)


def test_a_rewarding_scheme_has_no_growth_finding():
    config = model(tiers=[{"from_attainment": 0, "rate": 0.03}], tier_mode="marginal", plan_bonus=0,
                   accelerators=[{"from_attainment": 1.0, "multiplier": 2}])  # fmt: skip
    assert _findings("motivation_no_growth", analyze_motivation(DEALS, PLANS, config, PERIOD)) == []


def test_demo_motivation_findings_layers_and_section(demo_audit):
    codes = {f.code for f in demo_audit.findings}
    assert {"motivation_no_growth", "motivation_cost_of_sales", "plan_funnel_short"} <= codes
    assert {"plan_monthly_only", "activity_irregular"} <= codes  # the planted ones are still found
    short = next(f for f in demo_audit.findings if f.code == "plan_funnel_short")
    assert short.impact_per_month == pytest.approx(demo_audit.decomposition.gap)
    statuses = {layer.number: layer.status for layer in demo_audit.layers}
    assert statuses[2] == "problems"
    for locale, proposed in (("ru", "Рост сверх плана"), ("en", "Рост сверх плана")):
        html = render_section("motivation", Messages(locale), demo_audit).html
        assert proposed in html and "Процент с маржи" in html
        assert "data:image/png;base64" in html  # the payout curve
    html = render_section("motivation", Messages("ru"), demo_audit).html
    assert "Коммерческое предложение" in html and "Действующая" in html
    empty = dataclasses.replace(demo_audit, motivation=analyze_motivation(DEALS, PLANS, None, PERIOD))
    assert "не описана" in render_section("motivation", Messages("ru"), empty).html


def test_roles_and_manual_targets_follow_the_pseudonyms(tmp_path, repo):
    import shutil

    import yaml

    from workbench.audit import build_audit

    client = tmp_path / "demo"
    shutil.copytree(repo / "clients" / "demo", client)
    raw = yaml.safe_load((client / "client.yaml").read_text(encoding="utf-8"))
    raw["motivation"]["roles"] = {"старший": {"base_salary": 60000}}
    raw["motivation"]["manager_roles"] = {"Анна Соколова": "старший"}
    raw["plan"]["target"] = {"split": "manual", "managers": {"Анна Соколова": 500000, "Игорь Петров": 300000}}
    (client / "client.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    audit = build_audit(client, as_of=dt.date(2026, 11, 23), anonymize=True, locale="ru")
    names = {p.manager for p in audit.motivation.current.payout}
    assert "Анна Соколова" not in names
    senior = {p.manager for p in audit.motivation.current.payout if p.pay.base == Decimal("60000.00")}
    assert len(senior) == 1 and senior <= names
    assert {m.manager for m in audit.decomposition.managers} <= names
    assert sorted(m.revenue for m in audit.decomposition.managers) == [300000, 500000]
