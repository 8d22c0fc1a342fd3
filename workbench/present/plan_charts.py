"""Charts of the plan section beyond plan and fact: the current month's run-rate forecast per manager and
each manager's attainment of their personal weekly plans."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import TwoSlopeNorm
from matplotlib.ticker import FuncFormatter, MaxNLocator

from workbench.present.charts import ACCENT, ALERT, CONVERSION_CMAP, INK, new_axes
from workbench.present.fmt import Formatter
from workbench.present.heatmap import heatmap

FULL_ANNOTATION_WEEKS = 16
"""Up to this many weeks each cell of the weekly heatmap prints its attainment; beyond, only the mark."""


def run_rate_chart(
    names: Sequence[str],
    fact: Sequence[float],
    forecast: Sequence[float],
    interval: Sequence[tuple[float, float] | None],
    plan: Sequence[float | None],
    short: Sequence[bool],
    fmt: Formatter,
    legend: tuple[str, str, str, str, str],
    ax: Axes | None = None,
) -> Axes:
    """One row per scope: the fact so far (a solid bar), the run-rate forecast (the bar's light part), its
    interval (a whisker) and the plan (a black tick); a red ▼ at the plan of a scope forecast short.
    ``legend`` names the fact, the forecast, the interval, the plan and the mark, above the plot."""
    n = len(names)
    ax = ax or new_axes(height=0.42 * n + 0.9)
    y = np.arange(n)[::-1].astype(float)
    fact_arr = np.asarray(fact, dtype=float)
    forecast_arr = np.asarray(forecast, dtype=float)
    ax.barh(y, forecast_arr, height=0.56, color=ACCENT, alpha=0.3, label=legend[1], zorder=2)
    ax.barh(y, fact_arr, height=0.56, color=ACCENT, label=legend[0], zorder=3)
    spans = [(i, s) for i, s in enumerate(interval) if s is not None]
    if spans:
        rows = np.array([y[i] for i, _ in spans])
        low = np.array([s[0] for _, s in spans])
        high = np.array([s[1] for _, s in spans])
        ax.hlines(rows, low, high, color=INK, linewidth=1.0, label=legend[2], zorder=4)
        ax.vlines(np.concatenate([low, high]), np.tile(rows, 2) - 0.12, np.tile(rows, 2) + 0.12, color=INK,
                  linewidth=1.0, zorder=4)  # fmt: skip
    planned = [(y[i], p) for i, p in enumerate(plan) if p is not None]
    if planned:
        ax.scatter([p for _, p in planned], [r for r, _ in planned], marker="|", s=260, linewidths=2.2,
                   color=INK, label=legend[3], zorder=5)  # fmt: skip
    marked = [(y[i], p) for i, p in enumerate(plan) if p is not None and short[i]]
    if marked:
        ax.scatter([p for _, p in marked], [r + 0.42 for r, _ in marked], marker="v", s=22, color=ALERT,
                   label=legend[4], zorder=6)  # fmt: skip
    tops = [*forecast_arr, *(p for p in plan if p is not None), *(s[1] for _, s in spans), 1.0]
    ax.set_xlim(0, max(tops) * 1.08)
    ax.set_ylim(-0.6, n - 0.25)
    ax.set_yticks(y)
    ax.set_yticklabels(list(names))
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.money(v, compact=True)))
    ax.grid(axis="y", visible=False)
    handles, labels = ax.get_legend_handles_labels()
    order = sorted(range(len(labels)), key=lambda i: list(legend).index(labels[i]))
    ax.legend([handles[i] for i in order], [labels[i] for i in order], loc="lower left",
              bbox_to_anchor=(0, 1.0), ncols=5, borderaxespad=0.3)  # fmt: skip
    return ax


def weekly_attainment_heatmap(
    attainment: pd.DataFrame, warning: float, fmt: Formatter, ax: Axes | None = None
) -> Axes:
    """Managers (rows) x weeks (columns, keyed by Monday): attainment of each personal weekly plan, red
    below 100 % and green above; a red ▼ in each week below ``warning``; blank where a manager has no plan."""
    ax = ax or new_axes(height=0.34 * len(attainment) + 1.1)
    values = attainment.astype(float)
    full = values.shape[1] <= FULL_ANNOTATION_WEEKS
    heatmap(
        ax,
        values.clip(upper=1.5),
        CONVERSION_CMAP,
        labels=values.map(lambda v: "" if pd.isna(v) else fmt.pct(v, 0)).to_numpy() if full else None,
        label_style={"fontsize": 6.5, "color": INK, "va": "bottom"},
        norm=TwoSlopeNorm(vmin=0.0, vcenter=1.0, vmax=1.5),
        linewidths=0.5,
    )
    below = values.to_numpy() < warning
    for r, c in zip(*np.nonzero(below), strict=True):
        ax.text(c + 0.5, r + (0.82 if full else 0.55), "▼", ha="center", va="center", fontsize=6, color=ALERT)
    labels = [fmt.week(w) for w in values.columns]
    step = max(1, int(np.ceil(len(labels) / 20)))
    ax.set_xticks(np.arange(0, len(labels), step) + 0.5)
    ax.set_xticklabels(labels[::step], rotation=60, ha="right", fontsize=7)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="y", labelrotation=0)
    plt.setp(ax.get_yticklabels(), fontsize=7.5)
    return ax
