"""Report charts: one style, a font with Cyrillic, print quality. Each takes data and returns Axes."""

from __future__ import annotations

import base64
import io
import textwrap
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.ticker import FuncFormatter
from PIL import Image

from workbench.present.fmt import Formatter
from workbench.present.heatmap import heatmap

INK = "#1f2d3d"
PRIMARY = "#1f4e79"
ACCENT = "#2e86ab"
ALERT = "#c0392b"
WARN = "#e67e22"
GOOD = "#2e8b57"
MUTED = "#9aa5b1"
LIGHT = "#dde3ea"
FULL_WIDTH = 7.0  # inches: the printable width of an A4 page at the report's margins
DPI = 150
# Colours of a chart's PNG: 128 keep every flat colour of the report's charts exact (measured on the demo)
PALETTE_COLOURS = 128

CONVERSION_CMAP = LinearSegmentedColormap.from_list("conversion", ["#f4d6d2", "#f7f4ea", "#d3e6d9"])
# seaborn's "deep" colour cycle
_DEEP = [
    "#4C72B0",
    "#DD8452",
    "#55A868",
    "#C44E52",
    "#8172B3",
    "#937860",
    "#DA8BC3",
    "#8C8C8C",
    "#CCB974",
    "#64B5CD",
]
_PAPER = 0.8  # the sizes of seaborn's "paper" context: 0.8 x matplotlib's defaults
# The report's chart style: seaborn's "whitegrid" style, "paper" context and "deep" colour cycle, as the
# charts were first drawn with, written out (importing seaborn costs half a second), and the report's own.
REPORT_STYLE = {
    "axes.axisbelow": True,
    "axes.grid": True,
    "axes.linewidth": _PAPER * 1.25,
    "axes.prop_cycle": matplotlib.cycler(color=_DEEP),
    "font.family": ["DejaVu Sans"],
    "font.sans-serif": ["Arial", "DejaVu Sans", "Liberation Sans", "Bitstream Vera Sans", "sans-serif"],
    "font.size": _PAPER * 12,
    "legend.title_fontsize": _PAPER * 12,
    "lines.linewidth": _PAPER * 1.5,
    "lines.markersize": _PAPER * 6,
    "lines.solid_capstyle": "round",
    "patch.edgecolor": "w",
    "patch.force_edgecolor": True,
    "patch.linewidth": _PAPER * 1,
    "text.color": ".15",
    "xtick.bottom": False,
    "ytick.left": False,
    "xtick.major.size": _PAPER * 6,
    "ytick.major.size": _PAPER * 6,
    "xtick.major.width": _PAPER * 1.25,
    "ytick.major.width": _PAPER * 1.25,
    "xtick.minor.size": _PAPER * 4,
    "ytick.minor.size": _PAPER * 4,
    "xtick.minor.width": _PAPER * 1,
    "ytick.minor.width": _PAPER * 1,
    # the report's own
    "axes.edgecolor": LIGHT,
    "axes.labelcolor": INK,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.labelsize": 8.5,
    "xtick.color": INK,
    "ytick.color": INK,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "grid.color": "#edf0f3",
    "legend.fontsize": 8,
    "legend.frameon": False,
    "figure.dpi": 100,
    "savefig.dpi": DPI,
    "svg.hashsalt": "workbench",
}


def use_report_style() -> None:
    """Apply the report's chart style (idempotent)."""
    matplotlib.rcParams.update(REPORT_STYLE)


def new_axes(height: float = 3.0, width: float = FULL_WIDTH) -> Axes:
    """A fresh figure of the report's width."""
    use_report_style()
    _, ax = plt.subplots(figsize=(width, height))
    return ax


