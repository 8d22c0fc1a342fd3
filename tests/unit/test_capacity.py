"""Regular actions the plan needs against the activity data, by hand."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from workbench.analysis.capacity import analyze_capacity

FUNNEL = SimpleNamespace(
    stages=[SimpleNamespace(stage="Звонок", reached=200), SimpleNamespace(stage="Продажа", reached=20)]
)
DECOMPOSITION = SimpleNamespace(
    available=True,
    working_days=20,
    stages=[SimpleNamespace(stage="Звонок", needed=100), SimpleNamespace(stage="Продажа", needed=10)],
    managers=[SimpleNamespace(manager="Анна", share=0.6), SimpleNamespace(manager="Борис", share=0.4)],
)
ACTIVITY = SimpleNamespace(
    available=True,
    by_type=pd.DataFrame({"звонки": [600.0, 200.0]}, index=["Анна", "Борис"]),
    managers=[SimpleNamespace(manager="Анна", weeks=10), SimpleNamespace(manager="Борис", weeks=10)],
)


def test_actions_a_week_the_plan_needs_by_hand():
    c = analyze_capacity(ACTIVITY, FUNNEL, DECOMPOSITION, {"звонки": "Звонок"}, 0.1)
    anna, boris = c.actions
    # 800 calls / 200 deals at the call stage = 4 a deal; Анна: 100 x 0.6 x 4 = 240 a month of 20 working
    # days = 60 a 5-day week; she makes 600 / 10 = 60 a week
    assert anna.per_deal == 4 and anna.needed == pytest.approx(60) and anna.actual == 60 and not anna.below
    # Борис: 100 x 0.4 x 4 / 20 x 5 = 40 needed, 20 made: below
    assert boris.needed == pytest.approx(40) and boris.actual == 20 and boris.below
    assert c.below == [boris] and boris.ratio == pytest.approx(0.5)


def test_without_a_mapping_or_activity_it_says_why():
    assert analyze_capacity(ACTIVITY, FUNNEL, DECOMPOSITION, {}, 0.1).reason == "no_mapping"
    none = SimpleNamespace(available=False)
    assert analyze_capacity(none, FUNNEL, DECOMPOSITION, {"звонки": "Звонок"}, 0.1).reason == "no_activity"
    c = analyze_capacity(ACTIVITY, FUNNEL, DECOMPOSITION, {"письма": "Звонок", "звонки": "Нет"}, 0.1)
    assert c.unknown == ["письма: Звонок", "звонки: Нет"] and c.actions == []
