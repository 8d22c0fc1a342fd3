"""The plan-and-motivation section: the month's plan decomposed through the funnel, per manager and
week; the current pay scheme on actual results, its payout curve, and the proposed schemes compared.

Figures come from :mod:`workbench.analysis.decomposition` and :mod:`workbench.analysis.motivation`; this
module only formats them (money computed to the kopeck is rounded half up to the rouble for display).
"""

from __future__ import annotations

import html
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from workbench.analysis.capacity import Capacity
from workbench.analysis.decomposition import Decomposition
from workbench.analysis.funnel.conversion import EQUAL_EFFORT_SHARE
from workbench.analysis.motivation import MotivationResult, SchemeResult
from workbench.analysis.runrate import MissVisibility
from workbench.analysis.scenario import ScenarioResult
from workbench.config import PayScheme
from workbench.present import charts
from workbench.present.i18n import Messages
from workbench.present.motivation_charts import payout_curves

View = dict[str, Any]


def rub(value: Decimal | float | None) -> float | None:
    """Money to the whole rouble, half up (the kopecks are exact in the analysis)."""
    if value is None:
        return None
    return float(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def plan_motivation_section(t: Messages, audit: Any) -> View:
    """Template context of the section."""
    return {
        "decomposition": decomposition_view(t, audit.decomposition),
        "motivation": motivation_view(t, audit.motivation),
        "scenarios": scenarios_table(t, audit.scenarios) if len(audit.scenarios) > 1 else None,
        "capacity": capacity_view(t, audit.capacity),
        "forecast": forecast_view(t, audit.forecast),
    }


def forecast_view(t: Messages, seen: MissVisibility | None) -> View | None:
    """How early the run-rate showed each missed monthly plan."""
    if seen is None or not seen.missed:
        return None
    f = t.fmt
    return {
        "text": t(
            "motivation.forecast_text",
            missed=len(seen.missed),
            early=seen.visible_early,
            median=seen.median_weeks_gone,
        ),
        "rows": [
            {
                "manager": m.manager,
                "month": f.month_long(m.month),
                "plan": f.money(m.plan),
                "fact": f.money(m.fact),
                "seen": f.num(m.weeks_gone) if m.weeks_gone is not None else "—",
                "left": f.num(m.weeks_left) if m.weeks_left is not None else "—",
            }
            for m in seen.missed
        ],
    }


def capacity_view(t: Messages, capacity: Capacity | None) -> View | None:
    """Actions a week the plan needs against the actual, per manager and action type."""
    if capacity is None or not capacity.available:
        return None
    f = t.fmt
    actions = sorted({(a.action, a.stage, a.per_deal) for a in capacity.actions})
    managers = sorted({a.manager for a in capacity.actions})
    cells = {(a.manager, a.action): a for a in capacity.actions}
    return {
        "note": t("motivation.capacity_note", tolerance=capacity.tolerance),
        "actions": [
            t("motivation.capacity_action", action=a, stage=s, per_deal=f.num(r, 1)) for a, s, r in actions
        ],
        "rows": [
            {
                "manager": m,
                "cells": [
                    {
                        "text": f"{f.num(c.actual)} / {f.num(c.needed)}" if c else "—",
                        "below": bool(c and c.below),
                    }
                    for c in (cells.get((m, a)) for a, _, _ in actions)
                ],
            }
            for m in managers
        ],
        "heads": [a for a, _, _ in actions],
    }


def decomposition_view(t: Messages, d: Decomposition | None) -> View | None:
    """The decomposition's tables and sentences."""
    if d is None:
        return None
    f = t.fmt
    view: View = {
        "title": t("motivation.decomposition_title", month=f.month_long(d.month)),
        "available": d.available,
    }
    if not d.available:
        view["reason"] = t(f"motivation.{d.reason}")
        return view
    view["target"] = t(f"motivation.target_{d.target_source}", target=d.target)
    view["stages"] = [
        {
            "stage": s.stage,
            "conversion": f.pct(s.conversion),
            "needed": f.num(s.needed, 1),
            "now": f.num(s.current, 1),
        }
        for s in d.stages
    ]
    view["totals"] = t(
        "motivation.totals",
        check=d.avg_check,
        won=round(d.won_needed or 0, 1),
        leads=round(d.leads_needed or 0),
        days=d.working_days,
    )
    short = d.gap is not None and d.gap > 0
    view["gap"] = t(f"motivation.gap_{'short' if short else 'none'}", delivered=d.delivered, gap=d.gap)
    step, leads = d.bottleneck_lever, d.levers[0] if d.levers else None
    view["lever"] = None
    if short and d.cheapest == "step" and step:
        view["lever"] = t(
            "motivation.lever_step", stage=step.stage, current=step.current, needed=step.needed,
            save=step.losses_to_save, effort=EQUAL_EFFORT_SHARE,
        )  # fmt: skip
    elif short and step and leads:
        view["lever"] = t(
            "motivation.lever_leads", stage=step.stage, current=step.current, needed=step.needed,
            leads=round(leads.needed), now=round(leads.current),
        )  # fmt: skip
    grid = d.grid
    view["grid"] = None
    if grid is not None:
        view["grid"] = {
            "title": t("motivation.grid_title", stage=grid.stage),
            "note": t("motivation.grid_note", target=d.target),
            "checks": [f.money(c) for c in grid.checks],
            "rows": [
                {
                    "conversion": f.pct(c),
                    "cells": [{"text": f.money(v), "meets": v >= (d.target or 0)} for v in values],
                }
                for c, values in zip(grid.conversions, grid.revenue, strict=True)
            ],
        }
    view["managers_note"] = t("motivation.managers_note", split=t(f"motivation.split_{d.split}"))
    view["managers"] = [
        {
            "manager": m.manager,
            "share": f.pct(m.share),
            "revenue": f.money(m.revenue),
            "won": f.num(m.won_deals, 1),
            "leads": f.num(m.leads),
            "per_day": f.money(m.per_day),
        }
        for m in d.managers
    ]
    view["weeks"] = [
        {
            "week": f"{f.date(w.first, 'short')} – {f.date(w.last, 'short')}",
            "days": f.num(w.working_days),
            "revenue": f.money(w.revenue),
            "won": f.num(w.won_deals, 1),
            "leads": f.num(w.leads),
        }
        for w in d.weeks
    ]
    return view


def scheme_text(t: Messages, scheme: PayScheme) -> list[str]:
    """The components of a scheme, one phrase each, in the order they are applied."""
    out = [t("motivation.scheme_base", amount=scheme.base_salary)] if scheme.base_salary else []
    if scheme.tiers:
        tiers = ", ".join(
            t("motivation.scheme_tier", rate=x.rate, share=x.from_attainment) for x in scheme.tiers
        )
        base = t(f"motivation.base_{scheme.commission_base}")
        out.append(t(f"motivation.scheme_tiers_{scheme.tier_mode}", base=base, tiers=tiers))
    if scheme.plan_bonus:
        out.append(t("motivation.scheme_bonus", amount=scheme.plan_bonus, share=scheme.bonus_threshold))
    out += [
        t("motivation.scheme_accelerator", multiplier=t.fmt.num(a.multiplier, 1), share=a.from_attainment)
        for a in scheme.accelerators
    ]
    if scheme.cap:
        out.append(t("motivation.scheme_cap", amount=scheme.cap))
    out += [
        t("motivation.scheme_penalty", amount=p.amount, share=p.below_attainment) for p in scheme.penalties
    ]
    out += [t("motivation.scheme_spif", name=s.name, amount=s.amount) for s in scheme.spif]
    return out


def _name(t: Messages, scheme: SchemeResult) -> str:
    return t("motivation.current_name") if scheme.current else scheme.name


def motivation_view(t: Messages, m: MotivationResult | None) -> View | None:
    """The scheme on actual results, the payout curve and the comparison of schemes."""
    if m is None:
        return None
    if not m.available or m.current is None:
        return {"available": False, "reason": t(f"motivation.unavailable_{m.reason}")}
    f = t.fmt
    current = m.current
    low, high = m.comfort_income
    curve_chart = charts.to_data_uri(
        payout_curves(
            [p.attainment for p in current.curve],
            [(_name(t, s), [float(p.pay.total) for p in s.curve]) for s in m.schemes],
            (low, high),
            f,
            (t("motivation.curve_x"), t("motivation.curve_y")),
        )
    )
    checkpoints = [p.attainment for p in current.checkpoints]
    return {
        "available": True,
        "scheme": scheme_text(t, current.components),
        "margin_note": t("motivation.margin_note", rate=m.margin_rate)
        if any(s.components.commission_base == "margin" for s in m.schemes)
        else None,
        "managers": [
            {
                "manager": p.manager,
                "months": f.num(p.months),
                "revenue": f.money(rub(p.revenue)),
                "pay": f.money(rub(p.pay_per_month)),
                "at_risk": f.pct(p.at_risk, 0),
                "comfort": t(f"motivation.comfort_{p.comfort}"),
                "below": p.comfort == "below",
            }
            for p in current.managers
        ],
        "comfort_note": t("motivation.comfort_note", low=low, high=high),
        "curve_chart": curve_chart,
        "curve_note": t(
            "motivation.curve_note",
            plan=rub(m.typical_plan),
            source=t(f"motivation.source_{m.typical_plan_source}"),
        ),
        "checkpoints": [f.pct(a, 0) for a in checkpoints],
        "curve_rows": [
            {
                "scheme": _name(t, s),
                "pay": [f.money(rub(p.pay.total)) for p in s.checkpoints],
                "cost": [f.pct(p.cost_share) for p in s.checkpoints],
            }
            for s in m.schemes
        ],
        "step": m.current.marginal_payout.step,
        "compare": [
            {
                "scheme": _name(t, s),
                "components": "; ".join(scheme_text(t, s.components)),
                "payroll": f.money(rub(s.cost_of_sales.payroll)),
                "of_revenue": f.pct(s.cost_of_sales.of_revenue),
                "of_margin": f.pct(s.cost_of_sales.of_margin),
                "marginal": f.money(rub(s.marginal_payout.above_plan)),
                "guaranteed": f.pct(s.guaranteed_share, 0),
                "growth": t(f"motivation.answer_{'yes' if s.marginal_payout.rewards_growth else 'no'}"),
                "current": s.current,
            }
            for s in m.schemes
        ],
    }


def scenarios_table(t: Messages, results: list[ScenarioResult]) -> str:
    """HTML table of today and the saved scenarios; one that no longer fits is named with the reason."""
    f = t.fmt
    rows, notes = [], []
    for r in results:
        if r.outcome is None:
            notes.append(t("plan_whatif.misfit", name=r.name, why="; ".join(r.problems)))
            continue
        o = r.outcome
        name = r.name or t("plan_whatif.col_now")
        who = f"{r.author}, {f.date(r.saved_at.date(), 'short')}" if r.author and r.saved_at else ""
        rows.append(
            f"<tr><td>{html.escape(name)}</td><td>{html.escape(who)}</td>"
            f"<td class='num'>{f.money(o.revenue)}</td><td class='num'>{f.pct(o.attainment)}</td>"
            f"<td class='num'>{f.money(o.pay.total)}</td><td class='num'>{f.pct(o.cost_share)}</td></tr>"
        )
    head = "".join(f"<th>{t(f'plan_whatif.{k}')}</th>" for k in ("col_name", "col_author"))
    head += "".join(
        f"<th class='num'>{t(f'plan_whatif.row_{k}')}</th>" for k in ("revenue", "attainment", "pay", "cost")
    )
    body = "".join(rows)
    table = f"<table class='wb-table wb-compact'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return table + "".join(f"<p class='wb-alert'>{html.escape(n)}</p>" for n in notes)
