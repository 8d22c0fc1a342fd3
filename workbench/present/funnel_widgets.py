"""Live what-if sliders for the funnel (ipywidgets), for the analyst in JupyterLab.

The arithmetic is :mod:`workbench.analysis.funnel.whatif`; this module only wires sliders to it and
renders the result.
In a delivered HTML file the sliders show their last state (no kernel runs there).
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from workbench.analysis.funnel.conversion import FunnelResult
from workbench.analysis.funnel.whatif import Forecast, FunnelScenario, baseline, forecast, uplift
from workbench.analysis.summary import Summary
from workbench.present.i18n import Messages
from workbench.present.widget_readout import readout


def scenario_table(t: Messages, stages: list[str], base: Forecast, now: Forecast) -> str:
    """HTML table: baseline against scenario, per stage and in money."""
    f = t.fmt
    rows = "".join(
        f"<tr><td>{html.escape(stage)}</td><td class='num'>{f.num(b, 1)}</td>"
        f"<td class='num'>{f.num(n, 1)}</td></tr>"
        for stage, b, n in zip(stages, base.reached, now.reached, strict=True)
    )
    change = uplift(base, now)
    return (
        "<table class='wb-table wb-compact'>"
        f"<thead><tr><th>{t('funnel_whatif.col_stage')}</th><th class='num'>{t('funnel_whatif.col_now')}</th>"
        f"<th class='num'>{t('funnel_whatif.col_scenario')}</th></tr></thead><tbody>{rows}"
        f"<tr><td><strong>{t('funnel_whatif.revenue')}</strong></td>"
        f"<td class='num'>{f.money(base.revenue)}</td>"
        f"<td class='num'><strong>{f.money(now.revenue)}</strong></td></tr></tbody></table>"
        f"<p>{t('funnel_whatif.change', change=change) if change is not None else ''}</p>"
    )


_LOOK = {"style": {"description_width": "220px"}, "layout": widgets.Layout(width="560px")}


def _slider(label: str, value: float, min_step: float) -> widgets.FloatSlider:
    """A slider from nothing to twice today's value, in hundredths of today's value."""
    return widgets.FloatSlider(
        value=value,
        min=0,
        max=max(value * 2, 1),
        step=max(value / 100, min_step),
        description=label,
        **_LOOK,
    )


class FunnelWhatIf:
    """Sliders for lead flow, every step's conversion and the average check, with a live result table."""

    def __init__(self, funnel: FunnelResult, t: Messages, summary: Summary | None = None):
        self.t = t
        self.stages = [s.stage for s in funnel.stages]
        self.base_scenario = baseline(funnel)
        self.base = forecast(self.base_scenario)
        self.flow = _slider(t("funnel_whatif.lead_flow"), self.base_scenario.lead_flow, min_step=0.1)
        self.steps = [
            widgets.FloatSlider(
                value=rate,
                min=0,
                max=1,
                step=0.005,
                description=f"{self.stages[i]} →",
                **_LOOK,
            )
            for i, rate in enumerate(self.base_scenario.conversions)
        ]
        self.check = _slider(t("funnel_whatif.avg_check"), self.base_scenario.avg_check, min_step=1)
        self.result = widgets.HTML()
        note = ""
        if summary is not None:
            actual = summary.revenue_won.per_month
            note = (
                f"<p>{html.escape(t('funnel_whatif.baseline', model=self.base.revenue, actual=actual))}</p>"
            )
        self.note = widgets.HTML(note)
        for control in [self.flow, *self.steps, self.check]:
            control.observe(self._update, names="value")
        self._update()

    def scenario(self) -> FunnelScenario:
        """The scenario the sliders describe."""
        return FunnelScenario(self.flow.value, tuple(s.value for s in self.steps), self.check.value)

    def _update(self, *_: object) -> None:
        self.result.value = scenario_table(self.t, self.stages, self.base, forecast(self.scenario()))

    def widget(self) -> widgets.Widget:
        """The panel to display."""
        f = self.t.fmt
        note = [self.note] if self.note.value else []
        rows = [
            readout(self.flow, lambda v: f.num(v, 1)),
            *(readout(step, lambda v: f.pct(v, 1)) for step in self.steps),
            readout(self.check, f.money),
        ]
        return widgets.VBox([*note, *rows, self.result])
