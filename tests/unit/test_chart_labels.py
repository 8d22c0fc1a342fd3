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


def test_no_name_sits_on_the_department_line():
    """The department's level is a line across the plot: a name on it reads as struck through."""
    rate = float(SUCCESSES.sum() / TRIALS.sum())
    ax = charts.funnel_plot(NAMES, SUCCESSES, TRIALS, rate, Formatter("ru"), "", "")
    line_y = ax.transData.transform((0, rate))[1]
    for name, box in label_boxes(ax).items():
        assert not (box.y0 < line_y < box.y1), f"the department line crosses {name!r}"
    assert_readable(ax, NAMES)


def test_plan_charts_draw_the_fact_in_one_colour_and_the_legend_above_the_plot():
    from matplotlib.colors import to_hex

    ax = charts.plan_fact_chart(
        ["янв.", "февр.", "март"],
        [100.0, 100.0, 100.0],
        [80.0, 120.0, 95.0],
        Formatter("ru"),
        ("План", "Факт", "Выполнение ниже 90 %"),
        [True, False, False],
    )
    assert {to_hex(bar.get_facecolor()) for bar in ax.patches} == {charts.ACCENT}
    legend = ax.get_legend()
    assert [text.get_text() for text in legend.get_texts()] == ["План", "Факт", "Выполнение ниже 90 %"]
    ax.figure.canvas.draw()
    assert (
        legend.get_window_extent().y0 >= ax.get_window_extent().y1 - 1
    )  # above the plot: no line crosses it


def test_every_weekly_panel_has_its_dates():
    import pandas as pd

    weeks = pd.date_range("2026-06-01", periods=12, freq="W-MON")
    steps = ["Звонок", "Встреча", "Предложение"]
    rates = pd.DataFrame(0.5, index=weeks, columns=steps)
    left = pd.DataFrame(10, index=weeks, columns=steps)
    first = charts.weekly_steps(rates, left, Formatter("ru"))
    panels = [ax for ax in first.figure.axes if ax.get_visible()]
    assert len(panels) == 3
    for ax in panels:
        assert [label.get_text() for label in ax.get_xticklabels() if label.get_text()], ax.get_title()


def test_with_many_points_only_the_flagged_ones_are_named():
    names = [f"Менеджер {i:02d}" for i in range(30)]
    trials = np.linspace(100, 600, 30)
    wins = (trials * 0.6).round()
    wins[3] = 20  # far below
    flags = [None] * 30
    flags[3] = "low"
    ax = charts.funnel_plot(names, wins, trials, 0.6, Formatter("ru"), "", "", flags=flags)
    assert_readable(ax, ["Менеджер 03"])


def test_no_gap_to_the_department_is_shown_neutral():
    import pandas as pd

    rates = pd.DataFrame({"Звонок →": [1.0, 1.0]}, index=["А", "Б"])
    ax = charts.conversion_heatmap(rates, rates.map(lambda _: ""), Formatter("ru"), department=rates.iloc[0])
    mesh = ax.collections[0]
    low, high = mesh.get_clim()
    assert low < 0 < high and low == -high
