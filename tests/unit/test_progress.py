"""The re-audit comparison: an earlier metrics.json against this audit."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re

import pytest

from tests.render.schema_walk import schema_gaps
from workbench.analysis.progress import Snapshot, compare, snapshot_from_metrics
from workbench.analysis.result import AuditResult
from workbench.audit import conclude
from workbench.errors import ConfigError
from workbench.io.previous_run import latest_run, read_metrics
from workbench.present.i18n import Messages
from workbench.present.registry import contents_view, render_section
from workbench.render.metrics import build_metrics, schema, validate_metrics

AS_OF = dt.date(2026, 11, 23)


def test_an_older_schema_is_read_as_far_as_it_goes(repo):
    path = repo / "tests" / "fixtures" / "metrics" / "demo-1.1.0.json"
    before = snapshot_from_metrics(read_metrics(path), str(path))
    assert before.schema_version == "1.1.0" and before.as_of == AS_OF
    assert before.layers == {}  # no layer scores before 1.3.0: unknown, not zero
    assert before.figures["revenue_per_month"] is None and before.figures["win_rate"] > 0
    assert "funnel-bottleneck" in before.findings


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"schema_version": "2.0.0"}, "schema_version 2.0.0 cannot be read"),
        ({"findings": []}, "no schema_version: not a metrics.json written by workbench"),
    ],
)
def test_an_unreadable_document_is_refused_clearly(document, message):
    with pytest.raises(ConfigError, match=message):
        snapshot_from_metrics(document, "old/metrics.json")


def test_a_broken_file_is_named(tmp_path):
    path = tmp_path / "metrics.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"not a metrics\.json"):
        read_metrics(path)
    with pytest.raises(ConfigError, match="no earlier run"):
        latest_run(tmp_path)


def test_the_latest_earlier_run_is_found_by_its_run_time(tmp_path):
    for name, when in (("2026-10-01", "2026-10-01T10:00:00+00:00"), ("b", "2026-11-01T10:00:00+00:00")):
        folder = tmp_path / "reports" / name
        folder.mkdir(parents=True)
        (folder / "metrics.json").write_text(json.dumps({"run": {"generated_at": when}}), encoding="utf-8")
    assert latest_run(tmp_path).parent.name == "b"
    assert latest_run(tmp_path, exclude=tmp_path / "reports" / "b").parent.name == "2026-10-01"


def test_findings_resolved_new_persisting_and_figures_improved():
    before = Snapshot(
        dt.date(2026, 6, 1),
        {"win_rate": 0.10, "cycle_days": 40.0, "avg_check": None},
        {1: 40.0, 2: None},
        {"a": ("A then", "high"), "b": ("B then", "medium")},
    )
    now = Snapshot(
        AS_OF,
        {"win_rate": 0.12, "cycle_days": 45.0, "avg_check": 100.0},
        {1: 55.0, 2: 70.0},
        {"b": ("", "low"), "c": ("", "high")},
    )
    progress = compare(before, now, "old.json", AS_OF)
    figures = {f.key: f for f in progress.figures}
    assert figures["win_rate"].improved is True and figures["win_rate"].change == pytest.approx(0.02)
    assert figures["cycle_days"].improved is False  # a longer cycle is worse
    assert figures["avg_check"].change is None and figures["avg_check"].improved is None
    assert progress.layers[0].change == pytest.approx(15.0) and progress.layers[1].change is None
    assert [(f.id, f.status) for f in progress.findings] == [
        ("a", "resolved"),
        ("b", "persisting"),
        ("c", "new"),
    ]
    assert progress.json_derived() == {"resolved": 1, "new": 1, "persisting": 1}
    assert progress.of("persisting")[0].severity_before == "medium"


def test_a_re_audit_of_the_demo_shows_progress_in_the_report_and_metrics(demo_audit):
    earlier = json.loads(json.dumps(build_metrics(demo_audit, {})))
    earlier["run"]["as_of"] = "2026-05-23"
    earlier["findings"] = [f for f in earlier["findings"] if f["id"] != "intake-daily-kpi"]
    earlier["findings"].append({"id": "plan-missing", "title": "Нет плана продаж", "severity": "critical"})
    earlier["intake"]["layers"][3]["score"] = 20.0
    analyses = AuditResult(**{f.name: getattr(demo_audit, f.name) for f in dataclasses.fields(AuditResult)})
    result = conclude(analyses, (snapshot_from_metrics(earlier, "x"), "reports/2026-05-23/metrics.json"))
    progress = result.progress
    assert {f.id for f in progress.of("resolved")} == {"plan-missing"}
    assert {f.id for f in progress.of("new")} == {"intake-daily-kpi"}
    assert progress.layers[3].change == pytest.approx(demo_audit.intake.layer(4).score - 20.0)
    document = json.loads(json.dumps(build_metrics(result, {})))
    validate_metrics(document)
    assert schema_gaps(document, schema()) == []
    assert document["progress"]["resolved"] == 1 and document["progress"]["new"] == 1
    html = render_section("progress", Messages("ru"), result).html
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Сравнение с прошлым аудитом на 23 мая 2026 г." in text
    assert "Устранено: 1, новых: 1" in text and "Нет плана продаж" in text
    assert "4. Управленческий цикл 20" in text
    listed = [anchor for anchor, _ in contents_view(Messages("ru"), result)["sections"]]
    assert "progress" in listed


def test_without_a_comparison_the_section_is_absent(demo_audit):
    assert demo_audit.progress is None
    assert render_section("progress", Messages("ru"), demo_audit).html.strip() == ""
    listed = [anchor for anchor, _ in contents_view(Messages("ru"), demo_audit)["sections"]]
    assert "progress" not in listed
