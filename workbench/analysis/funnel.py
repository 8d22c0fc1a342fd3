"""Funnel diagnosis: how many deals reached each stage, step conversion, managers compared honestly,
and what fixing each stage is worth.

Counting rules (printed in every report's methodology):

- A deal's *furthest stage* is the furthest working stage it is known to have entered: from the stage
  history when there is one, else its current stage (open deals), its ``lost_at_stage`` (lost deals) or
  the won step (won deals). Backward moves do not undo progress.
- ``credit_skipped`` (default): a deal reached every stage up to its furthest, skipped ones included
  (amoCRM's rule). ``strict``: only stages actually entered count (needs a stage history).
- A step's conversion is computed over the deals that have *left* the stage: those that went further
  plus those lost at it. Deals still open at the stage are counted apart; they have not had the chance.
- Lost deals whose stage is unknown are left out of the step conversions (and counted, loudly).
- Win rate = won / (won + lost), over the deals created in the period.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.analysis import stats
from workbench.config import FunnelConfig, Period

EQUAL_EFFORT_SHARE = 0.10  # the loss rate of a stage falls by this share in the "equal effort" scenario
BEST_PRACTICE_QUANTILE = 0.75  # best practice = the top-quartile manager's shrunk rate


@dataclass(frozen=True)
class StageRow:
    """One stage of the funnel. ``conversion`` is the step from this stage to the next one."""

    stage: str
    index: int
    reached: int
    advanced: int
    lost: int
    open: int
    left: int
    conversion: float | None
    ci_low: float | None
    ci_high: float | None
    cumulative: float | None
    reached_share: float


@dataclass(frozen=True)
class ManagerRow:
    """A manager's closed-deal results over the deals created in the period."""

    manager: str
    deals: int
    won: int
    lost: int
    open: int
    win_rate: float | None
    ci_low: float | None
    ci_high: float | None
    revenue: float
    avg_check: float | None


@dataclass(frozen=True)
class ManagerStage:
    """A manager's conversion at one step, against the department's funnel-plot limits."""

    manager: str
    stage: str
    index: int
    left: int
    advanced: int
    conversion: float | None
    ci_low: float | None
    ci_high: float | None
    shrunk_rate: float | None
    department_rate: float | None
    limit_low: float | None
    limit_high: float | None
    flag: str | None  # "low" / "high" outside the 99.8% limits with enough deals, else None
    watch: str | None  # "low" / "high" outside the 95% limits only
    impact_per_month: float | None  # revenue a month if a "low" manager reached the department rate


@dataclass(frozen=True)
class StageTest:
    """Chi-square test across managers at one step."""

    stage: str
    managers: int
    statistic: float
    dof: int
    p_value: float
    low_expected: bool


@dataclass(frozen=True)
class StageImpact:
    """What improving one step is worth, in revenue a month."""

    stage: str
    index: int
    conversion: float
    best_practice: float | None
    impact_equal_effort: float
    impact_best_practice: float | None


@dataclass(frozen=True)
class FunnelResult:
    """Everything the funnel section and metrics.json show."""

    rule: str
    basis: str  # "history" or "snapshot"
    stages: list[StageRow]
    won: int
    lost: int
    open: int
    lost_stage_unknown: int
    deals_in_cohort: int
    deals_total: int
    win_rate: float | None
    win_rate_ci: tuple[float | None, float | None]
    revenue: float
    avg_check: float | None
    won_with_amount: int
    cycle_days_median: float | None
    cycle_days_p75: float | None
    months: float
    managers: list[ManagerRow]
    manager_stages: list[ManagerStage]
    tests: list[StageTest]
    impacts: list[StageImpact]
    equal_effort_share: float = EQUAL_EFFORT_SHARE
    notes: list[str] = field(default_factory=list)

    @property
    def bottleneck(self) -> StageImpact | None:
        """The step whose improvement is worth most under equal effort."""
        return self.impacts[0] if self.impacts else None

    def stage_frame(self) -> pd.DataFrame:
        return pd.DataFrame([vars(s) for s in self.stages])

    def manager_frame(self) -> pd.DataFrame:
        return pd.DataFrame([vars(m) for m in self.managers])

    def manager_stage_frame(self) -> pd.DataFrame:
        return pd.DataFrame([vars(m) for m in self.manager_stages])


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


def _rate(num: float, den: float) -> float | None:
    return float(num / den) if den > 0 else None


