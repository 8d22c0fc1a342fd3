"""Slider readouts in the report's locale.

ipywidgets formats a slider's readout with a d3 format string in the browser (``557.46``,
``135158.88``), which cannot follow the client's locale. A slider here hides that readout and shows
a label beside it, formatted by the report's :class:`~workbench.present.fmt.Formatter` and kept in step
with the slider's value.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets


def readout(slider: widgets.FloatSlider, show: Callable[[float], str]) -> widgets.HBox:
    """``slider`` (its own readout hidden) with a label showing ``show(value)``, updated as it moves."""
    slider.readout = False
    label = widgets.Label(show(slider.value), layout=widgets.Layout(min_width="110px"))

    def update(change: dict[str, object]) -> None:
        label.value = show(float(change["new"]))  # type: ignore[arg-type]

    slider.observe(update, names="value")
    return widgets.HBox([slider, label])
