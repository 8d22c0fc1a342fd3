"""What the client receives: a self-contained HTML file and an A4 PDF with Cyrillic and the rouble sign."""

from __future__ import annotations

import io
import re
import shutil

import pytest
from pypdf import PdfReader

from workbench.app.run import run_audit

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report_dir(small_client, tmp_path_factory):
    out = tmp_path_factory.mktemp("render")
    return run_audit(small_client, out=out / "ru", as_of="2026-11-23").out_dir


@pytest.fixture(scope="module")
def html(report_dir) -> str:
    return (report_dir / "report.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module", params=["chromium", "weasyprint"])
def pdf(request, report_dir) -> PdfReader:
    """The report's PDF as each engine prints it (the run printed it with the one installed)."""
    import nbformat

    from workbench.render.exporters import WorkbenchHTMLExporter
    from workbench.render.pdf import html_to_pdf

    if request.param == "chromium":
        request.getfixturevalue("chromium")  # skips (or fails in CI) without a Chromium
    nb = nbformat.read(report_dir / "audit.ipynb", as_version=4)
    page, _ = WorkbenchHTMLExporter(live_scripts=False).from_notebook_node(nb)
    return PdfReader(io.BytesIO(html_to_pdf(page, engine=request.param)))


def test_html_is_self_contained(html):
    # its only scripts are inline: the live what-if's runtime and page script (see test_whatif_html.py)
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, re.IGNORECASE)
    assert len(re.findall(r"<script>", html)) == 3
    html = re.sub(r"<script>.*?</script>", "", html, flags=re.DOTALL)
    assert not re.search(r"<link[^>]+stylesheet", html, re.IGNORECASE)
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", html, re.IGNORECASE)
    assert not re.search(r"url\(\s*['\"]?https?:", html, re.IGNORECASE)
    assert "@import" not in html
    images = re.findall(r"<img[^>]+src=\"([^\"]+)\"", html)
    assert images and all(src.startswith("data:image/png;base64,") for src in images)


def test_html_has_no_code_prompts_or_tracebacks(html):
    for marker in (
        "Traceback",
        "In&nbsp;[",
        "Out[",
        "jp-InputArea",
        'class="input"',
        "highlight",
        "Report.from_parameters",
        "report.section(",
        "injected-parameters",
        "client_dir",
    ):
        assert marker not in html, marker


def test_html_is_russian_with_the_client_and_roubles(html):
    assert re.search(r'<html [^>]*lang="ru"', html)
    assert "ООО «Малый тест»" in html
    assert "₽" in html
    for section in (
        "Резюме для руководства",
        "Воронка продаж",
        "Клиентская база",
        "План и факт",
        "Приложение А. Методика",
        "Приложение Б. Качество данных",
    ):
        assert section in html


def test_pdf_is_a4_with_several_pages_and_the_text(pdf):
    reader = pdf
    assert len(reader.pages) > 5
    box = reader.pages[0].mediabox
    assert round(float(box.width)) == 595 and round(float(box.height)) == 842
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Малый тест" in text
    assert "₽" in text
    assert "Воронка продаж" in text
    cover = reader.pages[0].extract_text()
    assert "Стр." not in cover and cover.count("Конфиденциально") == 1  # no running header or footer text
    last = reader.pages[-1].extract_text()
    assert re.search(rf"Стр\.\s*{len(reader.pages)}\s*из\s*{len(reader.pages)}", last)
    assert reader.metadata.title == "Аудит системы продаж — ООО «Малый тест»"


def test_the_contents_give_the_page_each_section_starts_on(pdf):
    contents = pdf.pages[1].extract_text()
    assert "Содержание" in contents
    entries = re.findall(r"^(\S.*?)[\s.]*?(\d+)\s*$", contents, re.MULTILINE)
    entries = [(title.strip(" ."), int(number)) for title, number in entries if "Стр." not in title]
    assert len(entries) >= 8 and entries[0][0] == "Резюме для руководства", entries
    numbers = [number for _, number in entries]
    assert numbers == sorted(numbers) and numbers[0] == 3
    for title, number in entries:
        assert title in _joined(pdf.pages[number - 1].extract_text()), f"«{title}» is not on page {number}"


def test_the_pdf_has_bookmarks_for_the_sections(pdf):
    titles = [item.title for item in pdf.outline if not isinstance(item, list)]
    assert "Резюме для руководства" in titles and "Воронка продаж" in titles


def test_english_report(small_client, tmp_path):
    client = tmp_path / "client"
    shutil.copytree(small_client, client)
    out = run_audit(client, out=tmp_path / "en", locale="en", as_of="2026-11-23", formats=("html",)).out_dir
    assert sorted(p.name for p in out.iterdir()) == [
        "audit.ipynb",
        "class_d_customers.xlsx",
        "metrics.json",
        "quarantine.csv",
        "quarantine.xlsx",
        "report.html",
    ]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert re.search(r'<html [^>]*lang="en"', html)
    for text in ("Executive summary", "Sales funnel", "Appendix A. Method", "November 23, 2026"):
        assert text in html
    assert "Резюме" not in html


def _joined(text: str) -> str:
    """PDF text with its line breaks as spaces."""
    return re.sub(r"\s+", " ", text)


def test_pdf_forecasts_the_current_month(pdf):
    # The generated client's as-of date, 23 November 2026, falls in a month with plans and results so far.
    reader = pdf
    pages = [_joined(page.extract_text()) for page in reader.pages]
    page = next(i for i, text in enumerate(pages) if "Прогноз текущего месяца: ноябрь 2026" in text)
    text = pages[page] + pages[page + 1]
    assert "позади 14 рабочих дней месяца из 20" in text
    assert "Интервал 80 %" in text.replace("\u00a0", " ") and "Нужно в день" in text
    assert reader.pages[page].images or reader.pages[page + 1].images  # the chart per manager
    assert "Личных недельных планов в файле планов нет" in " ".join(pages)


def test_pdf_shows_each_managers_weekly_plans(weekly_client, tmp_path):
    out = run_audit(weekly_client, out=tmp_path / "weekly", as_of="2026-11-23", formats=("pdf",)).out_dir
    reader = PdfReader(out / "report.pdf")
    pages = [_joined(page.extract_text()) for page in reader.pages]
    page = next(i for i, text in enumerate(pages) if "Личные недельные планы" in text)
    assert "Каждая неделя менеджера сравнивается с его личным недельным планом" in pages[page]
    assert "Недели ниже порога" in pages[page] + pages[page + 1]
    assert reader.pages[page].images  # the heatmap of weeks x managers
    assert "Личных недельных планов в файле планов нет" not in " ".join(pages)
