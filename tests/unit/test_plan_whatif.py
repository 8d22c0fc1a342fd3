"""Plan-and-pay scenarios: the arithmetic, the sliders without a browser, saving and reading them back."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal

import pytest
import yaml

from workbench.analysis.scenario import PlanScenario, evaluate, misfit
from workbench.config import PayScheme
from workbench.io.scenarios import make_scenario, read_scenarios, save_scenario
from workbench.present.i18n import Messages
from workbench.present.motivation_widgets import PlanMotivationWhatIf, saved_scenarios_html

SCHEME = PayScheme.model_validate(
    {
        "base_salary": 40000,
        "tiers": [{"from_attainment": 0, "rate": 0.02}, {"from_attainment": 1.0, "rate": 0.05}],
        "plan_bonus": 10000,
    }
)


def test_scenario_by_hand():
    # 100 leads x 0.5 x 0.2 = 10 deals x 120 000 = 1 200 000 against 1 000 000: 120 %;
    # each of 2 managers: 600 000 of 500 000: 40 000 + 5 % x 600 000 + 10 000 = 80 000
    s = PlanScenario(100, (0.5, 0.2), 120_000, 1_000_000, 40000, (0.02, 0.05), 10000)
    out = evaluate(s, SCHEME, 2)
    assert out.revenue == 1_200_000 and out.attainment == pytest.approx(1.2)
    assert out.pay.total == Decimal("80000.00") and out.payroll == Decimal("160000.00")
    assert out.cost_share == pytest.approx(160_000 / 1_200_000)
    cheaper = evaluate(PlanScenario(100, (0.5, 0.2), 120_000, 1_000_000, 30000, (0.02, 0.03), 0), SCHEME, 2)
    assert cheaper.pay.total == Decimal("48000.00")  # 30 000 + 3 % x 600 000


def test_scenario_refuses_impossible_values():
    with pytest.raises(ValueError, match="conversion"):
        evaluate(PlanScenario(100, (1.5, 0.2), 1, 1, 0, (0.02, 0.05), 0), SCHEME, 2)
    with pytest.raises(ValueError, match="tier rates"):
        evaluate(PlanScenario(100, (0.5, 0.2), 1, 1, 0, (0.02,), 0), SCHEME, 2)


@pytest.fixture
def client(tmp_path, repo):
    """A writable copy of the demo client without its saved scenarios (the tests save their own)."""
    target = tmp_path / "demo"
    shutil.copytree(repo / "clients" / "demo", target)
    (target / "scenarios.yaml").unlink()
    return target


def test_sliders_recompute_with_locale_readouts(demo_audit, client):
    panel = PlanMotivationWhatIf(demo_audit, Messages("ru"), client, author="Консультант")
    base = panel.outcome()
    assert base.revenue == pytest.approx(demo_audit.decomposition.delivered, abs=0.01)  # to the kopeck
    panel.flow.value = panel.flow.value * 2
    doubled = panel.outcome()
    assert doubled.revenue == pytest.approx(base.revenue * 2, rel=1e-6)
    assert Messages("ru").fmt.money(doubled.revenue) in panel.result.value
    assert "\u00a0₽" in panel.result.value or " ₽" in panel.result.value
    assert "1856418" not in panel.result.value  # never a raw number
    panel.salary.value = 0
    assert panel.outcome().pay.base == Decimal("0.00")
    panel.rates[-1].value = 0.1
    assert panel.scenario().tier_rates[-1] == 0.1


def test_save_round_trip_and_refusal(demo_audit, client):
    panel = PlanMotivationWhatIf(demo_audit, Messages("ru"), client, author="Консультант")
    assert panel.save() is None and "не сохранён" in panel.message.value  # no name
    panel.name.value = "Лиды ×2"
    panel.flow.value = panel.flow.value * 2
    path = panel.save()
    assert path == client / "scenarios.yaml" and "сохранён" in panel.message.value
    [saved] = read_scenarios(client)
    assert saved.name == "Лиды ×2" and saved.author == "Консультант"
    assert saved.values.lead_flow == pytest.approx(panel.flow.value)
    assert list(saved.values.conversions) == panel.stages
    html = saved_scenarios_html(demo_audit, Messages("ru"), client)
    assert "Лиды ×2" in html and Messages("ru").fmt.money(panel.outcome().revenue) in html
    panel.author.value = "  "
    assert panel.save() is None and "author" in panel.message.value


def test_invalid_values_are_refused_with_the_field():
    with pytest.raises(ValueError, match=r"values\.conversions"):
        make_scenario(
            "x", "y", {"lead_flow": 1, "conversions": {"a": 2}, "avg_check": 1, "target": 1, "base_salary": 0}
        )
    with pytest.raises(ValueError, match=r"values\.target"):
        make_scenario(
            "x", "y", {"lead_flow": 1, "conversions": {}, "avg_check": 1, "target": 0, "base_salary": 0}
        )


def test_a_scenario_that_no_longer_fits_is_reported(demo_audit, client):
    values = {
        "lead_flow": 100,
        "conversions": {"Старый этап": 0.5},
        "avg_check": 100000,
        "target": 1000000,
        "base_salary": 40000,
        "tier_rates": [0.02, 0.04, 0.06],
    }
    save_scenario(client, make_scenario("Старый", "А", values, dt.datetime(2026, 11, 1, tzinfo=dt.UTC)))
    [saved] = read_scenarios(client)
    stages = [s.stage for s in demo_audit.funnel.stages[:-1]]
    problems = misfit(saved.values, stages, 3)
    assert "stage 'Старый этап' is not in the funnel" in problems
    assert f"no conversion for stage {stages[0]!r}" in problems
    html = saved_scenarios_html(demo_audit, Messages("ru"), client)
    assert "больше не подходит" in html and "Старый этап" in html


def test_a_broken_file_names_the_entry(client):
    (client / "scenarios.yaml").write_text(yaml.safe_dump({"scenarios": [{"name": "x"}]}), encoding="utf-8")
    from workbench.errors import ConfigError

    with pytest.raises(ConfigError, match="scenario 1: author"):
        read_scenarios(client)


def test_a_saved_scenario_appears_in_the_report_and_metrics(client):
    from workbench.audit import build_audit
    from workbench.present.registry import render_section
    from workbench.render.metrics import build_metrics, validate_metrics

    values = {
        "lead_flow": 700,
        "conversions": {},
        "avg_check": 140000,
        "target": 2040000,
        "base_salary": 40000,
        "tier_rates": [0.02, 0.04, 0.06],
        "plan_bonus": 20000,
    }
    audit = build_audit(client, as_of=dt.date(2026, 11, 23))
    assert audit.scenarios == []
    values["conversions"] = {s.stage: 0.6 for s in audit.funnel.stages[:-1]}
    save_scenario(client, make_scenario("Больше лидов", "Консультант", values))
    save_scenario(
        client, make_scenario("Старый", "Консультант", values | {"conversions": {"Нет такого": 0.5}})
    )
    audit = build_audit(client, as_of=dt.date(2026, 11, 23))
    today, more, old = audit.scenarios
    assert today.name == "" and more.fits and more.outcome.revenue > today.outcome.revenue
    assert not old.fits and old.outcome is None
    html = render_section("motivation", Messages("ru"), audit).html
    assert "Сохранённые сценарии" in html and "Больше лидов" in html and "больше не подходит" in html
    document = build_metrics(audit, {})
    validate_metrics(document)
    assert [s["name"] for s in document["scenarios"]] == ["", "Больше лидов", "Старый"]
    assert document["scenarios"][2]["fits"] is False
