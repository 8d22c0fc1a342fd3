"""Build each report section from the audit's result objects: view models, charts, then the template.

Nothing here computes a metric: values come from the analysis results and are only formatted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workbench import findings as fnd
from workbench.audit import AuditResult
from workbench.present import charts, customer_section
from workbench.present import data_quality as dq
from workbench.present.amounts import amount_phrase
from workbench.present.customer_section import customers_section
from workbench.present.funnel_section import funnel_section, rule_sentence
from workbench.present.html import Section, render
from workbench.present.i18n import Messages

SECTION_ORDER = (
    "summary",
    "data",
    "funnel",
    "customers",
    "plan",
    "activity",
    "actions",
    "methodology",
    "appendix_data",
)
BEST_PRACTICE_WORTH = 0.05  # share of the equal-effort gain below which best practice is not worth a sentence


@dataclass(frozen=True)
class RunInfo:
    """Provenance printed on the cover and in the footer."""

    generated_at: str
    version: str


def finding_texts(t: Messages, finding: fnd.Finding) -> dict[str, str]:
    """Title, evidence and recommendation of a finding in the report's language."""
    key = f"findings.{finding.code}"
    params = {**finding.params, "impact": finding.impact_per_month}
    if "amount_unknown" in params:  # a sum of known amounts with a count of unknown ones
        params["amount_text"] = amount_phrase(
            t, params.get("amount"), params["amount_unknown"], params.get("count")
        )
    evidence = t(f"{key}.evidence", **params)
    # Optional sentences, added when their parameter is there. Best practice is mentioned only when it is
    # worth something next to the equal-effort estimate.
    best = params.get("impact_best") or 0.0
    worth = best >= BEST_PRACTICE_WORTH * (finding.impact_per_month or 0.0) > 0
    for extra, present in (
        ("evidence_best", worth),
        ("evidence_time", params.get("has_time")),
        ("evidence_stopped", params.get("stopped")),
        ("evidence_share", params.get("has_share")),
    ):
        if t.has(f"{key}.{extra}") and present:
            evidence += t(f"{key}.{extra}", **params)
    return {
        "title": t(f"{key}.title", **params),
        "evidence": evidence,
        "recommendation": t(f"{key}.recommendation", **params),
    }


def layer_name(t: Messages, layer: int | None) -> str:
    return t(f"layers.{layer}") if layer is not None else t("layers.data")


def _finding_rows(t: Messages, audit: AuditResult) -> list[dict[str, Any]]:
    rows = []
    for number, finding in enumerate(audit.findings, start=1):
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
                **finding_texts(t, finding),
            }
        )
    return rows


def assessed_layers(audit: AuditResult) -> set[int]:
    """Layers the data let the audit look at."""
    layers = {1, 4, 6}
    if audit.plan.available and audit.plan.has_manager_plans:
        layers.add(2)
    if audit.activity.available:
        layers.add(5)
    if audit.abc is not None:
        layers.add(9)
    return layers


def cover(t: Messages, audit: AuditResult, run: RunInfo) -> Section:
    config = audit.config
    return render(
        "cover.html.j2",
        t,
        client=config.name,
        consultant=config.consultant,
        industry=config.industry,
        period=t.fmt.period(config.period.start, config.period.end),
        date=t.fmt.date(audit.as_of),
        generated=t("report.generated", when=run.generated_at, version=run.version),
    )


def contents(t: Messages, audit: AuditResult) -> Section:
    return render("contents.html.j2", t, sections=[(s, t(f"sections.{s}")) for s in SECTION_ORDER])


