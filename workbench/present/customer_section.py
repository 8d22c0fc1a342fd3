"""The customers section of the report: view models built from :class:`CustomerBase`, charts, template.

Nothing here computes a metric: values come from the analysis results and are only formatted.
"""

from __future__ import annotations

import re
from typing import Any

from workbench.analysis.customers.abc import AbcResult
from workbench.analysis.customers.base import CustomerBase
from workbench.analysis.customers.dclass import TIME_CLASSES
from workbench.analysis.customers.migration import CLASSES as MIGRATION_CLASSES
from workbench.analysis.customers.xyz import XYZ
from workbench.audit import Audit
from workbench.present import charts, diagnosis_views
from workbench.present.d_class_list import D_CLASS_XLSX, formatted_rows
from workbench.present.i18n import Messages

TOP_CUSTOMERS = 10
TOP_PRODUCTS = 10
TOP_D = 10
TOP_MOVERS = 12
TOP_FALLING = 10
ONE_CLASS_SHARE = 0.9  # XYZ thresholds that put this share of items in one class probably do not suit


def customers_section(t: Messages, audit: Audit) -> dict[str, Any]:
    """The customer base: concentration, ABC, XYZ, class D, segmentation, dynamics, products."""
    base = audit.customers
    if base is None:
        return {"abc": None}
    abc = base.abc
    return dict(
        abc=abc,
        kpis=_kpis(t, base),
        concentration=_concentration(t, base),
        chart=pareto_uri(t, abc),
        chart_title=pareto_title(t, abc),
        abc_rule=abc_rule(t, abc, t("customers.metric_" + abc.metric)),
        classes=class_rows(t, abc),
        excluded=t("customers.excluded", count=abc.excluded_count, value=abc.excluded_value)
        if abc.excluded_count
        else None,
        top=_top_customers(t, base),
        value_label=t(f"customers.col_value_{abc.metric}"),
        xyz=_xyz(t, abc, "customers"),
        d_class=_d_class(t, base),
        d_class_file=D_CLASS_XLSX,
        time=_time(t, base),
        segments=_segments(t, base),
        migration=_migration(t, base),
        stopped=diagnosis_views.stopped_view(t, audit),
        products=_products(t, base.products),
        profit=_profit(t, abc),
    )


def _concentration(t: Messages, base: CustomerBase) -> str | None:
    """Where the client stands against its dependence limits, said whether or not a finding is raised."""
    c = base.abc.concentration
    if not c.customers:
        return None
    params = {
        "top1_share": c.top1_share,
        "top3_share": c.top3_share,
        "top1_limit": c.top1_limit,
        "top3_limit": c.top3_limit,
    }
    return t("customers.concentration_over" if c.over_limit else "customers.concentration_within", **params)


def _kpis(t: Messages, base: CustomerBase) -> list[tuple[str, str, str | None]]:
    f, c = t.fmt, base.abc.concentration
    return [
        (t("customers.kpi_customers"), f.num(c.customers), None),
        (t("customers.kpi_top1"), f.pct(c.top1_share), base.name(c.top1_name) if c.top1_name else None),
        (t("customers.kpi_top10"), f.pct(c.top10_share), None),
        (t("customers.kpi_gini"), f.num(c.gini, 2), t("customers.kpi_hhi", hhi=f.num(c.hhi, 3))),
    ]


def pareto_uri(t: Messages, abc: AbcResult, height: float = 3.0) -> str | None:
    """The Pareto chart of a customer ABC (with the computed points, if any) as a data URI."""
    if not len(abc.items):
        return None
    points = None
    if abc.computed is not None:
        points = {
            t("customers.point_pareto"): abc.computed.pareto,
            t("customers.point_break_even"): abc.computed.break_even,
            t("customers.point_submarginal"): abc.computed.submarginal,
        }
    return charts.to_data_uri(
        charts.pareto_chart(
            abc.items["cum_share"].to_numpy(),
            abc.thresholds,
            abc.items["cls"].tolist(),
            t.fmt,
            t("customers.pareto_x", metric=t(f"customers.metric_of_{abc.metric}")),
            t("customers.pareto_y", share=t(f"customers.metric_share_{abc.metric}")),
            ax=charts.new_axes(height=height),
            points=points,
        )
    )


def pareto_title(t: Messages, abc: AbcResult) -> str:
    """The Pareto chart's caption, for the metric the customers are ranked by."""
    return t("customers.pareto_title", share=t(f"customers.metric_share_{abc.metric}"))


