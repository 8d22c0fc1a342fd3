"""The view of each general report section (cover, summary, data, plan, activity, actions, method, appendix).

Each function returns the context its template is rendered with (see :mod:`workbench.present.registry`).
Nothing here computes a metric or decides a flag: values and decisions come from the results.
"""

from __future__ import annotations

from typing import Any

from workbench import __version__
from workbench.analysis import activity_quality
from workbench.analysis.funnel import dips, time_by_group
from workbench.analysis.summary import Revenue
from workbench.audit import Audit
from workbench.findings import Finding
from workbench.findings import model as finding_model
from workbench.present import charts, customer_section, diagnosis_views, plan_views
from workbench.present import data_quality as dq
from workbench.present.amounts import revenue_gaps, revenue_money, revenue_text
from workbench.present.finding_text import finding_texts
from workbench.present.funnel_section import rule_sentence
from workbench.present.i18n import Messages

View = dict[str, Any]


def layer_name(t: Messages, layer: int | None) -> str:
    return t(f"layers.{layer}") if layer is not None else t("layers.data")


def finding_rows(t: Messages, findings: list[Finding]) -> list[dict[str, Any]]:
    """Findings as numbered rows of the summary and the action plan."""
    rows = []
    for number, finding in enumerate(findings, start=1):
        rows.append(
            {
                "no": number,
                "id": finding.id,
                "layer": layer_name(t, finding.layer),
                "layer_no": finding.layer,
                "severity": finding.severity,
                "severity_label": t(f"severity.{finding.severity}"),
                "impact": t.fmt.money(finding.impact_per_month) if finding.impact_per_month else None,
                "section": finding.section,
                "horizon": finding.horizon,
                "role": None,
                "kpi": None,
                **finding_texts(t, finding),
            }
        )
    return rows


def revenue_label(t: Messages, revenue: Revenue) -> str:
    """The short name of a revenue figure, the same words wherever it is shown."""
    return t(f"revenue.{revenue.rule}")


def cover(t: Messages, audit: Audit) -> View:
    config = audit.config
    return {
        "client": config.name,
        "consultant": config.consultant,
        "industry": config.industry,
        "period": t.fmt.period(config.period.start, config.period.end),
        "date": t.fmt.date(audit.as_of),
        "generated": t("report.generated", when=t.fmt.date(audit.as_of), version=__version__),
    }


def summary(t: Messages, audit: Audit) -> View:
    f, funnel, plan, s = t.fmt, audit.funnel, audit.plan, audit.summary
    closed = funnel.won + funnel.lost
    won = s.revenue_won
    kpis = [
        (
            revenue_label(t, won),
            revenue_money(t, won, compact=True),
            _revenue_note(t, won),
        ),
        (
            t("summary.kpi_deals"),
            f.num(funnel.deals_in_cohort),
            t("summary.kpi_deals_note", per_month=funnel.deals_in_cohort / s.months),
        ),
        (
            t("summary.kpi_win_rate"),
            f.pct(s.win_rate),
            t("summary.kpi_win_rate_note", won=funnel.won, closed=closed),
        ),
        (
            t("summary.kpi_avg_check"),
            f.money(s.avg_check),
            t("summary.kpi_avg_check_note", count=funnel.won_with_amount)
            if funnel.won_with_amount or not funnel.won
            else t("summary.kpi_avg_check_unknown"),
        ),
        (t("summary.kpi_cycle"), f.days(funnel.cycle_days_median), t("summary.kpi_cycle_note")),
        (
            t("summary.kpi_plan"),
            f.pct(plan.attainment) if plan.available else "—",
            t("summary.kpi_plan_note", plan=plan.plan_total, fact=plan.fact_total)
            if plan.available
            else t("summary.kpi_plan_none"),
        ),
    ]
    if not audit.data.has_deals and s.revenue_sales is not None:  # sales lines only: no deal figures
        sales = s.revenue_sales
        kpis = [
            (
                revenue_label(t, sales),
                f.money(sales.total, compact=True),
                t("summary.kpi_sales_note", per_month=sales.per_month),
            ),
            *([kpis[-1]] if plan.available else []),
        ]
    rows = finding_rows(t, audit.findings)
    layers = [
        {
            "number": layer.number,
            "name": t(f"layers.{layer.number}"),
            "status": layer.status,
            "severity": layer.severity,
            "text": t(f"summary.layer_{layer.status}", count=layer.findings),
            "score": None if layer.score is None else t.fmt.num(round(layer.score)),
        }
        for layer in audit.layers
    ]
    customers = audit.abc.concentration.customers if audit.abc else 0
    intro = t(
        "summary.intro" if audit.data.has_deals else "summary.intro_sales_only",
        deals=funnel.deals_in_cohort,
        start=audit.config.period.start,
        end=audit.config.period.end,
        managers_part=t("summary.managers_part", managers=s.managers) if s.managers else "",
        customers_part=t("summary.customers_part", customers=customers) if customers else "",
    )
    return {
        "intro": intro,
        "kpis": kpis,
        "revenues": revenues_sentence(t, audit),
        "findings": rows,
        "layers": layers,
        "maturity": _maturity_sentence(t, audit),
    }


