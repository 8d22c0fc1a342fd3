"""The ABC deep dive of ``notebooks/abc.ipynb``: full tables for the analyst and what-if sliders.

:class:`AbcExplorer` wires ipywidgets to the analysis functions: moving a threshold, the mode, the metric
or a criterion's weight re-runs the (pure) analysis and redraws the Pareto chart, the class table and the
customers who change class. Tests drive it without a browser by setting the widgets' values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
import pandas as pd

from workbench.analysis.customers.abc import AbcResult, analyze_abc
from workbench.analysis.customers.segments import SegmentResult, analyze_segments
from workbench.audit import Audit, build_audit
from workbench.config import AbcConfig, Period
from workbench.parameters import parse_as_of, resolve_client_dir
from workbench.present.customer_section import class_rows, pareto_title, pareto_uri
from workbench.present.html import Section, render
from workbench.present.i18n import Messages
from workbench.present.registry import render_section
from workbench.present.widget_readout import readout

MIN_GAP = 0.01  # the B threshold stays above the A threshold by at least this much
MOVERS_SHOWN = 15


class AbcExplorer:
    """Sliders for the ABC settings and the criteria weights, with a live chart and tables."""

    def __init__(
        self,
        lines: pd.DataFrame,
        config: AbcConfig,
        period: Period,
        t: Messages,
        customers: pd.DataFrame | None = None,
        names: dict[str, str] | None = None,
    ):
        self.lines, self.base_config, self.period, self.t = lines, config, period, t
        self.customers, self.names = customers, names or {}
        a, b = config.thresholds
        style = {"description_width": "initial"}

        def percent(value: float) -> str:
            return t.fmt.pct(value, 0)

        def weight(value: float) -> str:
            return t.fmt.num(value, 2)

        self.mode = widgets.ToggleButtons(
            options=[(t("whatif.mode_fixed"), "fixed"), (t("whatif.mode_computed"), "computed")],
            value=config.mode,
            description=t("whatif.mode"),
            style=style,
        )
        self.metric = widgets.Dropdown(
            options=[(t(f"customers.col_value_{m}"), m) for m in ("revenue", "margin", "quantity")],
            value=config.metric,
            description=t("whatif.metric"),
            style=style,
        )
        self.a = widgets.FloatSlider(value=a, min=0.5, max=0.95, step=0.01, description="A")
        self.b = widgets.FloatSlider(value=b, min=0.6, max=0.99, step=0.01, description="B")
        self.weights = {
            name: widgets.FloatSlider(
                value=weight, min=0.0, max=1.0, step=0.05, description=_label(t, name), style=style
            )
            for name, weight in config.segments.weights.items()
        }
        self.view = widgets.HTML()
        for control in (self.mode, self.metric, self.a, self.b, *self.weights.values()):
            control.observe(self._changed, names="value")
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.mode, self.metric]),
                widgets.HBox([readout(self.a, percent), readout(self.b, percent)]),
                widgets.HTML(f"<b>{t('whatif.weights')}</b>"),
                widgets.HBox([readout(slider, weight) for slider in self.weights.values()]),
                self.view,
            ]
        )
        self.result: AbcResult
        self.segments: SegmentResult | None
        self.refresh()

    def config(self) -> AbcConfig:
        """The settings the widgets show now (B is kept above A)."""
        a = self.a.value
        b = max(self.b.value, min(a + MIN_GAP, 0.99))
        weights = {name: slider.value for name, slider in self.weights.items()}
        if sum(weights.values()) <= 0:
            weights = dict(self.base_config.segments.weights)
        return self.base_config.model_copy(
            update={
                "mode": self.mode.value,
                "metric": self.metric.value,
                "thresholds": (a, b),
                "segments": self.base_config.segments.model_copy(update={"weights": weights}),
            }
        )

    def refresh(self) -> None:
        """Re-run the analysis with the widgets' settings and redraw."""
        config = self.config()
        self.result = analyze_abc(self.lines, config, self.period, with_xyz=False)
        self.segments = analyze_segments(self.lines, config, self.period, self.result.items, self.customers)
        self.view.value = self.render().html

    def render(self) -> Section:
        """The chart, the class table and the customers who change class by the score."""
        t, abc = self.t, self.result
        movers = []
        if self.segments is not None:
            for row in self.segments.movers.head(MOVERS_SHOWN).itertuples(index=False):
                movers.append({"customer": self.names.get(row.id, row.id), "abc": row.abc, "cls": row.cls})
        return render(
            "whatif_abc.html.j2",
            t,
            chart=pareto_uri(t, abc, height=2.6),
            chart_title=pareto_title(t, abc),
            classes=class_rows(t, abc),
            value_label=t(f"customers.col_value_{abc.metric}"),
            thresholds=abc.thresholds,
            movers=movers,
            moved=len(self.segments.movers) if self.segments is not None else 0,
        )

    def _changed(self, _change: dict[str, Any]) -> None:
        self.refresh()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def _label(t: Messages, criterion: str) -> str:
    key = f"customers.criterion_{criterion}"
    return t(key) if t.has(key) else criterion


@dataclass
class AbcDeepDive:
    """The customer base of one client for the analyst: the report's section, full tables, sliders."""

    audit: Audit
    t: Messages

    @classmethod
    def from_parameters(cls, client_dir: str, locale: str = "", as_of: str = "") -> AbcDeepDive:
        """Load and audit the client the way the report does."""
        audit = build_audit(resolve_client_dir(client_dir), parse_as_of(as_of))
        return cls(audit, Messages(locale or audit.config.locale, audit.config.currency))

    def section(self) -> Section:
        """The customers section exactly as in the report."""
        return render_section("customers", self.t, self.audit)

    def customers_table(self) -> pd.DataFrame:
        """Every ranked customer: value, shares, ABC, XYZ, class by score, class D."""
        base, t = self.audit.customers, self.t
        items = base.abc.items
        score = base.segments.items.set_index("id")["cls"] if base.segments else pd.Series(dtype=object)
        return pd.DataFrame(
            {
                t("customers.col_customer"): [base.name(i) for i in items["id"]],
                t(f"customers.col_value_{base.abc.metric}"): items["value"].round(2),
                t("customers.col_share"): items["share"].round(4),
                t("customers.col_cum"): items["cum_share"].round(4),
                t("customers.col_class"): items["cls"],
                t("customers.col_xyz"): items.get("xyz", ""),
                t("customers.col_score"): items["id"].map(score).fillna(""),
                "D": items["id"].isin(base.d_class.ids),
            }
        )

    def d_class_table(self) -> pd.DataFrame:
        """Every class D customer and the rules it meets."""
        d, base, t = self.audit.customers.d_class, self.audit.customers, self.t
        rows = d.customers
        return pd.DataFrame(
            {
                t("customers.col_customer"): [base.name(i) for i in rows["id"]],
                t("customers.col_revenue"): rows["revenue"].round(2),
                t("customers.col_margin"): rows["margin"].round(2),
                t("customers.col_last"): rows["last_purchase"].dt.date,
                t("customers.col_abc"): rows["abc"],
                t("customers.col_why"): [
                    ", ".join(t(f"customers.d_reason_{r}") for r in d.rules if row[f"rule_{r}"])
                    for _, row in rows.iterrows()
                ],
            }
        )

    def explorer(self) -> AbcExplorer:
        """What-if sliders over this client's sales lines."""
        config, data = self.audit.config, self.audit.data
        return AbcExplorer(
            data.get("transactions"),
            config.abc,
            config.period,
            self.t,
            customers=data.get("customers"),
            names=self.audit.customers.names,
        )
