"""Class migration between two periods, lost and new A customers, A customers whose purchases fall."""

from __future__ import annotations

import datetime as dt

import pytest
from sales_lines import monthly, sales

from workbench.analysis.customers.migration import analyze_migration, split_period, typical_month
from workbench.config import AbcConfig, MigrationConfig, Period


def period(start: tuple[int, int, int], end: tuple[int, int, int]) -> Period:
    return Period(start=dt.date(*start), end=dt.date(*end))


@pytest.mark.parametrize(
    ("whole", "previous_end", "current_start"),
    [
        (((2026, 1, 1), (2026, 9, 30)), (2026, 5, 31), (2026, 6, 1)),  # middle 17 May: 1 June is nearer
        (((2026, 1, 1), (2026, 12, 31)), (2026, 6, 30), (2026, 7, 1)),
        (((2026, 1, 1), (2026, 4, 30)), (2026, 2, 28), (2026, 3, 1)),
        (((2026, 1, 1), (2026, 1, 31)), (2026, 1, 16), (2026, 1, 17)),  # one month: at the middle day
    ],
)
def test_split_period(whole, previous_end, current_start):
    previous, current = split_period(period(*whole))
    assert previous.start == dt.date(*whole[0]) and current.end == dt.date(*whole[1])
    assert (previous.end, current.start) == (dt.date(*previous_end), dt.date(*current_start))


FOUR_MONTHS = period((2026, 1, 1), (2026, 4, 30))
ROWS = [
    *monthly("a", [100, 100, 100, 100]),
    *monthly("b", [60, 60, 0, 0]),
    *monthly("c", [0, 0, 50, 50]),
    *monthly("d", [10, 0, 30, 0]),
    *monthly("e", [20, 0, 5, 0]),
]


def test_migration_matrix_by_hand():
    # January-February: a 200, b 120, e 20, d 10 (total 350); share before: a 0, b 57% (A), e 91% (B),
    # d 97% (C). March-April: a 200, c 100, d 30, e 5 (total 335): a 0, c 60% (A), d 90% (B), e 98.5% (C).
    m = analyze_migration(sales(ROWS), AbcConfig(), FOUR_MONTHS)
    assert m.split == "halves"
    classes = m.classes.set_index("id")[["previous", "current"]].apply(tuple, axis=1).to_dict()
    assert classes == {"a": ("A", "A"), "b": ("A", "—"), "c": ("—", "A"), "d": ("C", "B"), "e": ("B", "C")}
    expected = {p: dict.fromkeys(("A", "B", "C", "—"), 0) for p in ("A", "B", "C", "—")}
    expected["A"]["A"] = expected["A"]["—"] = expected["—"]["A"] = expected["C"]["B"] = expected["B"]["C"] = 1
    assert m.matrix == expected
    assert (m.lost_a, m.new_a, m.up, m.down) == (["b"], ["c"], 1, 1)
    # b's typical month fell from 60 (median of 60, 60) to 0: falling, and 60 a month at risk.
    assert m.falling["id"].tolist() == ["b"]
    assert m.falling.iloc[0][["previous_monthly", "current_monthly", "change"]].tolist() == [60.0, 0.0, -1.0]
    assert bool(m.falling.iloc[0]["stopped"]) is True
    assert m.revenue_at_risk == pytest.approx(60.0)


def test_a_regular_buyer_that_shrinks_falls_a_one_off_project_does_not():
    six = period((2026, 1, 1), (2026, 6, 30))
    rows = [
        *monthly("regular", [100, 100, 100, 40, 40, 40]),  # falls by 60%
        *monthly("project", [400, 0, 0, 0, 0, 0]),  # A thanks to one order: median 0, not "falling"
        *monthly("slight", [100, 80, 100, 75, 75, 75]),  # typical month 100 -> 75: 25%, under 30%
        *monthly("tail", [5, 5, 5, 5, 5, 5]),
    ]
    m = analyze_migration(sales(rows), AbcConfig(), six)
    assert m.classes.set_index("id").loc["project", "previous"] == "A"
    assert m.lost_a == ["project"]
    assert m.falling["id"].tolist() == ["regular"]
    assert m.falling.iloc[0]["change"] == pytest.approx(-0.6)
    assert m.revenue_at_risk == pytest.approx(60.0)
    stricter = AbcConfig(migration=MigrationConfig(falling_share=0.2))
    assert analyze_migration(sales(rows), stricter, six).falling["id"].tolist() == ["regular", "slight"]


def test_typical_month_is_the_median_of_complete_months():
    rows = [*monthly("x", [10, 0, 50, 20]), ("x", "2026-05-03", 999.0)]
    assert typical_month(sales(rows), FOUR_MONTHS)["x"] == pytest.approx(15.0)  # median of 0, 10, 20, 50
    # Fewer than two complete months: the total a month.
    short = period((2026, 1, 10), (2026, 2, 20))
    assert typical_month(sales(rows), short)["x"] == pytest.approx(10 / short.months)


def test_a_configured_previous_period():
    rows = [*monthly("a", [100, 100], year=2025), *monthly("a", [100, 100]), *monthly("b", [0, 300])]
    config = AbcConfig(migration=MigrationConfig(previous=period((2025, 1, 1), (2025, 2, 28))))
    m = analyze_migration(sales(rows), config, period((2026, 1, 1), (2026, 2, 28)))
    assert m.split == "configured"
    assert (m.previous.start, m.current.start) == (dt.date(2025, 1, 1), dt.date(2026, 1, 1))
    assert m.new_a == ["b"] and m.lost_a == []


def test_a_one_day_period_has_no_migration():
    one_day = period((2026, 1, 5), (2026, 1, 5))
    assert analyze_migration(sales([("a", "2026-01-05", 1.0)]), AbcConfig(), one_day) is None
