"""Checks across rows and files, after every table is loaded: names spelt two ways, deals without a
customer, products missing from the catalogue, managers of the roster without deals (and the reverse).

Nothing is dropped here: each finding is a caveat (a warning with examples) on the file where it shows,
and the data-quality section says what it does to the conclusions. Spellings are merged only for the
columns listed in the source's ``merge_spellings``.
"""

from __future__ import annotations

import pandas as pd

from workbench.config import TableSource
from workbench.io.quarantine import MAX_EXAMPLES, Quarantine
from workbench.io.spelling import (
    MAX_NAMES_FOR_TYPOS,
    closest,
    merge_variants,
    spelling_groups,
    spelling_key,
)
from workbench.io.table_rules import NO_MANAGER

SPELLING_FIELDS = {
    "deals": ("manager", "customer_id", "product"),
    "transactions": ("customer_id", "product"),
    "customers": ("customer_id",),
    "activities": ("manager",),
    "plans": ("manager",),
    "managers": ("manager",),
    "products": ("product",),
}


def check_consistency(
    tables: dict[str, pd.DataFrame],
    mappings: dict[str, dict[str, str]],
    sources: dict[str, TableSource],
    quarantines: dict[str, Quarantine],
) -> None:
    """Warn about (and, where configured, merge) inconsistencies; updates ``tables`` in place."""
    for table, fields in SPELLING_FIELDS.items():
        if table in tables:
            for name in fields:
                if name in mappings[table]:
                    tables[table][name] = _spellings(
                        tables[table][name], name, sources[table], quarantines[table]
                    )
    for table in REFERENCE_TABLES:
        if table in tables:
            for name in categorical_columns(tables[table], table):
                column = tables[table][name]
                tables[table][name] = _spellings(column, name, sources[table], quarantines[table])
    if "deals" in tables and "customer_id" in mappings["deals"]:
        _deals_without_customer(tables["deals"], quarantines["deals"])
    if "products" in tables:
        catalogue = tables["products"]["product"].dropna().unique().tolist()
        for table in ("deals", "transactions"):
            if table in tables and "product" in mappings[table]:
                tables[table]["product"] = _against_catalogue(
                    tables[table]["product"], catalogue, sources[table], quarantines[table]
                )
    if "managers" in tables:
        _roster(tables, quarantines)
    if "customers" in tables:
        known = set(tables["customers"]["customer_id"].dropna())
        for table in ("deals", "transactions"):
            if table in tables and "customer_id" in mappings[table]:
                _unknown(tables[table]["customer_id"], known, "customer_not_in_list", quarantines[table])


REFERENCE_TABLES = ("customers", "products", "managers")
MIN_REPEATS = 2  # a categorical column holds each value about twice or more on average


def categorical_columns(frame: pd.DataFrame, table: str) -> list[str]:
    """Text columns of a reference table that hold categories (a sector, a series, an office), not ids,
    names, numbers or dates: every one is checked for values spelt two ways."""
    out = []
    for name in frame.columns:
        if str(name).startswith("_") or name in SPELLING_FIELDS.get(table, ()):
            continue
        values = frame[name]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
            continue
        text = values.dropna().astype(str).str.strip()
        text = text[text != ""]
        if len(text) < 2 * MIN_REPEATS or text.str.fullmatch(r"[\d\s.,:/+\-%₽$€]*").mean() > 0.5:
            continue
        distinct = text.nunique()
        if 2 <= distinct <= min(MAX_NAMES_FOR_TYPOS, len(text) / MIN_REPEATS):
            out.append(str(name))
    return out


def _spellings(values: pd.Series, name: str, source: TableSource, q: Quarantine) -> pd.Series:
    groups = spelling_groups(values[values != NO_MANAGER] if name == "manager" else values)
    variants = [g for g in groups if not g.typo]
    typos = [g for g in groups if g.typo]
    if variants:
        merged = name in source.merge_spellings
        code = f"{'spellings_merged' if merged else 'spelling_variants'}:{name}"
        q.warn(code, sum(g.rows for g in variants), [g.example() for g in variants])
        if merged:
            values = merge_variants(values, variants)
    if typos:
        q.warn(f"similar_spellings:{name}", sum(g.rows for g in typos), [g.example() for g in typos])
    return values


def _deals_without_customer(deals: pd.DataFrame, q: Quarantine) -> None:
    none = deals["customer_id"].isna()
    is_open = deals["status"] == "open"
    for code, mask in (
        ("open_without_customer", none & is_open),
        ("closed_without_customer", none & ~is_open),
    ):
        q.warn(code, int(mask.sum()), deals.loc[mask, "deal_id"].head(MAX_EXAMPLES).tolist())


def _against_catalogue(
    values: pd.Series, catalogue: list[str], source: TableSource, q: Quarantine
) -> pd.Series:
    """Products spelt unlike the catalogue (flagged, merged when configured) and products not in it."""
    known = set(catalogue)
    by_key = {spelling_key(p): p for p in catalogue}
    counts = values[~values.isin(known)].dropna().value_counts()
    respelt = {str(v): by_key[spelling_key(str(v))] for v in counts.index if spelling_key(str(v)) in by_key}
    if respelt:
        merged = "product" in source.merge_spellings
        q.warn(
            "product_merged_with_catalogue" if merged else "product_spelt_unlike_catalogue",
            int(counts[list(respelt)].sum()),
            [{"value": v, "hint": p} for v, p in respelt.items()],
        )
        if merged:
            values = values.map(lambda v: respelt.get(v, v) if isinstance(v, str) else v).astype(values.dtype)
    missing = [str(v) for v in counts.index if str(v) not in respelt]
    if missing:
        q.warn(
            "product_not_in_catalogue",
            int(counts[missing].sum()),
            [{"value": v, "hint": closest(v, catalogue)} for v in missing],
        )
    return values


def _roster(tables: dict[str, pd.DataFrame], quarantines: dict[str, Quarantine]) -> None:
    """Managers of the roster who have no deal, and managers of the deals missing from the roster."""
    roster = tables["managers"]["manager"].dropna().unique().tolist()
    if "deals" not in tables:
        return
    dealing = tables["deals"]["manager"]
    dealing = dealing[dealing.notna() & (dealing != NO_MANAGER)]
    active = set(dealing)
    idle = [m for m in roster if m not in active]
    quarantines["managers"].warn("roster_without_deals", len(idle), idle)
    _unknown(dealing, set(roster), "manager_not_in_roster", quarantines["deals"], roster)


def _unknown(
    values: pd.Series, known: set[str], code: str, q: Quarantine, options: list[str] | None = None
) -> None:
    counts = values[~values.isin(known)].dropna().value_counts()
    options = options if options is not None else sorted(known)
    examples = [{"value": str(v), "hint": closest(str(v), options)} for v in counts.index[:MAX_EXAMPLES]]
    q.warn(code, int(counts.sum()), examples)
