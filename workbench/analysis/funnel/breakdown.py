"""Funnel breakdowns: by month of creation (cohorts) and by lost reason (per stage and per manager)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.analysis.funnel.position import FunnelFrame
from workbench.serialize import frame_rows, json_key

TOP_REASONS = 8
OTHER = "*other*"  # the label of reasons beyond the top ones; the report translates it


@dataclass(frozen=True)
class CohortRow:
    """Deals created in one month and how they went so far."""

    month: pd.Timestamp
    deals: int
    won: int
    lost: int
    open: int
    win_rate: float | None
    avg_check: float | None
    conversions: list[float | None]  # one per step, over the deals that left the stage


@dataclass(frozen=True)
class LostReasons:
    """Why lost deals were lost, by the stage they were lost at and by manager."""

    available: bool
    lost: int
    with_reason: int
    # index reason (top ones, then *other*), columns stages (+ "unknown"), counts
    by_stage: pd.DataFrame = field(metadata=json_key(via=frame_rows))
    by_manager: pd.DataFrame = field(metadata=json_key(via=frame_rows))  # index reason, columns managers

    @property
    def top_reason(self) -> str | None:
        if self.by_stage.empty:
            return None
        totals = self.by_stage.sum(axis=1).drop(OTHER, errors="ignore")
        return str(totals.idxmax()) if len(totals) else None


def cohorts_by_month(frame: FunnelFrame) -> list[CohortRow]:
    """Monthly creation cohorts with their win rate, average check and step conversions."""
    base = frame.base
    if base.empty:
        return []
    month = base["created_at"].dt.to_period("M").dt.start_time.to_numpy()
    amounts = base["amount"].to_numpy(dtype=float, na_value=np.nan)
    out = []
    for value in np.unique(month[~np.isnat(month)]):  # a deal without a creation date has no month
        mask = month == value
        won = int((frame.is_won & mask).sum())
        lost = int((frame.is_lost & mask).sum())
        won_amounts = amounts[frame.is_won & mask]
        known = won_amounts[np.isfinite(won_amounts)]
        adv = frame.advanced[mask].sum(axis=0)
        left = adv + frame.lost_here[mask].sum(axis=0)
        out.append(
            CohortRow(
                month=pd.Timestamp(value),
                deals=int(mask.sum()),
                won=won,
                lost=lost,
                open=int((frame.is_open & mask).sum()),
                win_rate=won / (won + lost) if won + lost else None,
                avg_check=float(known.mean()) if len(known) else None,
                conversions=[float(a / n) if n else None for a, n in zip(adv, left, strict=True)],
            )
        )
    return out


def lost_reasons(frame: FunnelFrame, top: int = TOP_REASONS) -> LostReasons:
    """Cross-tabulate lost reasons with the stage of loss and the manager."""
    base = frame.base
    lost = base[frame.is_lost]
    reasons = lost["loss_reason"] if "loss_reason" in lost else pd.Series(pd.NA, index=lost.index)
    with_reason = int(reasons.notna().sum())
    if with_reason == 0:
        empty = pd.DataFrame()
        return LostReasons(False, len(lost), 0, empty, empty)
    counts = reasons.value_counts()
    keep = set(counts.index[:top])
    label = reasons.where(reasons.isin(keep) | reasons.isna(), OTHER)
    furthest = frame.furthest[frame.is_lost]
    stage = np.where(furthest >= 0, np.array([*frame.stages, "?"])[np.clip(furthest, 0, frame.k)], "?")
    table = pd.DataFrame({"reason": label.to_numpy(), "stage": stage, "manager": lost["manager"].astype(str)})
    table = table[table["reason"].notna()]
    order = [r for r in counts.index[:top]] + ([OTHER] if (label == OTHER).any() else [])
    by_stage = pd.crosstab(table["reason"], table["stage"]).reindex(index=order)
    stage_order = [s for s in frame.stages if s in by_stage.columns] + (
        ["?"] if "?" in by_stage.columns else []
    )
    by_stage = by_stage.reindex(columns=stage_order, fill_value=0)
    by_manager = pd.crosstab(table["reason"], table["manager"]).reindex(index=order)
    return LostReasons(
        True, len(lost), with_reason, by_stage.fillna(0).astype(int), by_manager.fillna(0).astype(int)
    )
