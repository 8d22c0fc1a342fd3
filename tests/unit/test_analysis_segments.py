"""Multi-criteria segmentation: the weighted score by hand, who moves class and why, missing criteria."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from sales_lines import sales

from workbench.analysis.customers.abc import analyze_abc
from workbench.analysis.customers.segments import analyze_segments
from workbench.config import AbcConfig, Period, SegmentsConfig

YEAR = Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
COLUMNS = ("customer_id", "date", "amount", "margin", "document_id")

# revenue: big 600, mid 200, small 140, gazprom 60 (total 1000); margin 120, 40, 10, 30 (total 200);
# purchase documents 3, 2, 4, 1 (total 10); potential 1000, 300, 700, 8000 (total 10000).
ROWS = [
    *[("big", f"2026-0{m}-05", 200.0, 40.0, f"b{m}") for m in (1, 2, 3)],
    ("mid", "2026-02-01", 120.0, 25.0, "m1"),
    ("mid", "2026-05-01", 80.0, 15.0, "m2"),
    *[("small", f"2026-0{m}-07", 35.0, 2.5, f"s{m}") for m in (1, 3, 5, 7)],
    ("gazprom", "2026-04-01", 60.0, 30.0, "g1"),
]
POTENTIAL = {"big": 1000.0, "mid": 300.0, "small": 700.0, "gazprom": 8000.0}


def customers(values: dict[str, float], column: str = "potential") -> pd.DataFrame:
    frame = pd.DataFrame({"customer_id": list(values), column: list(values.values())})
    return frame.astype({"customer_id": "string"}).assign(name=pd.NA)


def segments_of(lines, config: AbcConfig, customer_table=None):
    abc = analyze_abc(lines, config, YEAR)
    return abc, analyze_segments(lines, config, YEAR, abc.items, customer_table)


def test_weighted_score_by_hand_and_the_large_potential_moves_into_a():
    abc, result = segments_of(sales(ROWS, COLUMNS), AbcConfig(), customers(POTENTIAL))
    # Revenue ABC: share before big 0, mid 60%, small 80% (B), gazprom 94% (B).
    assert dict(zip(abc.items["id"], abc.items["cls"], strict=True)) == {
        "big": "A",
        "mid": "A",
        "small": "B",
        "gazprom": "B",
    }
    assert result.weights == pytest.approx(
        {"revenue": 0.4, "margin": 0.3, "frequency": 0.1, "potential": 0.2}
    )
    # Scores: 0.4 x revenue share + 0.3 x margin share + 0.1 x frequency share + 0.2 x potential share.
    expected = {
        "big": 0.4 * 0.6 + 0.3 * 0.6 + 0.1 * 0.3 + 0.2 * 0.1,  # 0.470
        "mid": 0.4 * 0.2 + 0.3 * 0.2 + 0.1 * 0.2 + 0.2 * 0.03,  # 0.166
        "small": 0.4 * 0.14 + 0.3 * 0.05 + 0.1 * 0.4 + 0.2 * 0.07,  # 0.125
        "gazprom": 0.4 * 0.06 + 0.3 * 0.15 + 0.1 * 0.1 + 0.2 * 0.8,  # 0.239
    }
    items = result.items.set_index("id")
    assert items["score"].to_dict() == pytest.approx(expected)
    assert items["score"].sum() == pytest.approx(1.0)
    # The classes keep the ABC's sizes (two A, two B): by score big, gazprom are A; mid, small are B.
    assert items["cls"].to_dict() == {"big": "A", "mid": "B", "small": "B", "gazprom": "A"}
    assert (result.moved_up, result.moved_down) == (1, 1)
    assert result.movers["id"].tolist() == ["gazprom", "mid"]  # moving up first
    # Why: gazprom's largest gap over its revenue share (6%) is potential (80%); mid's largest gap below
    # its 20% is potential too (3%).
    assert items.loc["gazprom", "reason"] == "potential"
    assert items.loc["mid", "reason"] == "potential"
    assert items.loc["big", "reason"] == ""
    assert items.loc["gazprom", "share_potential"] == pytest.approx(0.8)
    assert {k: v.count for k, v in result.classes.items()} == {"A": 2, "B": 2, "C": 0}
    assert result.classes["A"].revenue == pytest.approx(660.0)


def test_criteria_without_data_are_left_out_and_weights_rescaled():
    no_margin = sales([r[:3] for r in ROWS])  # no margin, no document numbers, no customers file
    _, result = segments_of(no_margin, AbcConfig())
    assert result.dropped == ["margin", "potential"]
    assert result.weights == pytest.approx({"revenue": 0.8, "frequency": 0.2})
    # Without document numbers frequency counts purchase days: big 3, mid 2, small 4, gazprom 1.
    items = result.items.set_index("id")
    assert items.loc["small", "share_frequency"] == pytest.approx(0.4)
    assert items.loc["gazprom", "score"] == pytest.approx(0.8 * 0.06 + 0.2 * 0.1)


def test_missing_potential_is_the_current_yearly_revenue():
    # A year of 365 days is 365 / 30.4375 months, so a year's revenue R counts as R x 12 / 11.99.
    partial = {"big": 1000.0, "gazprom": 8000.0}
    _, result = segments_of(sales(ROWS, COLUMNS), AbcConfig(), customers(partial))
    assert result.potential_filled == 2
    months = YEAR.months
    potentials = {"big": 1000.0, "gazprom": 8000.0, "mid": 200 * 12 / months, "small": 140 * 12 / months}
    total = sum(potentials.values())
    items = result.items.set_index("id")
    for customer, potential in potentials.items():
        assert items.loc[customer, "share_potential"] == pytest.approx(potential / total)


def test_any_numeric_column_of_the_customers_file_is_a_criterion():
    staff = customers({"big": 10.0, "mid": 10.0, "small": 500.0, "gazprom": np.nan}, column="Сотрудников")
    config = AbcConfig(segments=SegmentsConfig(weights={"revenue": 1.0, "Сотрудников": 1.0}))
    _, result = segments_of(sales(ROWS, COLUMNS), config, staff)
    items = result.items.set_index("id")
    # Employees: total 520 (the missing one counts as 0): small 500/520. Score = (revenue + staff) / 2.
    assert items.loc["small", "score"] == pytest.approx((0.14 + 500 / 520) / 2)
    assert items.loc["small", "cls"] == "A" and items.loc["small", "reason"] == "Сотрудников"


def test_weights_of_zero_leave_a_criterion_out():
    config = AbcConfig(segments=SegmentsConfig(weights={"revenue": 1.0, "potential": 0.0}))
    _, result = segments_of(sales(ROWS, COLUMNS), config, customers(POTENTIAL))
    assert result.weights == {"revenue": 1.0}
    assert result.moved_up == result.moved_down == 0


def test_nothing_ranked_means_no_segmentation():
    lines = sales([("refund", "2026-02-01", -10.0)])
    abc = analyze_abc(lines, AbcConfig(), YEAR)
    assert analyze_segments(lines, AbcConfig(), YEAR, abc.items) is None
