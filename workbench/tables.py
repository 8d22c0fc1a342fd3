"""The canonical tables: the contract between the io layer and the analysis modules.

Every importer produces these columns (extra columns from the client's file are kept after them).
Types: ``str`` is a pandas string column, ``datetime`` is ``datetime64[ns]`` (NaT when unknown),
``float`` is ``float64`` (NaN when unknown, never a silent 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["str", "datetime", "float"]


@dataclass(frozen=True)
class Column:
    """One canonical column."""

    name: str
    kind: Kind
    required: bool = False
    description: str = ""


TABLES: dict[str, tuple[Column, ...]] = {
    "deals": (
        Column("deal_id", "str", True, "deal identifier, unique"),
        Column("created_at", "datetime", True, "when the deal was created"),
        Column("closed_at", "datetime", False, "when it was won or lost; empty while open"),
        Column("stage", "str", False, "current or final stage as exported"),
        Column("status", "str", False, "open / won / lost (derived from the stage when not exported)"),
        Column("amount", "float", False, "deal value in the client's currency; empty when unknown"),
        Column("manager", "str", False, "responsible sales manager"),
        Column("source", "str", False, "lead source or channel"),
        Column("customer_id", "str", False, "customer (company) identifier or name"),
        Column("loss_reason", "str", False, "why a lost deal was lost"),
        Column("lost_at_stage", "str", False, "last working stage before the loss"),
        Column("title", "str", False, "deal name"),
        Column("product", "str", False, "product or service of the deal"),
        Column("currency", "str", False, "currency of the amount when the export has one per deal"),
    ),
    "stage_events": (
        Column("deal_id", "str", True, "deal identifier"),
        Column("stage", "str", True, "stage entered"),
        Column("entered_at", "datetime", True, "when the deal entered the stage"),
    ),
    "transactions": (
        Column("customer_id", "str", True, "customer identifier or name"),
        Column("date", "datetime", True, "date of the sale (or refund)"),
        Column("amount", "float", True, "line revenue, negative for refunds; else quantity x unit_price"),
        Column("margin", "float", False, "line gross margin"),
        Column("product", "str", False, "product or service"),
        Column("quantity", "float", False, "quantity sold"),
        Column("document_id", "str", False, "invoice or order number"),
        Column("unit_price", "float", False, "price of one unit, when the file has no line total"),
    ),
    "customers": (
        Column("customer_id", "str", True, "customer identifier (as in transactions)"),
        Column("name", "str", False, "customer name"),
        Column("segment", "str", False, "segment or industry"),
        Column("potential", "float", False, "consultant's estimate of reachable yearly revenue"),
        Column("cost_to_serve", "float", False, "cost of serving the customer over the period"),
    ),
    "activities": (
        Column("manager", "str", True, "sales manager"),
        Column("date", "datetime", True, "day or first day of the week counted"),
        Column("type", "str", True, "call, meeting, proposal, ..."),
        Column("count", "float", False, "number of actions (1 when the file has one row per action)"),
        Column("customer_id", "str", False, "customer the action was for, when known"),
    ),
    "managers": (
        Column("manager", "str", True, "sales manager, spelt as in the deals"),
        Column("head", "str", False, "the manager's head of sales or team lead"),
        Column("team", "str", False, "team, department or regional office"),
    ),
    "products": (
        Column("product", "str", True, "product or service, spelt as in the deals and sales"),
        Column("group", "str", False, "product group or series"),
        Column("price", "float", False, "list price"),
    ),
    "plans": (
        Column("manager", "str", False, "sales manager; empty for the whole department"),
        Column("period_start", "datetime", True, "first day of the planned period"),
        Column("period", "str", False, "day / week / month (month when not given)"),
        Column("target_revenue", "float", False, "planned revenue"),
        Column("target_deals", "float", False, "planned number of won deals"),
    ),
}


def column_names(table: str) -> list[str]:
    """Names of the canonical columns of ``table``, in contract order."""
    return [c.name for c in TABLES[table]]


def required_columns(table: str) -> list[str]:
    """Canonical columns that must be mapped for ``table``."""
    return [c.name for c in TABLES[table] if c.required]
