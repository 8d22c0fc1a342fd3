"""The funnel section of the report: view models and charts from the funnel's result objects."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from workbench.analysis.funnel.breakdown import OTHER
from workbench.analysis.funnel.conversion import FunnelResult
from workbench.analysis.funnel.groups import GroupRow, GroupStage
from workbench.analysis.funnel.time_in_stage import StageTime, StalledDeal
from workbench.audit import Audit
from workbench.present import charts, diagnosis_views
from workbench.present.amounts import amount_phrase
from workbench.present.html import Section, render
from workbench.present.i18n import Messages

WEEKS_IN_TABLE = 8
STALLED_IN_TABLE = 10


def rule_sentence(t: Messages, funnel: FunnelResult) -> str:
    """The counting rule and the basis of the stages, in one or two sentences."""
    return f"{t('funnel.rule_' + funnel.rule)} {t('funnel.basis_' + funnel.basis)}"


def p_value(t: Messages, p: float | None) -> str:
    if p is None:
        return "—"
    if p < 0.001:
        return "< 0,001" if t.locale == "ru" else "< 0.001"
    return t.fmt.num(p, 3)


def _interval(t: Messages, low: float | None, high: float | None) -> str:
    """A compact interval: ``1,3–3,3 %``."""
    if low is None or high is None:
        return ""
    return f"{t.fmt.num(low * 100, 1)}–{t.fmt.pct(high)}"


def deviation_label(t: Messages, row: GroupRow, min_deals: int) -> str:
    """The deviation cell: below or above the department, within chance, or too few deals to say."""
    if row.flag:
        return t("funnel.flag_" + row.flag)
    return t("funnel.flag_none" if row.won + row.lost >= min_deals else "funnel.flag_too_few")


def group_revenue(t: Messages, row: GroupRow) -> str:
    """A group's revenue: a dash when it won deals but none has a known amount (never a zero)."""
    return t.fmt.money(row.revenue if row.avg_check is not None or not row.won else None)


def _group_rows(t: Messages, rows: list[GroupRow], min_deals: int) -> list[dict[str, Any]]:
    f = t.fmt
    return [
        {
            "name": r.name,
            "deals": f.num(r.deals),
            "share": f.pct(r.share_of_deals),
            "won": f.num(r.won),
            "win_rate": f.pct(r.win_rate),
            "ci": _interval(t, r.ci_low, r.ci_high),
            "shrunk": f.pct(r.shrunk_rate),
            "revenue": group_revenue(t, r),
            "avg_check": f.money(r.avg_check),
            "flag": deviation_label(t, r, min_deals),
            "low": r.flag == "low",
        }
        for r in rows
    ]


def _unassigned_rows(t: Messages, row: GroupRow | None, label: str) -> list[dict[str, Any]]:
    """The deals without a manager (or source) as a line of their own: counted, never compared or flagged."""
    if row is None:
        return []
    f = t.fmt
    return [
        {
            "name": t(label),
            "deals": f.num(row.deals),
            "share": f.pct(row.share_of_deals),
            "won": f.num(row.won),
            "win_rate": f.pct(row.win_rate),
            "ci": "",
            "shrunk": "",
            "revenue": group_revenue(t, row),
            "avg_check": f.money(row.avg_check),
            "flag": t("funnel.unassigned_flag"),
            "low": False,
        }
    ]


def _managers_alone(funnel: FunnelResult) -> str | None:
    """Fewer than two named managers: nobody to compare with ("" for none, else the one manager's name);
    None when the managers are compared (or not comparable for another reason the section states)."""
    if not funnel.managers_compared or len(funnel.managers) >= 2:
        return None
    return funnel.managers[0].name if funnel.managers else ""


def _stage_rows(t: Messages, funnel: FunnelResult) -> list[dict[str, Any]]:
    f = t.fmt
    neck = funnel.bottleneck
    last = len(funnel.stages) - 1
    return [
        {
            "stage": s.stage,
            "reached": f.num(s.reached),
            "left": f.num(s.left) if s.index < last else "",
            "advanced": f.num(s.advanced) if s.index < last else "",
            "lost": f.num(s.lost) if s.index < last else "",
            "open": f.num(s.open) if s.index < last else "",
            "conversion": f.pct(s.conversion) if s.conversion is not None else "",
            "ci": _interval(t, s.ci_low, s.ci_high),
            "cumulative": f.pct(s.cumulative),
            "is_bottleneck": neck is not None and s.index == neck.index,
        }
        for s in funnel.stages
    ]