def _opt(value: float) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def analyze_funnel(
    deals: pd.DataFrame,
    events: pd.DataFrame | None,
    funnel: FunnelConfig,
    period: Period,
) -> FunnelResult:
    """Count the funnel of the deals created in ``period`` and compare managers at every step."""
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
    lost_unknown = int((is_lost & ~known).sum())
    if lost_unknown:
        notes.append("lost_stage_unknown")

    levels = np.arange(k_won + 1)
    if rule == "strict" and entered_actual is not None:
        entered = entered_actual & known[:, None]
    else:
        entered = (furthest[:, None] >= levels[None, :]) & known[:, None]
    labels = [*funnel.stages, funnel.won_label]

    advanced = entered[:, :k_won] & (furthest[:, None] > levels[None, :k_won])
    lost_here = entered[:, :k_won] & (is_lost[:, None] & (furthest[:, None] == levels[None, :k_won]))
    open_here = entered[:, :k_won] & (is_open[:, None] & (furthest[:, None] == levels[None, :k_won]))
    adv_n = advanced.sum(axis=0)
    lost_n = lost_here.sum(axis=0)
    left_n = adv_n + lost_n
    reached_n = entered.sum(axis=0)
    ci_low, ci_high = stats.wilson_interval(adv_n, left_n)
    conversions = [_rate(a, b) for a, b in zip(adv_n, left_n, strict=True)]

    rows = []
    cumulative: float | None = 1.0
    first_reached = max(int(reached_n[0]), 1)
    for k, label in enumerate(labels):
        if k < k_won:
            rows.append(
                StageRow(
                    label,
                    k,
                    int(reached_n[k]),
                    int(adv_n[k]),
                    int(lost_n[k]),
                    int(open_here[:, k].sum()),
                    int(left_n[k]),
                    conversions[k],
                    _opt(ci_low[k]),
                    _opt(ci_high[k]),
                    cumulative,
                    float(reached_n[k] / first_reached),
                )
            )
            cumulative = None if cumulative is None or conversions[k] is None else cumulative * conversions[k]
        else:
            rows.append(
                StageRow(
                    label,
                    k,
                    int(reached_n[k]),
                    0,
                    0,
                    0,
                    0,
                    None,
                    None,
                    None,
                    cumulative,
                    float(reached_n[k] / first_reached),
                )
            )

    won, lost, open_ = int(is_won.sum()), int(is_lost.sum()), int(is_open.sum())
    wr_low, wr_high = stats.wilson_interval(np.array([won]), np.array([won + lost]))
    amounts = base.loc[is_won, "amount"]
    revenue = float(amounts.sum(skipna=True))
    avg_check = _opt(amounts.mean()) if amounts.notna().any() else None
    closed = base.loc[is_won & base["closed_at"].notna().to_numpy()]
    cycle = (closed["closed_at"] - closed["created_at"]).dt.total_seconds() / 86400
    cycle = cycle[cycle >= 0]

    managers = _managers(base, is_won, is_lost, is_open)
    months = max(period.months, 1e-9)
    manager_stages, tests = _manager_stages(
        base,
        labels[:k_won],
        advanced,
        lost_here,
        conversions,
        funnel.min_deals_for_flag,
        months,
        _downstream(conversions),
        avg_check,
    )
    impacts = _impacts(
        labels[:k_won], left_n, conversions, manager_stages, months, avg_check, funnel.min_deals_for_flag
    )
    return FunnelResult(
        rule=rule,
        basis="history" if has_history else "snapshot",
        stages=rows,
        won=won,
        lost=lost,
        open=open_,
        lost_stage_unknown=lost_unknown,
        deals_in_cohort=len(base),
        deals_total=len(deals),
        win_rate=_rate(won, won + lost),
        win_rate_ci=(_opt(wr_low[0]), _opt(wr_high[0])),
        revenue=revenue,
        avg_check=avg_check,
        won_with_amount=int(amounts.notna().sum()),
        cycle_days_median=_opt(cycle.median()) if len(cycle) else None,
        cycle_days_p75=_opt(cycle.quantile(0.75)) if len(cycle) else None,
        months=months,
        managers=managers,
        manager_stages=manager_stages,
        tests=tests,
        impacts=impacts,
        notes=notes,
    )


def _managers(
    base: pd.DataFrame, is_won: np.ndarray, is_lost: np.ndarray, is_open: np.ndarray
) -> list[ManagerRow]:
    frame = pd.DataFrame(
        {
            "manager": base["manager"].astype(str).to_numpy(),
            "won": is_won,
            "lost": is_lost,
            "open": is_open,
            "revenue": np.where(is_won, base["amount"].fillna(0).to_numpy(), 0.0),
            "won_amount_known": is_won & base["amount"].notna().to_numpy(),
        }
    )
    g = frame.groupby("manager", sort=True)
    agg = g.agg(
        deals=("won", "size"),
        won=("won", "sum"),
        lost=("lost", "sum"),
        open=("open", "sum"),
        revenue=("revenue", "sum"),
        known=("won_amount_known", "sum"),
    )
    low, high = stats.wilson_interval(agg["won"].to_numpy(), (agg["won"] + agg["lost"]).to_numpy())
    out = []
    for (name, row), lo, hi in zip(agg.iterrows(), low, high, strict=True):
        out.append(
            ManagerRow(
                str(name),
                int(row.deals),
                int(row.won),
                int(row.lost),
                int(row.open),
                _rate(row.won, row.won + row.lost),
                _opt(lo),
                _opt(hi),
                float(row.revenue),
                _rate(row.revenue, row.known),
            )
        )
    return out


