"""View models of the deeper diagnosis: temporary dips, who is slow at which stage, key customers who
stopped buying and action volume against conversion. Formatting only: every figure and verdict comes
from the analyses."""

from __future__ import annotations

import datetime as dt
from typing import Any

from workbench.audit import Audit
from workbench.present.i18n import Messages


def _month(t: Messages, month: str) -> str:
    return t.fmt.month(dt.date.fromisoformat(f"{month}-01"))


def dips_view(t: Messages, audit: Audit) -> dict[str, Any] | None:
    """The dips found (or the sentence that none was), None without a stage history."""
    dips = audit.dips
    if dips is None or dips.basis != "history":
        return None
    f = t.fmt
    funnel = audit.funnel
    rows = [
        {
            "step": f"{d.stage} → {funnel.stages[d.index + 1].stage}",
            "months": " – ".join(dict.fromkeys([_month(t, d.months[0]), _month(t, d.months[-1])])),
            "rate": f.pct(d.rate),
            "others": f.pct(d.others_rate),
            "drop": f.pp(d.drop),
            "lost": f.num(d.deals_lost, 0),
            "money": f.money(d.money_lost) if d.money_lost is not None else "—",
            "state": t("funnel.dip_recovered" if d.recovered else "funnel.dip_ongoing"),
        }
        for d in dips.dips
    ]
    return {
        "intro": t("funnel.dips_intro", alpha=dips.alpha, min_exits=dips.min_exits),
        "rows": rows,
        "none": t("funnel.dips_none", tested=len(dips.months)),
    }


def slow_view(t: Messages, audit: Audit) -> dict[str, Any] | None:
    """Groups slow at a stage (or the sentence that none is), None without a stage history."""
    groups = audit.time_by_group
    if groups is None or not groups.tests:
        return None
    f = t.fmt
    rows = [
        {
            "group": t(f"funnel.slow_{r.grouping}"),
            "name": r.name,
            "stage": r.stage,
            "median": f.days(r.median_days),
            "rest": f.days(r.rest_median_days),
            "stays": f.num(r.stays),
            "open": f.num(r.open_deals),
            "amount": f.money(r.open_amount),
        }
        for r in groups.slow
    ]
    return {
        "intro": t("funnel.slow_intro", min_stays=groups.min_stays, ratio=groups.ratio, alpha=groups.alpha),
        "rows": rows,
        "none": t("funnel.slow_none"),
    }


def stopped_view(t: Messages, audit: Audit) -> dict[str, Any] | None:
    """Key customers who stopped buying, None without a customer analysis."""
    base = audit.customers
    s = base.stopped if base is not None else None
    if s is None:
        return None
    f = t.fmt
    rows = [
        {
            "customer": base.name(c.id),
            "last": f.date(c.last_purchase),
            "since": f.date(c.since),
            "empty": f.num(c.empty_months),
            "monthly": f.money(c.monthly_revenue),
        }
        for c in s.customers
    ]
    return {
        "intro": t("customers.stopped_intro", months=s.min_empty_months),
        "rows": rows,
        "none": t("customers.stopped_none", months=s.min_empty_months),
    }


def quality_view(t: Messages, audit: Audit) -> dict[str, Any] | None:
    """Each manager's actions against their conversion at the step they feed, None without activity."""
    q = audit.activity_quality
    if q is None or not q.rows:
        return None
    f = t.fmt
    funnel = audit.funnel
    feeds = [
        t("activity.feed", type=kind, step=f"{stage} → {funnel.stages[funnel_index(audit, stage) + 1].stage}")
        for kind, stage in q.feeds.items()
    ]
    rows = [
        {
            "manager": r.manager,
            "type": r.type,
            "actions": f.num(r.actions),
            "ratio": f.num(r.volume_ratio, 2) if r.volume_ratio is not None else "—",
            "rate": f.pct(r.conversion),
            "rest": f.pct(r.rest_rate),
            "verdict": t(f"activity.verdict_{r.verdict}") if r.verdict else "",
            "alert": r.verdict == "busy_poor",
        }
        for r in sorted(q.rows, key=lambda r: (r.index, r.manager))
    ]
    return {
        "intro": t("activity.quality_intro", feeds="; ".join(feeds), high=q.high_volume),
        "rows": rows,
        "none": t("activity.quality_none") if not q.verdicts else None,
        "unmatched": ", ".join(q.unmatched),
    }


def funnel_index(audit: Audit, stage: str) -> int:
    """The position of a working stage in the funnel."""
    return next(s.index for s in audit.funnel.stages if s.stage == stage)
