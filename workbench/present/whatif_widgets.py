"""Every parameter of the report's what-if as ipywidgets sliders, for the analyst in JupyterLab.

The sliders and figures are those of the report's «Что если» section (:class:`WhatIfModel`): lead flow,
each step's conversion, the average check, the month's plan and every parameter of the current and the
proposed pay schemes; the figures are computed by the same model the page runs, and written by the
report's own formatters.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from workbench.analysis.whatif_model import WhatIfModel, today
from workbench.present.i18n import Messages
from workbench.present.whatif_section import format_input, format_output, groups, outputs
from workbench.present.whatif_spec import input_label

_LOOK = {"style": {"description_width": "300px"}, "layout": widgets.Layout(width="560px")}


class WhatIfPanel:
    """A slider per input, grouped as in the report, with the scenario's figures against today's."""

    def __init__(self, model: WhatIfModel, t: Messages):
        self.model, self.t = model, t
        self.today = today(model).figures
        self.sliders: dict[str, widgets.FloatSlider] = {}
        self.readouts: dict[str, widgets.Label] = {}
        sections = []
        for group, legend in groups(t, model):
            rows = []
            for i in (i for i in model.inputs if i.group == group):
                slider = widgets.FloatSlider(
                    value=i.value,
                    min=i.low,
                    max=i.high,
                    step=i.step,
                    description=input_label(t, i),
                    readout=False,
                    **_LOOK,
                )
                self.sliders[i.name] = slider
                self.readouts[i.name] = widgets.Label()
                slider.observe(self._update, names="value")
                rows.append(widgets.HBox([slider, self.readouts[i.name]]))
            sections.append((legend, widgets.VBox(rows)))
        self.groups = widgets.Accordion(children=[box for _, box in sections])
        for n, (legend, _) in enumerate(sections):
            self.groups.set_title(n, legend)
        self.result = widgets.HTML()
        self._update()

    def values(self) -> dict[str, float]:
        """The sliders' values by input name."""
        return {name: slider.value for name, slider in self.sliders.items()}

    def figures(self) -> dict[str, str]:
        """The scenario's figures as the report writes them, by output key."""
        now = self.model.evaluate(self.values())
        return {o.key: format_output(self.t, o, now) for o in outputs(self.t, self.model)}

    def _update(self, *_: object) -> None:
        for i in self.model.inputs:
            self.readouts[i.name].value = format_input(self.t, i, self.sliders[i.name].value)
        now = self.figures()
        rows = "".join(
            f"<tr><td>{html.escape(o.label)}</td><td class='num'><strong>{now[o.key]}</strong></td>"
            f"<td class='num'>{format_output(self.t, o, self.today)}</td></tr>"
            for o in outputs(self.t, self.model)
        )
        head = (
            f"<th class='num'>{self.t('live_whatif.col_scenario')}</th>"
            f"<th class='num'>{self.t('live_whatif.col_today')}</th>"
        )
        self.result.value = (
            f"<table class='wb-table wb-compact'><thead><tr><th></th>{head}</tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )

    def widget(self) -> widgets.Widget:
        """The panel to display."""
        return widgets.VBox([self.groups, self.result])


def whatif_panel(audit: Any, t: Messages) -> widgets.Widget | widgets.HTML:
    """The panel of an audit's what-if, or a sentence saying why there is none."""
    if audit.whatif is None:
        return widgets.HTML(f"<p>{html.escape(t('funnel.absent_no_deals'))}</p>")
    return WhatIfPanel(audit.whatif, t).widget()
