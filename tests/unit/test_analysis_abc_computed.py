"""Computed ABC (Ultsch-Lötsch) against hand calculations on curves whose points can be found by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from sales_lines import sales
from scipy.optimize import brentq

from workbench.analysis.customers.abc import analyze_abc, classify
from workbench.analysis.customers.abc_computed import abc_curve, computed_limits
from workbench.config import AbcConfig, Period

THRESHOLDS = (0.80, 0.95)


def linear(n: int) -> pd.Series:
    """Values falling linearly, 2(n - i) + 1 for i = 1..n: the first i of them bring exactly
    (2ni - i^2) / n^2, so the ABC curve passes through y = 2x - x^2 at every x = i/n."""
    values = np.array([2 * (n - i) + 1 for i in range(1, n + 1)], dtype=float)
    return pd.Series(values, index=[f"c{i:04d}" for i in range(n)])


def test_curve_passes_through_the_items_and_ends_at_one():
    grid, gained, slope = abc_curve(linear(100).to_numpy())
    at = np.isin(np.round(grid, 9), np.round(np.arange(101) / 100, 9))
    assert gained[at] == pytest.approx(2 * grid[at] - grid[at] ** 2)
    assert gained[-1] == pytest.approx(1.0) and gained.max() <= 1.0
    assert np.all(np.diff(gained) >= -1e-12)  # monotone: no overshoot
    assert np.all(slope >= 0)


def test_linear_hundred_items_by_hand():
    # On the 0.01 grid (which is also every item's position) the curve is exactly y = 2x - x^2.
    # Pareto point: the grid point minimising x^2 + (1 - y)^2 = x^2 + (1 - x)^4: x = 0.41 (0.28927 against
    # 0.2896 at 0.40 and 0.28956 at 0.42). Break-even: the interpolant's slope at x = 0.5 is the harmonic
    # mean of the neighbouring chords 1.01 and 0.99, i.e. 0.9999, nearer to 1 than anywhere else.
    # Submarginal point: minimising (x - 0.5)^2 + (1 - x)^4 gives x = 0.61 (0.035241 against 0.035251).
    grid = np.arange(101) / 100
    y = 2 * grid - grid**2
    pareto = grid[np.argmin(grid**2 + (1 - y) ** 2)]
    submarginal = grid[np.argmin((grid - 0.5) ** 2 + (1 - y) ** 2)]
    assert (pareto, submarginal) == (pytest.approx(0.41), pytest.approx(0.61))

    limits = computed_limits(linear(100).to_numpy())
    assert limits.pareto == pytest.approx((0.41, 2 * 0.41 - 0.41**2))  # (0.41, 0.6519)
    assert limits.break_even == pytest.approx((0.5, 0.75))
    assert limits.submarginal == pytest.approx((0.61, 2 * 0.61 - 0.61**2))  # (0.61, 0.8479)
    assert limits.ab_exchanged is False
    assert (limits.a_effort, limits.c_effort) == (pytest.approx(0.41), pytest.approx(0.61))
    # A while the items before are fewer than 41% of 100: items 1..41; B while fewer than 61: 42..61.
    items, _, thresholds = classify(linear(100), "computed", THRESHOLDS)
    assert items["cls"].tolist() == ["A"] * 41 + ["B"] * 20 + ["C"] * 39
    assert thresholds == pytest.approx((0.6519, 0.8479))


def test_linear_thousand_items_against_the_continuous_solution():
    # The continuous curve y = 2x - x^2: Pareto point where x = 2(1 - x)^3, break-even where 2 - 2x = 1,
    # submarginal point where x - 0.5 = 2(1 - x)^3. The grid step is 0.001.
    pareto = brentq(lambda x: x - 2 * (1 - x) ** 3, 0, 1)
    submarginal = brentq(lambda x: x - 0.5 - 2 * (1 - x) ** 3, 0.5, 1)
    limits = computed_limits(linear(1000).to_numpy())
    assert limits.pareto[0] == pytest.approx(pareto, abs=0.001)
    assert limits.break_even[0] == pytest.approx(0.5, abs=0.001)
    assert limits.submarginal[0] == pytest.approx(submarginal, abs=0.001)
    items, _, _ = classify(linear(1000), "computed", THRESHOLDS)
    counts = items["cls"].value_counts()
    assert counts["A"] == pytest.approx(1000 * pareto, abs=1)
    assert counts["A"] + counts["B"] == pytest.approx(1000 * submarginal, abs=1)


def test_break_even_left_of_the_pareto_point_exchanges_the_limits():
    # One item of 50 and fifty of 1 (total 100): the curve rises to 0.5 at x = 1/51, then runs straight
    # with slope 0.01 / (1/51) = 0.51. The slope is 1 only at the bend (the interpolant's slope there is
    # the harmonic mean of 25.5 and 0.51, exactly 1): break-even (1/51, 0.5). Pareto: minimising
    # x^2 + (0.5 - 0.51(x - 1/51))^2 gives x = 0.5202 / 2.5202 = 0.2064, on the grid 0.21 (y = 0.5971).
    # Break-even lies left of it, so A ends at the break-even point and Bx = 0.21. Submarginal point:
    # minimising (x - 0.21)^2 + (...)^2 gives x = 0.9402 / 2.5202 = 0.3731; the nearest point is the
    # item position 19/51 = 0.3725 (y = 0.68).
    values = pd.Series([50.0] + [1.0] * 50, index=[f"i{j:02d}" for j in range(51)])
    items, limits, _ = classify(values, "computed", THRESHOLDS)
    assert limits.ab_exchanged is True
    assert limits.break_even == pytest.approx((1 / 51, 0.5))
    assert limits.pareto == pytest.approx((0.21, 0.5 + 0.51 * (0.21 - 1 / 51)))
    assert limits.submarginal == pytest.approx((19 / 51, 0.68))
    assert (limits.a_effort, limits.c_effort) == (pytest.approx(1 / 51), pytest.approx(19 / 51))
    # A: the item with nothing before it; B: items with fewer than 19 of 51 before them (2..19).
    assert items["cls"].tolist() == ["A"] + ["B"] * 18 + ["C"] * 32


def test_one_dominant_customer_is_a():
    # The R package compares i/n (here 0.25) with the A limit (0.22) and leaves A empty; here the share of
    # customers *before* the item (0) counts, as in the fixed mode.
    values = pd.Series({"c850": 850.0, "c60": 60.0, "c50": 50.0, "c40": 40.0})
    items, limits, _ = classify(values, "computed", THRESHOLDS)
    assert limits is not None and limits.a_effort < 0.25
    assert items["id"].tolist() == ["c850", "c60", "c50", "c40"]
    assert items["cls"].iloc[0] == "A"


def test_a_dominant_item_with_an_equal_tail_stops_at_the_bend():
    # 1000 then twenty 1s: every limit lies at the bend x = 1/21 (an item position, not a grid step past
    # it), so only the dominant item is A and the equal tail is not split.
    values = pd.Series([1000.0] + [1.0] * 20, index=[f"i{j:02d}" for j in range(21)])
    items, limits, _ = classify(values, "computed", THRESHOLDS)
    assert limits.pareto == pytest.approx((1 / 21, 1000 / 1020))
    assert items["cls"].tolist() == ["A"] + ["C"] * 20


def test_all_equal_values():
    # The curve is the diagonal: the Pareto point is (0.5, 0.5); the slope is 1 everywhere and the rightmost
    # point is (1, 1); so is the point nearest to (1, 1). A: the first half (ties by id), B: the rest.
    values = pd.Series(np.full(10, 7.0), index=[f"c{j}" for j in range(10)])
    items, limits, thresholds = classify(values, "computed", THRESHOLDS)
    assert limits.pareto == pytest.approx((0.5, 0.5))
    assert limits.break_even == pytest.approx((1.0, 1.0))
    assert limits.submarginal == pytest.approx((1.0, 1.0))
    assert items["cls"].tolist() == ["A"] * 5 + ["B"] * 5
    assert items["id"].tolist() == [f"c{j}" for j in range(10)]
    assert thresholds == pytest.approx((0.5, 1.0))


@pytest.mark.parametrize(
    ("values", "expected"),
    [({"only": 10.0}, ["A"]), ({"p": 90.0, "q": 10.0}, ["A", "B"]), ({"p": 97.0, "q": 3.0}, ["A", "C"])],
)
def test_fewer_than_three_items_fall_back_to_the_fixed_thresholds(values, expected):
    items, limits, thresholds = classify(pd.Series(values), "computed", THRESHOLDS)
    assert limits is None
    assert thresholds == THRESHOLDS
    assert items["cls"].tolist() == expected


def test_zeros_and_refunds_are_not_ranked_and_do_not_count_as_items():
    # With the zero and the refund left out, three items remain: the curve of [70, 20, 10].
    values = pd.Series({"a": 70.0, "b": 20.0, "c": 10.0, "zero": 0.0, "refund": -50.0})
    items, limits, _ = classify(values, "computed", THRESHOLDS)
    assert items["id"].tolist() == ["a", "b", "c"]
    assert limits == computed_limits(np.array([70.0, 20.0, 10.0]))
    assert items["share"].tolist() == pytest.approx([0.7, 0.2, 0.1])


def test_computed_limits_need_three_values():
    with pytest.raises(ValueError, match="at least 3"):
        computed_limits(np.array([5.0, 1.0]))


def test_analyze_abc_in_computed_mode_reports_the_points_and_the_fallback():
    lines = sales([(c, "2026-01-10", v) for c, v in linear(100).items()])
    period = Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31))
    result = analyze_abc(lines, AbcConfig(mode="computed"), period)
    assert result.mode == "computed" and not result.fallback
    assert result.computed.a_effort == pytest.approx(0.41)
    assert {k: v.count for k, v in result.classes.items()} == {"A": 41, "B": 20, "C": 39}
    few = analyze_abc(lines.head(2), AbcConfig(mode="computed"), period)
    assert few.fallback and few.computed is None and few.thresholds == (0.8, 0.95)
