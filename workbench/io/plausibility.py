"""Plausibility checks of values that are valid but probably wrong: an amount far from every other one, a
close time a few seconds before the creation time. Each is a caveat with the rows, never a silent change.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.io.quarantine import MAX_EXAMPLES, Quarantine

MIN_AMOUNTS = 20  # fewer known amounts say nothing about what is typical
OUTLIER_Z = 3.5  # modified z-score (Iglewicz and Hoaglin) of the amount's logarithm
OUTLIER_FACTOR = 10.0  # and at least ten times above (or below) the median amount
ROUNDING_SLACK = pd.Timedelta(minutes=1)  # one timestamp written without seconds, the other with them


def amount_outliers(amounts: pd.Series) -> pd.Series:
    """Mask of amounts far from the others on a logarithmic scale (robust: median and MAD).

    An amount is flagged when its modified z-score exceeds 3.5 and it is at least ten times above or
    below the median: one deal of 50 000 000 among deals of about 1 400 000, or 1 among thousands.
    """
    known = amounts[amounts > 0]
    out = pd.Series(False, index=amounts.index)
    if len(known) < MIN_AMOUNTS:
        return out
    logs = np.log10(known.astype(float))
    median = float(logs.median())
    mad = float((logs - median).abs().median())
    if mad == 0:
        far = (logs - median).abs() >= np.log10(OUTLIER_FACTOR)
    else:
        z = 0.6745 * (logs - median) / mad
        far = (z.abs() > OUTLIER_Z) & ((logs - median).abs() >= np.log10(OUTLIER_FACTOR))
    out[far[far].index] = True
    return out


def warn_amount_outliers(deals: pd.DataFrame, q: Quarantine) -> None:
    """A caveat for deals whose amount is far from all the others, with their rows and the median."""
    mask = amount_outliers(deals["amount"])
    if not mask.any():
        return
    median = float(deals.loc[deals["amount"] > 0, "amount"].median())
    flagged = deals.loc[mask].sort_values("amount", ascending=False, kind="stable")
    examples = [
        {"row": int(row), "value": f"{deal}: {amount:,.0f}".replace(",", " "), "hint": f"~{median:,.0f}"}
        for row, deal, amount in zip(
            flagged.index[:MAX_EXAMPLES],
            flagged["deal_id"].head(MAX_EXAMPLES),
            flagged["amount"].head(MAX_EXAMPLES),
            strict=True,
        )
    ]
    for example in examples:
        example["hint"] = str(example["hint"]).replace(",", " ")
    q.warn("amount_outlier", int(mask.sum()), examples)


def closed_before_created(deals: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(really before, only rounding): a close time before the creation time, and the part of those
    within a minute of it, which is one timestamp written without seconds, not swapped dates."""
    gap = deals["created_at"] - deals["closed_at"]
    before = (gap > pd.Timedelta(0)).fillna(False).astype(bool)
    rounding = before & (gap < ROUNDING_SLACK).fillna(False).astype(bool)
    return before & ~rounding, rounding
