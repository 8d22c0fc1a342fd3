"""Multi-criteria segmentation: classes by a weighted score instead of revenue alone.

Every criterion is normalised to each customer's share of the criterion's total over the ranked customers
(so a score is a weighted share of "what the customer base is worth", and the scores add up to 1):

- ``revenue`` and ``margin`` over the period (negative totals count as 0);
- ``frequency``: the number of purchase documents (purchase days when lines have no document number);
- ``potential``: the consultant's estimate of reachable yearly revenue from the customers file; where it
  is missing, the customer's current yearly revenue (assumed to be at its potential);
- any other numeric column of the customers file (missing values count as 0).

A criterion without data (no margin in the lines, no potential anywhere) is left out and the other weights
are rescaled. Customers are ranked by score (ties by id) and the classes keep the sizes of the ABC: as
many A customers as the ABC has, then as many B. The company's capacity for key accounts does not change;
the score decides who they are, so a large company that orders little today but has a large potential
can be A, as the source method asks. Each customer whose class differs from the ABC gets the criterion
that moved it most: the largest gap between its share of that criterion and its share of the ABC metric.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.analysis.customers.abc import ClassSummary
from workbench.analysis.customers.totals import Keyed, keyed
from workbench.analysis.periods import in_period
from workbench.config import AbcConfig, Period
from workbench.serialize import json_omit

RANK = {"A": 0, "B": 1, "C": 2}


@dataclass(frozen=True)
class SegmentResult:
    """Classes by the weighted score, compared with the revenue-only ABC."""

    weights: dict[str, float]  # criteria in force, rescaled to add up to 1
    dropped: list[str]  # criteria left out for lack of data
    potential_filled: int  # customers whose missing potential was set to their yearly revenue
    # id, score, cls, abc, revenue, share_<criterion>..., reason, move (-1 / 0 / +1)
    items: pd.DataFrame = field(metadata=json_omit("one row per customer; json_derived lists the movers"))
    classes: dict[str, ClassSummary]  # count and revenue by score class

    @property
    def movers(self) -> pd.DataFrame:
        """Customers whose class differs from the ABC one, those moving up first, by score."""
        moved = self.items[self.items["move"] != 0]
        return moved.sort_values(["move", "score"], ascending=[False, False], kind="stable")

    @property
    def moved_up(self) -> int:
        return int((self.items["move"] > 0).sum())

    @property
    def moved_down(self) -> int:
        return int((self.items["move"] < 0).sum())

    def json_derived(self) -> dict[str, object]:
        """metrics.json: how many moved and who, the score class named ``score_class``."""
        return {
            "moved_up": self.moved_up,
            "moved_down": self.moved_down,
            "movers": [
                {"id": r.id, "abc": r.abc, "score_class": r.cls, "score": r.score, "reason": r.reason}
                for r in self.movers.itertuples(index=False)
            ],
        }


def criteria_values(
    lines: pd.DataFrame,
    groups: Keyed,
    ids: pd.Series,
    revenue: np.ndarray,
    names: list[str],
    customers: pd.DataFrame | None,
    months: float,
) -> tuple[pd.DataFrame, int]:
    """Raw value of each criterion per ranked customer (``revenue``: theirs, negatives as 0; NaN column: no
    data), and how many potentials were filled from revenue."""
    out = pd.DataFrame(index=ids.to_numpy())
    filled = 0
    per_customer = customers.set_index("customer_id") if customers is not None else None
    for name in names:
        if name == "revenue":
            out[name] = revenue
        elif name == "margin":
            has = lines["margin"].notna().any()
            out[name] = groups.sum(lines["margin"]).reindex(ids).clip(lower=0).to_numpy() if has else np.nan
        elif name == "frequency":
            out[name] = _purchases(lines, groups).reindex(ids).to_numpy()
        elif name == "potential":
            given = _column(per_customer, "potential", ids)
            if np.isnan(given).all():
                out[name] = np.nan
            else:
                yearly = revenue * 12 / months if months else revenue
                filled = int(np.isnan(given).sum())
                out[name] = np.where(np.isnan(given), yearly, given)
        else:
            given = _column(per_customer, name, ids)
            out[name] = np.nan if np.isnan(given).all() else np.nan_to_num(given)
    return out, filled


def _column(per_customer: pd.DataFrame | None, name: str, ids: pd.Series) -> np.ndarray:
    if per_customer is None or name not in per_customer:
        return np.full(len(ids), np.nan)
    return per_customer[name].reindex(ids).to_numpy(dtype="float64")


def _purchases(lines: pd.DataFrame, groups: Keyed) -> pd.Series:
    """Purchase documents per customer (purchase days when there are no document numbers)."""
    if lines["document_id"].notna().any():
        second = pd.factorize(lines["document_id"], use_na_sentinel=True)[0].astype("int64")
    else:
        second = lines["date"].to_numpy(dtype="datetime64[D]").astype("int64")
        second -= second.min() if len(second) else 0
    keep = groups.has_key & (lines["amount"].to_numpy() > 0) & (second >= 0)
    width = int(second[keep].max()) + 1 if keep.any() else 1
    # Distinct (customer, document) pairs by sorting: faster than np.unique's hashing on millions of lines.
    pairs = np.sort(groups.codes[keep].astype("int64") * width + second[keep])
    pairs = pairs[np.concatenate([[True], pairs[1:] != pairs[:-1]])] if len(pairs) else pairs
    return pd.Series(np.bincount(pairs // width, minlength=groups.size), index=groups.ids)


def analyze_segments(
    transactions: pd.DataFrame,
    config: AbcConfig,
    period: Period,
    abc_items: pd.DataFrame,
    customers: pd.DataFrame | None = None,
) -> SegmentResult | None:
    """Score and class the customers ranked by the ABC (``abc_items``: id, share, cls)."""
    if abc_items.empty:
        return None
    lines = in_period(transactions, "date", period)
    groups = keyed(lines, "customer_id")
    ids = abc_items["id"].astype(str)
    revenue = groups.sum(lines["amount"]).reindex(ids).clip(lower=0).to_numpy()
    wanted = [c for c, w in config.segments.weights.items() if w > 0]
    raw, filled = criteria_values(lines, groups, ids, revenue, wanted, customers, period.months)
    totals = raw.sum(axis=0, min_count=1)
    used = [c for c in wanted if totals[c] > 0]
    dropped = [c for c in wanted if c not in used]
    if not used:
        return None
    weight_sum = sum(config.segments.weights[c] for c in used)
    weights = {c: config.segments.weights[c] / weight_sum for c in used}
    shares = raw[used] / totals[used]
    score = sum(shares[c] * w for c, w in weights.items())
    abc = abc_items["cls"].reset_index(drop=True)
    cls = _classes_like(score, abc)
    move = (abc.map(RANK).to_numpy() - cls.map(RANK).to_numpy()).astype(int)
    items = pd.DataFrame(
        {
            "id": ids.to_numpy(),
            "score": score.to_numpy(),
            "cls": cls.to_numpy(),
            "abc": abc.to_numpy(),
            "revenue": revenue,
            "metric_share": abc_items["share"].to_numpy(),
        }
    )
    for c in used:
        items[f"share_{c}"] = shares[c].to_numpy()
    items["reason"] = _reasons(items, used, move)
    items["move"] = move
    return SegmentResult(
        weights=weights,
        dropped=dropped,
        potential_filled=filled if "potential" in used else 0,
        items=items,
        classes=_summaries(items),
    )


def _classes_like(score: pd.Series, abc: pd.Series) -> pd.Series:
    """Classes by score rank (ties by id) with as many A and B customers as ``abc`` has."""
    order = pd.DataFrame({"id": score.index.astype(str), "score": score.to_numpy()})
    order = order.sort_values(["score", "id"], ascending=[False, True], kind="stable")
    n_a, n_b = int((abc == "A").sum()), int((abc == "B").sum())
    ranked = np.where(np.arange(len(order)) < n_a, "A", np.where(np.arange(len(order)) < n_a + n_b, "B", "C"))
    return (
        pd.Series(ranked, index=order["id"].to_numpy())
        .reindex(score.index.astype(str))
        .reset_index(drop=True)
    )


def _reasons(items: pd.DataFrame, used: list[str], move: np.ndarray) -> np.ndarray:
    """The criterion with the largest gap to the ABC metric's share, in the direction of the move."""
    gaps = np.column_stack([items[f"share_{c}"] - items["metric_share"] for c in used])
    pick = np.where(move > 0, gaps.argmax(axis=1), gaps.argmin(axis=1))
    return np.where(move != 0, np.asarray(used, dtype=object)[pick], "")


def _summaries(items: pd.DataFrame) -> dict[str, ClassSummary]:
    total = float(items["revenue"].sum())
    out = {}
    for cls in ("A", "B", "C"):
        part = items[items["cls"] == cls]
        revenue = float(part["revenue"].sum())
        out[cls] = ClassSummary(
            count=len(part),
            revenue=revenue,
            share=revenue / total if total > 0 else 0.0,
            count_share=len(part) / len(items) if len(items) else 0.0,
        )
    return out
