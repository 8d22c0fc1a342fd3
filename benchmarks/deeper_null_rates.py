"""False-alarm rates of the deeper diagnosis by simulation: how often chance alone flags a manager against
the rest of the department, raises a temporary dip or marks a slow group, with nothing planted.

Run from the repository root: ``python benchmarks/deeper_null_rates.py`` (a few minutes).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "unit"))

from history_frames import FUNNEL as HISTORY_FUNNEL
from history_frames import PERIOD as HISTORY_PERIOD
from history_frames import department as history_department
from test_funnel_null_simulation import FUNNEL, PERIOD, department, uneven_department

from workbench.analysis.funnel.conversion import analyze_frame, analyze_funnel
from workbench.analysis.funnel.dips import find_dips
from workbench.analysis.funnel.position import prepare
from workbench.analysis.funnel.time_by_group import analyze_time_by_group
from workbench.analysis.funnel.weekly import weekly_funnel


def flag_rates(make, runs: int, seed: int) -> tuple[float, float, int]:
    rng = np.random.default_rng(seed)
    flagged = watched = compared = 0
    for _ in range(runs):
        result = analyze_funnel(make(rng), None, FUNNEL, PERIOD)
        eligible = [m for m in result.manager_stages if m.left >= FUNNEL.min_deals_for_flag]
        compared += len(eligible)
        flagged += sum(1 for m in eligible if m.flag)
        watched += sum(1 for m in eligible if m.flag or m.watch)
    return flagged / compared, watched / compared, compared


def history_rates(runs: int, seed: int) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    dips = slow = 0
    for _ in range(runs):
        deals, events = history_department(rng, deals=1500)
        frame = prepare(deals, events, HISTORY_FUNNEL, HISTORY_PERIOD)
        funnel = analyze_frame(frame, HISTORY_FUNNEL)
        found = find_dips(weekly_funnel(frame), [s.conversion for s in funnel.stages[:-1]], funnel.avg_check)
        dips += bool(found.dips)
        slow += bool(analyze_time_by_group(frame).slow)
    return dips / runs, slow / runs


if __name__ == "__main__":
    for name, make, runs in (("8 managers", department, 100), ("3 uneven managers", uneven_department, 200)):
        flag, watch, n = flag_rates(make, runs, 1)
        print(f"{name}: {n} manager-steps, flagged {flag:.4f} (nominal 0.002), watched {watch:.4f} (0.05)")
    dip, slow = history_rates(100, 2)
    print(f"100 clean departments: a dip in {dip:.2f}, a slow group in {slow:.2f} (family-wise nominal 0.01)")