def _revenue_note(t: Messages, won: Revenue) -> str:
    """The note under the won-deals revenue: a month and deals, with the won deals it cannot count."""
    if not won.known:
        return t("summary.kpi_revenue_unknown", gaps=revenue_gaps(t, won))
    note = t("summary.kpi_revenue_note", per_month=won.per_month, deals=won.count)
    gaps = revenue_gaps(t, won)
    return f"{note} {t('amounts.more', gaps=gaps)}" if gaps else note


def _maturity_sentence(t: Messages, audit: Audit) -> str | None:
    """The maturity level in one sentence for the summary (None when the scorecard has none)."""
    card = audit.intake
    if card is None or card.maturity.level is None:
        return None
    level = card.maturity.level
    return t("summary.maturity", level=level, name=t(f"intake.maturity_names.{level}"))


def revenues_sentence(t: Messages, audit: Audit) -> str:
    """Which revenue each part of the report uses, with the figures."""
    s = audit.summary
    if not audit.data.has_deals:
        return t("summary.revenues_sales_only", sales=s.revenue_sales.total) if s.revenue_sales else ""
    ways = t("summary.revenues_two" if s.revenue_sales is None else "summary.revenues_three")
    text = t(
        "summary.revenues",
        won=revenue_text(t, s.revenue_won),
        cohort=revenue_text(t, s.revenue_cohort),
        cohort_deals=s.revenue_cohort.count,
    )
    text = f"{ways} {text}"
    if s.revenue_sales is not None:
        text += " " + t(
            "summary.revenues_sales", sales=s.revenue_sales.total, data_section=t("sections.data")
        )
    return text


def reconciliation_view(t: Messages, audit: Audit) -> View | None:
    """CRM won revenue against sales-lines revenue, line by line (signed), with their totals."""
    r = audit.summary.reconciliation
    won = audit.summary.revenue_won
    if r is None:
        if audit.data.has_deals and audit.summary.revenue_sales is not None and not won.known:
            return {"unavailable": t("data.reconcile.unavailable", gaps=revenue_gaps(t, won))}
        return None
    f = t.fmt
    cohort, won_total = audit.summary.revenue_cohort.total, won.total
    relation = (
        "data.reconcile.cohort_below"
        if cohort < won_total
        else "data.reconcile.cohort_above"
        if cohort > won_total
        else None
    )
    lines = [
        {
            "label": t(f"data.reconcile.{line.code}"),
            "amount": f.money(line.amount, signed=True),
            "deals": f.num(line.deals) if line.deals else "",
            "customers": f.num(line.customers) if line.customers else "",
        }
        for line in r.lines
        if line.amount or line.deals or line.customers
    ]
    return {
        "crm_label": revenue_label(t, audit.summary.revenue_won),
        "crm": f.money(r.crm),
        "crm_deals": f.num(audit.summary.revenue_won.count - audit.summary.revenue_won.unknown_amount),
        "sales_label": revenue_label(t, audit.summary.revenue_sales),
        "sales": f.money(r.sales),
        "lines": lines,
        "returns": t("data.reconcile.returns", amount=r.returns) if r.returns else None,
        "cohort": t(
            "data.reconcile.cohort",
            cohort=audit.summary.revenue_cohort.total,
            cohort_deals=audit.summary.revenue_cohort.count,
            won=audit.summary.revenue_won.total,
            won_deals=audit.summary.revenue_won.count,
        )
        + (" " + t(relation) if relation else ""),
    }


