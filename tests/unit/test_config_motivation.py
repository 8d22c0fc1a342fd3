"""client.yaml: the pay-scheme, plan-target and calendar keys; the scheme's older keys keep working."""

from __future__ import annotations

import copy

import pytest

from workbench.config import parse_config
from workbench.errors import ConfigError

BASE = {
    "name": "ООО «Тест»",
    "period": {"start": "2026-01-01", "end": "2026-03-31"},
    "data": {"deals": {"file": "d.csv", "columns": {"deal_id": "ID", "created_at": "Дата", "stage": "Этап"}}},
    "funnel": {"stages": ["Контакт"], "won_stages": ["Успех"], "lost_stages": ["Отказ"]},
}


def with_(**parts):
    raw = copy.deepcopy(BASE)
    raw.update(parts)
    return raw


def problems(raw) -> str:
    with pytest.raises(ConfigError) as info:
        parse_config(raw)
    return "; ".join(info.value.problems)


def test_the_keys_of_before_keep_their_meaning():
    old = {
        "base_salary": 45000,
        "commission_base": "revenue",
        "tiers": [{"from_attainment": 0.0, "rate": 0.02}, {"from_attainment": 1.0, "rate": 0.06}],
        "plan_bonus": 20000,
        "penalties": [{"below_attainment": 0.5, "amount": 10000}],
        "cap": 100000,
    }
    m = parse_config(with_(motivation=old)).motivation
    assert m.tier_mode == "whole" and m.bonus_threshold == 1.0 and m.proposed == []
    assert m.comfort_income == (70000, 100000) and m.cap == 100000


def test_new_scheme_keys_and_proposed_schemes():
    m = parse_config(
        with_(
            motivation={
                "tiers": [{"from_attainment": 0.8, "rate": 0.05}],
                "tier_mode": "marginal",
                "accelerators": [{"from_attainment": 1.2, "multiplier": 1.5}],
                "spif": [{"name": "Рывок", "threshold": 1.3, "amount": 15000}],
                "roles": {"старший": {"base_salary": 60000}},
                "manager_roles": {"Анна": "старший"},
                "proposed": [{"name": "Б", "base_salary": 30000}],
            }
        )
    ).motivation
    assert m.roles["старший"].base_salary == 60000 and m.proposed[0].name == "Б"


@pytest.mark.parametrize(
    ("motivation", "expected"),
    [
        (
            {"tiers": [{"from_attainment": 1.0, "rate": 0.05}, {"from_attainment": 0.5, "rate": 0.02}]},
            "rising order",
        ),
        ({"accelerators": [{"from_attainment": 0.9, "multiplier": 1.5}]}, "accelerators.0.from_attainment"),
        ({"spif": [{"name": "x", "amount": 1000}]}, "needs a threshold"),
        ({"manager_roles": {"Анна": "нет такой"}}, "not described under roles"),
        ({"proposed": [{"name": "А"}, {"name": "А"}]}, "names must differ"),
        ({"comfort_income": [100000, 70000]}, "0 < from <= to"),
        ({"tier_mode": "progressive"}, "tier_mode"),
    ],
)
def test_bad_scheme_keys_are_named(motivation, expected):
    assert expected in problems(with_(motivation=motivation))


def test_plan_target_and_calendar():
    plan = parse_config(
        with_(
            plan={
                "target": {"revenue": 2_000_000, "split": "capacity"},
                "calendar": {"days_off": ["2026-12-30"]},
            }
        )
    ).plan
    assert plan.target.revenue == 2_000_000 and str(plan.calendar.days_off[0]) == "2026-12-30"
    assert "split 'manual' needs" in problems(with_(plan={"target": {"split": "manual"}}))
