"""A table of numbers drawn as coloured cells, rows top to bottom, each cell optionally labelled.

What the report's three heatmaps took from seaborn's ``heatmap``, drawn the same way (the same mesh, axis
limits, ticks and cell labels: the demo's charts come out pixel for pixel the same) on matplotlib alone:
importing seaborn imports ``scipy.stats`` and ``scipy.cluster``, half a second of every audit's start.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import Colormap, ListedColormap, Normalize


def heatmap(
    ax: Axes,
    data: pd.DataFrame,
    cmap: Colormap | str,
    *,
    labels: np.ndarray | None = None,
    label_style: dict[str, Any] | None = None,
    norm: Normalize | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
    center: float | None = None,
    linewidths: float = 0.0,
    linecolor: str = "white",
    xticklabels: Sequence[str] | None = None,
) -> Axes:
    """Draw ``data`` (rows from the top) on ``ax`` with tick labels from its index and columns (or
    ``xticklabels``); NaN cells stay empty. ``labels``: a text per cell, written in the cells that have a
    value, with ``label_style`` (matplotlib text properties). Colours: ``norm``, or ``vmin``/``vmax`` (the
    data's range by default) with a diverging ``cmap`` centred on ``center``."""
    values = data.to_numpy(dtype=float)
    masked = np.ma.masked_where(np.isnan(values), values)
    cmap = mpl.colormaps[cmap] if isinstance(cmap, str) else cmap
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    mesh_options: dict[str, Any] = {"linewidths": linewidths, "edgecolor": linecolor}
    if norm is not None:
        mesh_options["norm"] = norm
    else:
        low = float(np.nanmin(values)) if vmin is None else vmin
        high = float(np.nanmax(values)) if vmax is None else vmax
        if center is not None:
            cmap = _centred(cmap, low, high, center)
        mesh_options.update(vmin=low, vmax=high)
    mesh = ax.pcolormesh(masked, cmap=cmap, **mesh_options)
    rows, columns = values.shape
    ax.set(xlim=(0, columns), ylim=(0, rows))
    ax.invert_yaxis()
    ax.set(xticks=np.arange(columns) + 0.5, yticks=np.arange(rows) + 0.5)
    ax.set_xticklabels(list(xticklabels) if xticklabels is not None else _tick_labels(data.columns))
    for label in ax.set_yticklabels(_tick_labels(data.index), rotation="vertical"):
        label.set_verticalalignment("center")
    ax.set(xlabel=data.columns.name or "", ylabel=data.index.name or "")
    if labels is not None:
        mesh.update_scalarmappable()
        style = {"ha": "center", "va": "center", **(label_style or {})}
        empty = np.ma.getmaskarray(masked)
        for (row, column), text in np.ndenumerate(np.asarray(labels, dtype=object)):
            if not empty[row, column]:
                ax.text(column + 0.5, row + 0.5, str(text), **style)
    return ax


def _centred(cmap: Colormap, low: float, high: float, center: float) -> Colormap:
    """``cmap`` cut so that ``center`` takes its middle colour over the range ``low``-``high``."""
    bad = cmap(np.ma.masked_invalid([np.nan]))[0]
    under, over = cmap(-np.inf), cmap(np.inf)
    reach = max(high - center, center - low)
    start, end = Normalize(center - reach, center + reach)([low, high])
    extremes = {"bad": bad}
    if under != cmap(0):
        extremes["under"] = under
    if over != cmap(cmap.N - 1):
        extremes["over"] = over
    return ListedColormap(cmap(np.linspace(start, end, 256))).with_extremes(**extremes)


def _tick_labels(index: pd.Index) -> list[Any]:
    if isinstance(index, pd.MultiIndex):
        return ["-".join(map(str, values)) for values in index.values]
    return list(index.values)
