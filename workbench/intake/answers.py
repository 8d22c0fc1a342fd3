"""The answers to the questionnaire: read (and migrate) the contents of ``intake.yaml``, validate them
against the questionnaire, and write them back as commented YAML.

Two formats are read:

- the current one (``version: 2``): ``layers -> number -> question key -> {answer, comment}``, the answer
  typed by its question (``yes``/``partly``/``no``, ``0``-``3``, an option key, a number, a date, text);
- the first one (no ``version``): ``layers -> number -> question key -> {score: 0-2 | null, comment}``.
  Each score is mapped onto the question's answers (0 -> no, 1 -> partly, 2 -> yes; a 0-3 scale takes
  0, 1 and 3; frequency questions name their mapping in ``legacy``); renamed questions are found by their
  ``legacy_key``.

``null`` (or an empty answer) is "not answered": the question is not assessed, never scored as zero.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from workbench.errors import ConfigError
from workbench.intake.model import Question, Questionnaire, questionnaire

FORMAT_VERSION = 2
LEGACY_YESNO = {0: "no", 1: "partly", 2: "yes"}
LEGACY_SCALE = {0: "0", 1: "1", 2: "3"}
Value = str | float | dt.date | None


class IntakeError(ConfigError):
    """``intake.yaml`` (or an imported questionnaire) does not fit the questionnaire."""


class Answer(BaseModel):
    """One answer: its typed value (None = not answered) and the respondent's comment."""

    model_config = ConfigDict(frozen=True)
    value: str | float | dt.date | None = None
    comment: str = ""


class IntakeAnswers(BaseModel):
    """Every answer of one client, by question key; a question without an entry is not answered."""

    model_config = ConfigDict(frozen=True)
    version: int = FORMAT_VERSION
    answers: dict[str, Answer] = Field(default_factory=dict)
    migrated_from: int | None = None  # 1 when read from the first questionnaire's format

    def value(self, key: str) -> Value:
        answer = self.answers.get(key)
        return answer.value if answer else None

    def comment(self, key: str) -> str:
        answer = self.answers.get(key)
        return answer.comment if answer else ""

    def answered(self) -> set[str]:
        """Keys of the questions with an answer."""
        return {k for k, a in self.answers.items() if a.value is not None}