def abc_rule(t: Messages, abc: AbcResult, metric: str, kind: str = "customers") -> str:
    """The boundary rule actually used, in one paragraph, for customers or products."""
    a, b = abc.thresholds
    key = "customers." + ("products_" if kind == "products" else "")
    if abc.computed is not None:
        limits = abc.computed
        return t(
            key + "abc_computed", metric=metric, a_effort=limits.a_effort, c_effort=limits.c_effort, a=a, b=b
        )
    text = t(key + "abc_intro", metric=metric, a=a, b=b)
    return text + (" " + t(key + "abc_fallback") if abc.fallback else "")


def class_rows(t: Messages, abc: AbcResult) -> list[dict[str, str]]:
    """One row per ABC class: count, share of items, value, share of value."""
    f = t.fmt
    return [
        {
            "cls": cls,
            "count": f.num(s.count),
            "count_share": f.pct(s.count_share),
            "value": _value(t, abc.metric, s.revenue),
            "share": f.pct(s.share),
        }
        for cls, s in abc.classes.items()
    ]


def _value(t: Messages, metric: str, value: float) -> str:
    return t.fmt.num(value) if metric == "quantity" else t.fmt.money(value)


def _top_customers(t: Messages, base: CustomerBase) -> list[dict[str, Any]]:
    f, abc = t.fmt, base.abc
    d_ids = base.d_class.ids
    score = base.segments.items.set_index("id")["cls"] if base.segments else None
    rows = []
    for row in abc.items.head(TOP_CUSTOMERS).itertuples(index=False):
        rows.append(
            {
                "customer": base.name(row.id),
                "value": _value(t, abc.metric, row.value),
                "share": f.pct(row.share),
                "cum": f.pct(row.cum_share),
                "cls": row.cls,
                "xyz": xyz_cell(abc, row),
                "score": score.get(row.id, "") if score is not None else "",
                "d": row.id in d_ids,
            }
        )
    return rows


def _xyz(t: Messages, abc: AbcResult, kind: str) -> dict[str, Any] | None:
    """XYZ intro, class counts and the ABC x XYZ matrix with a recommendation per cell."""
    xyz = abc.xyz
    if xyz is None:
        return None
    f = t.fmt
    if not xyz.available:
        return {
            "available": False,
            "text": t("customers.xyz_unavailable", months=len(xyz.months), min=xyz.min_months),
        }
    x, y = xyz.limits
    limits = (f.pct(x, 0), f.pct(y, 0)) if xyz.preset != "supply_chain" else (f.num(x, 1), f.num(y, 1))
    zero = t("customers.xyz_zero_" + xyz.months_without_sales)
    intro = t(
        "customers.xyz_intro",
        months=len(xyz.months),
        first=f.month_long(xyz.months[0]),
        last=f.month_long(xyz.months[-1]),
        x=limits[0],
        y=limits[1],
        zero=zero,
    )
    ranked = len(abc.items)
    warning = None
    if ranked and max(xyz.counts.values()) >= ONE_CLASS_SHARE * ranked and xyz.preset == "retail":
        warning = t("customers.xyz_one_class")
    cells = {
        key: {
            "count": f.num(cell.count),
            "share": f.pct(cell.share),
            "empty": cell.count == 0,
        }
        for key, cell in xyz.matrix.items()
    }
    advice = [
        (key, t(f"customers.matrix_advice.{key}"))
        for key in xyz.matrix
        if xyz.matrix[key].count and kind == "customers"
    ]
    return {
        "available": True,
        "intro": intro,
        "warning": warning,
        "counts": [(k, f.num(xyz.counts[k])) for k in XYZ],
        "unclassified": xyz.unclassified,
        "cells": cells,
        "advice": advice,
    }


def _margin_part(t: Messages, margin: float | None) -> str:
    """A margin in words: a loss is stated as a positive amount («убыток 74 697 ₽»)."""
    if margin is None or margin != margin:
        return t("customers.d_margin_unknown")
    return t("customers.d_loss" if margin < 0 else "customers.d_margin", margin=margin)


