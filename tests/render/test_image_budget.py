"""The report's embedded charts stay light: report.html must keep room for the scripts it will carry."""

from __future__ import annotations

import base64
import io
import re

import pytest
from PIL import Image

from workbench.present.charts import DPI, PALETTE_COLOURS, palette_png
from workbench.render.report import Report

# The demo's charts, as base64 text in report.html: the whole file stays under 1.5 MB with the live
# what-if's 0.53 MB of scripts in it (tests/render/test_whatif_html.py checks the whole file). 0.91 MB as
# full-colour PNGs; about 0.31 MB as palette PNGs at the same resolution.
IMAGE_BUDGET = 400_000
DATA_URI = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=]+)")


@pytest.fixture(scope="module")
def demo_charts(demo_audit) -> list[str]:
    html = "".join(section.html for section in Report(demo_audit, "ru").all())
    return DATA_URI.findall(html)


def test_the_demo_charts_fit_the_budget(demo_charts):
    assert len(demo_charts) >= 10
    size = sum(len(chart) for chart in demo_charts)
    assert size <= IMAGE_BUDGET, (
        f"the demo report's charts take {size:,} bytes of HTML, over {IMAGE_BUDGET:,}"
    )


def test_charts_are_palette_pngs_at_print_resolution(demo_charts):
    for chart in demo_charts:
        image = Image.open(io.BytesIO(base64.b64decode(chart)))
        assert image.mode == "P" and len(image.getcolors()) <= PALETTE_COLOURS
        assert round(image.info["dpi"][0]) == DPI
        assert image.width >= 700  # printed at the page's width: about 150 pixels an inch


def test_a_palette_png_keeps_flat_colours_exact_and_transparency_white():
    image = Image.new("RGBA", (60, 20), (0, 0, 0, 0))
    image.paste((31, 78, 121, 255), (20, 0, 40, 20))  # the report's primary blue
    image.paste((192, 57, 43, 255), (40, 0, 60, 20))
    out = Image.open(io.BytesIO(palette_png(image))).convert("RGB")
    assert [out.getpixel((x, 10)) for x in (5, 30, 50)] == [(255, 255, 255), (31, 78, 121), (192, 57, 43)]