def _downstream(conversions: list[float | None]) -> list[float]:
    """P(win | the deal has just advanced past stage k), from the department's step conversions.

    A step nobody left (conversion unknown, e.g. a stage every deal skips in strict mode) loses nothing.
    """
    out = [0.0] * len(conversions)
    acc = 1.0
    for k in range(len(conversions) - 1, -1, -1):
        out[k] = acc
        acc *= conversions[k] if conversions[k] is not None else 1.0
    return out


def _manager_stages(
    base: pd.DataFrame,
    labels: list[str],
    advanced: np.ndarray,
    lost_here: np.ndarray,
    conversions: list[float | None],
    min_deals: int,
    months: float,
    downstream: list[float],
    avg_check: float | None,
) -> tuple[list[ManagerStage], list[StageTest]]:
    managers = base["manager"].astype(str).to_numpy()
    names = np.unique(managers)
    code = np.searchsorted(names, managers)
    out: list[ManagerStage] = []
    tests: list[StageTest] = []
    for k, label in enumerate(labels):
        adv = np.bincount(code, weights=advanced[:, k], minlength=len(names))
        left = adv + np.bincount(code, weights=lost_here[:, k], minlength=len(names))
        rate = conversions[k]
        low, high = stats.wilson_interval(adv, left)
        prior = stats.fit_beta_prior(adv, left)
        shrunk = prior.shrink(adv, left) if prior else np.where(left > 0, adv / np.maximum(left, 1), np.nan)
        if rate is not None:
            lim_low, lim_high = stats.funnel_limits(left, rate, stats.ALARM)
            alarm = stats.outside_limits(adv, left, rate, stats.ALARM)
            alert = stats.outside_limits(adv, left, rate, stats.ALERT)
        else:
            lim_low = lim_high = np.full(len(names), np.nan)
            alarm = alert = np.zeros(len(names), dtype=int)
        test = stats.chi_square_across(adv, left)
        if test is not None:
            tests.append(
                StageTest(
                    label, int((left > 0).sum()), test.statistic, test.dof, test.p_value, test.low_expected
                )
            )
        for i, name in enumerate(names):
            if left[i] == 0:
                continue
            enough = left[i] >= min_deals
            flag = ("low" if alarm[i] < 0 else "high" if alarm[i] > 0 else None) if enough else None
            watch = (
                ("low" if alert[i] < 0 else "high" if alert[i] > 0 else None) if enough and not flag else None
            )
            own = adv[i] / left[i]
            impact = None
            if flag == "low" and rate is not None and avg_check:
                impact = float(left[i] / months * (rate - own) * downstream[k] * avg_check)
            out.append(
                ManagerStage(
                    str(name),
                    label,
                    k,
                    int(left[i]),
                    int(adv[i]),
                    float(own),
                    _opt(low[i]),
                    _opt(high[i]),
                    _opt(shrunk[i]),
                    rate,
                    _opt(lim_low[i]),
                    _opt(lim_high[i]),
                    flag,
                    watch,
                    impact,
                )
            )
    return out, tests


def _impacts(
    labels: list[str],
    left_n: np.ndarray,
    conversions: list[float | None],
    manager_stages: list[ManagerStage],
    months: float,
    avg_check: float | None,
    min_deals: int,
) -> list[StageImpact]:
    if not avg_check:
        return []
    downstream = _downstream(conversions)
    out = []
    for k, label in enumerate(labels):
        rate = conversions[k]
        if rate is None:
            continue
        flow = left_n[k] / months
        equal = flow * EQUAL_EFFORT_SHARE * (1 - rate) * downstream[k] * avg_check
        shrunk = [
            m.shrunk_rate
            for m in manager_stages
            if m.index == k and m.left >= min_deals and m.shrunk_rate is not None
        ]
        best = float(np.quantile(shrunk, BEST_PRACTICE_QUANTILE)) if len(shrunk) >= 2 else None
        best_gain = flow * max(0.0, best - rate) * downstream[k] * avg_check if best is not None else None
        out.append(
            StageImpact(
                label, k, rate, best, float(equal), _opt(best_gain) if best_gain is not None else None
            )
        )
    return sorted(out, key=lambda s: (-s.impact_equal_effort, s.index))