def to_data_uri(ax: Axes, crop: bool = True) -> str:
    """Render the Axes' figure to a PNG data URI and close it.

    ``crop`` trims the figure to its content (a second drawing pass); small multiples laid out with
    ``tight_layout`` do not need it. The PNG is at :data:`DPI` (the print resolution: a chart prints at the
    page's width) with a palette of :data:`PALETTE_COLOURS` colours, see :func:`palette_png`.
    """
    fig = ax.figure
    buffer = io.BytesIO()
    fig.savefig(
        buffer,
        format="png",
        dpi=DPI,
        bbox_inches="tight" if crop else None,
        metadata={"Software": None},
        pil_kwargs={"compress_level": 1},  # decoded again at once: compressing it hard is wasted time
    )
    plt.close(fig)
    buffer.seek(0)
    return "data:image/png;base64," + base64.b64encode(palette_png(Image.open(buffer))).decode("ascii")


def palette_png(image: Image.Image) -> bytes:
    """``image`` flattened on white and re-encoded as a palette PNG: a third of the size of the full-colour
    PNG for the report's charts, which are a few flat colours and their anti-aliased edges.

    The palette comes from a median cut without dithering, which keeps every flat colour (backgrounds,
    bars, heatmap cells) exact; only the shades of anti-aliased edges are merged.
    """
    if image.mode != "RGB":
        image = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", image.size, "white"), image).convert("RGB")
    palette = image.quantize(
        colors=PALETTE_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    out = io.BytesIO()
    # zlib's default level: Pillow's optimize=True saves a tenth of the bytes (20 KB of the demo's charts)
    # for seven times the time (a quarter of a second of the audit)
    palette.save(out, format="png", dpi=(DPI, DPI))
    return out.getvalue()


def funnel_chart(
    stages: Sequence[str],
    reached: Sequence[int],
    conversions: Sequence[float | None],
    fmt: Formatter,
    highlight: int | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Bars of the deals that reached each stage, with each step's conversion between the bars."""
    n = len(stages)
    ax = ax or new_axes(height=0.34 * n + 0.5)
    widths = np.asarray(reached, dtype=float)
    top = widths.max() if len(widths) and widths.max() > 0 else 1.0
    y = np.arange(n)[::-1].astype(float)
    colours = [GOOD if i == n - 1 else PRIMARY for i in range(n)]
    ax.barh(y, widths, color=colours, height=0.62, zorder=2)
    for i in range(n):
        ax.text(
            widths[i] + 0.012 * top,
            y[i],
            fmt.num(widths[i]),
            ha="left",
            va="center",
            fontsize=8,
            color=INK,
            fontweight="bold",
        )
    for i in range(n - 1):
        rate = conversions[i]
        if rate is None:
            continue
        hot = i == highlight
        ax.text(
            1.30 * top,
            y[i] - 0.5,
            f"{fmt.pct(rate)} ↓",
            ha="right",
            va="center",
            fontsize=8,
            color=ALERT if hot else INK,
            fontweight="bold" if hot else "normal",
        )
    if highlight is not None and 0 <= highlight < n - 1:
        ax.axhspan(
            y[highlight] - 0.5 - 0.42,
            y[highlight] - 0.5 + 0.42,
            xmin=0.79,
            xmax=1.0,
            color="#fbeceb",
            zorder=0,
        )
    ax.set_yticks(y)
    ax.set_yticklabels(stages, fontsize=8)
    ax.set_xlim(0, 1.32 * top)
    ax.set_ylim(-0.6, n - 0.4)
    ax.xaxis.set_visible(False)
    ax.grid(False)
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0)
    return ax


def conversion_heatmap(
    rates: pd.DataFrame,
    marks: pd.DataFrame,
    fmt: Formatter,
    ax: Axes | None = None,
    department: pd.Series | None = None,
) -> Axes:
    """Managers x steps heatmap: each cell prints the conversion and a mark (▼ ▽ ▲ △) where a rate is out
    of limits; its colour is the gap to the ``department``'s rate on the step (to the mean of the rows when
    no department rate is given): green above, red below."""
    ax = ax or new_axes(height=0.36 * len(rates) + 1.4)
    annotations = rates.map(lambda v: "" if pd.isna(v) else fmt.pct(v, 0))
    annotations = annotations + marks.reindex_like(rates).fillna("").map(lambda m: f" {m}" if m else "")
    level = rates.mean(axis=0) if department is None else department.reindex(rates.columns)
    centred = rates.sub(level, axis=1).astype(float)
    # A symmetric scale of at least ±5 points: no gap at all stays neutral instead of taking an end colour.
    span = max(float(np.nanmax(np.abs(centred.to_numpy()))) if centred.notna().any().any() else 0.0, 0.05)
    heatmap(
        ax,
        centred,
        CONVERSION_CMAP,
        labels=annotations.to_numpy(),
        label_style={"fontsize": 7.5, "color": INK},
        center=0,
        vmin=-span,
        vmax=span,
        linewidths=1,
    )
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="x", labelrotation=30, labelsize=7.5)
    for label in ax.get_xticklabels():
        label.set_horizontalalignment("right")
    ax.tick_params(axis="y", labelrotation=0)
    return ax


