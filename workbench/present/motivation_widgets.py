"""Live plan-and-pay sliders (ipywidgets) for the analyst in JupyterLab, and the "save scenario" button.

The arithmetic is :mod:`workbench.analysis.scenario`; saving is :mod:`workbench.io.scenarios`. This module
only wires the sliders to them and formats the readouts in the client's locale.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from workbench.analysis.scenario import (
    PlanScenario,
    ScenarioOutcome,
    baseline_scenario,
    compare_scenarios,
    evaluate,
)
from workbench.audit import scenario_managers
from workbench.config import PayScheme
from workbench.errors import ConfigError
from workbench.io.scenarios import make_scenario, save_scenario
from workbench.present.i18n import Messages
from workbench.present.plan_motivation_section import scenarios_table

_LOOK = {"style": {"description_width": "240px"}, "layout": widgets.Layout(width="580px")}


def baseline_of(audit: Any) -> PlanScenario | None:
    """Today's scenario of an audit: its funnel, the decomposed monthly target and the current scheme."""
    target = audit.decomposition.target if audit.decomposition is not None else None
    return baseline_scenario(audit.funnel, target, audit.config.motivation)


def managers_of(audit: Any) -> int:
    """The number of managers a scenario splits the department's revenue and target between."""
    return scenario_managers(audit)


def readout(t: Messages, base: ScenarioOutcome, now: ScenarioOutcome) -> str:
    """HTML table of the baseline against the scenario, in the client's locale."""
    f = t.fmt
    rows = [
        ("revenue", f.money(base.revenue), f.money(now.revenue)),
        ("won", f.num(base.won, 1), f.num(now.won, 1)),
        ("attainment", f.pct(base.attainment), f.pct(now.attainment)),
        ("pay", f.money(base.pay.total), f.money(now.pay.total)),
        ("payroll", f.money(base.payroll), f.money(now.payroll)),
        ("cost", f.pct(base.cost_share), f.pct(now.cost_share)),
    ]
    body = "".join(
        f"<tr><td>{html.escape(t(f'plan_whatif.row_{key}'))}</td><td class='num'>{a}</td>"
        f"<td class='num'><strong>{b}</strong></td></tr>"
        for key, a, b in rows
    )
    return (
        "<table class='wb-table wb-compact'><thead><tr><th></th>"
        f"<th class='num'>{t('plan_whatif.col_now')}</th><th class='num'>{t('plan_whatif.col_scenario')}</th>"
        f"</tr></thead><tbody>{body}</tbody></table>"
    )


def _slider(label: str, value: float, top: float, step: float, fmt: str = ".0f") -> widgets.FloatSlider:
    return widgets.FloatSlider(
        value=value, min=0, max=top, step=step, description=label, readout_format=fmt, **_LOOK
    )


