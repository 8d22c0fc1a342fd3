"""The full list of class D customers: Appendix C of the report and the workbook beside it.

The customer section shows the largest few; the client gets every one of them here, with the same
columns, in the report's language.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from workbench.analysis.customers.base import CustomerBase
from workbench.present.i18n import Messages

D_CLASS_XLSX = "class_d_customers.xlsx"  # the same name as workbench.render.files.D_CLASS_XLSX

COLUMNS = ("customer", "revenue", "margin", "last", "abc", "why")


def _reasons(t: Messages, rules: list[str], row: pd.Series) -> str:
    return ", ".join(t(f"customers.d_reason_{rule}") for rule in rules if row[f"rule_{rule}"])


def formatted_rows(t: Messages, base: CustomerBase, limit: int | None = None) -> list[dict[str, str]]:
    """Class D customers as table rows in the locale of ``t``, the first ``limit`` of them or all."""
    d, f = base.d_class, t.fmt
    customers = d.customers if limit is None else d.customers.head(limit)
    return [
        {
            "customer": base.name(row["id"]),
            "revenue": f.money(row["revenue"]),
            "margin": f.money(row["margin"]),
            "last": f.date(row["last_purchase"], "short"),
            "abc": row["abc"],
            "why": _reasons(t, d.rules, row),
        }
        for _, row in customers.iterrows()
    ]


def d_class_frame(t: Messages, base: CustomerBase | None) -> pd.DataFrame | None:
    """Every class D customer with its revenue, margin, last purchase, ABC class and the reasons, with the
    column headings in the locale of ``t``; None when the audit has no customer base."""
    if base is None or base.d_class is None:
        return None
    d = base.d_class
    headings = {
        "customer": t("customers.col_customer"),
        "revenue": t("customers.col_revenue"),
        "margin": t("customers.col_margin"),
        "last": t("customers.col_last"),
        "abc": t("customers.col_abc"),
        "why": t("customers.col_why"),
    }
    rows = [
        {
            "customer": base.name(row["id"]),
            "revenue": row["revenue"],
            "margin": row["margin"],
            "last": None if pd.isna(row["last_purchase"]) else pd.Timestamp(row["last_purchase"]).date(),
            "abc": row["abc"],
            "why": _reasons(t, d.rules, row),
        }
        for _, row in d.customers.iterrows()
    ]
    return pd.DataFrame(rows, columns=list(COLUMNS)).rename(columns=headings)


def d_class_appendix(t: Messages, audit: Any) -> dict[str, Any]:
    """The context of Appendix C: every class D customer, formatted, or why there is none."""
    base = audit.customers
    if base is None or base.d_class is None:
        return {"rows": [], "empty": t("appendix_d_class.no_customers"), "intro": None, "with_margin": False}
    d = base.d_class
    rows = formatted_rows(t, base)
    intro = t("appendix_d_class.intro", count=d.count, file=D_CLASS_XLSX) if rows else None
    return {
        "rows": rows,
        "intro": intro,
        "empty": None if rows else t("customers.d_none"),
        "with_margin": d.margin is not None,  # no column of dashes when the sales lines hold no margin
    }