def _d_class(t: Messages, base: CustomerBase) -> dict[str, Any]:
    d = base.d_class
    rules = [
        t(
            f"customers.d_rule_{rule}",
            count=d.by_rule[rule],
            min_margin=d.min_margin,
            rate=d.min_margin_rate,
            months=d.inactive_months,
        )
        for rule in d.rules
    ]
    rows = formatted_rows(t, base, TOP_D)
    summary = t(
        "customers.d_summary",
        count=d.count,
        customers=d.total_customers,
        revenue=d.revenue,
        margin_part=_margin_part(t, d.margin),
        a=d.by_abc["A"],
        b=d.by_abc["B"],
        c=d.by_abc["C"],
    )
    if d.margin is not None and (d.by_abc["A"] or d.by_abc["B"]):  # losses are known only with a margin
        summary = f"{summary} {t('customers.d_loss_advice')}"
    buyers = base.abc.concentration.customers
    if d.total_customers > buyers:  # the summary counts the customers with purchases: say how the two agree
        no_revenue = d.total_customers - buyers
        note = t(
            "customers.d_customers_note", customers=d.total_customers, buyers=buyers, no_revenue=no_revenue
        )
        summary = f"{summary} {note}"
    return {
        "summary": summary,
        "with_margin": d.margin is not None,
        "rules": rules,
        "rows": rows,
        "more": max(0, d.count - TOP_D),
        "none": d.count == 0,
    }


def _time(t: Messages, base: CustomerBase) -> dict[str, Any] | None:
    time = base.time
    if time is None or not time.deals_total:
        return None
    f = t.fmt
    rows = [
        {
            "cls": cls,
            "label": t(f"customers.time_class_{cls}"),
            "deals": f.num(time.deals[cls]),
            "share": f.pct(time.share(cls)),
            "actions": f.num(time.actions[cls]) if time.actions is not None else None,
            "hours": f.num(time.hours_per_month(cls)),
            "cost": f.money(time.cost_per_month(cls)),
        }
        for cls in TIME_CLASSES
    ]
    if time.hour_cost is None:
        cost = t("customers.time_no_cost")
    else:
        cost = t(f"customers.time_cost_{time.hour_cost_source}", cost=time.hour_cost)
    intro = t(
        "customers.time_intro",
        hours_deal=f.num(time.hours_per_deal, 1),
        hours_action=f.num(time.hours_per_action, 1),
        cost=cost,
    )
    return {
        "intro": intro,
        "rows": rows,
        "actions": time.actions is not None,
        "with_cost": time.hour_cost is not None,
    }


def _segments(t: Messages, base: CustomerBase) -> dict[str, Any] | None:
    s = base.segments
    if s is None:
        return None
    f = t.fmt
    weights = ", ".join(f"{_criterion(t, c)} {f.pct(w, 0)}" for c, w in s.weights.items())
    notes = []
    if s.dropped:
        notes.append(t("customers.seg_dropped", criteria=", ".join(_criterion(t, c) for c in s.dropped)))
    if s.potential_filled:
        notes.append(t("customers.seg_potential_filled", count=s.potential_filled))
    metric = t("customers.metric_short_" + base.abc.metric)
    rows = [
        {
            "customer": base.name(row.id),
            "abc": row.abc,
            "cls": row.cls,
            "up": row.move > 0,
            "why": t(
                "customers.seg_reason",
                criterion=_criterion(t, row.reason),
                share=getattr(row, f"share_{row.reason}"),
                metric=metric,
                metric_share=row.metric_share,
            ),
        }
        for row in s.movers.head(TOP_MOVERS).itertuples(index=False)
    ]
    return {
        "intro": t("customers.seg_intro", weights=weights),
        "notes": notes,
        "summary": t("customers.seg_summary", up=s.moved_up, down=s.moved_down),
        "rows": rows,
        "more": max(0, len(s.movers) - TOP_MOVERS),
    }


def _criterion(t: Messages, name: str) -> str:
    key = f"customers.criterion_{name}"
    return t(key) if t.has(key) else name


def _migration(t: Messages, base: CustomerBase) -> dict[str, Any] | None:
    m = base.migration
    if m is None:
        return None
    f = t.fmt
    falling_rows, at_risk = base.falling()
    intro = t(
        f"customers.migration_{m.split}",
        previous=f.period(m.previous.start, m.previous.end),
        current=f.period(m.current.start, m.current.end),
    )
    matrix = [
        {"from": src, "cells": [(dst, f.num(m.matrix[src][dst]), src == dst) for dst in MIGRATION_CLASSES]}
        for src in MIGRATION_CLASSES
    ]
    falling = [
        {
            "customer": base.name(row.id),
            "before": f.money(row.previous_monthly),
            "after": f.money(row.current_monthly),
            "change": f.pct(row.change, 0),
        }
        for row in falling_rows.head(TOP_FALLING).itertuples(index=False)
    ]
    summary = t(
        "customers.migration_summary",
        up=m.up,
        down=m.down,
        lost=len(m.lost_a),
        new=len(m.new_a),
    )
    return {
        "intro": intro,
        "matrix": matrix,
        "summary": summary,
        "falling_intro": t(
            "customers.falling_intro", share=m.falling_share, count=len(falling_rows), risk=at_risk
        )
        if len(falling_rows)
        else t("customers.falling_none", share=m.falling_share),
        "falling": falling,
        "more": max(0, len(falling_rows) - TOP_FALLING),
    }


