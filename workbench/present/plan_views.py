"""Parts of the plan section beyond plan and fact per month and week: the current month's run-rate
forecast per manager, and each manager's attainment of their personal weekly plans (or why neither is
shown). Figures come from :mod:`workbench.analysis.current_month` and :mod:`workbench.analysis.plan`."""

from __future__ import annotations

import datetime as dt
from statistics import NormalDist
from typing import Any

import pandas as pd

from workbench.analysis import current_month
from workbench.analysis.current_month import MonthForecast, ScopeForecast
from workbench.analysis.plan import PlanResult
from workbench.present import charts
from workbench.present.i18n import Messages
from workbench.present.plan_charts import run_rate_chart, weekly_attainment_heatmap

View = dict[str, Any]


def weeks_below_text(t: Messages, plan: PlanResult) -> str:
    """The weeks whose fact fell below the warning share of their plan, as a sentence."""
    key = "plan.weeks_below" if plan.weeks_below else "plan.weeks_below_none"
    return t(key, warning=plan.attainment_warning, below=plan.weeks_below, total=plan.weeks_total)


def forecast_method(t: Messages, warning: float) -> str:
    """The rules of the current month's forecast, for the methodology."""
    level = current_month.LEVEL
    return t(
        "methodology.plan_forecast",
        level=level,
        z=t.fmt.num(NormalDist().inv_cdf((1 + level) / 2), 2),
        history=current_month.MIN_HISTORY_DAYS,
        min_days=current_month.MIN_DAYS_GONE,
        warning=warning,
        sure=(1 + level) / 2,
    )


def current_month_view(t: Messages, current: MonthForecast | None) -> View | None:
    """The month of the as-of date: its run-rate forecast per manager, or why there is none."""
    if current is None:
        return None
    f = t.fmt
    view: View = {"title": t("plan.forecast_title", month=f.month_long(current.month)), "reason": None}
    if not current.available:
        reason = (
            "no_data_empty" if current.reason == "no_data" and current.data_end is None else current.reason
        )
        view["reason"] = t(f"plan.forecast_{reason}", as_of=current.as_of, end=current.data_end)
        return view
    department = current.department
    assert department is not None and current.cutoff is not None
    lead = t(
        "plan.forecast_days",
        as_of=current.as_of,
        gone=current.days_gone,
        total=current.working_days,
        left=current.days_left,
        cutoff=current.cutoff,
    )
    if current.cutoff < current.as_of - dt.timedelta(days=1):
        lead += " " + t("plan.forecast_data_end", end=current.cutoff)
    view["lead"] = lead
    view["level"] = current.level
    view["department"] = _scope_text(t, department, current)
    view["early"] = (
        t("plan.forecast_early", gone=current.days_gone, min_days=current.min_days) if current.early else None
    )
    short = current.short_managers
    view["short"] = None
    if not current.early and any(m.plan for m in current.managers):
        view["short"] = (
            t("plan.forecast_short", names=", ".join(str(m.manager) for m in short), count=len(short))
            if short
            else t("plan.forecast_none_short", warning=current.warning)
        )
    without = [str(m.manager) for m in current.managers if m.plan is None]
    view["without_plan"] = (
        t("plan.forecast_without_plan", names=", ".join(without), count=len(without)) if without else None
    )
    view["rows"] = [_row(t, department, t("plan.forecast_department"), current)] + [
        _row(t, m, str(m.manager), current) for m in current.managers
    ]
    view["chart"] = _chart(t, current) if current.managers else None
    view["note"] = t(
        "plan.forecast_note", level=current.level, warning=current.warning, min_days=current.min_days
    )
    return view


def _scope_text(t: Messages, scope: ScopeForecast, current: MonthForecast) -> str:
    """The department's month in one or two sentences."""
    text = t(
        "plan.forecast_department_text",
        fact=scope.fact,
        per_day=scope.per_day,
        forecast=scope.forecast,
        attainment=scope.attainment,
        plan=scope.plan,
    )
    if scope.low is not None and scope.high is not None:
        text += " " + t("plan.forecast_interval", level=current.level, low=scope.low, high=scope.high)
    if scope.short:
        text += " " + t("plan.forecast_department_short", warning=current.warning)
    if current.days_left == 0:
        text += " " + t("plan.forecast_no_day_left")
    elif scope.needed_per_day == 0:
        text += " " + t("plan.forecast_met")
    elif scope.needed_per_day is not None:
        text += " " + t("plan.forecast_needed", needed=scope.needed_per_day, left=current.days_left)
    return text