def _impact_rows(t: Messages, funnel: FunnelResult) -> list[dict[str, Any]]:
    f = t.fmt
    return [
        {
            "rank": i + 1,
            "step": f"{imp.stage} → {funnel.stages[imp.index + 1].stage}",
            "conversion": f.pct(imp.conversion),
            "equal": f.money(imp.impact_equal_effort),
            "best_rate": f.pct(imp.best_practice) if imp.best_managers else "—",
            "best": f.money(imp.impact_best_practice) if imp.best_managers else "—",
            "best_managers": ", ".join(imp.best_managers) or "—",
            "is_bottleneck": i == 0,
        }
        for i, imp in enumerate(funnel.impacts)
    ]


def _flagged(t: Messages, funnel: FunnelResult, stages: list[GroupStage]) -> list[dict[str, Any]]:
    f = t.fmt
    return [
        {
            "manager": m.name,
            "step": f"{m.stage} → {funnel.stages[m.index + 1].stage}",
            "rate": f.pct(m.conversion),
            "ci": _interval(t, m.ci_low, m.ci_high),
            "department": f.pct(m.rest_rate),
            "deals": f.num(m.left),
            "flag": t("funnel.flag_" + m.flag),
            "impact": f.money(m.impact_per_month) if m.impact_per_month else "—",
            "low": m.flag == "low",
        }
        for m in sorted(stages, key=lambda m: (m.flag != "low", m.index, m.name))
        if m.flag
    ]


def _tests(t: Messages, funnel: FunnelResult) -> list[dict[str, Any]]:
    tests = [*([funnel.manager_win_test] if funnel.manager_win_test else []), *funnel.tests]
    return [
        {
            "step": t("funnel.win_rate_test") if s.stage == "win" else f"{s.stage} →",
            "managers": t.fmt.num(s.managers),
            "p": p_value(t, s.p_value),
            "verdict": t("funnel.p_significant") if s.significant else t("funnel.p_not_significant"),
            "significant": s.significant,
        }
        for s in tests
    ]


def heatmap(t: Messages, funnel: FunnelResult) -> str | None:
    """Managers x steps conversion heatmap with out-of-limit marks, as a data URI."""
    frame = funnel.manager_stage_frame()
    if frame.empty:
        return None
    step = {s.index: f"{s.stage} →" for s in funnel.stages}
    frame["step"] = frame["index"].map(step)
    order = [step[i] for i in sorted(frame["index"].unique())]
    rates = frame.pivot(index="name", columns="step", values="conversion").reindex(columns=order)
    mark = np.select(
        [frame["flag"] == "low", frame["flag"] == "high", frame["watch"] == "low", frame["watch"] == "high"],
        ["▼", "▲", "▽", "△"],
        default="",
    )
    marks = frame.assign(mark=mark).pivot(index="name", columns="step", values="mark").reindex(columns=order)
    department = pd.Series({f"{s.stage} →": s.conversion for s in funnel.stages}, dtype=float)
    return charts.to_data_uri(charts.conversion_heatmap(rates, marks, t.fmt, department=department))


def win_rate_funnel_plot(t: Messages, funnel: FunnelResult) -> str | None:
    """Managers' win rate against their number of closed deals, with the department's control limits."""
    rows = [m for m in funnel.managers if m.won + m.lost > 0]
    won, closed = sum(m.won for m in rows), sum(m.won + m.lost for m in rows)
    if len(rows) < 2 or not won:
        return None
    ax = charts.funnel_plot(
        [m.name for m in rows],
        [m.won for m in rows],
        [m.won + m.lost for m in rows],
        won / closed,  # the centre of the managers' limits: deals without a manager are no part of it
        t.fmt,
        t("funnel.plot_x"),
        t("funnel.plot_y"),
        flags=[m.flag for m in rows],
        limits=[(m.limit_low, m.limit_high) for m in rows],
    )
    return charts.to_data_uri(ax)


