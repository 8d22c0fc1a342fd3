"""Class D rules and the managers' time by class of customer, on hand-built sales lines and deals."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from sales_lines import sales

from workbench.analysis.customers.base import analyze_customer_base, hour_cost
from workbench.analysis.customers.dclass import analyze_d_class, analyze_time
from workbench.config import AbcConfig, DClassConfig, MotivationConfig, Period

NINE_MONTHS = Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 9, 30))
COLUMNS = ("customer_id", "date", "amount", "margin")
LINES = sales(
    [
        ("good", "2026-02-01", 1000.0, 300.0),
        ("good", "2026-09-01", 1000.0, 300.0),  # good: revenue 2000, margin 600, bought in September
        ("loss", "2026-08-01", 500.0, -40.0),  # loss: negative margin
        ("thin", "2026-07-01", 1000.0, 20.0),  # thin: 2% margin
        ("gone", "2026-02-15", 800.0, 200.0),  # gone: last purchase in February
        ("refunded", "2026-05-01", 300.0, 60.0),
        ("refunded", "2026-05-10", -300.0, -60.0),  # refunded: revenue 0
        ("costly", "2026-09-20", 400.0, 100.0),  # costly: margin 100, cost to serve 150 (customers file)
        ("outside", "2025-12-20", -900.0, -900.0),  # before the period: not looked at
    ],
    COLUMNS,
)
CUSTOMERS = pd.DataFrame(
    {"customer_id": ["costly", "good"], "name": ["ООО «Дорогой»", pd.NA], "cost_to_serve": [150.0, 10.0]}
).astype({"customer_id": "string", "name": "string"})
ABC = pd.Series({"good": "A", "loss": "B", "thin": "B", "gone": "B", "costly": "C"})


def d_of(config: DClassConfig, lines: pd.DataFrame = LINES, customers=CUSTOMERS):
    return analyze_d_class(lines, config, NINE_MONTHS, ABC, customers)


def flags(result) -> dict[str, list[str]]:
    return {
        row["id"]: [r for r in result.rules if row[f"rule_{r}"]] for _, row in result.customers.iterrows()
    }


def test_every_rule_by_hand():
    # Six months before 30 September: a last purchase before 3 April 2026 (period end + 1 day - 182.6 days).
    result = d_of(DClassConfig(min_margin=0, min_margin_rate=0.05, inactive_months=6))
    assert result.rules == ["low_margin", "low_margin_rate", "no_revenue", "inactive", "cost_to_serve"]
    assert flags(result) == {
        "thin": ["low_margin_rate"],
        "gone": ["inactive"],
        "loss": ["low_margin", "low_margin_rate"],
        "costly": ["cost_to_serve"],
        "refunded": ["no_revenue"],
    }
    assert result.count == 5 and result.total_customers == 6
    assert result.revenue == pytest.approx(1000 + 800 + 500 + 400 + 0)
    assert result.margin == pytest.approx(20 + 200 - 40 + 100 + 0)
    assert result.by_rule == {
        "low_margin": 1,
        "low_margin_rate": 2,
        "no_revenue": 1,
        "inactive": 1,
        "cost_to_serve": 1,
    }
    assert result.by_abc == {"A": 0, "B": 3, "C": 1, "": 1}  # "refunded" is not ranked
    # Sorted by revenue, largest first.
    assert result.customers["id"].tolist() == ["thin", "gone", "loss", "costly", "refunded"]
    assert result.customers.set_index("id").loc["gone", "last_purchase"] == pd.Timestamp("2026-02-15")


def test_defaults_negative_margin_no_revenue_and_six_months():
    result = d_of(DClassConfig())
    assert result.rules == ["low_margin", "no_revenue", "inactive", "cost_to_serve"]
    assert set(result.ids) == {"loss", "gone", "refunded", "costly"}


def test_a_margin_threshold_in_money():
    result = d_of(DClassConfig(min_margin=150, inactive_months=None, no_revenue=False, cost_to_serve=False))
    assert set(result.ids) == {"loss", "thin", "costly", "refunded"}  # margins -40, 20, 100, 0 < 150


def test_rules_without_data_are_not_in_force():
    no_margin = LINES.assign(margin=np.nan)
    result = d_of(DClassConfig(min_margin_rate=0.1), no_margin, customers=None)
    assert result.rules == ["no_revenue", "inactive"]
    assert result.margin is None
    assert set(result.ids) == {"refunded", "gone"}
    # The inactivity rule needs a period longer than its months.
    short = Period(start=dt.date(2026, 7, 1), end=dt.date(2026, 9, 30))
    result = analyze_d_class(LINES, DClassConfig(), short, ABC, CUSTOMERS)
    assert "inactive" not in result.rules


def test_nothing_is_d_when_every_rule_is_off():
    config = DClassConfig(min_margin=None, inactive_months=None, no_revenue=False, cost_to_serve=False)
    result = d_of(config)
    assert (result.rules, result.count, result.revenue) == ([], 0, 0.0)


def deals(rows: list[tuple[str, str | None]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["created_at", "customer_id"])
    frame["created_at"] = pd.to_datetime(frame["created_at"]).astype("datetime64[ns]")
    return frame.astype({"customer_id": "string"})


DEALS = deals(
    [
        ("2026-03-01", "good"),
        ("2026-03-02", "loss"),
        ("2026-03-03", "loss"),
        ("2026-03-04", "gone"),
        ("2026-03-05", "prospect"),  # no purchases in the period
        ("2026-03-06", None),  # no customer named
        ("2025-12-30", "loss"),  # created before the period
    ]
)


def test_managers_time_by_class_by_hand():
    d_ids = {"loss", "gone"}
    config = DClassConfig(hours_per_deal=4.0, hours_per_action=0.5)
    time = analyze_time(DEALS, None, NINE_MONTHS, ABC, d_ids, config, (300.0, "config"))
    assert time.deals == {"A": 1, "B": 0, "C": 0, "D": 3, "none": 1}
    assert time.deals_without_customer == 1
    assert time.share("D") == pytest.approx(3 / 5)
    months = NINE_MONTHS.months
    assert time.hours_per_month("D") == pytest.approx(3 * 4.0 / months)
    assert time.cost_per_month("D") == pytest.approx(3 * 4.0 * 300.0 / months)
    assert time.actions is None


def test_actions_that_name_a_customer_count_too():
    actions = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-04-01", "2026-04-02", "2026-04-03"]).astype("datetime64[ns]"),
            "customer_id": pd.array(["loss", "good", None], dtype="string"),
            "count": [10.0, 2.0, 7.0],
        }
    )
    time = analyze_time(DEALS, actions, NINE_MONTHS, ABC, {"loss"}, DClassConfig(hours_per_deal=0), None)
    assert time.actions == {"A": 2.0, "B": 0.0, "C": 0.0, "D": 10.0, "none": 0.0}
    assert time.hours_per_month("D") == pytest.approx(10 * 0.5 / NINE_MONTHS.months)
    assert time.cost_per_month("D") is None


def test_hour_cost_from_the_configuration_or_the_base_salary():
    assert hour_cost(AbcConfig(d_class=DClassConfig(hour_cost=500)), None) == (500, "config")
    assert hour_cost(AbcConfig(), MotivationConfig(base_salary=41_000)) == (250.0, "base_salary")
    assert hour_cost(AbcConfig(), None) is None
    assert hour_cost(AbcConfig(), MotivationConfig()) is None


def test_customer_base_puts_it_together():
    base = analyze_customer_base(
        LINES,
        AbcConfig(),
        NINE_MONTHS,
        customers=CUSTOMERS,
        deals=DEALS,
        motivation=MotivationConfig(base_salary=32_800),
    )
    assert base.d_class.ids == {"loss", "gone", "refunded", "costly"}
    assert base.time.hour_cost == pytest.approx(200.0)
    assert base.time.deals["D"] == 3  # loss twice and gone once
    assert base.name("costly") == "ООО «Дорогой»"
    assert base.name("good") == "good"  # no name in the customers file
    assert base.products is None  # no product column
