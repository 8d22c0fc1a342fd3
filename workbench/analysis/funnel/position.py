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

from workbench.analysis.keys import equals, index_in
from workbench.config import FunnelConfig, Period


@dataclass(frozen=True)
class EventIndex:
    """The cohort's stage history as arrays: deal row, stage code and time of every event.

    Stage codes: 0..K-1 working stages, K a won stage, K+1 a lost stage.
    """

    pos: np.ndarray
    code: np.ndarray
    at: np.ndarray  # datetime64[ns]

    def __len__(self) -> int:
        return len(self.pos)


def index_events(base: pd.DataFrame, events: pd.DataFrame, funnel: FunnelConfig) -> EventIndex:
    """Events of the cohort's deals at configured stages, as arrays (one Arrow look-up per column)."""
    k = len(funnel.stages)
    names = [*funnel.stages, *funnel.won_stages, *funnel.lost_stages]
    codes = np.array([*range(k), *[k] * len(funnel.won_stages), *[k + 1] * len(funnel.lost_stages)], np.int64)
    pos = index_in(events["deal_id"], base["deal_id"])
    found = index_in(events["stage"], names)
    at = events["entered_at"].to_numpy(dtype="datetime64[ns]")
    keep = (pos >= 0) & (found >= 0) & ~np.isnat(at)
    return EventIndex(pos[keep], codes[found[keep]], at[keep])


@dataclass
class FunnelFrame:
    """The cohort with each deal's furthest stage and the stage-by-stage outcome matrices."""

    base: pd.DataFrame  # the cohort, index 0..n-1
    events: EventIndex | None  # stage history of the cohort's deals (None without history)
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


def cohort(deals: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Deals created within the period (both ends inclusive).

    A deal without a creation date cannot be placed in time but is still a deal at its stage: it belongs to
    the cohort unless its close date lies outside the period (figures over time leave it out).
    """
    start = pd.Timestamp(period.start)
    end = pd.Timestamp(period.end) + pd.Timedelta(days=1)
    created = deals["created_at"]
    closed = deals["closed_at"]
    undated = created.isna() & (closed.isna() | ((closed >= start) & (closed < end)))
    return deals[((created >= start) & (created < end)) | undated]


def furthest_stage(
    deals: pd.DataFrame, events: EventIndex | None, funnel: FunnelConfig
) -> tuple[np.ndarray, np.ndarray | None]:
    """Index of each deal's furthest stage (K = won, -1 = unknown) and, with history, the entered matrix.

    The entered matrix (deals x K+1, booleans) says which stages a deal actually entered; it is what the
    strict rule counts. A deal without any event in the history is credited like in the snapshot rule
    (every stage up to its furthest): there is nothing to be strict about.
    """
    stages = list(funnel.stages)
    k_won = len(stages)
    is_open, is_won, is_lost = (equals(deals["status"], s) for s in ("open", "won", "lost"))
    current = index_in(deals["stage"], stages)
    lost_at = index_in(deals["lost_at_stage"], stages)
    snap = np.full(len(deals), -1, dtype=np.int64)
    snap[is_open] = current[is_open]
    snap[is_lost] = lost_at[is_lost]
    snap[is_won] = k_won
    entered = None
    if events is not None and len(events):
        reach = events.code <= k_won
        entered = np.zeros((len(deals), k_won + 1), dtype=bool)
        entered[events.pos[reach], events.code[reach]] = True
        in_history = entered.any(axis=1)
        hist_max = np.where(in_history, k_won - np.argmax(entered[:, ::-1], axis=1), -1)
        # A won deal reaches the won step; an open or lost deal reaches its furthest working stage.
        hist_max = np.where(is_won, k_won, np.minimum(hist_max, k_won - 1))
        snap = np.maximum(snap, hist_max)
        known = snap >= 0
        entered[np.flatnonzero(known), snap[known]] = True
        entered[~is_won, k_won] = False
        levels = np.arange(k_won + 1)
        credited = (snap[:, None] >= levels[None, :]) & known[:, None]
        entered[~in_history] = credited[~in_history]
    return snap, entered


def prepare(
    deals: pd.DataFrame, events: pd.DataFrame | None, funnel: FunnelConfig, period: Period
) -> FunnelFrame:
    """Place every deal created in the period in the funnel under the configured counting rule."""
    notes: list[str] = []
    base = cohort(deals, period).reset_index(drop=True)
    rule = funnel.counting
    index = index_events(base, events, funnel) if events is not None and len(events) else None
    has_history = index is not None and len(index) > 0
    if rule == "strict" and not has_history:
        notes.append("strict_without_history")
        rule = "credit_skipped"
    furthest, entered_actual = furthest_stage(base, index if has_history else None, funnel)
    k_won = len(funnel.stages)
    known = furthest >= 0
    is_won, is_lost, is_open = (equals(base["status"], s) for s in ("won", "lost", "open"))
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
        events=index if has_history else None,
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
