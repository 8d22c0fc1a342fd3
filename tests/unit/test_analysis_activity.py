"""Weekly rhythm of managers' actions, on hand-made activity logs."""

from __future__ import annotations

import datetime as dt
import math
from types import SimpleNamespace

import pandas as pd
import pytest
from markupsafe import escape

from workbench.analysis.activity import analyze_activity, department_cv
from workbench.config import ActivityConfig, Period
from workbench.present.i18n import Messages
from workbench.present.registry import render_section

# Thu 1 Jan .. Sun 25 Jan 2026: the weeks of Mon 29 Dec, 5, 12 and 19 January (the first one begins before
# the period but holds its first day).
PERIOD = Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 25))
WEEKS = [pd.Timestamp(d) for d in ("2025-12-29", "2026-01-05", "2026-01-12", "2026-01-19")]


def log(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=["manager", "date", "type", "count"])
    out["date"] = pd.to_datetime(out["date"]).astype("datetime64[ns]")
    return out.astype({"manager": "string", "type": "string", "count": "float64"})


def activities() -> pd.DataFrame:
    return log(
        [
            # Anna: 10 a week, every week -> CV 0. Her first week's actions fall before the period starts.
            ("Anna", "2025-12-29", "call", 6),
            ("Anna", "2025-12-30", "meeting", 4),
            ("Anna", "2026-01-06", "call", 10),
            ("Anna", "2026-01-13", "call", 7),
            ("Anna", "2026-01-16", "meeting", 3),
            ("Anna", "2026-01-20", "call", 10),
            # Boris: 20, 0, 20, 0 -> mean 10, population sd 10, CV 1.0, two empty weeks.
            ("Boris", "2025-12-31", "call", 20),
            ("Boris", "2026-01-14", "call", 20),
            # Vera: 12, 8, 10, 10 -> mean 10, sd sqrt((4 + 4 + 0 + 0) / 4) = sqrt(2).
            ("Vera", "2026-01-02", "call", 12),
            ("Vera", "2026-01-09", "call", 8),
            ("Vera", "2026-01-12", "call", 10),
            ("Vera", "2026-01-25", "call", 10),  # Sunday, the last day of the period
            # Outside: Sunday 28 Dec (the week before) and Monday 26 Jan (after the period).
            ("Anna", "2025-12-28", "call", 100),
            ("Vera", "2026-01-26", "call", 100),
        ]
    )


def test_weekly_totals():
    result = analyze_activity(activities(), ActivityConfig(), PERIOD)
    assert result.available
    assert list(result.weekly.index) == WEEKS
    assert result.weekly["Anna"].tolist() == [10.0, 10.0, 10.0, 10.0]
    assert result.weekly["Boris"].tolist() == [20.0, 0.0, 20.0, 0.0]
    assert result.weekly["Vera"].tolist() == [12.0, 8.0, 10.0, 10.0]


def test_totals_by_type():
    result = analyze_activity(activities(), ActivityConfig(), PERIOD)
    assert result.by_type.loc["Anna", "call"] == 33.0  # 6 + 10 + 7 + 10; Sunday 28 Dec is out
    assert result.by_type.loc["Anna", "meeting"] == 7.0
    assert result.by_type.loc["Vera", "call"] == 40.0  # Monday 26 Jan is out
    assert result.by_type.loc["Boris", "meeting"] == 0.0


def test_regularity_per_manager():
    result = analyze_activity(activities(), ActivityConfig(irregular_cv=0.6), PERIOD)
    by_name = {m.manager: m for m in result.managers}
    anna, boris, vera = by_name["Anna"], by_name["Boris"], by_name["Vera"]
    assert (anna.total, anna.weekly_mean, anna.zero_weeks, anna.weeks) == (40.0, 10.0, 0, 4)
    assert anna.weekly_cv == pytest.approx(0.0)
    assert anna.irregular is False
    assert (boris.total, boris.weekly_mean, boris.zero_weeks, boris.weeks) == (40.0, 10.0, 2, 4)
    assert boris.weekly_cv == pytest.approx(1.0)
    assert boris.irregular is True
    assert vera.weekly_cv == pytest.approx(math.sqrt(2) / 10)
    assert vera.zero_weeks == 0
    assert vera.irregular is False
    # Median of 0, 0.1414 and 1.0.
    assert department_cv(result) == pytest.approx(math.sqrt(2) / 10)


def test_irregular_means_strictly_above_the_threshold():
    # Boris's CV is exactly 1.0.
    at = analyze_activity(activities(), ActivityConfig(irregular_cv=1.0), PERIOD)
    assert next(m for m in at.managers if m.manager == "Boris").irregular is False
    below = analyze_activity(activities(), ActivityConfig(irregular_cv=0.99), PERIOD)
    assert next(m for m in below.managers if m.manager == "Boris").irregular is True


def test_manager_without_any_action_in_the_period_is_irregular():
    rows = log([("Anna", "2026-01-06", "call", 5), ("Gleb", "2026-01-07", "call", 0)])
    result = analyze_activity(rows, ActivityConfig(), PERIOD)
    gleb = next(m for m in result.managers if m.manager == "Gleb")
    assert gleb.total == 0.0
    assert gleb.weekly_cv is None
    assert gleb.zero_weeks == 4
    assert gleb.irregular is True


def test_no_activities():
    for empty in (None, log([])):
        result = analyze_activity(empty, ActivityConfig(), PERIOD)
        assert result.available is False
        assert result.managers == []
        assert department_cv(result) is None


def test_period_ending_mid_week_does_not_make_steady_work_look_irregular():
    # Two calls every working day, 5 Jan .. 23 Jan; the period ends on Wednesday 21 January.
    days = pd.bdate_range("2026-01-05", "2026-01-23")
    rows = log([("Anna", str(d.date()), "call", 2) for d in days])
    period = Period(start=dt.date(2026, 1, 5), end=dt.date(2026, 1, 21))
    result = analyze_activity(rows, ActivityConfig(), period)
    anna = result.managers[0]
    # Steady work: every week the manager works the same. Now the weeks total 10, 10 and 6 (CV 0.22).
    assert anna.weekly_cv == pytest.approx(0.0, abs=1e-9)


def test_the_section_explains_the_colour_scale_of_its_chart():
    audit = SimpleNamespace(
        activity=analyze_activity(activities(), ActivityConfig(), PERIOD), activity_quality=None
    )
    t = Messages("ru")
    html = render_section("activity", t, audit).html
    # Weekly totals run from Boris's empty weeks to his 20 actions.
    assert str(escape(t("activity.heatmap_note", low=0, high=20))) in html
