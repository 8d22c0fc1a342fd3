"""Cleaning rules for sales lines, from ``data.transactions.cleaning`` in client.yaml.

Rules run after parsing, on rows that are otherwise valid, in a fixed order; a line is counted under the
first rule that removes it: cancellations, returns, non-product lines, lines without a customer. Removed
lines are "excluded by rule": counted with their money in the data-quality section, not quarantined, so
that for the sales file rows read = rows used + rows quarantined + rows excluded.
"""

from __future__ import annotations

import re

import pandas as pd

from workbench.config import TransactionRules
from workbench.io.quarantine import Quarantine


def derive_amount(lines: pd.DataFrame, q: Quarantine) -> pd.DataFrame:
    """Line revenue = quantity x unit price, for files without a line total."""
    detail = "the line's amount is quantity x unit price"
    lines = q.reject(lines, lines["quantity"].isna(), "missing_value:quantity", "quantity", detail)
    lines = q.reject(lines, lines["unit_price"].isna(), "missing_value:unit_price", "unit_price", detail)
    return lines.assign(amount=lines["quantity"] * lines["unit_price"])


def is_cancellation(documents: pd.Series, prefixes: list[str]) -> pd.Series:
    """Lines of documents whose number starts with one of ``prefixes`` (case as given)."""
    if not prefixes:
        return pd.Series(False, index=documents.index)
    return documents.fillna("").str.startswith(tuple(prefixes)).astype(bool)


def is_non_product(products: pd.Series, codes: list[str], patterns: list[str]) -> pd.Series:
    """Lines whose product is one of ``codes`` (any case, spaces trimmed) or matches a pattern."""
    mask = pd.Series(False, index=products.index)
    if codes:
        wanted = {c.strip().casefold() for c in codes}
        mask |= products.fillna("").str.strip().str.casefold().isin(wanted).astype(bool)
    if patterns:
        # Each distinct name once, not every line: a million lines hold a few thousand products.
        names = pd.Series(products.dropna().unique())
        for pattern in patterns:
            compiled = re.compile(pattern)
            hits = set(names[names.map(lambda name, c=compiled: bool(c.search(str(name))))])
            mask |= products.isin(hits).fillna(False).astype(bool)
    return mask


def apply_rules(lines: pd.DataFrame, rules: TransactionRules, q: Quarantine) -> pd.DataFrame:
    """Apply the configured cleaning rules; what stays is the canonical sales table."""
    cancelled = is_cancellation(lines["document_id"], rules.cancellation_prefixes)
    if rules.returns == "exclude":
        lines = q.exclude(lines, cancelled, "cancellation", "document_id")
        lines = q.exclude(lines, lines["amount"] < 0, "return", "amount")
    else:
        examples = [
            {"row": int(r), "value": str(v)} for r, v in lines.loc[cancelled, "document_id"].head(3).items()
        ]
        q.warn("cancellation_lines", int(cancelled.sum()), examples)
    non_product = is_non_product(lines["product"], rules.non_product_codes, rules.non_product_patterns)
    lines = q.exclude(lines, non_product, "non_product", "product")
    no_customer = lines["customer_id"].isna()
    if rules.no_customer == "exclude":
        return q.exclude(lines, no_customer, "no_customer")
    return q.reject(lines, no_customer, "missing_value:customer_id", "customer_id")
