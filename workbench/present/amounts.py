"""Money of a group of deals whose amounts are only partly known: a sum of the known, and a count of the rest.

An unknown amount is never a zero: "worth 0 ₽" for deals without an amount would be false.
"""

from __future__ import annotations

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