def data_overview(t: Messages, audit: Audit) -> View:
    f = t.fmt
    files = []
    for table, report in audit.data.reports.items():
        files.append(
            {
                "table": t(f"data.tables.{table}"),
                "file": report.file,
                "read": f.num(report.rows_read),
                "used": f.num(report.rows_used),
                "quarantined": f.num(report.rows_quarantined),
                "excluded": f.num(report.rows_excluded),
                "format": dq.format_text(t, report),
            }
        )
    reading = [dq.reading_text(t, report) for report in audit.data.reports.values()]
    caveats = [
        {"file": report.file, **issue}
        for report in audit.data.reports.values()
        for issue in dq.issues(t, report, "warnings")
    ]
    exclusions = [
        f"{report.file}: {dq.excluded_label(t, rule, effect)}"
        for report in audit.data.reports.values()
        for rule, effect in report.excluded.items()
    ]
    scope = t(
        "data.scope",
        period=f.period(audit.config.period.start, audit.config.period.end),
        cohort=audit.funnel.deals_in_cohort,
        total=audit.funnel.deals_total,
    )
    any_excluded = any(r.rows_excluded for r in audit.data.reports.values())
    return {
        "files": files,
        "reading": reading,
        "scope": scope,
        "caveats": caveats,
        "exclusions": exclusions,
        "any_excluded": any_excluded,
        "anonymized": audit.data.anonymized,
        "reconciliation": reconciliation_view(t, audit),
    }


def plan_section(t: Messages, audit: Audit) -> View:
    plan = audit.plan
    if not plan.available:
        return {"plan": None}
    f = t.fmt
    dept_months = [r for r in plan.monthly if r.manager is None]
    legend = (
        t("plan.legend_plan"),
        t("plan.legend_fact"),
        t("plan.legend_below", warning=plan.attainment_warning),
    )
    monthly_chart = charts.to_data_uri(
        charts.plan_fact_chart(
            [f.month_short(r.period_start) for r in dept_months],
            [r.plan_revenue for r in dept_months],
            [r.fact_revenue for r in dept_months],
            f,
            legend,
            [plan.is_below(r) for r in dept_months],
        )
    )
    weekly_chart = charts.to_data_uri(
        charts.plan_fact_chart(
            [f.week(r.period_start) for r in plan.weekly],
            [r.plan_revenue for r in plan.weekly],
            [r.fact_revenue for r in plan.weekly],
            f,
            legend,
            [plan.is_below(r) for r in plan.weekly],
            ax=charts.new_axes(height=2.8),
            rotate=True,
        )
    )
    months = [
        {
            "month": f.month_long(r.period_start),
            "plan": f.money(r.plan_revenue),
            "fact": f.money(r.fact_revenue),
            "attainment": f.pct(r.attainment),
            "deals": f.num(r.fact_deals),
            "below": plan.is_below(r),
        }
        for r in dept_months
    ]
    managers = [
        {
            "manager": m.manager,
            "plan": f.money(m.plan_revenue),
            "fact": f.money(m.fact_revenue),
            "attainment": f.pct(m.attainment),
            "met": f"{m.months_met} / {m.months_planned}",
            "below": m.below,
        }
        for m in plan.managers
    ]
    return {
        "plan": plan,
        "monthly_chart": monthly_chart,
        "weekly_chart": weekly_chart,
        "months": months,
        "managers": managers,
        "basis": t(f"plan.basis_{audit.config.plan.weekly_split}"),
        "weeks_below": plan_views.weeks_below_text(t, plan),
        "manager_weeks": plan_views.manager_weeks_view(t, plan),
        "current": plan_views.current_month_view(t, audit.current_month),
    }


