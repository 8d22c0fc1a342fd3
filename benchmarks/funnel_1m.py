"""Benchmark the whole funnel analysis on a generated client of 1,000,000 deals and ~5,000,000 stage events.

    .venv/bin/python benchmarks/funnel_1m.py [--deals N] [--managers M]

Prints the time of each part (placing deals, counts and manager/source comparison, time in stage and
stalled deals, weekly statistics, monthly cohorts and lost reasons, velocity) and the peak memory.
Targets: under 10 s for the analysis and under 3 GB peak on a 2-core machine. Data is generated with
numpy (no Python loop over rows) from a fixed seed.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.analysis.funnel.breakdown import cohorts_by_month, lost_reasons
from workbench.analysis.funnel.conversion import analyze_frame
from workbench.analysis.funnel.position import prepare
from workbench.analysis.funnel.time_in_stage import analyze_time
from workbench.analysis.funnel.velocity import analyze_velocity
from workbench.analysis.funnel.weekly import weekly_funnel
from workbench.config import FunnelConfig, Period

STAGES = [f"Этап {i + 1}" for i in range(8)]
STEP = 0.86  # each step converts 86%: about five stage events per deal with the closing event


def generate(deals: int, managers: int, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Canonical deals and stage events, vectorised."""
    rng = np.random.default_rng(seed)
    k = len(STAGES)
    start = np.datetime64("2025-01-01T00:00:00")
    created = start + (rng.uniform(0, 365, deals) * 86400).astype("timedelta64[s]")
    furthest = np.minimum(rng.geometric(1 - STEP, deals) - 1, k)  # k = won
    finished = rng.random(deals) < 0.9
    status = np.where(furthest == k, "won", np.where(finished, "lost", "open"))
    # Stage events: one per stage entered, then the closing event of won and lost deals.
    entered = furthest + 1 - (furthest == k)
    counts = entered + (status != "open")
    total = int(counts.sum())
    deal_of = np.repeat(np.arange(deals), counts)
    first = np.cumsum(counts) - counts
    step = np.arange(total) - np.repeat(first, counts)
    waits = rng.exponential(3.0, total) * 86400
    waits[first] = 0.0
    elapsed = np.cumsum(waits)
    elapsed -= np.repeat(elapsed[first], counts)
    at = created[deal_of] + elapsed.astype("timedelta64[s]")
    closing = step == entered[deal_of]
    names = np.array([*STAGES, "Выиграна", "Проиграна"], dtype=object)
    label = np.where(closing, np.where(status[deal_of] == "won", k, k + 1), np.minimum(step, k - 1))
    events = pd.DataFrame({"deal_id": deal_of.astype(str), "stage": names[label], "entered_at": at})
    last = first + counts - 1
    closed = np.where(status == "open", np.datetime64("NaT"), at[last])
    stage = np.where(
        status == "won",
        "Выиграна",
        np.where(status == "lost", "Проиграна", names[np.minimum(furthest, k - 1)]),
    )
    deals_frame = pd.DataFrame(
        {
            "deal_id": np.arange(deals).astype(str),
            "created_at": created.astype("datetime64[ns]"),
            "closed_at": closed.astype("datetime64[ns]"),
            "stage": stage,
            "status": status,
            "amount": np.round(rng.lognormal(11.5, 0.6, deals), -2),
            "manager": np.array([f"Менеджер {i:02d}" for i in range(managers)])[
                rng.integers(0, managers, deals)
            ],
            "source": np.array(["Сайт", "Реклама", "Рекомендации", "Холодные"])[rng.integers(0, 4, deals)],
            "customer_id": rng.integers(0, 50_000, deals).astype(str),
            "loss_reason": np.where(
                status == "lost",
                np.array(["Дорого", "Нет бюджета", "Конкурент"])[rng.integers(0, 3, deals)],
                None,
            ),
            "lost_at_stage": pd.NA,
        }
    )
    for column in ("deal_id", "stage", "status", "manager", "source", "customer_id", "loss_reason"):
        deals_frame[column] = deals_frame[column].astype("string")
    deals_frame["lost_at_stage"] = deals_frame["lost_at_stage"].astype("string")
    events["stage"] = events["stage"].astype("string")
    events["deal_id"] = events["deal_id"].astype("string")
    return deals_frame, events


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--managers", type=int, default=40)
    args = parser.parse_args()
    started = time.perf_counter()
    deals, events = generate(args.deals, args.managers)
    took = time.perf_counter() - started
    print(f"generated {len(deals):,} deals and {len(events):,} stage events in {took:.1f} s")
    funnel = FunnelConfig(stages=STAGES, won_stages=["Выиграна"], lost_stages=["Проиграна"])
    period = Period(start="2025-01-01", end="2025-12-31")
    timings: dict[str, tuple[float, float]] = {}

    def timed(name, func, *a):
        wall, cpu = time.perf_counter(), time.process_time()
        out = func(*a)
        timings[name] = (time.perf_counter() - wall, time.process_time() - cpu)
        return out

    frame = timed("place deals in the funnel", prepare, deals, events, funnel, period)
    result = timed("counts, managers and sources", analyze_frame, frame, funnel, len(deals))
    timed("time in stage and stalled deals", analyze_time, frame)
    timed("weekly statistics", weekly_funnel, frame)
    timed("monthly cohorts", cohorts_by_month, frame)
    timed("lost reasons", lost_reasons, frame)
    timed("velocity", analyze_velocity, frame, result, funnel.min_deals_for_flag)
    print(f"  {'part':<34} {'wall':>7} {'cpu':>7}")
    for name, (wall, cpu) in timings.items():
        print(f"  {name:<34} {wall:6.2f}s {cpu:6.2f}s")
    wall = sum(w for w, _ in timings.values())
    cpu = sum(c for _, c in timings.values())
    print(f"  {'whole funnel analysis':<34} {wall:6.2f}s {cpu:6.2f}s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  {'peak memory (whole process)':<34} {peak:6.0f} MB")
    counts = f"won {result.won:,}, lost {result.lost:,}, open {result.open:,}"
    print(f"  ({counts}; bottleneck {result.bottleneck.stage})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
