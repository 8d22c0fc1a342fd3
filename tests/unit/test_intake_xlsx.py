"""The questionnaire workbook: export, import round trip, malformed files, and never overwriting silently."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from workbench.app.cli import main
from workbench.intake.answers import Answer, IntakeAnswers, IntakeError
from workbench.intake.model import questionnaire
from workbench.intake.store import load_answers
from workbench.intake.xlsx import META_SHEET, export_xlsx, read_xlsx, sheet_title

Q = questionnaire()
ANSWERS = IntakeAnswers(
    answers={
        "plan_exists": Answer(value="yes", comment="=SUM(A1) is text, not a formula"),
        "stage_plan": Answer(value="2"),
        "plan_approved": Answer(value=dt.date(2025, 12, 22)),
        "weekly_meeting": Answer(value="monthly"),
        "managers_count": Answer(value=6.0),
        "obstacles": Answer(value="Мало новых клиентов"),
        "roles": Answer(comment="уточнить"),
    }
)


@pytest.fixture
def workbook(tmp_path):
    return export_xlsx(tmp_path / "intake.xlsx", ANSWERS, "ru", "ООО «Тест»")


def _sheet(wb, number: int, locale: str = "ru"):
    return wb[sheet_title(Q.layer(number), locale)]


def test_the_workbook_has_instructions_a_sheet_per_layer_drop_downs_and_locked_questions(workbook):
    wb = load_workbook(workbook)
    assert wb.sheetnames[0] == "Инструкция" and wb[META_SHEET].sheet_state == "hidden"
    assert wb.sheetnames[1:12] == [sheet_title(layer, "ru") for layer in Q.layers]
    ws = _sheet(wb, 1)
    assert ws.protection.sheet
    assert ws["C2"].protection.locked and not ws["E2"].protection.locked and not ws["F2"].protection.locked
    assert ws["E2"].value == "Да"
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists["E2"] == '"Да,Частично,Нет"'
    assert lists["E4"] == '"0 — нет,1 — зачаточно,2 — в основном,3 — полностью и работает"'
    assert ws["F2"].value.startswith("'=")  # a comment that looks like a formula stays text


def test_export_and_import_round_trip(workbook, tmp_path):
    assert read_xlsx(workbook).answers == ANSWERS.answers  # the guarded comment comes back as typed
    en = export_xlsx(tmp_path / "en.xlsx", ANSWERS, "en")
    assert read_xlsx(en).answers["weekly_meeting"].value == "monthly"


def _broken(workbook, tmp_path, change) -> str:
    wb = load_workbook(workbook)
    change(wb)
    path = tmp_path / "broken.xlsx"
    wb.save(path)
    with pytest.raises(IntakeError) as error:
        read_xlsx(path)
    return str(error.value)


def test_a_missing_sheet_is_named(workbook, tmp_path):
    message = _broken(workbook, tmp_path, lambda wb: wb.remove(_sheet(wb, 7)))
    assert "sheet '7 Конкуренты': missing" in message


def test_a_wrong_answer_names_sheet_row_and_question(workbook, tmp_path):
    def change(wb):
        _sheet(wb, 1)["E3"] = "Может быть"
        _sheet(wb, 3)["E2"] = "шесть"

    message = _broken(workbook, tmp_path, change)
    assert (
        "sheet '1 Планирование', row 3, question «Есть ли у каждого менеджера личный план продаж, за который "
        "он отвечает?»: expected one of yes, partly, no, got 'Может быть'"
    ) in message
    assert (
        "sheet '3 Ресурсы', row 2, question «Сколько менеджеров" in message and "expected a number" in message
    )


def test_extra_rows_and_formulas_are_refused(workbook, tmp_path):
    def change(wb):
        ws = _sheet(wb, 2)
        ws["C20"] = "Мой вопрос"
        ws["E20"] = "Да"
        _sheet(wb, 1)["E2"] = '=IF(1,"Да","Нет")'

    message = _broken(workbook, tmp_path, change)
    assert "sheet '2 Мотивация', row 20: an extra row that is not a question" in message
    assert "sheet '1 Планирование', row 2, question «Есть ли финансовый план" in message
    assert "a formula (=IF(1" in message


def test_a_deleted_question_row_is_named(workbook, tmp_path):
    message = _broken(workbook, tmp_path, lambda wb: _sheet(wb, 4).delete_rows(3))
    assert "sheet '4 Управленческий цикл': the row of question 'reporting_cycle' is missing" in message


def test_an_older_questionnaire_version_is_refused(workbook, tmp_path):
    message = _broken(workbook, tmp_path, lambda wb: wb[META_SHEET].cell(2, 2, 1))
    assert "questionnaire version 1, this workbench reads version 2" in message
    assert "workbench intake export" in message


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_text("not a zip", encoding="utf-8")
    with pytest.raises(IntakeError, match=r"not a readable \.xlsx workbook"):
        read_xlsx(path)


@pytest.fixture
def client(repo, tmp_path):
    folder = tmp_path / "client"
    folder.mkdir()
    shutil.copy(repo / "clients" / "demo" / "client.yaml", folder / "client.yaml")
    shutil.copy(repo / "clients" / "demo" / "intake.yaml", folder / "intake.yaml")
    return folder


def test_import_saves_new_answers_and_changes_existing_ones_only_with_yes(client, tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["intake", "export", str(client)]).exit_code == 0
    path = client / "intake.xlsx"
    assert runner.invoke(main, ["intake", "export", str(client)]).exit_code == 2  # no silent overwrite
    wb = load_workbook(path)
    _sheet(wb, 8)["E2"] = "Еженедельно"  # reputation was unanswered: a new answer
    _sheet(wb, 1)["E5"] = "Нет"  # weekly plans: yes -> no, a change
    wb.save(path)
    before = load_answers(client)

    result = runner.invoke(main, ["intake", "import", str(client), str(path)])
    assert result.exit_code == 0, result.output
    assert "1 new answer(s), 1 changed" in result.output
    assert "layer 1, weekly_plan: Yes → No" in result.output
    assert "NOT applied; run again with --yes" in result.output
    after = load_answers(client)
    assert after.value("reviews") == "weekly"
    assert after.value("weekly_plan") == before.value("weekly_plan") == "yes"

    result = runner.invoke(main, ["intake", "import", str(client), str(path), "--yes"])
    assert result.exit_code == 0 and "NOT applied" not in result.output
    assert load_answers(client).value("weekly_plan") == "no"


def test_import_errors_exit_2_and_leave_intake_yaml_alone(client, tmp_path):
    path = export_xlsx(tmp_path / "q.xlsx", ANSWERS, "ru")
    wb = load_workbook(path)
    _sheet(wb, 1)["E2"] = "Наверное"
    wb.save(path)
    before = (client / "intake.yaml").read_bytes()
    result = CliRunner().invoke(main, ["intake", "import", str(client), str(path)])
    assert result.exit_code == 2 and "row 2" in result.output
    assert (client / "intake.yaml").read_bytes() == before
