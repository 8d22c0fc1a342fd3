"""ABC classes, concentration and profitability of customers, against hand-classified examples."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from workbench.analysis.customers.abc import abc_fixed, analyze_customers, concentration, gini, profitability
from workbench.config import AbcConfig, Period

THRESHOLDS = (0.80, 0.95)
PERIOD = Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31))


def classes(values: dict[str, float], thresholds=THRESHOLDS) -> dict[str, str]:
    items = abc_fixed(pd.Series(values, dtype=float), thresholds)
    return dict(zip(items["id"], items["cls"], strict=True))


# ----------------------------------------------------------------------------------------------------
# abc_fixed: the "share before the item" rule
# ----------------------------------------------------------------------------------------------------


def test_one_customer_with_85_percent_is_a():
    # Shares 85 / 10 / 5: cumulative share before each is 0, 85, 95.
    assert classes({"big": 85, "mid": 10, "small": 5}) == {"big": "A", "mid": "B", "small": "C"}


def test_research_note_case_850_60_50_40():
    # Total 1000; share before: 850 -> 0 (A), 60 -> 85% (B), 50 -> 91% (B), 40 -> 96% (C).
    # inventorize gives B, B, C, C and abc-analysis leaves A empty; here 850 is A.
    result = classes({"c850": 850, "c60": 60, "c50": 50, "c40": 40})
    assert result == {"c850": "A", "c60": "B", "c50": "B", "c40": "C"}


def test_ten_items_hand_classified():
    values = [30, 25, 15, 10, 8, 5, 3, 2, 1, 1]
    ids = [f"i{j:02d}" for j in range(10)]
    items = abc_fixed(pd.Series(values, index=ids, dtype=float), THRESHOLDS)
    # Total 100. Share before each: 0, 30, 55, 70, 80, 88, 93, 96, 98, 99 (%).
    # A while before < 80: 30, 25, 15, 10. B while before < 95: 8 (80), 5 (88), 3 (93). C: 2, 1, 1.
    assert items["id"].tolist() == ids
    assert items["cls"].tolist() == ["A"] * 4 + ["B"] * 3 + ["C"] * 3
    assert items["share"].tolist() == pytest.approx([v / 100 for v in values])
    assert items["cum_share_before"].tolist() == pytest.approx(
        [0, 0.30, 0.55, 0.70, 0.80, 0.88, 0.93, 0.96, 0.98, 0.99]
    )
    assert items["cum_share"].tolist() == pytest.approx(
        [0.30, 0.55, 0.70, 0.80, 0.88, 0.93, 0.96, 0.98, 0.99, 1.0]
    )


def test_other_thresholds():
    values = {f"i{j}": v for j, v in enumerate([30, 25, 15, 10, 8, 5, 3, 2, 1, 1])}
    # 70 / 90: A while before < 70% -> 30, 25, 15; B while before < 90% -> 10 (70%), 8 (80%), 5 (88%);
    # C from 3 (93%).
    result = classes(values, (0.70, 0.90))
    assert [result[f"i{j}"] for j in range(10)] == ["A"] * 3 + ["B"] * 3 + ["C"] * 4


def test_ties_are_ordered_by_id():
    # Inserted in reverse order on purpose. 70 / 15 / 15: "a" comes before "b", so "a" has 70% before it
    # (A) and "b" has 85% before it (B).
    items = abc_fixed(pd.Series({"b": 15.0, "c": 70.0, "a": 15.0}), THRESHOLDS)
    assert items["id"].tolist() == ["c", "a", "b"]
    assert items["cls"].tolist() == ["A", "A", "B"]


def test_zero_and_negative_values_are_not_ranked():
    items = abc_fixed(pd.Series({"x": 60.0, "y": 40.0, "zero": 0.0, "refund": -25.0}), THRESHOLDS)
    assert items["id"].tolist() == ["x", "y"]
    assert items["share"].tolist() == pytest.approx([0.6, 0.4])  # shares of the positive total 100
    assert items["cls"].tolist() == ["A", "A"]


def test_nothing_positive_gives_an_empty_ranking():
    items = abc_fixed(pd.Series({"zero": 0.0, "refund": -5.0}), THRESHOLDS)
    assert len(items) == 0
    assert {"id", "value", "share", "cum_share_before", "cum_share", "cls"} <= set(items.columns)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"only": 10.0}, ["A"]),
        ({"p": 60.0, "q": 40.0}, ["A", "A"]),  # 60% before q: A
        ({"p": 90.0, "q": 10.0}, ["A", "B"]),  # 90% before q: B
        ({"p": 97.0, "q": 3.0}, ["A", "C"]),  # 97% before q: C
    ],
)
def test_fewer_than_three_customers(values, expected):
    assert abc_fixed(pd.Series(values), THRESHOLDS)["cls"].tolist() == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        # Five equal: before 0, 20, 40, 60, 80% -> the fifth is exactly at 80%: B.
        (5, ["A"] * 4 + ["B"]),
        # Ten equal: before 0..90% in steps of 10 -> A up to 70%, B at 80 and 90%.
        (10, ["A"] * 8 + ["B"] * 2),
        # Twenty equal: before 0..95% in steps of 5 -> A up to 75%, B at 80, 85, 90%, C at 95%.
        (20, ["A"] * 16 + ["B"] * 3 + ["C"]),
    ],
)
def test_all_equal_values(n, expected):
    items = abc_fixed(pd.Series(np.full(n, 7.0), index=[f"c{j:02d}" for j in range(n)]), THRESHOLDS)
    assert items["cls"].tolist() == expected
    assert items["id"].tolist() == [f"c{j:02d}" for j in range(n)]


# ----------------------------------------------------------------------------------------------------
# Gini and concentration
# ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 5, 50])
def test_gini_all_equal_is_zero(n):
    assert gini(np.full(n, 3.0)) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("n", [2, 4, 10, 100])
def test_gini_one_holds_all(n):
    values = np.zeros(n)
    values[n // 2] = 500.0
    assert gini(values) == pytest.approx((n - 1) / n)


def test_gini_by_hand():
    # Mean absolute difference over all ordered pairs / (2 * mean):
    # [1, 2, 3]: |differences| sum to 8 over 9 pairs, mean 2 -> 8 / 9 / 4 = 2/9.
    assert gini(np.array([3.0, 1.0, 2.0])) == pytest.approx(2 / 9)
    # [10, 10, 30, 50]: ordered-pair sum 280 over 16 pairs, mean 25 -> 280 / 16 / 50 = 0.35.
    assert gini(np.array([50.0, 10.0, 30.0, 10.0])) == pytest.approx(0.35)


def test_gini_empty_or_zero():
    assert gini(np.array([])) == 0.0
    assert gini(np.zeros(3)) == 0.0


def test_concentration_by_hand():
    values = pd.Series({"a": 50.0, "b": 30.0, "c": 10.0, "d": 10.0, "refund": -40.0, "none": 0.0})
    c = concentration(values)
    assert c.customers == 4
    assert c.top1_name == "a"
    assert c.top1_share == pytest.approx(0.5)
    assert c.top3_share == pytest.approx(0.9)
    assert c.top10_share == pytest.approx(1.0)
    assert c.hhi == pytest.approx(0.5**2 + 0.3**2 + 0.1**2 + 0.1**2)  # 0.36
    assert c.gini == pytest.approx(0.35)


def test_concentration_top10_of_many():
    # Customers 1..20 bring 1..20: total 210; top 10 = 11 + ... + 20 = 155; top 3 = 57; top 1 = 20.
    values = pd.Series({f"c{j}": float(j) for j in range(1, 21)})
    c = concentration(values)
    assert c.top1_name == "c20"
    assert c.top1_share == pytest.approx(20 / 210)
    assert c.top3_share == pytest.approx(57 / 210)
    assert c.top10_share == pytest.approx(155 / 210)
    assert c.hhi == pytest.approx(sum(j * j for j in range(1, 21)) / 210**2)


def test_concentration_of_nothing():
    c = concentration(pd.Series({"x": 0.0, "y": -3.0}))
    assert (c.customers, c.top1_share, c.top1_name, c.hhi) == (0, 0.0, None, 0.0)


# ----------------------------------------------------------------------------------------------------
# analyze_customers and profitability
# ----------------------------------------------------------------------------------------------------


def transactions() -> pd.DataFrame:
    rows = [
        ("c1", "2026-01-10", 300.0, 60.0),
        ("c1", "2026-02-10", 200.0, 40.0),  # c1: 500, margin 100
        ("c2", "2026-01-15", 300.0, -40.0),  # c2: 300, margin -40
        ("c3", "2026-03-31", 150.0, 30.0),  # c3: 150 (last day of the period), margin 30
        ("c4", "2026-02-01", 50.0, -10.0),  # c4: 50, margin -10 in the period
        ("c4", "2025-12-31", 1000.0, 500.0),  # outside the period
        ("c4", "2026-04-01", 1000.0, 500.0),  # outside the period
        ("zero", "2026-01-20", 100.0, 10.0),
        ("zero", "2026-01-25", -100.0, -10.0),  # zero: 0, margin 0
        ("neg", "2026-02-20", 50.0, 5.0),
        ("neg", "2026-02-25", -80.0, -25.0),  # neg: -30, margin -20
    ]
    out = pd.DataFrame(rows, columns=["customer_id", "date", "amount", "margin"])
    out["date"] = pd.to_datetime(out["date"]).astype("datetime64[ns]")
    return out.astype({"customer_id": "string"})


def test_analyze_customers_by_hand():
    result = analyze_customers(transactions(), AbcConfig(), PERIOD)
    # Ranked: c1 500, c2 300, c3 150, c4 50 (total 1000); before: 0, 50, 80, 95% -> A, A, B, C.
    assert result.items["id"].tolist() == ["c1", "c2", "c3", "c4"]
    assert result.items["cls"].tolist() == ["A", "A", "B", "C"]
    assert result.total == pytest.approx(1000.0)
    a, b, c = (result.classes[k] for k in "ABC")
    assert (a.count, a.revenue, a.share, a.count_share) == (2, pytest.approx(800), pytest.approx(0.8), 0.5)
    assert (b.count, b.revenue, b.share, b.count_share) == (1, pytest.approx(150), pytest.approx(0.15), 0.25)
    assert (c.count, c.revenue, c.share, c.count_share) == (1, pytest.approx(50), pytest.approx(0.05), 0.25)
    # "zero" (0) and "neg" (-30) are counted apart.
    assert result.excluded_count == 2
    assert result.excluded_value == pytest.approx(-30.0)
    assert result.months == pytest.approx(90 / 30.4375)
    assert (result.mode, result.metric, result.thresholds) == ("fixed", "revenue", (0.8, 0.95))
    conc = result.concentration
    assert (conc.customers, conc.top1_name) == (4, "c1")
    assert conc.top1_share == pytest.approx(0.5)
    assert conc.top3_share == pytest.approx(0.95)
    assert conc.hhi == pytest.approx(0.25 + 0.09 + 0.0225 + 0.0025)
    # Sorted 50, 150, 300, 500: 2 * (50 + 300 + 900 + 2000) / (4 * 1000) - 5/4 = 0.375.
    assert conc.gini == pytest.approx(0.375)


def test_analyze_customers_on_margin():
    result = analyze_customers(transactions(), AbcConfig(metric="margin"), PERIOD)
    # Margins: c1 100, c3 30 positive (total 130); c2 -40, c4 -10, zero 0, neg -20 excluded.
    assert result.items["id"].tolist() == ["c1", "c3"]
    assert result.items["cls"].tolist() == ["A", "A"]  # 100/130 = 77% before c3: still A
    assert result.total == pytest.approx(130.0)
    assert result.excluded_count == 4
    assert result.excluded_value == pytest.approx(-70.0)


def test_profitability_by_hand():
    result = analyze_customers(transactions(), AbcConfig(), PERIOD)
    p = result.profitability
    assert p.available is True
    # Negative total margin in the period: c2 (-40), c4 (-10), neg (-20); c4's sales outside the period do
    # not rescue it.
    assert p.unprofitable_count == 3
    assert p.unprofitable_revenue == pytest.approx(300 + 50 - 30)
    assert p.unprofitable_margin == pytest.approx(-70.0)
    assert p.total_margin == pytest.approx(100 - 40 + 30 - 10 + 0 - 20)
    assert p.customers == 6


def test_profitability_without_margin():
    lines = transactions().drop(columns=["margin"])
    p = profitability(lines)
    assert p.available is False
    assert p.unprofitable_count == 0
    assert p.customers == 6  # every customer of the lines given
    empty_margin = transactions().assign(margin=np.nan)
    assert profitability(empty_margin).available is False


def test_top_customer_with_tied_revenue_does_not_depend_on_input_order():
    forward = pd.Series({"a": 50.0, "b": 50.0, "c": 10.0})
    backward = pd.Series({"c": 10.0, "b": 50.0, "a": 50.0})
    # abc_fixed puts "a" first (ties by id) whatever the order; the concentration should name the same one.
    assert abc_fixed(backward, THRESHOLDS)["id"].iloc[0] == "a"
    assert concentration(forward).top1_name == "a"
    assert concentration(backward).top1_name == "a"
