"""XYZ: complete months, months without sales, the coefficient of variation and its limits, the matrix."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from sales_lines import monthly, sales

from workbench.analysis.customers.abc import analyze_abc
from workbench.analysis.customers.xyz import coefficient_of_variation, complete_months, xyz_classes
from workbench.config import AbcConfig, Period, XyzConfig

QUARTER = Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 4, 30))  # four complete months


def xyz_of(rows: list[tuple], xyz: XyzConfig | None = None, period: Period = QUARTER) -> pd.DataFrame:
    result = analyze_abc(sales(rows), AbcConfig(xyz=xyz or XyzConfig()), period)
    return result.items.set_index("id")[["cv", "xyz"]]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ((2026, 1, 1), (2026, 3, 31), ["2026-01", "2026-02", "2026-03"]),
        ((2026, 1, 15), (2026, 4, 10), ["2026-02", "2026-03"]),  # partial January and April left out
        (
            (2010, 12, 1),
            (2011, 12, 9),
            [f"{y}-{m:02d}" for y, m in [(2010, 12)] + [(2011, k) for k in range(1, 12)]],
        ),
        ((2026, 2, 3), (2026, 2, 27), []),
    ],
)
def test_complete_months(start, end, expected):
    months = complete_months(Period(start=dt.date(*start), end=dt.date(*end)))
    assert [m.strftime("%Y-%m") for m in months] == expected


def test_cv_by_hand():
    matrix = np.array(
        [
            [100, 100, 100, 100],  # mean 100, sd 0 -> 0
            [120, 80, 100, 100],  # sd = sqrt((400 + 400) / 4) = 14.142 -> 0.14142
            [100, 0, 100, 0],  # mean 50, sd 50 -> 1.0
            [0, 0, 0, 40],  # mean 10, sd sqrt((3 * 100 + 900) / 4) = 17.32 -> 1.7321
            [0, 0, 0, 0],  # no mean: undefined
            [50, -60, 0, 0],  # negative mean: undefined
        ],
        dtype=float,
    )
    cv = coefficient_of_variation(matrix, from_first=False)
    assert cv[:4] == pytest.approx([0.0, np.sqrt(200) / 100, 1.0, np.sqrt(300) / 10])
    assert np.isnan(cv[4]) and np.isnan(cv[5])
    # From the first purchase: [0, 0, 0, 40] is one month of 40 -> 0; [100, 0, 100, 0] is unchanged.
    first = coefficient_of_variation(matrix, from_first=True)
    assert first[2] == pytest.approx(1.0)
    assert first[3] == pytest.approx(0.0)


@pytest.mark.parametrize(
    ("cv", "retail", "supply_chain"),
    [
        (0.0, "X", "X"),
        (0.10, "X", "X"),  # the limit itself belongs to the better class
        (0.1414, "Y", "X"),
        (0.25, "Y", "X"),
        (0.26, "Z", "X"),
        (0.5, "Z", "X"),
        (0.51, "Z", "Y"),
        (1.0, "Z", "Y"),
        (1.01, "Z", "Z"),
        (np.nan, "", ""),
    ],
)
def test_limits_of_both_presets(cv, retail, supply_chain):
    assert xyz_classes(np.array([cv]), XyzConfig().limits)[0] == retail
    assert xyz_classes(np.array([cv]), XyzConfig(preset="supply_chain").limits)[0] == supply_chain


def test_custom_limits_override_the_preset():
    config = XyzConfig(preset="supply_chain", thresholds=(0.2, 0.4))
    assert config.limits == (0.2, 0.4)
    assert xyz_classes(np.array([0.3]), config.limits)[0] == "Y"


def test_xyz_of_customers_by_hand():
    rows = [
        *monthly("steady", [100, 100, 100, 100]),
        *monthly("swinging", [120, 80, 100, 100]),
        *monthly("every_other", [100, 0, 100, 0]),
        *monthly("late", [0, 0, 0, 40]),
        ("steady", "2026-05-03", 5000.0),  # after the period: ignored
    ]
    got = xyz_of(rows)
    assert got.loc["steady"].tolist() == [0.0, "X"]
    assert got.loc["swinging", "cv"] == pytest.approx(0.14142, abs=1e-5)
    assert got.loc["swinging", "xyz"] == "Y"
    assert got.loc["every_other"].tolist() == [1.0, "Z"]
    assert got.loc["late", "xyz"] == "Z"
    late_first = xyz_of(rows, XyzConfig(months_without_sales="from_first_purchase"))
    assert late_first.loc["late"].tolist() == [0.0, "X"]
    assert late_first.loc["every_other", "xyz"] == "Z"


def test_partial_months_do_not_count():
    # 15 January - 15 May: complete months February, March, April. The January and May lines are outside
    # the months XYZ looks at, so the customer is steady over the three complete months.
    period = Period(start=dt.date(2026, 1, 15), end=dt.date(2026, 5, 15))
    rows = [
        ("c", "2026-01-20", 900.0),
        *monthly("c", [100, 100, 100], first_month=2),
        ("c", "2026-05-02", 5.0),
    ]
    result = analyze_abc(sales(rows), AbcConfig(), period)
    assert [m.month for m in result.xyz.months] == [2, 3, 4]
    assert result.items["xyz"].tolist() == ["X"]
    # A customer that bought only in the partial month has no XYZ class.
    rows.append(("only_january", "2026-01-25", 50.0))
    result = analyze_abc(sales(rows), AbcConfig(), period)
    assert result.items.set_index("id").loc["only_january", "xyz"] == ""
    assert result.xyz.unclassified == 1


def test_refund_months_and_several_lines_a_month():
    rows = [
        ("c", "2026-01-05", 60.0),
        ("c", "2026-01-25", 40.0),  # January 100
        ("c", "2026-02-10", 150.0),
        ("c", "2026-02-20", -50.0),  # February 100 after a refund
        *monthly("c", [0, 0, 100, 100]),
    ]
    assert xyz_of(rows).loc["c"].tolist() == [0.0, "X"]


def test_too_few_complete_months_means_no_xyz():
    period = Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 2, 28))
    result = analyze_abc(sales(monthly("c", [100, 100])), AbcConfig(), period)
    assert result.xyz.available is False
    assert "xyz" not in result.items
    assert result.xyz.counts == {"X": 0, "Y": 0, "Z": 0}
    two = analyze_abc(sales(monthly("c", [100, 100])), AbcConfig(xyz=XyzConfig(min_months=2)), period)
    assert two.xyz.available is True


def test_abc_xyz_matrix_by_hand():
    # Revenue over four months: a 400 (steady), b 400 (every other month, Z), c 100 (steady), d 30 (Z).
    # ABC (total 930): share before a 0, b 43%, c 86% (B), d 96.8% (C): a A, b A, c B, d C.
    rows = [
        *monthly("a", [100, 100, 100, 100]),
        *monthly("b", [200, 0, 200, 0]),
        *monthly("c", [25, 25, 25, 25]),
        *monthly("d", [0, 30, 0, 0]),
    ]
    result = analyze_abc(sales(rows), AbcConfig(), QUARTER)
    matrix = {k: (v.count, v.value) for k, v in result.xyz.matrix.items() if v.count}
    assert matrix == {"AX": (1, 400.0), "AZ": (1, 400.0), "BX": (1, 100.0), "CZ": (1, 30.0)}
    assert result.xyz.matrix["AX"].share == pytest.approx(400 / 930)
    assert sum(v.count for v in result.xyz.matrix.values()) == 4
    assert result.xyz.counts == {"X": 2, "Y": 0, "Z": 2}


def test_product_xyz_uses_the_product_column():
    rows = [
        ("c1", "2026-01-10", 100.0, "pump"),
        ("c2", "2026-02-10", 100.0, "pump"),
        ("c1", "2026-03-10", 100.0, "pump"),
        ("c2", "2026-04-10", 100.0, "pump"),
        ("c1", "2026-01-10", 80.0, "filter"),
        ("c1", "2026-01-11", 5.0, pd.NA),
    ]
    lines = sales(rows, ("customer_id", "date", "amount", "product"))
    result = analyze_abc(lines, AbcConfig(), QUARTER, key="product")
    got = result.items.set_index("id")
    assert got.loc["pump", "xyz"] == "X"  # 100 every month whoever bought it
    assert got.loc["filter", "xyz"] == "Z"
    assert (result.lines_without_key, result.value_without_key) == (1, 5.0)
