"""Point labels on the funnel plots: every point named once, no two names overlapping, all inside the axes."""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.text import Text

from workbench.present import charts
from workbench.present.fmt import Formatter

# Six managers with almost the same volume and conversion: the case that used to print names over names.
NAMES = [
    "Анна Соколова",
    "Дмитрий Волков",
    "Елена Морозова",
    "Игорь Петров",
    "Мария Кузнецова",
    "Сергей Новиков",
]
TRIALS = np.array([805, 812, 808, 828, 783, 795])
SUCCESSES = np.array([16, 21, 22, 12, 16, 20])


def label_boxes(ax) -> dict[str, object]:
    """Each name's own box: ``Text.get_window_extent``, since an annotation's box also holds its leader."""
    ax.figure.canvas.draw()  # an annotation takes its place on the page only when drawn
    renderer = ax.figure.canvas.get_renderer()
    return {text.get_text(): Text.get_window_extent(text, renderer) for text in ax.texts}


def assert_readable(ax, names: list[str]) -> None:
    boxes = label_boxes(ax)
    assert sorted(boxes) == sorted(names)
    for (a, box_a), (b, box_b) in itertools.combinations(boxes.items(), 2):
        assert not box_a.overlaps(box_b), f"{a!r} overlaps {b!r}"
    frame = ax.get_window_extent()
    for name, box in boxes.items():
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1, f"{name!r} runs out of the plot"


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_clustered_points_get_separate_labels():
    ax = charts.funnel_plot(NAMES, SUCCESSES, TRIALS, 0.022, Formatter("ru"), "сделок", "конверсия")
    assert_readable(ax, NAMES)


def test_every_panel_of_the_grid_is_labelled_after_its_final_layout():
    panels = [
        ("A", NAMES, SUCCESSES, TRIALS, 0.022, [None] * len(NAMES)),
        ("B", NAMES[:3], [5, 50, 9], [30, 400, 60], 0.1, ["low", None, "high"]),
    ]
    first = charts.funnel_plot_grid(panels, Formatter("ru"), "сделок", "конверсия")
    axes = first.figure.axes
    assert_readable(axes[0], NAMES)
    assert_readable(axes[1], NAMES[:3])


def test_a_moved_label_is_tied_to_its_point_by_a_leader_line():
    ax = charts.funnel_plot(NAMES, SUCCESSES, TRIALS, 0.022, Formatter("ru"), "", "")
    leaders = [text for text in ax.texts if getattr(text, "arrow_patch", None) is not None]
    # Six points inside a few pixels of each other cannot all keep their own height.
    assert leaders


def test_points_are_coloured_by_the_analysis_flags_not_by_the_chart():
    # 2 of 200 lies far outside the limits around 22%, but without the analysis's flag it is not marked.
    names, wins, trials = ["A", "B", "C"], [2, 40, 45], [200, 200, 200]
    plain = charts.funnel_plot(names, wins, trials, 0.22, Formatter("ru"), "", "", label=False)
    colours = [tuple(c) for c in plain.collections[0].get_facecolors()]
    assert len(set(colours)) == 1
    flagged = charts.funnel_plot(
        names, wins, trials, 0.22, Formatter("ru"), "", "", label=False, flags=["low", None, "high"]
    )
    colours = [tuple(c) for c in flagged.collections[0].get_facecolors()]
    assert len(set(colours)) == 3