def stalled_rows(t: Messages, deals: list[StalledDeal]) -> list[dict[str, Any]]:
    """Stalled deals as table rows."""
    f = t.fmt
    return [
        {
            "deal": d.deal_id,
            "manager": d.manager,
            "customer": d.customer or "—",
            "stage": d.stage,
            "days": f.days(d.days),
            "threshold": f.days(d.threshold_days),
            "amount": f.money(d.amount),
        }
        for d in deals
    ]


def _stage_stalled_amount(t: Messages, stage: StageTime) -> str:
    """The known money of a stage's stalled deals, and how many have no amount (never a zero)."""
    if stage.stalled_no_amount >= stage.stalled:
        return t("amounts.unknown_short")
    text = t.fmt.money(stage.stalled_amount)
    if stage.stalled_no_amount:
        text += " " + t("amounts.unknown_more", unknown=stage.stalled_no_amount)
    return text


def _time_view(t: Messages, audit: Audit) -> dict[str, Any]:
    f, time = t.fmt, audit.funnel_time
    return {
        "basis": time.basis,
        "stages": [
            {
                "stage": s.stage,
                "stays": f.num(s.stays),
                "median": f.days(s.median_days),
                "p75": f.days(s.p75_days),
                "p90": f.days(s.p90_days),
                "open": f.num(s.open_now),
                "stalled": f.num(s.stalled),
                "stalled_amount": _stage_stalled_amount(t, s) if s.stalled else "—",
            }
            for s in time.stages
        ],
        "cycle": t(
            "funnel.cycle_text",
            median=time.cycle_days_median,
            p75=time.cycle_days_p75,
            p90=time.cycle_days_p90,
        )
        if time.cycle_days_median is not None
        else "",
        "stalled_text": t(
            f"funnel.stalled_text_{time.basis}",
            count=time.stalled_count,
            open=time.open_count,
            amount_text=amount_phrase(t, time.stalled_amount, time.stalled_no_amount, time.stalled_count),
            reference=f.date(time.reference),
            p90=time.cycle_days_p90,
        ),
        "stalled": stalled_rows(t, time.stalled[:STALLED_IN_TABLE]),
        "count": time.stalled_count,
    }


def _reasons_view(t: Messages, audit: Audit) -> dict[str, Any] | None:
    reasons = audit.reasons
    if not reasons.available:
        return None
    f = t.fmt
    columns = list(reasons.by_stage.columns)
    legend = [(i + 1, c if c != "?" else t("funnel.reasons_unknown_stage")) for i, c in enumerate(columns)]
    rows = []
    for reason, counts in reasons.by_stage.iterrows():
        label = t("funnel.reasons_other") if reason == OTHER else str(reason)
        rows.append(
            {
                "reason": label,
                "counts": [f.num(v) if v else "" for v in counts.to_numpy()],
                "total": f.num(int(counts.sum())),
            }
        )
    by_manager = reasons.by_manager
    manager_rows = []
    for reason, counts in by_manager.iterrows():
        label = t("funnel.reasons_other") if reason == OTHER else str(reason)
        total = counts.sum()
        manager_rows.append(
            {"reason": label, "shares": [f.pct(v / total if total else None, 0) for v in counts]}
        )
    return {
        "intro": t("funnel.reasons_intro", lost=reasons.lost, with_reason=reasons.with_reason),
        "legend": legend,
        "rows": rows,
        "managers": list(by_manager.columns),
        "manager_rows": manager_rows,
    }


def _cohort_rows(t: Messages, audit: Audit) -> list[dict[str, Any]]:
    f = t.fmt
    return [
        {
            "month": f.month_long(c.month),
            "deals": f.num(c.deals),
            "won": f.num(c.won),
            "lost": f.num(c.lost),
            "open": f.num(c.open),
            "win_rate": f.pct(c.win_rate),
            "avg_check": f.money(c.avg_check),
        }
        for c in audit.cohorts
    ]


