"""The re-audit section: key figures and layer scores then and now, findings resolved, new and persisting.

The comparison is :class:`workbench.analysis.progress.Progress`; this module only words it.
"""

from __future__ import annotations

from typing import Any

from workbench.analysis.progress import FigureChange
from workbench.audit import Audit
from workbench.present.finding_text import finding_texts
from workbench.present.i18n import Messages

View = dict[str, Any]
MONEY, SHARE, DAYS, POINTS = "money", "share", "days", "points"
KINDS = {
    "revenue_per_month": MONEY,
    "win_rate": SHARE,
    "avg_check": MONEY,
    "cycle_days": DAYS,
    "plan_attainment": SHARE,
    "top1_share": SHARE,
    "intake_overall": POINTS,
}


def _value(t: Messages, kind: str, value: float | None) -> str:
    f = t.fmt
    return {MONEY: f.money, SHARE: f.pct, DAYS: f.days, POINTS: f.num}[kind](value)


def _change(t: Messages, kind: str, change: float | None) -> str:
    f = t.fmt
    if change is None:
        return "—"
    if kind == SHARE:
        return f.pp(change)
    if kind == MONEY:
        return f.money(change, signed=True)
    sign = "+" if change > 0 else "−" if change < 0 else ""
    return sign + (f.days(abs(change)) if kind == DAYS else f.num(abs(change)))


def _figure(t: Messages, row: FigureChange) -> dict[str, Any]:
    kind = KINDS[row.key]
    return {
        "name": t(f"progress.figures.{row.key}"),
        "before": _value(t, kind, row.before),
        "now": _value(t, kind, row.now),
        "change": _change(t, kind, row.change),
        "improved": row.improved,
    }


def progress_section(t: Messages, audit: Audit) -> View:
    """The template context of the progress section (``progress`` None: no comparison in this run)."""
    progress = audit.progress
    if progress is None:
        return {"progress": None}
    now = {f.id: f for f in audit.findings}

    def title_now(fid: str) -> str:
        return finding_texts(t, now[fid])["title"]

    layers = [
        {
            "name": f"{x.layer}. {t(f'layers.{x.layer}')}",
            "before": t.fmt.num(x.before) if x.before is not None else t("intake.not_assessed"),
            "now": t.fmt.num(x.now) if x.now is not None else t("intake.not_assessed"),
            "change": _change(t, POINTS, x.change),
            "improved": None if not x.change else x.change > 0,
        }
        for x in progress.layers
    ]
    return {
        "progress": progress,
        "intro": t("progress.intro", before=progress.as_of_before, now=progress.as_of_now)
        if progress.as_of_before
        else t("progress.intro_undated", now=progress.as_of_now),
        "no_scores": all(x.before is None for x in progress.layers),
        "figures": [_figure(t, row) for row in progress.figures],
        "layers": layers,
        "resolved": [f.title_before for f in progress.of("resolved")],
        "new": [title_now(f.id) for f in progress.of("new")],
        "persisting": [
            {
                "title": title_now(f.id),
                "severity": t(f"severity.{f.severity_now}"),
                "before": t(f"severity.{f.severity_before}") if f.severity_before else "—",
            }
            for f in progress.of("persisting")
        ],
    }
