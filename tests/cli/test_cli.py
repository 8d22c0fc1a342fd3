"""The `workbench` command: thin over the library, errors as one paragraph without a traceback."""

from __future__ import annotations

import re
import shutil

import pytest
import yaml
from click.testing import CliRunner

from workbench import __version__
from workbench.app.cli import main


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_version(runner):
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_new_client_scaffolds_a_folder(runner, tmp_path):
    result = runner.invoke(main, ["new-client", "ООО «Ромашка»", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "romashka"
    assert sorted(p.name for p in folder.iterdir()) == [
        "README.md",
        "client.yaml",
        "data",
        "intake.yaml",
        "reports",
    ]
    config = yaml.safe_load((folder / "client.yaml").read_text(encoding="utf-8"))
    assert config["name"] == "ООО «Ромашка»"
    intake = yaml.safe_load((folder / "intake.yaml").read_text(encoding="utf-8"))
    assert sorted(intake["layers"]) == list(range(1, 12))
    assert intake["version"] == 2
    assert all(q["answer"] is None for layer in intake["layers"].values() for q in layer.values())
    assert "workbench check" in result.output


def test_new_client_refuses_an_existing_folder(runner, tmp_path):
    assert runner.invoke(main, ["new-client", "Ромашка", "--dir", str(tmp_path)]).exit_code == 0
    result = runner.invoke(main, ["new-client", "Ромашка", "--dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "already exists" in result.output and "Traceback" not in result.output


def test_check_of_a_fresh_scaffold_names_the_missing_file(runner, tmp_path):
    runner.invoke(main, ["new-client", "Ромашка", "--dir", str(tmp_path)])
    result = runner.invoke(main, ["check", str(tmp_path / "romashka")])
    assert result.exit_code == 2
    assert "data.deals.file" in result.output and "data/deals.csv" in result.output
    # The scaffold's client is Russian: so is the error, which names the field and the file.
    assert "файла «data/deals.csv» в папке клиента нет" in result.output and "Traceback" not in result.output


def test_check_prints_the_data_quality_summary(runner, small_client):
    result = runner.invoke(main, ["check", str(small_client), "--locale", "en"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    deals = next(line for line in lines if line.startswith("deals"))
    assert "data/deals.csv" in deals and "quarantined" in deals
    assert "unknown_stage" in result.output
    assert "perhaps “Коммерческое предложение”" in result.output
    # The configuration advice the client's report leaves out is the consultant's, here.
    assert "funnel.stage_aliases" in result.output
    assert "excluded by rule" in next(line for line in lines if line.startswith("transactions"))
    assert result.output.rstrip().endswith(
        "(rows read = used + quarantined + excluded by rule for every file)."
    )


def test_check_counts_the_answers_and_names_a_wrong_one(runner, small_client, tmp_path):
    client = tmp_path / "c"
    shutil.copytree(small_client, client)
    result = runner.invoke(main, ["check", str(client), "--locale", "en"])
    assert "Note: intake.yaml: questions answered — 52 of 56" in result.output
    (client / "intake.yaml").write_text(
        "layers:\n  1:\n    weekly_plan: {score: 5, comment: ''}\n", encoding="utf-8"
    )
    result = runner.invoke(main, ["check", str(client)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "intake.yaml: layers.1.weekly_plan: score: expected 0, 1, 2 or null, got 5" in result.output


def test_check_reports_a_config_error_as_one_paragraph(runner, small_client, tmp_path):
    client = tmp_path / "c"
    shutil.copytree(small_client, client)
    text = (client / "client.yaml").read_text(encoding="utf-8").replace("end: 2026-09-30", "end: сентябрь")
    (client / "client.yaml").write_text(text, encoding="utf-8")
    # In the client's language (the demo's is Russian) and in English on request; the field named.
    for args, wording in (
        ([], "Ошибка: {}: period.end: ожидается дата вида 2026-09-30, указано 'сентябрь'"),
        (["--locale", "en"], "Error: {}: period.end: expected a date like 2026-09-30, got 'сентябрь'"),
    ):
        result = runner.invoke(main, ["check", str(client), *args])
        assert result.exit_code == 2
        assert wording.format(client / "client.yaml") in result.output
        assert "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1


def test_audit_of_a_missing_folder(runner, tmp_path):
    result = runner.invoke(main, ["audit", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert f"Ошибка: {tmp_path / 'nope'}: папка клиента не найдена" in result.output  # Russian by default
    result = runner.invoke(main, ["audit", str(tmp_path / "nope"), "--locale", "en"])
    assert result.exit_code == 2 and f"Error: {tmp_path / 'nope'}: client folder not found" in result.output


def test_audit_rejects_an_unknown_format(runner, small_client, tmp_path):
    result = runner.invoke(main, ["audit", str(small_client), "--out", str(tmp_path), "--format", "docx"])
    assert result.exit_code == 1
    assert "--format" in result.output and "Traceback" not in result.output


@pytest.mark.slow
def test_audit_html_only_prints_the_paths(runner, small_client, tmp_path):
    result = runner.invoke(
        main,
        [
            "audit",
            str(small_client),
            "--out",
            str(tmp_path / "r"),
            "--format",
            "html",
            "--as-of",
            "2026-11-23",
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    printed = result.stdout.strip().splitlines()
    assert printed == [str(tmp_path / "r" / "report.html"), str(tmp_path / "r" / "metrics.json")]
    assert not (tmp_path / "r" / "report.pdf").exists()


def test_check_speaks_the_clients_language_by_default(runner, small_client):
    """The small client's client.yaml says ru: labels, examples, money and the verdict are Russian."""
    result = runner.invoke(main, ["check", str(small_client)])
    assert result.exit_code == 0, result.output
    text = result.output
    deals = next(line for line in text.splitlines() if line.startswith("deals"))
    assert "прочитано" in deals and "в карантине" in deals and "read" not in deals
    assert "возможно, «Коммерческое предложение»" in text and "стр. " in text
    assert re.search(r"Строки без покупателя \[no_customer\] \(\d[\d\s]*₽\)", text)  # money formatted
    assert text.rstrip().endswith("исключено правилом).")
    for english in ("quarantined", "caveat", "e.g.", "row ", "excluded by rule", "OK: the data"):
        assert english not in text, english