def _weekly_view(t: Messages, audit: Audit) -> dict[str, Any]:
    f, weekly = t.fmt, audit.weekly
    # The last weeks of the period: later weeks only show the period's deals closing, never new ones.
    end = pd.Timestamp(audit.config.period.end)
    in_period = weekly.entered[weekly.entered.index <= end]
    recent = (in_period if len(in_period) else weekly.entered).tail(WEEKS_IN_TABLE)
    # Without a stage history only the first stage's entries (the creation) are dated: the later stages'
    # weekly entries are unknown, not zero.
    stages = (
        list(weekly.entered.columns[:-1]) if weekly.basis == "history" else list(weekly.entered.columns[:1])
    )
    won = weekly.won.reindex(recent.index, fill_value=0)
    # Won deals without a close date cannot be placed in a week: all of them undated is no zero, and a
    # column of dashes says nothing, so the column is left out.
    won_known = bool(weekly.won.sum()) or not audit.funnel.won
    table = [
        {
            "week": f.week(week),
            "counts": [f.num(row[s]) for s in stages],
            "won": f.num(won.loc[week]),
        }
        for week, row in recent.iterrows()
    ]
    chart = None
    if weekly.basis == "history" and len(weekly.weeks) >= 4:
        chart = charts.to_data_uri(charts.weekly_steps(weekly.rates(), weekly.left, f), crop=False)
    steps = [
        {
            "step": f"{s.stage} →",
            "recent": f.pct(s.recent_rate),
            "previous": f.pct(s.previous_rate),
            "delta": f.pp(s.recent_rate - s.previous_rate)
            if s.recent_rate is not None and s.previous_rate is not None
            else "—",
            "p": p_value(t, s.change_p),
            "change": t(f"funnel.change_{s.change}"),
            "trend": t(f"funnel.trend_{s.trend}"),
            "down": s.change == "down" or s.trend == "down",
        }
        for s in weekly.steps
    ]
    return {
        "basis": weekly.basis,
        "stages": stages,
        "won_known": won_known,
        "table": table,
        "chart": chart,
        "steps": steps,
        "weeks": weekly.compare_weeks,
    }


def _velocity_view(t: Messages, audit: Audit) -> dict[str, Any] | None:
    v = audit.velocity
    if v.per_day is None:
        return None
    f = t.fmt
    value = {"opportunities": f.num, "win_rate": f.pct, "avg_check": f.money, "cycle_days": f.days}

    def shown(name: str, current: float, target: float | None) -> tuple[str, str]:
        # A lever worth money shows its change: "2,20 % → 2,24 %", not "2,2 % → 2,2 %".
        if name == "win_rate" and target is not None:
            return f.pct_pair(current, target)
        return value[name](current), value[name](target) if target is not None else "—"

    return {
        "kpis": [
            (
                t("funnel.velocity_kpi"),
                f.money(v.per_month),
                t("funnel.velocity_kpi_note", per_day=v.per_day),
            ),
            (t("funnel.velocity_opportunities"), f.num(v.opportunities), None),
        ],
        "versus": t(
            "funnel.velocity_versus",
            opportunities=v.opportunities,
            actual=audit.summary.revenue_won.per_month,
        ),
        "levers": [
            {
                "lever": t(f"funnel.lever_{lv.name}"),
                "current": shown(lv.name, lv.current, lv.target)[0],
                "target": shown(lv.name, lv.current, lv.target)[1],
                "gain": f.money(lv.gain_per_month) if lv.gain_per_month else "—",
                "top": i == 0 and lv.gain_per_month,
            }
            for i, lv in enumerate(v.levers)
        ],
    }


