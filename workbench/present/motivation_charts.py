"""The payout-curve chart of the plan-and-motivation section: pay a month over plan attainment, one line
per scheme, the comfort income as a band."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from workbench.present.charts import ACCENT, GOOD, INK, LIGHT, PRIMARY, WARN, new_axes
from workbench.present.fmt import Formatter

SCHEME_COLOURS = (PRIMARY, WARN, GOOD, ACCENT, INK)


def payout_curves(
    attainment: Sequence[float],
    curves: Sequence[tuple[str, Sequence[float]]],
    comfort: tuple[float, float],
    fmt: Formatter,
    labels: tuple[str, str],
    ax: Axes | None = None,
) -> Axes:
    """Pay over attainment (shares) for each named scheme; ``labels`` are the x and y axis titles."""
    ax = ax or new_axes(height=3.0)
    ax.axhspan(comfort[0], comfort[1], color=LIGHT, alpha=0.6, lw=0, zorder=0)
    ax.axvline(1.0, color=INK, lw=0.8, ls=":", zorder=1)
    for (name, pay), colour in zip(curves, SCHEME_COLOURS * 3, strict=False):
        ax.plot(attainment, pay, color=colour, lw=2, label=name, drawstyle="default", zorder=2)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.pct(v, 0)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.money(v, compact=True)))
    ax.set_xlim(min(attainment), max(attainment))
    ax.set_ylim(bottom=0)
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    ax.legend(loc="upper left")
    return ax
