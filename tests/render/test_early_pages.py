"""The report's pages built once the notebook's last section has run: printed while the kernel writes
metrics.json, kept only when they are the pages of the finished notebook."""

from __future__ import annotations

from typing import ClassVar

import nbformat
import pytest

from workbench.app import run as run_module
from workbench.render.early import EarlyPages, EarlyPdf, last_section_source


@pytest.fixture
def notebook(tmp_path):
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Аудит"),
            nbformat.v4.new_code_cell('report = Report.from_parameters("x")'),
            nbformat.v4.new_code_cell('report.section("cover")'),
            nbformat.v4.new_code_cell('report.section("actions")'),
            nbformat.v4.new_code_cell("report.write_outputs(output_dir)"),
        ]
    )
    path = tmp_path / "audit.ipynb"
    nbformat.write(nb, str(path))
    return path


def executed(source: str, text: str | None = None, error: bool = False):
    cell = nbformat.v4.new_code_cell(source)
    if text is not None:
        cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": text})]
    if error:
        cell.outputs = [nbformat.v4.new_output("error", ename="ValueError", evalue="x", traceback=[])]
    return cell


def run_cells(pages: EarlyPages, cells) -> None:
    for index, cell in enumerate(cells):
        pages.on_cell_executed(cell=cell, cell_index=index, execute_reply={})


def test_the_pages_are_built_once_right_after_the_last_section(notebook):
    built, ready = [], []

    def pages(nb):
        built.append([cell.source for cell in nb.cells])
        return "<screen>", "<print>"

    early = EarlyPages(notebook, pages, lambda page, printed: ready.append((page, printed)))
    cells = [
        executed('report = Report.from_parameters("x")'),
        executed('report.section("cover")', "<section>cover</section>"),
        executed('report.section("actions")', "<section>actions</section>"),
    ]
    run_cells(early, cells)
    assert built == [[c.source for c in cells]] and ready == [("<screen>", "<print>")]
    early.on_cell_executed(cell=executed("report.write_outputs(output_dir)"), cell_index=3)
    assert len(built) == 1  # not again
    assert last_section_source(notebook) == 'report.section("actions")'


def test_a_failed_cell_or_a_failing_build_starts_nothing(notebook):
    ready = []
    failed = EarlyPages(notebook, lambda nb: ("a", "b"), lambda *pages: ready.append(pages))
    run_cells(
        failed, [executed('report.section("cover")', error=True), executed('report.section("actions")')]
    )

    def broken(nb):
        raise ValueError("a page that cannot be built early is built from the finished notebook")

    refused = EarlyPages(notebook, broken, lambda *pages: ready.append(pages))
    run_cells(refused, [executed('report.section("actions")', "<section/>")])
    assert ready == [] and failed.built is None and refused.built is None


class FakeJob:
    started: ClassVar[list[FakeJob]] = []

    def __init__(self, html, path, progress, engine, printer):
        self.html, self.progress, self.waited = html, progress, False
        progress("pdf_print")
        FakeJob.started.append(self)

    def wait(self):
        self.waited = True
        return 0.1


def test_the_pdf_started_early_is_kept_only_for_the_same_page(monkeypatch, tmp_path):
    monkeypatch.setattr("workbench.render.pdf.PdfJob", FakeJob)
    said = []
    same = EarlyPdf(tmp_path / "audit.ipynb", tmp_path / "report.pdf", None, None)
    same._start("<screen>", "<print>")
    job = same.adopt("<print>", said.append)
    assert job is FakeJob.started[-1] and said == ["pdf_print"]  # what it said before, said now
    job.progress("pdf_fallback")
    assert said == ["pdf_print", "pdf_fallback"]

    other = EarlyPdf(tmp_path / "audit.ipynb", tmp_path / "report.pdf", None, None)
    other._start("<screen>", "<print, but not the final one>")
    stale = FakeJob.started[-1]
    assert other.adopt("<print>", said.append) is None and stale.waited  # the caller prints again
    assert (
        EarlyPdf(tmp_path / "audit.ipynb", tmp_path / "r.pdf", None, None).adopt("<print>", said.append)
        is None
    )


@pytest.mark.slow
def test_an_audit_prints_the_pdf_started_after_the_last_section(monkeypatch, small_client, tmp_path):
    adopted = []
    adopt = EarlyPdf.adopt

    def watched(self, print_page, step):
        job = adopt(self, print_page, step)
        adopted.append(job is not None)
        return job

    monkeypatch.setattr(EarlyPdf, "adopt", watched)
    result = run_module.run_audit(small_client, out=tmp_path / "out", as_of="2026-11-23")
    assert adopted == [True] and result.files["report.pdf"].stat().st_size > 100_000