def pareto_chart(
    cum_share: Sequence[float],
    thresholds: tuple[float, float],
    classes: Sequence[str],
    fmt: Formatter,
    x_label: str,
    y_label: str,
    ax: Axes | None = None,
    points: dict[str, tuple[float, float]] | None = None,
) -> Axes:
    """Cumulative share of revenue against the share of customers, with the A / B / C zones shaded and,
    for a computed ABC, its labelled points (Pareto, break-even, submarginal)."""
    ax = ax or new_axes(height=3.0)
    n = len(cum_share)
    x = np.concatenate([[0.0], np.arange(1, n + 1) / max(n, 1)])
    y = np.concatenate([[0.0], np.asarray(cum_share, dtype=float)])
    ax.plot(x, y, color=PRIMARY, linewidth=2)
    ax.plot([0, 1], [0, 1], color=MUTED, linewidth=0.8, linestyle="--")
    colours = {"A": "#d3e6d9", "B": "#f7f0dc", "C": "#f4e1de"}
    classes = list(classes)
    start = 0.0
    for cls in ("A", "B", "C"):
        count = classes.count(cls)
        if not count:
            continue
        end = start + count / n
        ax.axvspan(start, end, color=colours[cls], alpha=0.8, zorder=0)
        ax.text(
            (start + end) / 2, 0.04, cls, ha="center", va="bottom", fontsize=11, fontweight="bold", color=INK
        )
        start = end
    for t in thresholds:
        ax.axhline(t, color=MUTED, linewidth=0.8, linestyle=":")
    for (label, (px, py)), marker in zip((points or {}).items(), "os^", strict=False):
        ax.plot([px], [py], marker=marker, color=ALERT, markersize=5, linestyle="none", label=label, zorder=4)
    if points:
        ax.legend(loc="lower right")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    percent = FuncFormatter(lambda v, _: fmt.pct(v, 0))
    ax.xaxis.set_major_formatter(percent)
    ax.yaxis.set_major_formatter(percent)
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    return ax


