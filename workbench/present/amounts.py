"""Money of a group of deals whose amounts are only partly known: a sum of the known, and a count of the rest.

An unknown amount is never a zero: "worth 0 ₽" for deals without an amount would be false.
"""

from __future__ import annotations

from workbench.analysis.summary import Revenue
from workbench.present.i18n import Messages


def amount_phrase(t: Messages, amount: float | None, unknown: int, count: int | None = None) -> str:
    """ "worth 1 200 ₽", "worth 1 200 ₽ and 3 more without an amount" or "of unknown worth".

    ``amount`` is the sum of the known amounts (None or any value when none is known), ``unknown`` the
    number of deals without one and ``count`` all the deals (when given, all unknown means no sum at all).
    """
    if amount is None or (count is not None and unknown >= count):
        return t("amounts.unknown", unknown=unknown)
    if unknown:
        return t("amounts.partial", amount=amount, unknown=unknown)
    return t("amounts.known", amount=amount)


def revenue_gaps(t: Messages, revenue: Revenue) -> str:
    """The won deals a revenue figure leaves out: "5 won deals without an amount, 3 without a close date"."""
    parts = []
    if revenue.unknown_amount:
        parts.append(t("amounts.gap_no_amount", count=revenue.unknown_amount))
    if revenue.undated:
        parts.append(t("amounts.gap_undated", count=revenue.undated))
    return ", ".join(parts)


def revenue_money(t: Messages, revenue: Revenue, *, compact: bool = False) -> str:
    """A revenue figure's sum, or a dash when no amount is known behind it (never a zero)."""
    return t.fmt.money(revenue.total, compact=compact) if revenue.known else t.fmt.money(None)


def revenue_text(t: Messages, revenue: Revenue) -> str:
    """A revenue figure inside a sentence: "1 200 ₽", "1 200 ₽ (+3 won deals without an amount)" or
    "amount unknown"."""
    if not revenue.known:
        return t("amounts.revenue_unknown")
    gaps = revenue_gaps(t, revenue)
    money = t.fmt.money(revenue.total)
    return f"{money} {t('amounts.more', gaps=gaps)}" if gaps else money
