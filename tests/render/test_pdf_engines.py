"""The two PDF engines: Chromium where one is installed (fast), WeasyPrint otherwise, and how one is chosen.

Both print the report's own HTML; what WeasyPrint computes from CSS that Chromium does not support (the
running strings, the contents' page numbers) is handed to Chromium, and checked here on a small page.
The full report printed by each engine is checked in test_report_files.py.
"""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from workbench.errors import ConfigError
from workbench.render.chromium import BrowserError
from workbench.render.pdf import ENGINE_ENV, html_to_pdf, pdf_engine
from workbench.render.pdf_chromium import print_page
from workbench.resources import nbconvert_templates_dir

SECTIONS = ("Резюме", "Воронка продаж", "Приложение А. Методика")


def small_report(client: str = "ООО «Малый тест»") -> str:
    """A page shaped like the report: a cover carrying the running strings, the contents, three sections
    (the second two pages long)."""
    from html import escape

    items = "".join(f'<li><a href="#s{i}">{escape(title)}</a></li>' for i, title in enumerate(SECTIONS))
    sections = "".join(
        f'<section class="wb-section" id="s{i}"><h1>{escape(title)}</h1>'
        + "<p>Текст раздела.</p>" * (90 if i == 1 else 3)
        + "</section>"
        for i, title in enumerate(SECTIONS)
    )
    style = (nbconvert_templates_dir() / "workbench_report" / "report.css").read_text(encoding="utf-8")
    return (
        f"<!DOCTYPE html><html lang='ru'><head><meta charset='utf-8'><title>Аудит — {escape(client)}</title>"
        f"<style>{style} body {{ margin: 0; }}</style></head><body><main class='wb-report'>"
        f'<section class="wb-cover" id="cover" data-client="{escape(client)}"'
        ' data-title="Аудит системы продаж" data-page="Стр." data-of="из"'
        ' data-confidential="Конфиденциально">'
        '<div class="wb-cover-band"></div>'
        f'<div class="wb-cover-body"><h1 class="wb-cover-client">{escape(client)}</h1></div></section>'
        f'<nav class="wb-toc" id="contents"><h2 class="wb-toc-title">Содержание</h2><ol>{items}</ol></nav>'
        f"{sections}</main></body></html>"
    )


# -- choosing the engine ----------------------------------------------------------------------------------


def test_auto_prints_with_chromium_where_one_is_installed(monkeypatch):
    monkeypatch.delenv(ENGINE_ENV, raising=False)
    monkeypatch.setattr("workbench.render.chromium.find_chromium", lambda: "/usr/bin/chromium")
    assert pdf_engine() == "chromium"
    monkeypatch.setattr("workbench.render.chromium.find_chromium", lambda: None)
    assert pdf_engine() == "weasyprint"
    assert pdf_engine("chromium") == "chromium"  # asked for by name: not second-guessed


def test_the_environment_chooses_and_a_wrong_name_is_refused(monkeypatch):
    monkeypatch.setenv(ENGINE_ENV, " WeasyPrint ")
    assert pdf_engine() == "weasyprint"
    assert pdf_engine("chromium") == "chromium"  # the command's option wins
    monkeypatch.setenv(ENGINE_ENV, "prince")
    with pytest.raises(
        ConfigError, match=r"WORKBENCH_PDF_ENGINE: .*auto, chromium, weasyprint, not 'prince'"
    ):
        pdf_engine()


class _FailingPrinter:
    def __init__(self) -> None:
        self.closed = False

    def print_pdf(self, html: str) -> bytes:
        raise BrowserError("Chromium did not start: exit status 1")

    def close(self) -> None:
        self.closed = True


def test_a_chromium_that_fails_falls_back_to_weasyprint_when_chosen_automatically(monkeypatch):
    monkeypatch.delenv(ENGINE_ENV, raising=False)
    monkeypatch.setattr("workbench.render.chromium.find_chromium", lambda: "/usr/bin/chromium")
    heard: list[str] = []
    printer = _FailingPrinter()
    pdf = html_to_pdf("<html><body><p>1</p></body></html>", heard.append, printer=printer)
    assert pdf.startswith(b"%PDF")
    assert heard == ["pdf_print", "pdf_fallback", "pdf_layout", "pdf_write:1"]
    assert not printer.closed  # the caller's printer: the caller closes it


def test_a_chromium_asked_for_by_name_that_fails_is_an_error(monkeypatch):
    with pytest.raises(BrowserError, match="did not start"):
        html_to_pdf("<html><body><p>1</p></body></html>", engine="chromium", printer=_FailingPrinter())


# -- what Chromium is given ---------------------------------------------------------------------------------


def test_the_running_strings_are_written_out_for_chromium_and_cannot_break_the_style():
    page = print_page(small_report('ООО "Кавычки" \\ </style><script>alert(1)</script>'))
    style = page[
        page.index("<style>@media print") : page.index("</style>", page.index("<style>@media print"))
    ]
    assert (
        '@top-left { content: "ООО \\"Кавычки\\" \\\\ \\3c /style>\\3c script>alert(1)\\3c /script>"; }'
        in style
    )
    assert '@top-right { content: "Аудит системы продаж"; }' in style
    assert '@bottom-right { content: "Стр." " " counter(page) " " "из" " " counter(pages); }' in style
    assert page.index("<style>@media print") < page.index("</head>")


def test_a_page_without_a_cover_gets_only_the_contents_rules():
    page = print_page("<html><head></head><body><p>1</p></body></html>")
    assert "@page" not in page and ".wb-toc a::after { content: attr(data-page)" in page