def plan_fact_chart(
    labels: Sequence[str],
    plan: Sequence[float | None],
    fact: Sequence[float],
    fmt: Formatter,
    legend: tuple[str, str, str],
    below: Sequence[bool],
    ax: Axes | None = None,
    rotate: bool = False,
) -> Axes:
    """Fact bars (one colour on every chart) against the plan (a step line); a red mark over each period
    the analysis marks ``below``. ``legend`` names the plan, the fact and the mark; it sits above the plot,
    where no line crosses it."""
    ax = ax or new_axes(height=2.8)
    x = np.arange(len(labels))
    plan_arr = np.array([np.nan if p is None else p for p in plan], dtype=float)
    fact_arr = np.asarray(fact, dtype=float)
    ax.bar(x, fact_arr, color=ACCENT, width=0.7, label=legend[1], zorder=2)
    flagged = np.asarray(below, dtype=bool)
    if flagged.any():
        top = np.fmax(fact_arr, np.nan_to_num(plan_arr))[flagged]
        ax.scatter(x[flagged], top * 1.04, marker="v", s=18, color=ALERT, label=legend[2], zorder=4)
    ax.step(
        np.concatenate([x - 0.5, [x[-1] + 0.5]]) if len(x) else x,
        np.concatenate([plan_arr, plan_arr[-1:]]) if len(x) else plan_arr,
        where="post",
        color=INK,
        linewidth=1.6,
        label=legend[0],
        zorder=3,
    )
    step = max(1, int(np.ceil(len(labels) / 20)))
    ax.set_xticks(x[::step])
    ax.set_xticklabels(
        list(labels)[::step],
        rotation=60 if rotate else 0,
        ha="right" if rotate else "center",
        fontsize=7 if rotate else 8,
    )
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.money(v, compact=True)))
    ax.set_xlim(-0.6, len(x) - 0.4)
    ax.set_ylim(0, max(np.nanmax(np.concatenate([fact_arr, plan_arr, [0.0]])) * 1.12, 1.0))
    handles, names = ax.get_legend_handles_labels()
    order = sorted(range(len(names)), key=lambda i: list(legend).index(names[i]))
    ax.legend(
        [handles[i] for i in order],
        [names[i] for i in order],
        loc="lower left",
        bbox_to_anchor=(0, 1.0),
        ncols=3,
        borderaxespad=0.3,
    )
    return ax


