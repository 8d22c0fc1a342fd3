"""Where each deal of the cohort is in the funnel: the shared ground of every funnel analysis.

Counting rules (printed in every report's methodology):

- A deal's *furthest stage* is the furthest working stage it is known to have entered: from the stage
  history when there is one, else its current stage (open deals), its ``lost_at_stage`` (lost deals) or
  the won step (won deals). Backward moves do not undo progress.
- ``credit_skipped`` (default): a deal reached every stage up to its furthest, skipped ones included
  (amoCRM's rule). ``strict``: only stages actually entered count (needs a stage history; a deal without
  any event is credited as in the snapshot rule).
- A step's conversion is computed over the deals that have *left* the stage: those that went further
  plus those lost at it. Deals still open at the stage are counted apart; they have not had the chance.
- Lost deals whose stage is unknown are left out of the step conversions (and counted, loudly).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.config import FunnelConfig, Period


@dataclass
class FunnelFrame:
    """The cohort with each deal's furthest stage and the stage-by-stage outcome matrices."""

    base: pd.DataFrame  # the cohort, index 0..n-1
    events: pd.DataFrame | None  # stage history of the cohort's deals (None without history)
    stages: list[str]  # working stages
    won_label: str
    rule: str
    basis: str
    months: float
    furthest: np.ndarray  # int, K = won, -1 = unknown
    entered: np.ndarray  # bool n x (K+1)
    advanced: np.ndarray  # bool n x K: entered the stage and went further
    lost_here: np.ndarray  # bool n x K: entered the stage and was lost there
    open_here: np.ndarray  # bool n x K: entered the stage and is still open there
    is_won: np.ndarray
    is_lost: np.ndarray
    is_open: np.ndarray
    notes: list[str] = field(default_factory=list)

    @property
    def k(self) -> int:
        """Number of working stages (the won step has index K)."""
        return len(self.stages)

    @property
    def labels(self) -> list[str]:
        return [*self.stages, self.won_label]

    @property
    def known(self) -> np.ndarray:
        return self.furthest >= 0

    def step_label(self, index: int) -> str:
        """``Stage → next stage``."""
        return f"{self.labels[index]} → {self.labels[index + 1]}"


def cohort(deals: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Deals created within the period (both ends inclusive)."""
    start = pd.Timestamp(period.start)
    end = pd.Timestamp(period.end) + pd.Timedelta(days=1)
    return deals[(deals["created_at"] >= start) & (deals["created_at"] < end)]


def furthest_stage(
    deals: pd.DataFrame, events: pd.DataFrame | None, funnel: FunnelConfig
) -> tuple[np.ndarray, np.ndarray | None]:
    """Index of each deal's furthest stage (K = won, -1 = unknown) and, with history, the entered matrix.

    The entered matrix (deals x K+1, booleans) says which stages a deal actually entered; it is what the
    strict rule counts. A deal without any event in the history is credited like in the snapshot rule
    (every stage up to its furthest): there is nothing to be strict about.
    """
    stages = funnel.stages
    k_won = len(stages)
    index = {s: i for i, s in enumerate(stages)}
    status = deals["status"].to_numpy()
    current = deals["stage"].map(index).to_numpy(dtype=float, na_value=np.nan)
    lost_at = deals["lost_at_stage"].map(index).to_numpy(dtype=float, na_value=np.nan)
    snap = np.full(len(deals), -1.0)
    is_open, is_won, is_lost = status == "open", status == "won", status == "lost"
    snap[is_open] = np.nan_to_num(current[is_open], nan=-1)
    snap[is_lost] = np.nan_to_num(lost_at[is_lost], nan=-1)
    snap[is_won] = k_won
    entered = None
    if events is not None and len(events):
        position = pd.Series(np.arange(len(deals)), index=deals["deal_id"].to_numpy())
        event_index = events["stage"].map({**index, **{s: k_won for s in funnel.won_stages}})
        ev = pd.DataFrame({"pos": events["deal_id"].map(position), "idx": event_index}).dropna()
        ev = ev.astype({"pos": "int64", "idx": "int64"})
        hist_max = np.full(len(deals), -1.0)
        grouped = ev.groupby("pos")["idx"].max()
        hist_max[grouped.index.to_numpy()] = grouped.to_numpy()
        # A won deal reaches the won step; an open or lost deal reaches its furthest working stage.
        hist_max = np.where(is_won, k_won, np.minimum(hist_max, k_won - 1))
        snap = np.maximum(snap, hist_max)
        entered = np.zeros((len(deals), k_won + 1), dtype=bool)
        entered[ev["pos"].to_numpy(), ev["idx"].to_numpy()] = True
        known = snap >= 0
        entered[np.flatnonzero(known), snap[known].astype(int)] = True
        entered[~is_won, k_won] = False
        without_history = np.ones(len(deals), dtype=bool)
        without_history[grouped.index.to_numpy()] = False
        levels = np.arange(k_won + 1)
        credited = (snap[:, None] >= levels[None, :]) & known[:, None]
        entered[without_history] = credited[without_history]
    return snap.astype(int), entered


def prepare(
    deals: pd.DataFrame, events: pd.DataFrame | None, funnel: FunnelConfig, period: Period
) -> FunnelFrame:
    """Place every deal created in the period in the funnel under the configured counting rule."""
    notes: list[str] = []
    base = cohort(deals, period).reset_index(drop=True)
    rule = funnel.counting
    if events is not None and len(events):
        events = events[events["deal_id"].isin(set(base["deal_id"]))]
    has_history = events is not None and len(events) > 0
    if rule == "strict" and not has_history:
        notes.append("strict_without_history")
        rule = "credit_skipped"
    furthest, entered_actual = furthest_stage(base, events if has_history else None, funnel)
    k_won = len(funnel.stages)
    known = furthest >= 0
    status = base["status"].to_numpy()
    is_won, is_lost, is_open = status == "won", status == "lost", status == "open"
    if (is_lost & ~known).any():
        notes.append("lost_stage_unknown")
    levels = np.arange(k_won + 1)
    if rule == "strict" and entered_actual is not None:
        entered = entered_actual & known[:, None]
    else:
        entered = (furthest[:, None] >= levels[None, :]) & known[:, None]
    at_stage = furthest[:, None] == levels[None, :k_won]
    return FunnelFrame(
        base=base,
        events=events if has_history else None,
        stages=list(funnel.stages),
        won_label=funnel.won_label,
        rule=rule,
        basis="history" if has_history else "snapshot",
        months=max(period.months, 1e-9),
        furthest=furthest,
        entered=entered,
        advanced=entered[:, :k_won] & (furthest[:, None] > levels[None, :k_won]),
        lost_here=entered[:, :k_won] & is_lost[:, None] & at_stage,
        open_here=entered[:, :k_won] & is_open[:, None] & at_stage,
        is_won=is_won,
        is_lost=is_lost,
        is_open=is_open,
        notes=notes,
    )
