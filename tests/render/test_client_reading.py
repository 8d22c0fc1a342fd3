"""The demo report as its client reads it: no consultant internals, tables inside the text block, a cover
without hidden text. The report's HTML is assembled from its sections (as the notebook does) with the
report's stylesheet and laid out with WeasyPrint, without running a notebook."""

from __future__ import annotations

import html as html_lib
import io
import re

import pytest

from workbench.render.report import Report
from workbench.resources import nbconvert_templates_dir

# Words of the consultant's tools: configuration files and keys, notebooks, the workbench's own terms.
INTERNAL_WORDS = (
    "client.yaml",
    ".ipynb",
    "блокнот",
    "notebook",
    "funnel.stage_aliases",
    "stage_aliases",
    "data.transactions",
    "merge_spellings",
    "abc.xyz",
    "abc.d_class",
    "hour_cost",
    "preset:",
    "workbench",
)


def report_html(audit, locale: str) -> str:
    """The client's HTML document: every section of the report with report.css inline."""
    css = (nbconvert_templates_dir() / "workbench_report" / "report.css").read_text(encoding="utf-8")
    body = "\n".join(section.html for section in Report(audit, locale).all())
    return (
        f'<!DOCTYPE html><html lang="{locale}"><head><meta charset="utf-8"><style>{css}</style></head>'
        f'<body><main class="wb-report">{body}</main></body></html>'
    )


def visible_text(document: str) -> str:
    text = re.sub(r"<style.*?</style>", " ", document, flags=re.DOTALL)
    text = re.sub(r"<[^>]+>", " ", text)
    return html_lib.unescape(text)


@pytest.fixture(scope="module", params=["ru", "en"])
def demo_report(request, demo_audit) -> tuple[str, str]:
    return request.param, report_html(demo_audit, request.param)


def test_the_client_report_names_no_configuration_or_notebook(demo_report):
    locale, document = demo_report
    text = visible_text(document).lower()
    found = {
        word: text[max(0, i - 60) : i + 40] for word in INTERNAL_WORDS if (i := text.find(word.lower())) >= 0
    }
    assert not found, f"{locale}: consultant internals in the client's report: {found}"


@pytest.fixture(scope="module")
def laid_out(demo_audit):
    import weasyprint

    return weasyprint.HTML(string=report_html(demo_audit, "ru")).render()


def _boxes(box):
    yield box
    for child in getattr(box, "children", []) or []:
        yield from _boxes(child)


@pytest.mark.slow
def test_no_table_is_wider_than_the_text_block(laid_out):
    from weasyprint.formatting_structure.boxes import TableBox

    too_wide = []
    for number, page in enumerate(laid_out.pages, start=1):
        page_box = page._page_box
        right = page_box.content_box_x() + page_box.width
        for box in _boxes(page_box):
            if isinstance(box, TableBox):
                overflow = box.border_box_x() + box.border_width() - right
                if overflow > 1:  # CSS px; 1 px = 0,26 mm
                    first = next((b.text for b in _boxes(box) if getattr(b, "text", None)), "")
                    too_wide.append(
                        f"p. {number}: a table starting «{first}» is {overflow * 0.2646:.1f} mm too wide"
                    )
    assert not too_wide, "\n".join(too_wide)


@pytest.mark.slow
def test_no_table_leaves_a_single_row_on_a_page(laid_out):
    """A table split over pages keeps at least two rows on each (its header row repeats on each page)."""
    from weasyprint.formatting_structure.boxes import TableBox, TableRowBox, TableRowGroupBox

    stranded = []
    for number, page in enumerate(laid_out.pages, start=1):
        for box in _boxes(page._page_box):
            if not isinstance(box, TableBox):
                continue
            groups = [g for g in box.children if isinstance(g, TableRowGroupBox)]
            body = [r for g in groups if not g.is_header for r in g.children if isinstance(r, TableRowBox)]
            tags = [str(e.tag).rsplit("}", 1)[-1] for e in box.element.iter()]
            rows = tags.count("tr")
            if len(body) == 1 and rows > 2:
                first = next((b.text for b in _boxes(box) if getattr(b, "text", None)), "")
                stranded.append(f"p. {number}: one row of the table starting «{first}»")
            if "thead" in tags and body and not any(g.is_header for g in groups):
                stranded.append(f"p. {number}: a table continues without its header row")
    assert not stranded, "\n".join(stranded)


@pytest.mark.slow
def test_the_cover_carries_no_running_header_or_footer_text(laid_out):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(laid_out.write_pdf()))
    cover = reader.pages[0].extract_text()
    assert "Стр." not in cover
    assert "Аудит системы продаж" not in cover  # the running title; the cover's kicker is in capitals
    assert cover.count("Конфиденциально") == 1  # the cover's own note only
    assert cover.count("Промтехснаб") == 1
    assert re.search(r"Стр\.\s*2\s*из", reader.pages[1].extract_text())


def test_every_class_d_customer_reaches_the_client(demo_audit, tmp_path):
    """The customer section shows the largest few; Appendix C and the workbook beside the report list all."""
    import openpyxl

    from workbench.present.d_class_list import D_CLASS_XLSX
    from workbench.render import files

    assert files.D_CLASS_XLSX == D_CLASS_XLSX
    d = demo_audit.customers.d_class
    assert d.count > 10
    report = Report(demo_audit, "ru")
    appendix = report.section("appendix_d_class").html
    assert "Приложение В. Клиенты класса D" in appendix
    assert appendix.count("<tr>") == d.count + 1  # the heading row and one row per customer
    last = demo_audit.customers.name(d.customers["id"].iloc[-1])
    assert html_lib.escape(last, quote=False) in appendix
    assert D_CLASS_XLSX in report.section("customers").html

    written = report.write_outputs(tmp_path)
    assert tmp_path / D_CLASS_XLSX in written
    sheet = openpyxl.load_workbook(tmp_path / D_CLASS_XLSX).active
    rows = list(sheet.values)
    assert rows[0] == ("Клиент", "Выручка", "Маржа", "Последняя покупка", "ABC", "Почему D")
    assert len(rows) == d.count + 1
    assert rows[-1][0] == last and isinstance(rows[-1][1], float | int)


@pytest.mark.parametrize(("template", "empty"), [("plan.html.j2", "plan"), ("activity.html.j2", "activity")])
def test_a_section_that_only_says_it_is_empty_does_not_take_a_page(template, empty):
    from workbench.present.html import render
    from workbench.present.i18n import Messages

    html = render(template, Messages("ru"), **{empty: None}).html
    assert 'class="wb-section wb-flow"' in html
    css = (nbconvert_templates_dir() / "workbench_report" / "report.css").read_text(encoding="utf-8")
    assert re.search(r"\.wb-section\.wb-flow \{ break-before: auto;", css)
