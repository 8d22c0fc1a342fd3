"""The customer-base settings of client.yaml: defaults, presets and messages that name the field."""

from __future__ import annotations

import copy

import pytest

from workbench.config import XYZ_PRESETS, parse_config
from workbench.errors import ConfigError

BASE = {
    "name": "ООО «Тест»",
    "period": {"start": "2026-01-01", "end": "2026-03-31"},
    "data": {"deals": {"file": "d.csv", "columns": {"deal_id": "ID", "created_at": "Дата", "stage": "Этап"}}},
    "funnel": {"stages": ["Контакт", "Переговоры"], "won_stages": ["Успех"], "lost_stages": ["Отказ"]},
}


def with_abc(abc: dict) -> dict:
    raw = copy.deepcopy(BASE)
    raw["abc"] = abc
    return raw


def problems(abc: dict) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_config(with_abc(abc))
    return info.value.problems


def test_defaults():
    abc = parse_config(BASE).abc
    assert (abc.mode, abc.thresholds, abc.metric, abc.products) == ("fixed", (0.8, 0.95), "revenue", True)
    assert abc.xyz.limits == (0.10, 0.25) and abc.xyz.months_without_sales == "zero"
    assert (abc.d_class.min_margin, abc.d_class.inactive_months, abc.d_class.hour_cost) == (0.0, 6, None)
    assert abc.segments.weights == {"revenue": 0.4, "margin": 0.3, "frequency": 0.1, "potential": 0.2}
    assert abc.segments.column_criteria == []
    assert (abc.migration.previous, abc.migration.falling_share) == (None, 0.3)


def test_computed_mode_and_the_presets():
    abc = parse_config(with_abc({"mode": "computed", "xyz": {"preset": "supply_chain"}})).abc
    assert abc.mode == "computed"
    assert abc.xyz.limits == XYZ_PRESETS["supply_chain"] == (0.5, 1.0)
    custom = parse_config(with_abc({"xyz": {"thresholds": [0.2, 0.6]}})).abc.xyz
    assert (custom.limits, custom.preset) == ((0.2, 0.6), "retail")


def test_a_previous_period_for_the_migration():
    abc = parse_config(
        with_abc({"migration": {"previous": {"start": "2025-01-01", "end": "2025-03-31"}}})
    ).abc
    assert abc.migration.previous.months == pytest.approx(90 / 30.4375)


@pytest.mark.parametrize(
    ("abc", "expected"),
    [
        ({"mode": "auto"}, "abc.mode: Input should be 'fixed' or 'computed'"),
        ({"xyz": {"preset": "ru"}}, "abc.xyz.preset: Input should be 'retail' or 'supply_chain'"),
        ({"xyz": {"thresholds": [0.5, 0.2]}}, "abc.xyz.thresholds: expected two limits 0 < X < Y"),
        ({"segments": {"weights": {"revenue": -1}}}, "abc.segments.weights: expected weights of 0 or more"),
        ({"segments": {"weights": {"revenue": 0}}}, "abc.segments.weights: expected at least one positive"),
        ({"migration": {"falling_share": 1.5}}, "abc.migration.falling_share: Input should be less than 1"),
        ({"d_class": {"inactive_months": 0}}, "abc.d_class.inactive_months: Input should be greater than 0"),
        ({"d_class": {"min_margin_share": 0.1}}, "abc.d_class.min_margin_share: expected no such field"),
    ],
)
def test_errors_name_the_field(abc, expected):
    assert any(p.startswith(expected) for p in problems(abc)), problems(abc)