def funnel_section(t: Messages, audit: Audit) -> dict[str, Any]:
    """The whole funnel section (or, for sales lines only, why there is none)."""
    if not audit.data.has_deals:
        return {"absent": True}
    funnel = audit.funnel
    neck = funnel.bottleneck
    min_deals = audit.config.funnel.min_deals_for_flag
    chart = charts.to_data_uri(
        charts.funnel_chart(
            [s.stage for s in funnel.stages],
            [s.reached for s in funnel.stages],
            [s.conversion for s in funnel.stages],
            t.fmt,
            highlight=neck.index if neck else None,
        )
    )
    return dict(
        absent=False,
        rule_sentence=rule_sentence(t, funnel),
        cumulative_note=t(
            "funnel.cumulative_note", cumulative=funnel.stages[-1].cumulative, win_rate=audit.summary.win_rate
        ),
        chart=chart,
        stages=_stage_rows(t, funnel),
        impacts=_impact_rows(t, funnel),
        managers=_group_rows(t, funnel.managers, min_deals)
        + _unassigned_rows(t, funnel.managers_unassigned, "funnel.unassigned_row"),
        managers_compared=funnel.managers_compared,
        managers_alone=_managers_alone(funnel),
        money_known=funnel.won_with_amount > 0 or not funnel.won,
        plot=win_rate_funnel_plot(t, funnel),
        heatmap=heatmap(t, funnel),
        flagged=_flagged(t, funnel, funnel.manager_stages),
        tests=_tests(t, funnel),
        sources=_group_rows(t, funnel.sources, min_deals)
        + (
            _unassigned_rows(t, funnel.sources_unassigned, "funnel.unassigned_source")
            if funnel.sources
            else []
        ),
        source_flagged=_flagged(t, funnel, funnel.source_stages),
        time=_time_view(t, audit),
        reasons=_reasons_view(t, audit),
        cohorts=_cohort_rows(t, audit),
        cohorts_open=any(c.open for c in audit.cohorts),
        weekly=_weekly_view(t, audit),
        velocity=_velocity_view(t, audit),
        dips=diagnosis_views.dips_view(t, audit),
        slow=diagnosis_views.slow_view(t, audit),
        lost_unknown=funnel.lost_stage_unknown,
        share=funnel.equal_effort_share,
        min_deals=min_deals,
    )


def _step_panels(funnel: FunnelResult, stages: list[GroupStage]) -> list[tuple]:
    panels = []
    for step in funnel.stages[:-1]:
        rows = [m for m in stages if m.index == step.index]
        if len(rows) >= 2 and step.conversion is not None:
            panels.append(
                (
                    f"{step.stage} → {funnel.stages[step.index + 1].stage}",
                    [m.name for m in rows],
                    [m.advanced for m in rows],
                    [m.left for m in rows],
                    step.conversion,
                    [m.flag for m in rows],
                    [(m.limit_low, m.limit_high) for m in rows],
                )
            )
    return panels


def _rates_heatmap(t: Messages, stages: list[GroupStage], order: list[str]) -> str | None:
    if not stages:
        return None
    rates = (
        pd.DataFrame([{"name": m.name, "step": f"{m.stage} →", "conversion": m.conversion} for m in stages])
        .pivot(index="name", columns="step", values="conversion")
        .reindex(columns=order)
    )
    marks = (
        pd.DataFrame(
            [
                {
                    "name": m.name,
                    "step": f"{m.stage} →",
                    "mark": {"low": "▼", "high": "▲"}.get(m.flag or "", ""),
                }
                for m in stages
            ]
        )
        .pivot(index="name", columns="step", values="mark")
        .reindex(columns=order)
    )
    return charts.to_data_uri(charts.conversion_heatmap(rates, marks, t.fmt))


def deep_dive(t: Messages, audit: Audit) -> Section:
    """Analyst's extra views: every step's funnel plot, sources and months by step, all stalled deals."""
    funnel, f = audit.funnel, t.fmt
    order = [f"{s.stage} →" for s in funnel.stages[:-1]]
    panels = _step_panels(funnel, funnel.manager_stages)
    grid = (
        charts.to_data_uri(
            charts.funnel_plot_grid(panels, f, t("deep.plot_x"), t("funnel.col_conversion")), crop=False
        )
        if panels
        else None
    )
    months = None
    if audit.cohorts:
        rates = pd.DataFrame(
            [c.conversions for c in audit.cohorts],
            columns=order,
            index=[f.month(c.month) for c in audit.cohorts],
        )
        months = charts.to_data_uri(charts.conversion_heatmap(rates, rates.map(lambda _: ""), f))
    stalled = stalled_rows(t, audit.funnel_time.stalled)
    return render(
        "funnel_deep.html.j2",
        t,
        grid=grid,
        sources=_rates_heatmap(t, funnel.source_stages, order),
        months=months,
        stalled=stalled,
        stalled_total=audit.funnel_time.stalled_count,
    )
