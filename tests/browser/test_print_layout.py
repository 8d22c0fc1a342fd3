"""The report as Chromium prints it: every table fits the A4 text block (the WeasyPrint layout is checked
box by box in tests/render/test_client_reading.py)."""

from __future__ import annotations

import pytest
from exported_report import export_html

pytestmark = pytest.mark.browser

# A4 less the page's side margins (report.css: @page margin 20mm 17mm)
TEXT_BLOCK_MM = 210 - 2 * 17

TOO_WIDE = """(() => {
  const right = document.querySelector(".wb-report").getBoundingClientRect().right;
  return [...document.querySelectorAll("table")]
    .filter(table => table.offsetParent !== null)
    .map(table => ({
      overflow: table.getBoundingClientRect().right - right,
      first: (table.querySelector("th, td") || table).textContent.trim().slice(0, 40),
    }))
    .filter(table => table.overflow > 1);
})()"""


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_no_table_is_wider_than_the_printed_text_block(demo_audit, open_page, tmp_path, locale):
    path = export_html(demo_audit, locale, tmp_path / "report.html", interactive=False)
    with open_page(path) as page:
        page.emulate_print(TEXT_BLOCK_MM)
        assert page.evaluate("document.documentElement.scrollWidth") <= round(TEXT_BLOCK_MM / 25.4 * 96) + 1
        too_wide = page.evaluate(TOO_WIDE)
        page.settle()
        assert page.problems == []
    assert not too_wide, "\n".join(
        f"a table starting «{t['first']}» is {t['overflow'] * 25.4 / 96:.1f} mm too wide" for t in too_wide
    )