# -- printed by Chromium ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def printed(chromium) -> PdfReader:
    return PdfReader(io.BytesIO(html_to_pdf(small_report(), engine="chromium")))


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


@pytest.mark.slow
def test_chromium_numbers_the_contents_with_the_pages_the_sections_start_on(printed):
    contents = _lines(printed.pages[1].extract_text())
    for title in SECTIONS:
        entry = next(line for line in contents if line.startswith(title))
        number = int(re.fullmatch(rf"{re.escape(title)}\s*(\d+)", entry).group(1))
        assert title in printed.pages[number - 1].extract_text()
        assert title not in printed.pages[number - 2].extract_text() or number - 2 == 1  # not earlier
    numbers = [int(line.rsplit(" ", 1)[1]) for line in contents if line.startswith(SECTIONS)]
    assert numbers[0] == 3 and numbers[2] > numbers[1] + 1  # the second section fills more than a page


@pytest.mark.slow
def test_chromium_prints_the_running_header_and_footer_but_not_on_the_cover(printed):
    total = len(printed.pages)
    cover = printed.pages[0].extract_text()
    assert "Стр." not in cover and "Конфиденциально" not in cover and "Аудит системы продаж" not in cover
    for number, page in enumerate(printed.pages[1:], start=2):
        text = " ".join(page.extract_text().split())
        assert f"Стр. {number} из {total}" in text
        assert "ООО «Малый тест»" in text and "Аудит системы продаж" in text and "Конфиденциально" in text


@pytest.mark.slow
def test_chromium_delivers_a_tagged_pdf_with_bookmarks_a4_and_the_title(printed):
    assert [item.title for item in printed.outline if not isinstance(item, list)][-3:] == list(SECTIONS)
    assert "/StructTreeRoot" in printed.trailer["/Root"]
    box = printed.pages[0].mediabox
    assert round(float(box.width)) == 595 and round(float(box.height)) == 842
    assert printed.metadata.title == "Аудит — ООО «Малый тест»"


@pytest.mark.slow
def test_one_printer_prints_many_pages_and_starts_again_when_its_browser_died(chromium):
    import os
    import signal
    import time

    from workbench.render.pdf_chromium import ChromiumPrinter

    printer = ChromiumPrinter(chromium)
    try:
        first = PdfReader(io.BytesIO(printer.print_pdf(small_report("ООО «Первый»"))))
        second = PdfReader(io.BytesIO(printer.print_pdf(small_report("ООО «Второй»"))))
        assert "ООО «Первый»" in first.pages[2].extract_text()
        assert "ООО «Второй»" in second.pages[2].extract_text()
        browser = printer.browser()
        os.killpg(browser.pid, signal.SIGKILL)
        while browser.alive:
            time.sleep(0.05)
        third = PdfReader(io.BytesIO(printer.print_pdf(small_report("ООО «Третий»"))))
        assert "ООО «Третий»" in third.pages[2].extract_text()
    finally:
        printer.close()


@pytest.mark.slow
def test_what_the_draft_hides_is_shown_in_the_pdf_delivered_with_or_without_contents(chromium):
    from workbench.render.pdf_chromium import ChromiumPrinter

    printer = ChromiumPrinter(chromium)
    try:
        plain = PdfReader(
            io.BytesIO(printer.print_pdf("<html><head></head><body><p>Выручка</p></body></html>"))
        )
        assert "Выручка" in plain.pages[0].extract_text()  # no link, no destination: one draft, one print
        report = PdfReader(io.BytesIO(printer.print_pdf(small_report("ООО «Видимое»"))))
        assert all(page.extract_text().strip() for page in report.pages[1:])
    finally:
        printer.close()


def test_a_chromium_that_answers_nonsense_falls_back_too(monkeypatch):
    monkeypatch.delenv(ENGINE_ENV, raising=False)
    monkeypatch.setattr("workbench.render.chromium.find_chromium", lambda: "/usr/bin/chromium")

    class Garbled(_FailingPrinter):
        def print_pdf(self, html: str) -> bytes:
            raise KeyError("data")  # a reply without the PDF

    heard: list[str] = []
    assert html_to_pdf("<p>1</p>", heard.append, printer=Garbled()).startswith(b"%PDF")
    assert "pdf_fallback" in heard


def test_a_chromium_too_old_for_margin_boxes_is_refused(monkeypatch):
    from workbench.render import pdf_chromium

    assert pdf_chromium.major_version("HeadlessChrome/156.0.8078.108") == 156
    assert pdf_chromium.major_version("Chrome/120.0.6099.71") == 120
    assert pdf_chromium.major_version("something else") is None

    class Old:
        version = "HeadlessChrome/120.0.6099.71"

    printer = pdf_chromium.ChromiumPrinter.__new__(pdf_chromium.ChromiumPrinter)
    monkeypatch.setattr(printer, "browser", lambda: Old(), raising=False)
    with pytest.raises(BrowserError, match=r"HeadlessChrome/120.* Chromium 131 or later"):
        printer.print_pdf("<p>1</p>")


def test_a_wrong_engine_is_refused_in_the_clients_language(monkeypatch):
    from workbench.present.error_text import error_text
    from workbench.present.i18n import Messages

    monkeypatch.setenv(ENGINE_ENV, "prince")
    with pytest.raises(ConfigError) as refused:
        pdf_engine()
    assert error_text(Messages("ru"), refused.value) == (
        "WORKBENCH_PDF_ENGINE: движок PDF должен быть одним из: auto, chromium, weasyprint, а не «prince»"
    )
