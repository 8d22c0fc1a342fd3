"""Time in the funnel: how long deals stay at each stage, the sales cycle, and the deals that stalled.

- Time in stage comes from the stage history: a stay lasts from entering the stage to the next recorded
  move (or the close of the deal). Only finished stays enter the median and percentiles.
- The reference moment ("now") is the latest timestamp in the export, so an old export does not make every
  open deal look stalled.
- A deal is stalled when it has been open at its current stage longer than the 90th percentile of finished
  stays at that stage (at least ``MIN_STAYS`` of them). Without history: open for longer than the 90th
  percentile of the won deals' cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.analysis.funnel.conversion import won_cycle_days
from workbench.analysis.funnel.position import FunnelFrame
from workbench.analysis.keys import index_in
from workbench.serialize import json_key

MIN_STAYS = 5
STALL_QUANTILE = 0.90
DAY = 86400.0


@dataclass(frozen=True)
class StageTime:
    """Finished stays at one working stage, in days."""

    stage: str
    index: int
    stays: int
    median_days: float | None
    p75_days: float | None
    p90_days: float | None
    open_now: int
    stalled: int
    stalled_amount: float  # the sum of the amounts known; see stalled_no_amount
    stalled_no_amount: int = 0  # stalled deals whose amount is unknown (not summed as zero)


@dataclass(frozen=True)
class StalledDeal:
    """An open deal stuck at its stage for longer than usual."""

    deal_id: str
    manager: str
    customer: str | None
    stage: str
    days: float
    threshold_days: float
    amount: float | None


@dataclass(frozen=True)
class TimeResult:
    """Time in stage, cycle length and stalled deals."""

    basis: str  # "history": per stage; "age": open deals against the won cycle (no history)
    reference: pd.Timestamp
    stages: list[StageTime]
    cycle_days_median: float | None = field(metadata=json_key("cycle_days", "median"))
    cycle_days_p75: float | None = field(metadata=json_key("cycle_days", "p75"))
    cycle_days_p90: float | None = field(metadata=json_key("cycle_days", "p90"))
    stalled: list[StalledDeal] = field(metadata=json_key("stalled", "deals"))  # largest amounts first
    stalled_count: int = field(metadata=json_key("stalled", "count"))
    # the sums of the amounts known; deals without an amount are counted apart, never as zero
    stalled_amount: float = field(metadata=json_key("stalled", "amount"))
    open_count: int = field(metadata=json_key("stalled", "open"))
    open_amount: float = field(metadata=json_key("stalled", "open_amount"))
    stalled_no_amount: int = field(default=0, metadata=json_key("stalled", "amount_unknown"))
    open_no_amount: int = field(default=0, metadata=json_key("stalled", "open_amount_unknown"))


def reference_moment(frame: FunnelFrame) -> pd.Timestamp:
    """The export's "now": the latest timestamp among the cohort's dates and stage events."""
    stamps = [frame.base["created_at"].max(), frame.base["closed_at"].max()]
    if frame.events is not None and len(frame.events):
        stamps.append(pd.Timestamp(frame.events.at.max()))
    valid = [s for s in stamps if pd.notna(s)]
    return max(valid) if valid else pd.Timestamp.now().normalize()


def _quantiles(days: np.ndarray) -> tuple[float | None, float | None, float | None]:
    if len(days) == 0:
        return None, None, None
    q = np.quantile(days, [0.5, 0.75, STALL_QUANTILE])
    return float(q[0]), float(q[1]), float(q[2])


def stays(frame: FunnelFrame, reference: pd.Timestamp) -> pd.DataFrame:
    """One row per stay at a working stage: deal position, stage index, days, finished or still open."""
    events = frame.events
    pos, idx, at = events.pos, events.code, events.at
    # Exports are usually sorted by deal and time already; sort only when they are not.
    ordered = len(pos) < 2 or bool(
        np.all((pos[1:] > pos[:-1]) | ((pos[1:] == pos[:-1]) & (at[1:] >= at[:-1])))
    )
    if not ordered:
        order = np.lexsort((at, pos))
        pos, idx, at = pos[order], idx[order], at[order]
    same_deal_next = np.append(pos[1:] == pos[:-1], False)
    next_at = np.append(at[1:], np.datetime64("NaT")).astype("datetime64[ns]")
    next_at[~same_deal_next] = np.datetime64("NaT")
    closed_at = frame.base["closed_at"].to_numpy(dtype="datetime64[ns]")[pos]
    end = np.where(np.isnat(next_at), closed_at, next_at)
    # An open deal's last stay is still running: it lasts until the reference moment. Won and lost
    # events are not stays; they end the stay before them.
    running = ~same_deal_next & frame.is_open[pos]
    end[running] = np.datetime64(reference, "ns")
    days = (end - at).astype("timedelta64[s]").astype(float) / DAY
    valid = (idx < frame.k) & ~np.isnat(end) & (days >= 0)
    table = pd.DataFrame(
        {"pos": pos[valid], "idx": idx[valid], "days": days[valid], "finished": ~running[valid]}
    )
    return pd.concat([table, _open_without_events(frame, pos, reference)], ignore_index=True)


def _open_without_events(
    frame: FunnelFrame, with_events: np.ndarray, reference: pd.Timestamp
) -> pd.DataFrame:
    """Open deals that have no event in the history: at their current stage since they were created."""
    lonely = frame.is_open.copy()
    lonely[with_events] = False
    stage = index_in(frame.base["stage"], frame.stages)
    lonely &= stage >= 0
    created = frame.base["created_at"].to_numpy(dtype="datetime64[ns]")
    days = (np.datetime64(reference, "ns") - created[lonely]).astype("timedelta64[s]").astype(float) / DAY
    return pd.DataFrame(
        {"pos": np.flatnonzero(lonely), "idx": stage[lonely], "days": days, "finished": False}
    )


def analyze_time(frame: FunnelFrame, stall_limit: int = 15) -> TimeResult:
    """Time in stage, cycle length and the stalled open deals (the ``stall_limit`` largest listed)."""
    reference = reference_moment(frame)
    base = frame.base
    cycle = won_cycle_days(frame)
    c50, c75, c90 = _quantiles(cycle)
    amounts = base["amount"].to_numpy(dtype=float, na_value=np.nan)
    open_amount = float(np.nansum(amounts[frame.is_open]))
    if frame.events is None:
        return _time_without_history(frame, reference, (c50, c75, c90), stall_limit, open_amount)
    table = stays(frame, reference)
    finished = table[table["finished"]]
    last_open = table[~table["finished"]]
    rows: list[StageTime] = []
    stalled_rows = []
    for k, stage in enumerate(frame.stages):
        done = finished.loc[finished["idx"] == k, "days"].to_numpy()
        q50, q75, q90 = _quantiles(done)
        now = last_open[last_open["idx"] == k]
        over = now[now["days"] > q90] if q90 is not None and len(done) >= MIN_STAYS else now.iloc[0:0]
        stalled_rows.append(over.assign(threshold=q90))
        rows.append(
            StageTime(
                stage,
                k,
                len(done),
                q50,
                q75,
                q90,
                len(now),
                len(over),
                float(np.nansum(amounts[over["pos"].to_numpy()])),
                int(np.isnan(amounts[over["pos"].to_numpy()]).sum()),
            )
        )
    stalled = pd.concat(stalled_rows) if stalled_rows else last_open.iloc[0:0]
    return TimeResult(
        basis="history",
        reference=reference,
        stages=rows,
        cycle_days_median=c50,
        cycle_days_p75=c75,
        cycle_days_p90=c90,
        stalled=_listed(frame, stalled, amounts, stall_limit),
        stalled_count=len(stalled),
        stalled_amount=float(np.nansum(amounts[stalled["pos"].to_numpy()])) if len(stalled) else 0.0,
        open_count=int(frame.is_open.sum()),
        open_amount=open_amount,
        stalled_no_amount=int(np.isnan(amounts[stalled["pos"].to_numpy(dtype=np.int64)]).sum()),
        open_no_amount=int(np.isnan(amounts[frame.is_open]).sum()),
    )


def _time_without_history(frame, reference, cycle, stall_limit, open_amount) -> TimeResult:
    base = frame.base
    amounts = base["amount"].to_numpy(dtype=float, na_value=np.nan)
    age = ((reference - base["created_at"]).dt.total_seconds() / DAY).to_numpy()
    threshold = cycle[2]
    stalled_mask = frame.is_open & (age > threshold) if threshold is not None else np.zeros(len(base), bool)
    positions = np.flatnonzero(stalled_mask)
    stage_index = index_in(base["stage"], frame.stages).astype(float)
    stage_index[stage_index < 0] = np.nan
    stalled = pd.DataFrame(
        {
            "pos": positions,
            "idx": stage_index[positions],
            "days": age[positions],
            "threshold": threshold,
        }
    )
    return TimeResult(
        basis="age",
        reference=reference,
        stages=[],
        cycle_days_median=cycle[0],
        cycle_days_p75=cycle[1],
        cycle_days_p90=cycle[2],
        stalled=_listed(frame, stalled, amounts, stall_limit),
        stalled_count=int(stalled_mask.sum()),
        stalled_amount=float(np.nansum(amounts[stalled_mask])),
        open_count=int(frame.is_open.sum()),
        open_amount=open_amount,
        stalled_no_amount=int(np.isnan(amounts[stalled_mask]).sum()),
        open_no_amount=int(np.isnan(amounts[frame.is_open]).sum()),
    )


def _listed(frame: FunnelFrame, stalled: pd.DataFrame, amounts: np.ndarray, limit: int) -> list[StalledDeal]:
    if stalled.empty:
        return []
    pos = stalled["pos"].to_numpy(dtype=np.int64)
    order = np.lexsort((-stalled["days"].to_numpy(), -np.nan_to_num(amounts[pos], nan=-1.0)))[:limit]
    base = frame.base
    out = []
    for i in order:
        p = pos[i]
        idx = stalled["idx"].iloc[i]
        customer = base["customer_id"].iloc[p] if "customer_id" in base else None
        out.append(
            StalledDeal(
                deal_id=str(base["deal_id"].iloc[p]),
                manager=str(base["manager"].iloc[p]),
                customer=None if pd.isna(customer) else str(customer),
                stage=frame.stages[int(idx)] if pd.notna(idx) else str(base["stage"].iloc[p]),
                days=float(stalled["days"].iloc[i]),
                threshold_days=float(stalled["threshold"].iloc[i]),
                amount=None if np.isnan(amounts[p]) else float(amounts[p]),
            )
        )
    return out