def summary(t: Messages, audit: AuditResult) -> Section:
    f, funnel, plan = t.fmt, audit.funnel, audit.plan
    months = funnel.months
    closed = funnel.won + funnel.lost
    revenue = plan.fact_total if plan.available and plan.fact_total else _won_revenue(audit)
    kpis = [
        (
            t("summary.kpi_revenue"),
            f.money(revenue, compact=True),
            t("summary.kpi_revenue_note", per_month=revenue / months),
        ),
        (
            t("summary.kpi_deals"),
            f.num(funnel.deals_in_cohort),
            t("summary.kpi_deals_note", per_month=funnel.deals_in_cohort / months),
        ),
        (
            t("summary.kpi_win_rate"),
            f.pct(funnel.win_rate),
            t("summary.kpi_win_rate_note", won=funnel.won, closed=closed),
        ),
        (
            t("summary.kpi_avg_check"),
            f.money(funnel.avg_check),
            t("summary.kpi_avg_check_note", count=funnel.won_with_amount),
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
    if not audit.data.has_deals:  # sales lines only: no deal figures (they would all read 0)
        sales = audit.abc.total if audit.abc else 0.0
        kpis = [
            (
                t("summary.kpi_sales_revenue"),
                f.money(sales, compact=True),
                t("summary.kpi_revenue_note", per_month=sales / months),
            ),
            *([kpis[-1]] if plan.available else []),
        ]
    rows = _finding_rows(t, audit)
    assessed = assessed_layers(audit)
    layers = []
    for number in range(1, 12):
        found = [r for r in rows if r["layer_no"] == number]
        worst = min((fnd.SEVERITIES.index(r["severity"]) for r in found), default=None)
        status = "problems" if found else "ok" if number in assessed else "not_assessed"
        layers.append(
            {
                "number": number,
                "name": t(f"layers.{number}"),
                "status": status,
                "severity": fnd.SEVERITIES[worst] if worst is not None else None,
                "text": t("summary.layer_problems", count=len(found))
                if found
                else t("summary.layer_ok")
                if number in assessed
                else t("summary.layer_not_assessed"),
            }
        )
    customers = audit.abc.concentration.customers if audit.abc else 0
    intro = t(
        "summary.intro" if audit.data.has_deals else "summary.intro_sales_only",
        deals=funnel.deals_in_cohort,
        start=audit.config.period.start,
        end=audit.config.period.end,
        managers_part=t("summary.managers_part", managers=funnel.manager_count)
        if funnel.manager_count
        else "",
        customers_part=t("summary.customers_part", customers=customers) if customers else "",
    )
    return render("summary.html.j2", t, intro=intro, kpis=kpis, findings=rows, layers=layers)


def _won_revenue(audit: AuditResult) -> float:
    from workbench.analysis.plan import won_in_period

    return float(won_in_period(audit.data.deals, audit.config.period)["amount"].sum())


def data_overview(t: Messages, audit: AuditResult) -> Section:
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
    return render(
        "data.html.j2",
        t,
        files=files,
        reading=reading,
        scope=scope,
        caveats=caveats,
        exclusions=exclusions,
        any_excluded=any_excluded,
        anonymized=audit.data.anonymized,
    )


def plan_section(t: Messages, audit: AuditResult) -> Section:
    plan = audit.plan
    if not plan.available:
        return render("plan.html.j2", t, plan=None)
    f = t.fmt
    dept_months = [r for r in plan.monthly if r.manager is None]
    monthly_chart = charts.to_data_uri(
        charts.plan_fact_chart(
            [f.month_short(r.period_start) for r in dept_months],
            [r.plan_revenue for r in dept_months],
            [r.fact_revenue for r in dept_months],
            f,
            (t("plan.legend_plan"), t("plan.legend_fact")),
            plan.attainment_warning,
        )
    )
    weekly_chart = charts.to_data_uri(
        charts.plan_fact_chart(
            [f.week(r.period_start) for r in plan.weekly],
            [r.plan_revenue for r in plan.weekly],
            [r.fact_revenue for r in plan.weekly],
            f,
            (t("plan.legend_plan"), t("plan.legend_fact")),
            plan.attainment_warning,
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
            "below": r.attainment is not None and r.attainment < plan.attainment_warning,
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
            "below": m.attainment is not None and m.attainment < fnd.MANAGER_ATTAINMENT_LOW,
        }
        for m in plan.managers
    ]
    return render(
        "plan.html.j2",
        t,
        plan=plan,
        monthly_chart=monthly_chart,
        weekly_chart=weekly_chart,
        months=months,
        managers=managers,
        basis=t(f"plan.basis_{audit.config.plan.weekly_split}"),
    )


def activity_section(t: Messages, audit: AuditResult) -> Section:
    activity = audit.activity
    if not activity.available:
        return render("activity.html.j2", t, activity=None, threshold=activity.threshold)
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
    return render(
        "activity.html.j2",
        t,
        activity=activity,
        chart=chart,
        rows=rows,
        types=list(types.columns),
        type_rows=type_rows,
        threshold=activity.threshold,
        scale=(float(activity.weekly.min(axis=None)), float(activity.weekly.max(axis=None))),
    )


def actions_section(t: Messages, audit: AuditResult) -> Section:
    rows = _finding_rows(t, audit)
    horizons = [(h, t(f"actions.horizon_{h}"), [r for r in rows if r["horizon"] == h]) for h in (30, 60, 90)]
    return render("actions.html.j2", t, horizons=horizons)


def methodology_section(t: Messages, audit: AuditResult) -> Section:
    config = audit.config
    return render(
        "methodology.html.j2",
        t,
        rule_sentence=rule_sentence(t, audit.funnel),
        min_deals=config.funnel.min_deals_for_flag,
        share=audit.funnel.equal_effort_share,
        critical=fnd.CRITICAL_SHARE_OF_REVENUE,
        high=fnd.HIGH_SHARE_OF_REVENUE,
        a=config.abc.thresholds[0],
        b=config.abc.thresholds[1],
        top1=fnd.TOP1_DEPENDENCE,
        top3=fnd.TOP3_DEPENDENCE,
        customer_method=customer_section.method_paragraphs(t, audit),
        basis=t(f"plan.basis_{config.plan.weekly_split}"),
        threshold=config.activity.irregular_cv,
    )


def appendix_data_section(t: Messages, audit: AuditResult) -> Section:
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
    return render("appendix_data.html.j2", t, files=files)


def all_sections(t: Messages, audit: AuditResult, run: RunInfo) -> list[Section]:
    """The whole report body in order (used by tests and by the notebook)."""
    return [
        cover(t, audit, run),
        contents(t, audit),
        summary(t, audit),
        data_overview(t, audit),
        funnel_section(t, audit),
        customers_section(t, audit),
        plan_section(t, audit),
        activity_section(t, audit),
        actions_section(t, audit),
        methodology_section(t, audit),
        appendix_data_section(t, audit),
    ]
