"""The what-if sliders of abc.ipynb, driven without a browser by setting the widgets' values."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sales_lines import sales

from workbench.config import AbcConfig, Period
from workbench.present.i18n import Messages
from workbench.present.whatif_abc import AbcExplorer

YEAR = Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
# Ten customers bringing 30, 25, 15, 10, 8, 5, 3, 2, 1, 1 (total 100); "i09" is a script-like name.
VALUES = [30, 25, 15, 10, 8, 5, 3, 2, 1, 1]
IDS = [f"i{j:02d}" for j in range(9)] + ["<script>alert(1)</script>"]


@pytest.fixture
def explorer() -> AbcExplorer:
    lines = sales([(c, "2026-03-01", float(v)) for c, v in zip(IDS, VALUES, strict=True)])
    customers = pd.DataFrame({"customer_id": [IDS[-1]], "potential": [10_000.0]}).astype(
        {"customer_id": "string"}
    )
    return AbcExplorer(lines, AbcConfig(), YEAR, Messages("ru"), customers=customers)


def counts(explorer: AbcExplorer) -> dict[str, int]:
    return {k: v.count for k, v in explorer.result.classes.items()}


def test_thresholds_redraw_the_classes(explorer):
    # 80 / 95: share before each 0, 30, 55, 70, 80, 88, 93, 96, 98, 99 -> 4 A, 3 B, 3 C.
    assert counts(explorer) == {"A": 4, "B": 3, "C": 3}
    before = explorer.view.value
    explorer.a.value = 0.70  # A while before < 70: 30, 25, 15
    assert counts(explorer) == {"A": 3, "B": 4, "C": 3}
    assert explorer.view.value != before
    assert "data:image/png;base64," in explorer.view.value


def test_b_stays_above_a(explorer):
    explorer.b.value = 0.6
    explorer.a.value = 0.9
    assert explorer.result.thresholds == pytest.approx((0.9, 0.91))


def test_computed_mode_and_metric(explorer):
    explorer.mode.value = "computed"
    assert explorer.result.computed is not None
    assert counts(explorer) == {"A": 4, "B": 1, "C": 5}  # limits 32% and 46% of the ten customers
    explorer.metric.value = "quantity"  # no quantities: nothing to rank
    assert counts(explorer) == {"A": 0, "B": 0, "C": 0}


def test_weights_move_customers_and_client_text_is_escaped(explorer):
    assert explorer.segments.moved_up >= 1  # the smallest customer has a large potential
    assert "&lt;script&gt;" in explorer.view.value and "<script>" not in explorer.view.value
    explorer.weights["potential"].value = 0.0
    assert explorer.segments.moved_up == 0
    # All weights at zero fall back to the configured ones (without margin, which these lines lack).
    for slider in explorer.weights.values():
        slider.value = 0.0
    assert explorer.segments.weights == pytest.approx(
        {"revenue": 0.4 / 0.7, "frequency": 0.1 / 0.7, "potential": 0.2 / 0.7}
    )