def activity_heatmap(weekly: pd.DataFrame, fmt: Formatter, ax: Axes | None = None) -> Axes:
    """Managers x weeks: number of actions each week; empty weeks stand out."""
    matrix = weekly.T
    ax = ax or new_axes(height=0.32 * len(matrix) + 1.0)
    labels = [fmt.week(w) for w in weekly.index]
    heatmap(ax, matrix.astype(float), "Blues", linewidths=0.5, xticklabels=labels)
    zero = matrix.to_numpy() == 0
    for r, c in zip(*np.nonzero(zero), strict=True):
        ax.add_patch(plt.Rectangle((c, r), 1, 1, fill=False, edgecolor=ALERT, linewidth=1.0))
    ax.set_xlabel("")
    ax.set_ylabel("")
    step = max(1, len(labels) // 13)
    ax.set_xticks(np.arange(0, len(labels), step) + 0.5)
    ax.set_xticklabels(labels[::step], rotation=60, ha="right", fontsize=7)
    ax.tick_params(axis="y", labelrotation=0)
    return ax


def funnel_plot_grid(
    panels: Sequence[tuple],
    fmt: Formatter,
    x_label: str,
    y_label: str,
) -> Axes:
    """Small multiples of funnel plots: one panel per (title, names, successes, trials, rate, flags) and,
    optionally, each group's own limits against the rest as a seventh element."""
    use_report_style()
    cols = 2
    rows = int(np.ceil(len(panels) / cols)) or 1
    fig, axes = plt.subplots(rows, cols, figsize=(FULL_WIDTH, 2.3 * rows), squeeze=False)
    for i, (title, names, successes, trials, rate, flags, *own) in enumerate(panels):
        ax = axes[i // cols][i % cols]
        funnel_plot(
            names,
            successes,
            trials,
            rate,
            fmt,
            x_label if i // cols == rows - 1 else "",
            y_label if i % cols == 0 else "",
            ax=ax,
            label=False,
            flags=flags,
            limits=own[0] if own else None,
        )
        ax.set_title(title, fontsize=7.5, loc="left")
        ax.tick_params(labelsize=6.5)
    for j in range(len(panels), rows * cols):
        axes[j // cols][j % cols].set_visible(False)
    fig.tight_layout(h_pad=0.8, w_pad=1.0)
    for i, (_, names, successes, trials, *_) in enumerate(panels):
        _, n, own = _rates(successes, trials)
        label_points(axes[i // cols][i % cols], *_named(names, n, own, flags), fontsize=6.5, avoid=[rate])
    return axes[0][0]


def _rates(successes: Sequence[float], trials: Sequence[float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Successes, trials and their ratio (NaN where there were no trials) as float arrays."""
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return k, n, np.where(n > 0, k / n, np.nan)


def funnel_plot(
    names: Sequence[str],
    successes: Sequence[float],
    trials: Sequence[float],
    rate: float,
    fmt: Formatter,
    x_label: str,
    y_label: str,
    ax: Axes | None = None,
    label: bool = True,
    flags: Sequence[str | None] | None = None,
    limits: Sequence[tuple[float | None, float | None]] | None = None,
) -> Axes:
    """Rate against volume with exact binomial limits (95% and 99.8%) around the department's rate.

    Points are coloured by the analysis's ``flags`` ("low", "high" or None), which also apply its
    minimum-deals rule; the chart draws the limits but decides nothing. ``limits``: each group's own 99.8%
    limits against the rest of the department, drawn as a bar through its point in place of the 99.8%
    curves. ``label=False`` leaves the points unnamed, for a caller that names them once its layout is final.
    """
    from workbench.analysis import stats

    ax = ax or new_axes(height=3.0)
    _, n, own = _rates(successes, trials)
    # Show the volumes the groups actually have: limits explode near zero deals and would flatten the rest.
    left = max(1.0, 0.6 * float(np.nanmin(n[n > 0]))) if (n > 0).any() else 1.0
    right = max(float(n.max()) * 1.1, left + 10)
    grid = np.unique(np.linspace(left, right, 160).round())
    lows, highs = [], []
    levels = ((stats.ALERT, ":"),) if limits is not None else ((stats.ALERT, ":"), (stats.ALARM, "--"))
    for level, style in levels:
        low, high = stats.funnel_limits(grid, rate, level)
        ax.plot(grid, low, color=MUTED, linestyle=style, linewidth=1)
        ax.plot(grid, high, color=MUTED, linestyle=style, linewidth=1)
        lows.append(low)
        highs.append(high)
    if limits is not None:
        bars = [
            (x, lo, hi) for x, (lo, hi) in zip(n, limits, strict=True) if lo is not None and hi is not None
        ]
        if bars:
            xs, lo, hi = (np.array(v, dtype=float) for v in zip(*bars, strict=True))
            ax.vlines(xs, lo, hi, color=MUTED, linewidth=2.2, alpha=0.55, zorder=2)
            lows.append(lo)
            highs.append(hi)
    ax.axhline(rate, color=INK, linewidth=1)
    colours = [{"low": ALERT, "high": GOOD}.get(flag or "", PRIMARY) for flag in (flags or [None] * len(n))]
    ax.scatter(n, own, s=36, color=colours, zorder=3)
    span = np.concatenate([own[np.isfinite(own)], lows[-1], highs[-1]])
    bottom, top = float(np.nanmin(span)), float(np.nanmax(span))
    pad = max((top - bottom) * 0.08, 0.005)
    ax.set_ylim(max(0.0, bottom - pad), min(1.0, top + pad))
    ax.set_xlim(left * 0.95, right)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.pct(v, 1 if top - bottom < 0.1 else 0)))
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    if label:
        label_points(ax, *_named(names, n, own, flags), avoid=[rate])
    return ax


MAX_NAMED = 12  # more names than this do not fit beside their points; the table beside the chart names all


def _named(
    names: Sequence[str], xs: np.ndarray, ys: np.ndarray, flags: Sequence[str | None] | None
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The points to name: all of them, or only those the analysis flags when there are too many."""
    if len(names) <= MAX_NAMED or flags is None:
        keep = np.arange(len(names)) if len(names) <= MAX_NAMED else np.array([], dtype=int)
    else:
        keep = np.array([i for i, flag in enumerate(flags) if flag], dtype=int)
    return [names[i] for i in keep], xs[keep], ys[keep]


def label_points(
    ax: Axes,
    names: Sequence[str],
    xs: np.ndarray,
    ys: np.ndarray,
    fontsize: float = 7,
    avoid: Sequence[float] = (),
) -> None:
    """Name each point, stacking labels of nearby points so that none overlaps another.

    Labels go to the right of their point, or to the left in the right third of the axes so they stay
    inside it; a label moved off its point's height gets a thin leader line back to the point. No label
    sits on a horizontal line at a height in ``avoid`` (the department's level): it moves just off it.
    """
    finite = np.isfinite(xs) & np.isfinite(ys)
    if not finite.any():
        return
    points = ax.transData.transform(np.column_stack([xs, ys]))  # pixels
    pixels_per_point = ax.figure.dpi / 72
    gap = fontsize * 1.35 * pixels_per_point
    box = ax.get_window_extent()
    left_side = points[:, 0] > box.x0 + box.width * 2 / 3
    for side in (False, True):
        chosen = np.flatnonzero(finite & (left_side == side))
        if not len(chosen):
            continue
        chosen = chosen[np.argsort(points[chosen, 1])]
        placed = points[chosen, 1].copy()
        for j in range(1, len(placed)):
            placed[j] = max(placed[j], placed[j - 1] + gap)
        # Centre each stack on its points, so a pushed-up stack does not drift off the cluster.
        placed -= max(0.0, (placed - points[chosen, 1]).mean())
        for j in range(1, len(placed)):
            placed[j] = max(placed[j], placed[j - 1] + gap)
        placed = _off_lines(placed, [ax.transData.transform((0, level))[1] for level in avoid], gap)
        for i, y in zip(chosen, placed, strict=True):
            shift = (y - points[i, 1]) / pixels_per_point
            ax.annotate(
                str(names[i]),
                (xs[i], ys[i]),
                textcoords="offset points",
                xytext=(-8 if side else 8, shift),
                ha="right" if side else "left",
                va="center",
                fontsize=fontsize,
                color=INK,
                path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")],
                arrowprops={"arrowstyle": "-", "color": MUTED, "linewidth": 0.5, "shrinkA": 0, "shrinkB": 3}
                if abs(shift) > fontsize / 2
                else None,
            )


def _off_lines(placed: np.ndarray, lines: Sequence[float], gap: float) -> np.ndarray:
    """Label heights (pixels, ascending, ``gap`` apart) moved off each line: a label crossing a line moves
    to the nearer side, and the labels beyond it move on to keep their spacing."""
    placed = placed.copy()
    clear = gap * 0.6
    for line in lines:
        for j in np.flatnonzero(np.abs(placed - line) < clear):
            if placed[j] >= line:
                placed[j] = line + clear
                for k in range(j + 1, len(placed)):
                    placed[k] = max(placed[k], placed[k - 1] + gap)
            else:
                placed[j] = line - clear
                for k in range(j - 1, -1, -1):
                    placed[k] = min(placed[k], placed[k + 1] - gap)
    return placed


def weekly_steps(rates: pd.DataFrame, left: pd.DataFrame, fmt: Formatter, min_exits: int = 5) -> Axes:
    """Small multiples: each step's weekly conversion (dots where enough deals left) and its 4-week mean."""
    use_report_style()
    steps = list(rates.columns)
    cols = 2
    rows = int(np.ceil(len(steps) / cols)) or 1
    # Every panel carries its own dates: a reader looks at one step, not at the bottom row.
    fig, axes = plt.subplots(rows, cols, figsize=(FULL_WIDTH, 1.75 * rows + 0.3), squeeze=False)
    x = np.arange(len(rates))
    labels = [fmt.week(w) for w in rates.index]
    for i, step in enumerate(steps):
        ax = axes[i // cols][i % cols]
        enough = left[step] >= min_exits
        y = rates[step].where(enough)
        ax.scatter(x, y, s=8, color=ACCENT, zorder=3)
        rolling = (rates[step] * left[step]).rolling(4, min_periods=1).sum() / left[step].rolling(
            4, min_periods=1
        ).sum()
        ax.plot(x, rolling, color=PRIMARY, linewidth=1.4)
        ax.set_title(f"{step} →", fontsize=7.5, loc="left")
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.pct(v, 0)))
        ax.tick_params(labelsize=6.5)
        ax.set_ylim(0, 1.02)
    for j in range(len(steps), rows * cols):
        axes[j // cols][j % cols].set_visible(False)
    step_every = max(1, len(labels) // 6)
    for ax in axes.flat[: len(steps)]:
        ax.set_xticks(x[::step_every])
        ax.set_xticklabels(labels[::step_every], rotation=45, ha="right", fontsize=6)
    fig.tight_layout(h_pad=0.6, w_pad=1.0)
    return axes[0][0]


def layer_radar(
    names: Sequence[str],
    scores: Sequence[float | None],
    evidence: Sequence[float | None],
    legend: tuple[str, str],
    not_assessed: str,
) -> Axes:
    """The 11 layers' scores (0-100) on a radar. A layer without a score is a gap in the outline, its
    name greyed and marked ``not_assessed``: unknown is not drawn as zero. ``evidence`` (the data's score,
    where the data speaks to a layer) is drawn as points."""
    use_report_style()
    fig = plt.figure(figsize=(6.2, 4.6))
    ax = fig.add_subplot(projection="polar")
    n = len(names)
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
    values = np.array([np.nan if s is None else s for s in scores], dtype=float)
    closed_a, closed_v = np.append(angles, angles[0]), np.append(values, values[0])
    ax.plot(closed_a, closed_v, color=PRIMARY, linewidth=1.8, label=legend[0], zorder=3)
    ax.fill(closed_a[~np.isnan(closed_v)], closed_v[~np.isnan(closed_v)], color=ACCENT, alpha=0.15)
    ax.scatter(angles, values, color=PRIMARY, s=14, zorder=4)
    data = np.array([np.nan if s is None else s for s in evidence], dtype=float)
    if not np.isnan(data).all():
        ax.scatter(angles, data, marker="D", color=WARN, s=18, zorder=5, label=legend[1])
    ax.set_theta_offset(np.pi / 2)
    ax.set_theta_direction(-1)
    ax.set_ylim(0, 100)
    ax.set_yticks([25, 50, 75, 100])
    # The scale between the first two layers' spokes, clear of their names; the outer ring is 100.
    ax.set_yticklabels(["25", "50", "75", ""], fontsize=6, color=MUTED)
    ax.set_rlabel_position(180 / n)
    ax.set_xticks(angles)
    labels = [
        "\n".join(textwrap.wrap(f"{i + 1}. {name}", 18)) + ("" if s is not None else f"\n({not_assessed})")
        for i, (name, s) in enumerate(zip(names, scores, strict=True))
    ]
    ax.set_xticklabels(labels, fontsize=7)
    for label, s, angle in zip(ax.get_xticklabels(), scores, angles, strict=True):
        if s is None:
            label.set_color(MUTED)
        # Each name grows away from the circle (to the right on the right half, upwards at the top...),
        # so that no name is crossed by the outer ring.
        x, y = np.sin(angle), np.cos(angle)
        side = "left" if x > 0.2 else "right" if x < -0.2 else "center"
        label.set_horizontalalignment(side)
        label.set_multialignment(side)
        label.set_verticalalignment("bottom" if y > 0.2 else "top" if y < -0.2 else "center")
    ax.tick_params(axis="x", pad=4)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=2, fontsize=7)
    return ax