def activity_section(t: Messages, audit: Audit) -> View:
    activity = audit.activity
    if not activity.available:
        return {"activity": None, "threshold": activity.threshold}
    f = t.fmt
    chart = charts.to_data_uri(charts.activity_heatmap(activity.weekly, f))
    rows = [
        {
            "manager": m.manager,
            "total": f.num(m.total),
            "mean": f.num(m.weekly_mean, 1),
            "cv": f.pct(m.weekly_cv, 0),
            "zero": f"{m.zero_weeks} / {m.weeks}",
            "irregular": m.irregular,
        }
        for m in activity.managers
    ]
    types = activity.by_type
    type_rows = [
        {"manager": str(name), "values": [f.num(v) for v in row.to_numpy()]} for name, row in types.iterrows()
    ]
    return {
        "activity": activity,
        "chart": chart,
        "rows": rows,
        "types": list(types.columns),
        "type_rows": type_rows,
        "threshold": activity.threshold,
        "quality": diagnosis_views.quality_view(t, audit),
        "scale": (float(activity.weekly.min(axis=None)), float(activity.weekly.max(axis=None))),
    }


def actions_section(t: Messages, audit: Audit) -> View:
    rows = finding_rows(t, audit.findings)
    horizons = [
        (h, t(f"actions.horizon_{h}"), [r for r in rows if r["horizon"] == h]) for h in finding_model.HORIZONS
    ]
    return {"horizons": horizons}


def _company_revenue(t: Messages, audit: Audit) -> str:
    """The company's revenue a month that severities are judged against, or why it is unknown."""
    s = audit.summary
    chosen = s.revenue_sales if s.monthly_revenue_rule == "sales_lines" else s.revenue_won
    if chosen is not None and not chosen.known:
        return t("methodology.impact_base_unknown", gaps=revenue_gaps(t, chosen))
    rule = t(f"revenue.{s.monthly_revenue_rule}").lower()
    return t("methodology.impact_base", company=s.monthly_revenue, company_rule=rule)


def methodology_section(t: Messages, audit: Audit) -> View:
    config = audit.config
    shown = {
        "funnel": audit.data.has_deals,
        "customers": audit.abc is not None,
        "plan": audit.plan.available,
        "activity": audit.activity.available,
    }
    return {
        "shown": shown,
        "rule_sentence": rule_sentence(t, audit.funnel),
        "min_deals": config.funnel.min_deals_for_flag,
        "share": audit.funnel.equal_effort_share,
        "critical": finding_model.CRITICAL_SHARE_OF_REVENUE,
        "company": _company_revenue(t, audit),
        "high": finding_model.HIGH_SHARE_OF_REVENUE,
        "a": config.abc.thresholds[0],
        "b": config.abc.thresholds[1],
        "top1": config.abc.concentration.top1,
        "top3": config.abc.concentration.top3,
        "customer_method": customer_section.method_paragraphs(t, audit),
        "basis": t(f"plan.basis_{config.plan.weekly_split}"),
        "threshold": config.activity.irregular_cv,
        "dip_p": dips.DIP_P,
        "min_exits": dips.MIN_MONTH_EXITS,
        "slow_p": time_by_group.SLOW_P,
        "slow_ratio": time_by_group.SLOW_RATIO,
        "min_stays": time_by_group.MIN_GROUP_STAYS,
        "high_volume": activity_quality.HIGH_VOLUME,
        "stopped_months": config.abc.migration.stopped_months,
        "forecast_method": plan_views.forecast_method(t, config.plan.attainment_warning),
    }


def appendix_data_section(t: Messages, audit: Audit) -> View:
    files = []
    for table, report in audit.data.reports.items():
        files.append(
            {
                "table": t(f"data.tables.{table}"),
                "file": report.file,
                "format": dq.format_text(t, report),
                "reading": dq.reading_text(t, report),
                "balance": t(
                    "appendix_data.balanced",
                    read=report.rows_read,
                    used=report.rows_used,
                    quarantined=report.rows_quarantined,
                )
                + (
                    t("appendix_data.balanced_excluded", excluded=report.rows_excluded)
                    if report.excluded
                    else ""
                ),
                "reasons": dq.issues(t, report, "reasons"),
                "warnings": dq.issues(t, report, "warnings"),
                "excluded": dq.exclusions(t, report),
                "mapping": dq.mapping_text(t, report),
            }
        )
    return {"files": files}
