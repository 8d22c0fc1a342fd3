"""Computed ABC (Ultsch & Lötsch 2015, PLoS One 10(6): e0129767): class limits read off the ABC curve.

The ABC curve plots the share of items taken, largest first ("effort", x) against the share of the total
they bring ("yield", y). It is interpolated with a monotone piecewise-cubic (PCHIP) interpolant, which
cannot overshoot a yield of 1 the way the cubic spline of the R package does, and read on a grid of step
0.01 (fewer than 101 items) or 0.001 plus the items' own positions i/n, so that a limit at a sharp bend
of the curve (one dominant item) falls on the item's boundary, not a grid step past it. On that grid:

- the Pareto point is the point nearest to the ideal (0, 1): least effort for the most yield;
- the break-even point is where the curve's slope is 1 (the rightmost such point): beyond it an extra
  item brings less than an average item;
- the A limit is the leftmost of the two and the other one's effort is Bx (the two are "exchanged" when
  the break-even point lies left of the Pareto point);
- the submarginal point, the C limit, is the point nearest to (Bx, 1).

Items are then classed by their rank: like the fixed mode's "share before the item" rule, an item is A
while the effort before it (items ranked above it / n) is below the A limit, B while it is below the C
limit, else C. So the largest item is always A. (The R package compares the effort *including* the item
and leaves an item exactly at the C limit in no class; the Python ports split by value limits and drop
the boundary item into B.) With fewer than three items the curve has no shape to read: the caller falls
back to the fixed thresholds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_ITEMS = 3
_TIE = 1e-9  # slopes this close to the best are equally close to 1 (a straight line has slope 1 everywhere)


@dataclass(frozen=True)
class ComputedLimits:
    """The points of a computed ABC analysis, as (effort, yield) shares."""

    pareto: tuple[float, float]
    break_even: tuple[float, float]
    submarginal: tuple[float, float]
    ab_exchanged: bool
    a_effort: float  # A while the share of items before an item is below this
    c_effort: float  # B while below this, else C
    a_yield: float  # the cumulative share of the total at the A limit
    c_yield: float


def abc_curve(values_desc: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The interpolated ABC curve of positive values sorted largest first: grid, yield and slope."""
    # Imported here: scipy.interpolate takes over half a second to import, and only this mode needs it.
    from scipy.interpolate import PchipInterpolator

    n = len(values_desc)
    effort = np.arange(n + 1) / n
    gained = np.concatenate([[0.0], np.cumsum(values_desc) / values_desc.sum()])
    gained[-1] = 1.0
    grid = np.union1d(np.linspace(0.0, 1.0, 101 if n < 101 else 1001), effort)
    grid = grid[np.concatenate([[True], np.diff(grid) > 1e-12])]  # 0.41 and 41/100 are one point
    curve = PchipInterpolator(effort, gained)
    return grid, np.minimum(curve(grid), 1.0), curve.derivative()(grid)


def computed_limits(values_desc: np.ndarray) -> ComputedLimits:
    """Pareto, break-even and submarginal points of positive values sorted largest first (n >= 3)."""
    if len(values_desc) < MIN_ITEMS:
        raise ValueError(f"a computed ABC needs at least {MIN_ITEMS} positive values")
    grid, gained, slope = abc_curve(np.asarray(values_desc, dtype="float64"))
    pareto = int(np.argmin(grid**2 + (gained - 1) ** 2))
    gap = np.abs(slope - 1.0)
    break_even = int(np.flatnonzero(gap <= gap.min() + _TIE)[-1])
    exchanged = grid[break_even] < grid[pareto]
    a_index, b_index = (break_even, pareto) if exchanged else (pareto, break_even)
    c_index = int(np.argmin((grid - grid[b_index]) ** 2 + (gained - 1) ** 2))

    def point(i: int) -> tuple[float, float]:
        return (float(grid[i]), float(gained[i]))

    return ComputedLimits(
        pareto=point(pareto),
        break_even=point(break_even),
        submarginal=point(c_index),
        ab_exchanged=bool(exchanged),
        a_effort=float(grid[a_index]),
        c_effort=float(grid[c_index]),
        a_yield=float(gained[a_index]),
        c_yield=float(gained[c_index]),
    )


def classes_by_effort(n: int, limits: ComputedLimits) -> np.ndarray:
    """Classes of n items ranked largest first: by the share of items ranked above each one."""
    before = np.arange(n) / n
    eps = 1e-9  # grid values such as 0.41 are not exact in binary
    return np.where(
        before < limits.a_effort - eps, "A", np.where(before < limits.c_effort - eps, "B", "C")
    ).astype(object)
