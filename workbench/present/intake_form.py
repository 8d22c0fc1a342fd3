"""The questionnaire form of ``notebooks/intake.ipynb`` (ipywidgets): a tab per layer, the progress of
answered questions, and saving to the client's ``intake.yaml`` with validation.

Reading, validating and writing answers is :mod:`workbench.intake`; this module only lays the questions
out as controls and reads them back. An empty control is "no answer" (the layer is not assessed on it),
never zero. Saving refuses answers that do not fit their question and names each one.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from workbench.config import CONFIG_FILE, load_yaml, parse_config
from workbench.intake.answers import Answer, IntakeAnswers, parse_value
from workbench.intake.model import Question, Questionnaire, questionnaire
from workbench.intake.store import intake_path, load_answers, save_answers
from workbench.present.finding_text import answer_label
from workbench.present.i18n import Messages

_WIDE = widgets.Layout(width="520px")
_LOOK = {"style": {"description_width": "0px"}, "layout": _WIDE}


def _control(t: Messages, question: Question, value: Any) -> widgets.Widget:
    """The input of one question, showing ``value``; empty means not answered."""
    if question.options:
        choices = [(t("intake_form.no_answer"), None)]
        choices += [(answer_label(t, question, o.key), o.key) for o in question.options]
        return widgets.Dropdown(options=choices, value=value, **_LOOK)
    if question.type == "date":
        return widgets.DatePicker(value=value, **_LOOK)
    if question.type == "text":
        return widgets.Textarea(value=value or "", **_LOOK)
    text = "" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))
    unit = question.unit.get(t.locale) if question.unit else ""
    return widgets.Text(value=text, placeholder=unit, **_LOOK)


class IntakeForm:
    """The questionnaire of one client as a tabbed form."""

    def __init__(self, client_dir: Path | str, locale: str = "ru", q: Questionnaire | None = None):
        self.client_dir = Path(client_dir)
        self.t = Messages(locale)
        self.q = q or questionnaire()
        self.loaded = load_answers(self.client_dir)
        self.controls: dict[str, widgets.Widget] = {}
        self.comments: dict[str, widgets.Text] = {}
        pages = []
        for layer in self.q.layers:
            rows = []
            for question in layer.questions:
                control = _control(self.t, question, self.loaded.value(question.key))
                comment = widgets.Text(
                    value=self.loaded.comment(question.key),
                    placeholder=self.t("intake_form.comment"),
                    **_LOOK,
                )
                control.observe(self._changed, names="value")
                self.controls[question.key], self.comments[question.key] = control, comment
                label = html.escape(question.text.get(locale))
                rows.append(widgets.VBox([widgets.HTML(f"<b>{label}</b>"), control, comment]))
            pages.append(widgets.VBox(rows))
        self.tabs = widgets.Tab(children=pages)
        self.progress = widgets.IntProgress(min=0, max=len(self.q.questions()), description="")
        self.progress_text = widgets.HTML()
        self.status = widgets.HTML()
        self.save_button = widgets.Button(description=self.t("intake_form.save"), button_style="primary")
        self.save_button.on_click(lambda _: self.save())
        self._changed()

    def _raw(self, key: str) -> Any:
        value = self.controls[key].value
        return None if isinstance(value, str) and not value.strip() else value

    def answered(self, number: int | None = None) -> int:
        """Questions with an answer in the form, in one layer or in all."""
        layers = [self.q.layer(number)] if number else list(self.q.layers)
        return sum(self._raw(x.key) is not None for layer in layers for x in layer.questions)

    def _changed(self, *_: object) -> None:
        self.progress.value = self.answered()
        self.progress_text.value = html.escape(
            self.t("intake_form.progress", answered=self.progress.value, questions=self.progress.max)
        )
        self.tabs.titles = tuple(
            f"{x.number}. {x.name.get(self.t.locale)} ({self.answered(x.number)}/{len(x.questions)})"
            for x in self.q.layers
        )

    def set(self, key: str, value: Any, comment: str | None = None) -> None:
        """Set one answer as a user would (for scripted filling and tests)."""
        self.controls[key].value = (
            "" if value is None and isinstance(self.controls[key], widgets.Text) else value
        )
        if comment is not None:
            self.comments[key].value = comment

    def collect(self) -> tuple[IntakeAnswers, list[str]]:
        """The answers in the form, and a problem per answer that does not fit its question."""
        answers: dict[str, Answer] = {}
        problems: list[str] = []
        for question in self.q.questions():
            raw = self._raw(question.key)
            if isinstance(raw, dt.datetime):
                raw = raw.date()
            try:
                value = parse_value(question, raw)
            except ValueError as exc:
                label = f"{question.layer}. {question.text.get(self.t.locale)}"
                problems.append(self.t("intake_form.invalid", question=label, problem=str(exc)))
                continue
            comment = self.comments[question.key].value.strip()
            if value is not None or comment:
                answers[question.key] = Answer(value=value, comment=comment)
        return IntakeAnswers(answers=answers), problems

    def changes(self) -> list[str]:
        """Keys of the questions whose answer differs from the file's."""
        now, _ = self.collect()
        keys = set(now.answers) | set(self.loaded.answers)
        return sorted(k for k in keys if now.answers.get(k) != self.loaded.answers.get(k))

    def save(self) -> Path | None:
        """Write ``intake.yaml`` when every answer fits its question; otherwise show what to fix."""
        answers, problems = self.collect()
        if problems:
            items = "".join(f"<li>{html.escape(p)}</li>" for p in problems)
            self.status.value = f"<p>{html.escape(self.t('intake_form.not_saved'))}</p><ul>{items}</ul>"
            return None
        changed = len(self.changes())
        path = save_answers(self.client_dir, answers, self.t.locale)
        self.loaded = answers
        self.status.value = html.escape(
            self.t("intake_form.saved", path=str(intake_path(self.client_dir)), changed=changed)
        )
        return path

    def widget(self) -> widgets.Widget:
        """The form to display."""
        return widgets.VBox(
            [
                widgets.HBox([self.progress, self.progress_text]),
                self.tabs,
                widgets.HBox([self.save_button]),
                self.status,
            ]
        )


def form_for(client_dir: Path | str, locale: str = "") -> IntakeForm:
    """The form of a client folder in ``locale`` (empty: the client's own language from client.yaml)."""
    if not locale:
        path = Path(client_dir) / CONFIG_FILE
        locale = parse_config(load_yaml(path), str(path)).locale
    return IntakeForm(client_dir, locale)
