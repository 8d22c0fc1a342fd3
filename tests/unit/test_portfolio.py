"""The portfolio: rows from metrics.json documents, the previous audit, the page and the CSV."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from workbench.analysis.portfolio import at_stake, failed_row, portfolio_row, sorted_rows
from workbench.io.reports import previous_metrics
from workbench.present.portfolio import portfolio_page
from workbench.render.metrics import build_metrics
from workbench.render.portfolio import PORTFOLIO_CSV, PORTFOLIO_HTML, write_portfolio


@pytest.fixture(scope="module")
def document(demo_audit) -> dict:
    """The demo's metrics.json document, as JSON would give it back."""
    return json.loads(json.dumps(build_metrics(demo_audit, {"as_of": "2026-11-23"})))


def _variant(document: dict, slug: str, name: str, scale: float, as_of: str = "2026-11-23") -> dict:
    """A copy of the document with every money figure of the findings and the revenue scaled."""
    other = copy.deepcopy(document)
    other["client"] |= {"slug": slug, "name": name}
    other["run"]["as_of"] = as_of
    other["summary"]["revenue_won"]["per_month"] *= scale
    for finding in other["findings"]:
        if finding["impact_per_month"] is not None:
            finding["impact_per_month"] *= scale
    return other


def test_row_takes_the_figures_of_metrics_json(document):
    row = portfolio_row(document, report="/x/report.html")
    summary = document["summary"]
    assert row.revenue_per_month == summary["revenue_won"]["per_month"]
    assert row.revenue_rule == summary["revenue_won"]["rule"] == "won_in_period"
    assert row.win_rate == summary["win_rate"]
    assert (row.period_start, row.period_end) == ("2026-01-01", "2026-09-30")
    money = [f["impact_per_month"] for f in document["findings"] if f["impact_per_month"] is not None]
    assert row.at_stake == pytest.approx(sum(money))
    assert [f.impact_per_month for f in row.top_findings] == sorted(money, reverse=True)[:3]
    assert row.top_findings[0].title == next(
        f["title"] for f in document["findings"] if f["impact_per_month"] == max(money)
    )
    # the bottleneck is the first of funnel.bottlenecks, and the step leads to the next stage
    first = document["funnel"]["bottlenecks"][0]
    assert row.bottleneck_stage == first["stage"]
    assert row.bottleneck_next == document["funnel"]["stages"][first["index"] + 1]["stage"]
    assert row.change is None and row.ok


def test_change_since_the_previous_audit(document):
    previous = _variant(document, "demo", "x", 0.5, as_of="2026-08-01")
    row = portfolio_row(document, previous)
    assert row.change is not None and row.change.previous_as_of == "2026-08-01"
    assert row.change.revenue_per_month == pytest.approx(document["summary"]["revenue_won"]["per_month"] / 2)
    assert row.change.at_stake == pytest.approx(at_stake(document) / 2)
    assert row.change.win_rate == pytest.approx(0.0)


def test_unknown_figures_stay_unknown(document):
    bare = copy.deepcopy(document)
    bare["summary"] = None
    bare["findings"] = [f | {"impact_per_month": None} for f in bare["findings"]]
    bare["funnel"]["bottlenecks"] = []
    row = portfolio_row(bare, previous=document)
    assert row.revenue_per_month is None and row.win_rate is None and row.at_stake is None
    assert row.bottleneck_stage is None and row.top_findings == ()
    assert row.change.revenue_per_month is None and row.change.at_stake is None
    html = portfolio_page([row], "en", dt.date(2026, 11, 23))
    assert "no finding with a money estimate" in html
    assert "0 ₽" not in html and "₽0" not in html


def test_rows_sort_by_money_revenue_and_name_with_unknown_last(document):
    big = portfolio_row(_variant(document, "big", "Яблоко", 3.0))
    small = portfolio_row(_variant(document, "small", "Арбуз", 0.1))
    unknown = portfolio_row({**_variant(document, "none", "Вишня", 1.0), "findings": []})
    rows = [small, unknown, big]
    assert [r.slug for r in sorted_rows(rows, "money")] == ["big", "small", "none"]
    assert [r.slug for r in sorted_rows(rows, "revenue")] == ["big", "none", "small"]
    assert [r.slug for r in sorted_rows(rows, "name")] == ["small", "none", "big"]


