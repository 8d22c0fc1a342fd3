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


def test_the_caption_follows_the_chosen_metric():
    rows = [(c, "2026-03-01", float(v), v / 4) for c, v in zip(IDS, VALUES, strict=True)]
    lines = sales(rows, ("customer_id", "date", "amount", "margin"))
    explorer = AbcExplorer(lines, AbcConfig(), YEAR, Messages("ru"))
    assert "Кривая Парето: накопленная доля выручки" in explorer.view.value
    explorer.metric.value = "margin"
    assert "Кривая Парето: накопленная доля маржи" in explorer.view.value
    assert "доля выручки" not in explorer.view.value


def test_slider_readouts_are_in_the_report_locale(explorer):
    """ipywidgets' readout_format prints 0.8 as 80% and 1234.5 as 1234.50 whatever the locale: each
    slider hides it and shows a label formatted like the report."""
    assert not explorer.a.readout
    labels = [
        child.value
        for row in explorer.widget.children
        if hasattr(row, "children")
        for box in row.children
        if hasattr(box, "children")
        for child in box.children
        if child.__class__.__name__ == "Label"
    ]
    assert "80\u00a0%" in labels
    explorer.a.value = 0.75
    labels_after = [
        box.children[1].value for box in explorer.widget.children[1].children if hasattr(box, "children")
    ]
    assert labels_after[0] == "75\u00a0%"


def test_funnel_sliders_show_money_and_rates_in_the_locale(demo_audit):
    from workbench.present.funnel_widgets import FunnelWhatIf

    panel = FunnelWhatIf(demo_audit.funnel, Messages("ru"), demo_audit.summary).widget()
    rows = [child for child in panel.children if child.__class__.__name__ == "HBox"]
    assert rows and all(not row.children[0].readout for row in rows)
    shown = [row.children[1].value for row in rows]
    assert all("." not in text for text in shown), shown  # ru: decimal comma, spaces in thousands
    assert shown[-1].endswith("₽") and "\u00a0%" in shown[1]
