"""The questionnaire form, driven without a browser: load, fill, progress, validation, save."""

from __future__ import annotations

import datetime as dt
import shutil

import yaml

from workbench.intake.model import questionnaire
from workbench.intake.store import load_answers
from workbench.present.intake_form import IntakeForm, form_for


def _client(repo, tmp_path, intake: str | None = None):
    folder = tmp_path / "client"
    folder.mkdir()
    shutil.copy(repo / "clients" / "demo" / "client.yaml", folder / "client.yaml")
    if intake is not None:
        (folder / "intake.yaml").write_text(intake, encoding="utf-8")
    return folder


def test_a_blank_form_has_a_tab_per_layer_and_no_answer(repo, tmp_path):
    form = IntakeForm(_client(repo, tmp_path), "ru")
    assert len(form.tabs.children) == 11
    assert form.tabs.titles[0] == "1. Планирование (0/6)"
    assert form.progress.value == 0 and form.progress.max == len(questionnaire().questions())
    answers, problems = form.collect()
    assert answers.answers == {} and problems == []


def test_filling_updates_the_progress_and_saving_writes_intake_yaml(repo, tmp_path):
    folder = _client(repo, tmp_path)
    form = IntakeForm(folder, "en")
    form.set("plan_exists", "yes", "approved in December")
    form.set("stage_plan", "2")
    form.set("variable_share", "35,5")
    form.set("plan_approved", dt.date(2026, 1, 15))
    form.set("weekly_meeting", "weekly")
    assert form.progress.value == 5
    assert form.tabs.titles[0] == "1. Planning (3/6)"
    assert "5 of 56 questions answered" in form.progress_text.value
    assert form.save() == folder / "intake.yaml"
    saved = load_answers(folder)
    assert saved.value("plan_exists") == "yes" and saved.comment("plan_exists") == "approved in December"
    assert saved.value("variable_share") == 35.5 and saved.value("plan_approved") == dt.date(2026, 1, 15)
    assert saved.value("personal_plans") is None  # untouched: no answer, not zero
    raw = yaml.safe_load((folder / "intake.yaml").read_text(encoding="utf-8"))
    assert raw["layers"][1]["personal_plans"]["answer"] is None
    again = IntakeForm(folder, "en")
    assert (
        again.controls["weekly_meeting"].value == "weekly"
        and again.controls["variable_share"].value == "35.5"
    )
    assert again.changes() == []


def test_an_invalid_answer_is_not_saved_and_is_named(repo, tmp_path):
    folder = _client(repo, tmp_path)
    form = IntakeForm(folder, "ru")
    form.set("managers_count", "шесть")
    assert form.save() is None
    assert not (folder / "intake.yaml").exists()
    assert "Анкета не сохранена" in form.status.value
    assert "3. Сколько менеджеров по продажам работает в отделе?: expected a number" in form.status.value


def test_the_form_reads_the_first_questionnaire_format(repo, tmp_path):
    folder = _client(repo, tmp_path, "layers:\n  4:\n    weekly_meeting: {score: 0, comment: нет}\n")
    form = form_for(folder)  # the client's own language
    assert form.t.locale == "ru"
    assert form.controls["weekly_meeting"].value == "never"
    assert form.comments["weekly_meeting"].value == "нет"
    assert form.changes() == []