def test_page_is_self_contained_and_pre_sorted(document, tmp_path):
    big = portfolio_row(
        _variant(document, "big", "Яблоко", 3.0), report=str(tmp_path / "big" / "report.html")
    )
    small = portfolio_row(_variant(document, "small", "Арбуз", 0.1))
    failed = failed_row("broken", "client.yaml: name: expected text")
    html = portfolio_page([small, failed, big], "ru", dt.date(2026, 11, 23), page_dir=tmp_path)
    assert "<script" not in html and "http" not in html and "src=" not in html
    # three views; the default (by money) comes last so that a chosen view can hide it
    sections = [part.split(">")[0] for part in html.split('<section class="view')[1:]]
    assert sections == ['" id="by-revenue"', '" id="by-name"', ' default" id="by-money"']
    money_view = html.split('id="by-money"')[1]
    assert money_view.index("Яблоко") < money_view.index("Арбуз") < money_view.index("broken")
    name_view = html.split('id="by-name"')[1].split("</section>")[0]
    assert name_view.index("Арбуз") < name_view.index("Яблоко")
    assert 'href="big/report.html"' in html
    assert "client.yaml: name: expected text" in html
    assert "выручка выигранных сделок" in html.lower()


def test_english_page(document):
    html = portfolio_page([portfolio_row(document)], "en", dt.date(2026, 11, 23))
    assert "Audit portfolio" in html and "Money at stake a month" in html and "revenue of won deals" in html


def test_anonymized_documents_are_said_so(document):
    anonymized = copy.deepcopy(document)
    anonymized["run"]["anonymized"] = True
    html = portfolio_page([portfolio_row(anonymized)], "en", dt.date(2026, 11, 23))
    assert "replaced by pseudonyms" in html
    assert "replaced by pseudonyms" not in portfolio_page([portfolio_row(document)], "en", None)


def test_write_portfolio_html_and_csv(document, tmp_path):
    big = portfolio_row(_variant(document, "big", "Яблоко", 3.0))
    small = portfolio_row(_variant(document, "small", "Арбуз", 0.1))
    files = write_portfolio(tmp_path, [small, failed_row("broken", "no"), big], "ru", dt.date(2026, 11, 23))
    assert sorted(files) == [PORTFOLIO_CSV, PORTFOLIO_HTML]
    with open(files[PORTFOLIO_CSV], encoding="utf-8-sig", newline="") as fh:
        records = list(csv.DictReader(fh, delimiter=";"))
    assert [r["slug"] for r in records] == ["big", "small", "broken"]
    assert [r["status"] for r in records] == ["ok", "ok", "failed"]
    assert float(records[0]["at_stake_per_month"]) == pytest.approx(big.at_stake)
    assert float(records[0]["finding_1_per_month"]) == pytest.approx(big.top_findings[0].impact_per_month)
    assert records[2]["revenue_won_per_month"] == ""  # unknown, not zero


def _write(folder: Path, as_of: str | None, text: str | None = None) -> Path:
    folder.mkdir(parents=True)
    path = folder / "metrics.json"
    path.write_text(text if text is not None else json.dumps({"run": {"as_of": as_of}}), encoding="utf-8")
    return path


def test_previous_metrics_is_the_latest_earlier_readable_audit(tmp_path):
    reports = tmp_path / "client" / "reports"
    _write(reports / "2026-03-01", "2026-03-01")
    _write(reports / "2026-06-01", "2026-06-01")
    _write(reports / "2026-07-01", None, "{ broken")
    _write(reports / "2026-11-23", "2026-11-23")
    current = _write(reports / "again", "2026-10-01")
    found = previous_metrics(tmp_path / "client", dt.date(2026, 11, 23), exclude=current.parent)
    assert found is not None and found[0].parent.name == "2026-06-01"
    assert previous_metrics(tmp_path / "client", dt.date(2026, 3, 1)) is None
    assert previous_metrics(tmp_path / "nowhere", dt.date(2026, 3, 1)) is None