def parse_value(question: Question, raw: Any) -> Value:
    """A raw answer as its question's typed value; ``ValueError`` says what is expected."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if question.options:
        return _option_key(question, raw)
    if question.type == "number":
        if isinstance(raw, bool):
            raise ValueError("expected a number")
        if isinstance(raw, int | float):
            return float(raw)
        text = str(raw).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".").rstrip("%")
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"expected a number, got {raw!r}") from None
    if question.type == "date":
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        return _date(str(raw).strip())
    return str(raw).strip()


def _option_key(question: Question, raw: Any) -> str:
    if isinstance(raw, bool):  # YAML reads an unquoted yes/no as a boolean
        raw = "yes" if raw else "no"
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip().casefold()
    for option in question.options:
        if text in {option.key.casefold(), option.text.ru.casefold(), option.text.en.casefold()}:
            return option.key
    allowed = ", ".join(option.key for option in question.options)
    raise ValueError(f"expected one of {allowed}, got {raw!r}")


def _date(text: str) -> dt.date:
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"expected a date (YYYY-MM-DD or DD.MM.YYYY), got {text!r}")


def empty_answers() -> IntakeAnswers:
    """No answer yet: every layer not assessed."""
    return IntakeAnswers()


def parse_intake(raw: Any, source: str, q: Questionnaire | None = None) -> IntakeAnswers:
    """Validate the contents of an ``intake.yaml`` (either format); errors name the layer and question."""
    q = q or questionnaire()
    if raw is None:
        return empty_answers()
    if not isinstance(raw, dict) or not isinstance(raw.get("layers", {}), dict | None):
        raise IntakeError(source, ["expected a mapping with 'layers': layer number -> question -> answer"])
    version = raw.get("version")
    legacy = version is None
    if not legacy and version != FORMAT_VERSION:
        raise IntakeError(
            source, [f"version: {version!r} is not a known questionnaire format (expected {FORMAT_VERSION})"]
        )
    answers: dict[str, Answer] = {}
    problems: list[str] = []
    for layer_key, entries in (raw.get("layers") or {}).items():
        where = f"layers.{layer_key}"
        if entries is None:
            continue
        if not isinstance(entries, dict):
            problems.append(f"{where}: expected a mapping of question keys to answers")
            continue
        for key, entry in entries.items():
            question = _find(q, str(key), legacy)
            if question is None:
                problems.append(f"{where}.{key}: no such question in the questionnaire")
                continue
            if str(layer_key) != str(question.layer):
                problems.append(f"{where}.{key}: the question belongs to layer {question.layer}")
                continue
            try:
                answer = _legacy_answer(question, entry) if legacy else _answer(question, entry)
            except ValueError as exc:
                problems.append(f"{where}.{key}: {exc}")
                continue
            if answer.value is not None or answer.comment:
                answers[question.key] = answer
    if problems:
        raise IntakeError(source, problems)
    return IntakeAnswers(answers=answers, migrated_from=1 if legacy else None)


def _find(q: Questionnaire, key: str, legacy: bool) -> Question | None:
    found = q.question(key)
    if found is None and legacy:
        found = next((x for x in q.questions() if x.legacy_key == key), None)
    return found


def _entry(entry: Any, field: str) -> tuple[Any, str]:
    if entry is None:
        return None, ""
    if not isinstance(entry, dict):
        return entry, ""  # a bare answer
    unknown = set(entry) - {field, "comment"}
    if unknown:
        raise ValueError(
            f"unknown field(s) {', '.join(sorted(map(str, unknown)))}; expected {field}, comment"
        )
    comment = entry.get("comment")
    return entry.get(field), "" if comment is None else str(comment)


def _answer(question: Question, entry: Any) -> Answer:
    value, comment = _entry(entry, "answer")
    return Answer(value=parse_value(question, value), comment=comment)


def _legacy_answer(question: Question, entry: Any) -> Answer:
    score, comment = _entry(entry, "score")
    if score is None:
        return Answer(comment=comment)
    if isinstance(score, bool) or score not in (0, 1, 2):
        raise ValueError(f"score: expected 0, 1, 2 or null, got {score!r}")
    mapping = question.legacy or (LEGACY_SCALE if question.type == "scale" else LEGACY_YESNO)
    return Answer(value=mapping[int(score)], comment=comment)


def _scalar(value: Value) -> str:
    if value is None:
        return "null"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return json.dumps(value, ensure_ascii=False)


def _hint(question: Question, locale: str) -> str:
    if question.options:
        return " / ".join(f"{o.key}" for o in question.options)
    return {"number": "number", "date": "YYYY-MM-DD", "text": "text"}[question.type]


HEADER = {
    "ru": (
        "# Анкета аудита: 11 слоёв системы продаж. Ответ (answer) — по подсказке в комментарии к вопросу;",
        "# null — вопрос не задан (слой по нему не оценивается); comment — пояснение.",
    ),
    "en": (
        "# Audit questionnaire: the 11 layers of a sales system. Answer as the hint after the question says;",
        "# null — not asked (the layer is not assessed on it); comment — an explanation.",
    ),
}


def dump_intake(answers: IntakeAnswers, locale: str = "ru", q: Questionnaire | None = None) -> str:
    """The answers as ``intake.yaml`` text (current format), every question listed with its text."""
    q = q or questionnaire()
    lines = [*HEADER["en" if locale == "en" else "ru"], f"version: {FORMAT_VERSION}", "layers:"]
    for layer in q.layers:
        lines.append(f"  {layer.number}:  # {layer.name.get(locale)}")
        for question in layer.questions:
            text = re.sub(r"\s+", " ", question.text.get(locale))
            lines.append(f"    {question.key}:  # {text} [{_hint(question, locale)}]")
            lines.append(f"      answer: {_scalar(answers.value(question.key))}")
            lines.append(f"      comment: {json.dumps(answers.comment(question.key), ensure_ascii=False)}")
    return "\n".join(lines) + "\n"