def _products(t: Messages, products: AbcResult | None) -> dict[str, Any] | None:
    if products is None or not len(products.items):
        return None
    f = t.fmt
    rows = [
        {
            "product": row.id,
            "value": _value(t, products.metric, row.value),
            "share": f.pct(row.share),
            "cls": row.cls,
            "xyz": xyz_cell(products, row),
        }
        for row in products.items.head(TOP_PRODUCTS).itertuples(index=False)
    ]
    note = None
    if products.lines_without_key:
        note = t(
            "customers.products_without", count=products.lines_without_key, value=products.value_without_key
        )
    return {
        "intro": t("customers.products_intro", count=len(products.items)),
        "rule": abc_rule(t, products, t("customers.metric_" + products.metric), "products"),
        "classes": class_rows(t, products),
        "rows": rows,
        "xyz": _xyz(t, products, "products"),
        "note": note,
    }


def _profit(t: Messages, abc: AbcResult) -> str | None:
    p = abc.profitability
    if not p.available or not p.unprofitable_count:
        return None
    return t(
        "customers.profit_text",
        count=p.unprofitable_count,
        customers=p.customers,
        share=p.unprofitable_count / p.customers,
        revenue=p.unprofitable_revenue,
        loss=-p.unprofitable_margin,
        total=p.total_margin,
    )


def method_paragraphs(t: Messages, audit: Audit) -> list[str]:
    """The customer-base rules of this run, for the methodology appendix."""
    base, config = audit.customers, audit.config.abc
    if base is None:
        return []
    f = t.fmt
    out = []
    if base.abc.computed is not None or config.mode == "computed":
        out.append(t("methodology.abc_computed"))
    xyz = base.abc.xyz
    if xyz is not None:
        x, y = xyz.limits
        out.append(
            t(
                "methodology.xyz",
                x=f.num(x, 2),
                y=f.num(y, 2),
                zero=t("customers.xyz_zero_" + xyz.months_without_sales),
                min=xyz.min_months,
            )
        )
    d = config.d_class
    out.append(
        t(
            "methodology.d_class",
            hours_deal=f.num(d.hours_per_deal, 1),
            hours_action=f.num(d.hours_per_action, 1),
        )
    )
    if base.segments is not None:
        out.append(t("methodology.segments"))
    if base.migration is not None:
        out.append(t("methodology.migration", share=base.migration.falling_share))
    source = audit.config.data.transactions
    if source is not None:
        out.append(cleaning_sentence(t, source.cleaning))
    return out


_REGEX_SYNTAX = re.compile(r"[.^$*+?{}\[\]|()\\]")


def pattern_words(t: Messages, pattern: str) -> str:
    """A product-code pattern in words (``^gift_`` -> codes starting with «gift_»): a client reads no
    regular expressions. A pattern beyond a plain start, end or part is quoted as it is."""
    start, end = pattern.startswith("^"), pattern.endswith("$") and not pattern.endswith("\\$")
    core = pattern[1 if start else 0 : len(pattern) - (1 if end else 0)]
    text = re.sub(r"\\(.)", r"\1", core)
    if _REGEX_SYNTAX.search(re.sub(r"\\.", "", core)) or not text:
        return t("methodology.pattern_other", text=pattern)
    kind = "exact" if start and end else "prefix" if start else "suffix" if end else "contains"
    return t(f"methodology.pattern_{kind}", text=text)


def xyz_cell(abc: AbcResult, row: Any) -> str:
    """An item's XYZ class; a dash when XYZ was computed but the item has no class (never a blank)."""
    value = getattr(row, "xyz", "") or ""
    return value or ("—" if abc.xyz is not None and abc.xyz.available else "")


def cleaning_sentence(t: Messages, rules: Any) -> str:
    """The sales-line cleaning rules in force, in one paragraph."""
    parts = [t("methodology.cleaning_returns_" + rules.returns)]
    if rules.cancellation_prefixes:
        parts.append(t("methodology.cleaning_cancellations", prefixes=", ".join(rules.cancellation_prefixes)))
    codes = [*rules.non_product_codes, *(pattern_words(t, p) for p in rules.non_product_patterns)]
    if codes:
        parts.append(t("methodology.cleaning_non_product", codes=", ".join(codes)))
    parts.append(t("methodology.cleaning_no_customer_" + rules.no_customer))
    return t("methodology.cleaning", rules=" ".join(parts))