def _row(t: Messages, scope: ScopeForecast, name: str, current: MonthForecast) -> View:
    f = t.fmt
    interval = "—"
    if scope.low is not None and scope.high is not None:
        interval = f"{f.money(scope.low, compact=True)} – {f.money(scope.high, compact=True)}"
    return {
        "name": name,
        "department": scope.manager is None,
        "plan": f.money(scope.plan),
        "fact": f.money(scope.fact),
        "forecast": f.money(scope.forecast),
        "interval": interval,
        "attainment": f.pct(scope.attainment),
        "needed": f.money(scope.needed_per_day),
        "per_day": f.money(scope.per_day),
        "short": scope.short,
    }


def _chart(t: Messages, current: MonthForecast) -> str:
    managers = current.managers
    return charts.to_data_uri(
        run_rate_chart(
            [str(m.manager) for m in managers],
            [m.fact for m in managers],
            [m.forecast for m in managers],
            [(m.low, m.high) if m.low is not None and m.high is not None else None for m in managers],
            [m.plan for m in managers],
            [m.short for m in managers],
            t.fmt,
            (
                t("plan.legend_fact_so_far"),
                t("plan.legend_forecast"),
                t("plan.legend_interval", level=current.level),
                t("plan.legend_plan"),
                t("plan.legend_short"),
            ),
        )
    )


def manager_weeks_view(t: Messages, plan: PlanResult) -> View:
    """Each manager's attainment week by week when managers have weekly plans of their own; otherwise the
    sentence saying that personal weekly plans are absent."""
    if not plan.personal_weekly_plans:
        absent = (
            "plan.manager_weeks_department_only"
            if "week" in plan.granularities
            else "plan.manager_weeks_absent"
        )
        return {"absent": t(absent)}
    f = t.fmt
    frame = pd.DataFrame(
        [(r.manager, r.period_start, r.attainment) for r in plan.weekly_by_manager],
        columns=["manager", "week", "attainment"],
    )
    matrix = frame.pivot(index="manager", columns="week", values="attainment").sort_index()
    matrix = matrix.loc[:, matrix.notna().any(axis=0)]
    summary = plan.manager_weeks()
    planned = sum(m.weeks_planned for m in summary)
    below = sum(len(m.weeks_below) for m in summary)
    worst = max(summary, key=lambda m: (len(m.weeks_below), -(m.attainment or 0.0)))
    text = t("plan.manager_weeks_text", below=below, planned=planned, warning=plan.attainment_warning)
    if worst.weeks_below:
        text += " " + t(
            "plan.manager_weeks_worst",
            manager=worst.manager,
            below=len(worst.weeks_below),
            planned=worst.weeks_planned,
        )
    return {
        "absent": None,
        "text": text,
        "chart": charts.to_data_uri(weekly_attainment_heatmap(matrix, plan.attainment_warning, f)),
        "chart_note": t("plan.manager_weeks_chart_note", warning=plan.attainment_warning),
        "rows": [
            {
                "manager": m.manager,
                "planned": f.num(m.weeks_planned),
                "met": f.num(m.weeks_met),
                "below": f.num(len(m.weeks_below)),
                "weeks": _weeks_list(t, m.weeks_below),
                "attainment": f.pct(m.attainment),
                "alert": m.attainment is not None and m.attainment < plan.attainment_warning,
            }
            for m in summary
        ],
    }


LISTED_WEEKS = 6
"""At most this many weeks below the threshold are listed by date per manager (the chart shows them all)."""


def _weeks_list(t: Messages, weeks: list[pd.Timestamp]) -> str:
    """The Mondays of the weeks below the threshold, the first few by date and the rest counted."""
    if not weeks:
        return "—"
    listed = ", ".join(t.fmt.week(w) for w in weeks[:LISTED_WEEKS])
    rest = len(weeks) - LISTED_WEEKS
    return listed if rest <= 0 else t("plan.manager_weeks_more", weeks=listed, rest=rest)