class PlanMotivationWhatIf:
    """Sliders for the funnel, the plan level and the scheme, a live readout, and a save button."""

    def __init__(self, audit: Any, t: Messages, client_dir: Path | str, author: str = ""):
        self.t = t
        self.client_dir = Path(client_dir)
        self.stages = [s.stage for s in audit.funnel.stages[:-1]]
        base = baseline_of(audit)
        if base is None:
            raise ValueError(t("plan_whatif.unavailable"))
        self.base_scenario = base
        self.scheme: PayScheme = audit.config.motivation
        self.managers = managers_of(audit)
        self.base = evaluate(base, self.scheme, self.managers)
        self.flow = _slider(t("plan_whatif.lead_flow"), base.lead_flow, max(base.lead_flow * 2, 1), 1)
        self.steps = [
            _slider(f"{stage} →", rate, 1, 0.005, ".1%")
            for stage, rate in zip(self.stages, base.conversions, strict=True)
        ]
        self.check = _slider(t("plan_whatif.avg_check"), base.avg_check, max(base.avg_check * 2, 1), 1000)
        self.target = _slider(t("plan_whatif.target"), base.target, max(base.target * 2, 1), 10000)
        self.salary = _slider(
            t("plan_whatif.base_salary"), base.base_salary, max(base.base_salary * 2, 100000), 1000
        )
        self.rates = [
            _slider(
                t("plan_whatif.tier_rate", share=tier.from_attainment),
                tier.rate,
                max(0.3, tier.rate * 2),
                0.001,
                ".1%",
            )
            for tier in self.scheme.tiers
        ]
        self.bonus = _slider(
            t("plan_whatif.plan_bonus"), base.plan_bonus, max(base.plan_bonus * 2, 50000), 1000
        )
        self.result = widgets.HTML()
        self.name = widgets.Text(description=t("plan_whatif.name"), **_LOOK)
        self.author = widgets.Text(value=author, description=t("plan_whatif.author"), **_LOOK)
        self.save_button = widgets.Button(description=t("plan_whatif.save"))
        self.message = widgets.HTML()
        for control in self.controls:
            control.observe(self._update, names="value")
        self.save_button.on_click(lambda _: self.save())
        self._update()

    @property
    def controls(self) -> list[widgets.FloatSlider]:
        return [self.flow, *self.steps, self.check, self.target, self.salary, *self.rates, self.bonus]

    def scenario(self) -> PlanScenario:
        """The scenario the sliders describe."""
        return PlanScenario(
            self.flow.value,
            tuple(s.value for s in self.steps),
            self.check.value,
            self.target.value,
            self.salary.value,
            tuple(r.value for r in self.rates),
            self.bonus.value,
        )

    def outcome(self) -> ScenarioOutcome:
        return evaluate(self.scenario(), self.scheme, self.managers)

    def _update(self, *_: object) -> None:
        try:
            self.result.value = readout(self.t, self.base, self.outcome())
        except ValueError as exc:
            self.result.value = f"<p class='wb-alert'>{html.escape(str(exc))}</p>"

    def values(self) -> dict[str, Any]:
        """The scenario as saved: conversions by stage name."""
        s = self.scenario()
        return {
            "lead_flow": s.lead_flow,
            "conversions": dict(zip(self.stages, s.conversions, strict=True)),
            "avg_check": s.avg_check,
            "target": s.target,
            "base_salary": s.base_salary,
            "tier_rates": list(s.tier_rates),
            "plan_bonus": s.plan_bonus,
        }

    def save(self) -> Path | None:
        """Save the current values under the typed name; a refusal is shown, not raised."""
        try:
            scenario = make_scenario(self.name.value, self.author.value, self.values())
            path = save_scenario(self.client_dir, scenario)
        except (ValueError, ConfigError) as exc:
            self.message.value = (
                f"<p class='wb-alert'>{html.escape(self.t('plan_whatif.refused', why=str(exc)))}</p>"
            )
            return None
        self.message.value = (
            f"<p>{html.escape(self.t('plan_whatif.saved', name=scenario.name, file=path.name))}</p>"
        )
        return path

    def widget(self) -> widgets.Widget:
        """The panel to display."""
        return widgets.VBox(
            [*self.controls, self.result, self.name, self.author, self.save_button, self.message]
        )


def saved_scenarios_html(audit: Any, t: Messages, client_dir: Path | str) -> str:
    """The saved scenarios in ``client_dir`` against today, read afresh (the notebook saves them)."""
    from workbench.io.scenarios import read_scenarios

    try:
        saved = read_scenarios(client_dir)
    except ConfigError as exc:
        return f"<p class='wb-alert'>{html.escape(str(exc))}</p>"
    target = audit.decomposition.target if audit.decomposition is not None else None
    results = compare_scenarios(saved, audit.funnel, target, audit.config.motivation, managers_of(audit))
    if len(results) < 2:
        return f"<p>{html.escape(t('plan_whatif.none_saved'))}</p>"
    return scenarios_table(t, results)
