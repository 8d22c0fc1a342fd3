"""The report's heatmaps, drawn on matplotlib alone, are pixel for pixel what seaborn's heatmap drew."""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import seaborn as sns
from matplotlib.colors import TwoSlopeNorm

from workbench.present import charts
from workbench.present.heatmap import heatmap

# seaborn's own heatmap, the reference here, still calls a colour map's set_bad
pytestmark = pytest.mark.filterwarnings("ignore:The set_bad function:PendingDeprecationWarning")

RATES = pd.DataFrame(
    [[0.42, 0.18, np.nan, 0.61], [0.35, 0.22, 0.50, np.nan], [0.51, 0.09, 0.44, 0.58]],
    index=pd.Index(["Анна", "Борис", "Вера"], name="manager"),
    columns=pd.Index(["Квалификация", "Встреча", "КП", "Счёт"], name="step"),
)
LABELS = RATES.map(lambda v: "" if pd.isna(v) else f"{v:.0%} ▲").to_numpy()


def png(draw) -> bytes:
    charts.use_report_style()
    fig, ax = plt.subplots(figsize=(5, 2.5))
    draw(ax)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="x", labelrotation=30)
    ax.tick_params(axis="y", labelrotation=0)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=100, metadata={"Software": None})
    plt.close(fig)
    return out.getvalue()


CENTRED = {"center": 0, "vmin": -0.3, "vmax": 0.3}
SMALL = {"fontsize": 7.5, "color": charts.INK}
AT_THE_BOTTOM = {"fontsize": 6.5, "color": charts.INK, "va": "bottom"}
WEEKS = ["w1", "w2", "w3", "w4"]


def centred_by_seaborn(ax):
    sns.heatmap(RATES - 0.4, annot=LABELS, fmt="", cmap=charts.CONVERSION_CMAP, cbar=False, linewidths=1,
                linecolor="white", annot_kws=SMALL, ax=ax, **CENTRED)  # fmt: skip


def centred_here(ax):
    heatmap(
        ax, RATES - 0.4, charts.CONVERSION_CMAP, labels=LABELS, label_style=SMALL, linewidths=1, **CENTRED
    )


def normed_by_seaborn(ax):
    sns.heatmap(RATES * 2, annot=LABELS, fmt="", cmap=charts.CONVERSION_CMAP, cbar=False, linewidths=0.5,
                norm=TwoSlopeNorm(vmin=0.0, vcenter=1.0, vmax=1.5), linecolor="white",
                annot_kws=AT_THE_BOTTOM, ax=ax)  # fmt: skip


def normed_here(ax):
    heatmap(ax, RATES * 2, charts.CONVERSION_CMAP, labels=LABELS, label_style=AT_THE_BOTTOM, linewidths=0.5,
            norm=TwoSlopeNorm(vmin=0.0, vcenter=1.0, vmax=1.5))  # fmt: skip


def counts_by_seaborn(ax):
    sns.heatmap(RATES.fillna(0) * 40, cmap="Blues", cbar=False, linewidths=0.5, linecolor="white", ax=ax,
                xticklabels=WEEKS)  # fmt: skip


def counts_here(ax):
    heatmap(ax, RATES.fillna(0) * 40, "Blues", linewidths=0.5, xticklabels=WEEKS)


CASES = {
    "centred, labelled, empty cells": (centred_by_seaborn, centred_here),
    "a norm, labels at the bottom": (normed_by_seaborn, normed_here),
    "a named colour map, its range from the data, tick labels given": (counts_by_seaborn, counts_here),
}


@pytest.mark.parametrize("case", CASES)
def test_the_heatmap_is_seaborns_pixel_for_pixel(case):
    seaborns, ours = CASES[case]
    assert png(ours) == png(seaborns)
