"""The questionnaire as typed data: layers, questions, answer types, weights and the findings weak answers
lead to, read from ``questionnaire.yaml`` in this package.

Each answer is scored 0..1 (:meth:`Question.score`); an answer below :data:`WEAK_BELOW` is weak. An
unanswered question has no score: it is "not assessed", never zero.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from workbench.yaml_safe import load_packaged

WEAK_BELOW = 0.5  # an answer scoring below this is weak and raises its question's finding
QUESTION_TYPES = ("yesno", "scale", "choice", "number", "date", "text")
OPTION_TYPES = {"yesno": "yesno", "scale": "scale"}  # types whose options are a fixed set


class Text(BaseModel):
    """A text in both report languages."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    ru: str
    en: str

    def get(self, locale: str) -> str:
        return self.en if locale == "en" else self.ru


class Option(BaseModel):
    """One allowed answer of a yes/no, scale or choice question, with its score."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str
    score: float = Field(ge=0, le=1)
    text: Text


class FindingSpec(BaseModel):
    """What a weak answer leads to: its finding, recommendation, responsible role and KPI."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    severity: Literal["critical", "high", "medium", "low"]
    horizon: Literal[30, 60, 90]
    title: Text
    recommendation: Text
    kpi: Text
    role: Text | None = None  # default: the layer's
    covered_by: tuple[str, ...] = ()  # data finding codes that already say the same; they take precedence


class Question(BaseModel):
    """One question of a layer."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str
    type: Literal["yesno", "scale", "choice", "number", "date", "text"]
    weight: float = Field(ge=0)
    text: Text
    options: tuple[Option, ...] = ()  # filled from the option set for yesno, scale and choice
    option_set: str | None = None
    target: float | None = None  # number: the value that scores 1
    better: Literal["higher", "lower"] = "higher"
    max_age_days: int | None = None  # date: older than this is weak
    unit: Text | None = None
    check: str | None = None  # the data check that speaks to this answer
    checklist: str | None = None
    mistake: int | None = None
    legacy: dict[int, str] = Field(default_factory=dict)  # first questionnaire's score 0-2 -> option key
    legacy_key: str | None = None
    finding: FindingSpec | None = None
    layer: int = 0

    @property
    def scored(self) -> bool:
        """Whether an answer to this question counts in the layer's score."""
        if self.weight <= 0 or self.type == "text":
            return False
        if self.type == "number":
            return self.target is not None
        if self.type == "date":
            return self.max_age_days is not None
        return True

    def option(self, key: str) -> Option | None:
        return next((o for o in self.options if o.key == key), None)

    def score(self, value: object, as_of: dt.date | None = None) -> float | None:
        """The answer's score 0..1, or None when it is not scored (unanswered, free text, unscored)."""
        if value is None or not self.scored:
            return None
        if self.options:
            option = self.option(str(value))
            return option.score if option else None
        if self.type == "number":
            number, target = float(value), float(self.target or 0)  # type: ignore[arg-type]
            if self.better == "lower":
                return 1.0 if number <= target else max(0.0, target / number) if number > 0 else 1.0
            return min(1.0, number / target) if target > 0 else 1.0
        if self.type == "date" and isinstance(value, dt.date):
            age = ((as_of or dt.date.today()) - value).days
            return 1.0 if age <= (self.max_age_days or 0) else 0.0
        return None


class LayerSpec(BaseModel):
    """One of the 11 layers and its questions."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    number: int = Field(ge=1, le=11)
    id: str
    name: Text
    role: Text
    questions: tuple[Question, ...] = Field(min_length=4, max_length=8)


class Questionnaire(BaseModel):
    """The whole questionnaire."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    version: int
    checklist: dict[str, Text]
    mistakes: dict[int, Text]
    option_sets: dict[str, tuple[Option, ...]]
    layers: tuple[LayerSpec, ...] = Field(min_length=11, max_length=11)

    @model_validator(mode="before")
    @classmethod
    def _fill_options(cls, data: dict) -> dict:
        """Give each question its options and its layer number, so that a question stands alone."""
        sets = data.get("option_sets", {})
        for layer in data.get("layers", []):
            for q in layer.get("questions", []):
                q["layer"] = layer["number"]
                name = q.pop("options", None) or OPTION_TYPES.get(q["type"])
                if name is not None:
                    if name not in sets:
                        raise ValueError(f"question {q['key']!r}: no option set {name!r}")
                    q["option_set"], q["options"] = name, sets[name]
        return data

    @model_validator(mode="after")
    def _check(self) -> Questionnaire:
        keys = [q.key for q in self.questions()]
        doubles = sorted({k for k in keys if keys.count(k) > 1})
        if doubles:
            raise ValueError(f"question keys used twice: {', '.join(doubles)}")
        if [layer.number for layer in self.layers] != list(range(1, 12)):
            raise ValueError("the layers must be numbered 1 to 11 in order")
        for q in self.questions():
            if q.checklist and q.checklist not in self.checklist:
                raise ValueError(f"question {q.key!r}: unknown checklist item {q.checklist!r}")
            if q.scored and q.finding is None:
                raise ValueError(f"question {q.key!r} is scored but names no finding for a weak answer")
            for key in q.legacy.values():
                if q.option(key) is None:
                    raise ValueError(f"question {q.key!r}: legacy answer {key!r} is not one of its options")
        return self

    def questions(self) -> list[Question]:
        return [q for layer in self.layers for q in layer.questions]

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions() if q.key == key), None)

    def layer(self, number: int) -> LayerSpec:
        return self.layers[number - 1]


@cache
def questionnaire() -> Questionnaire:
    """The packaged questionnaire."""
    text = resources.files("workbench.intake").joinpath("questionnaire.yaml").read_text("utf-8")
    return Questionnaire.model_validate(load_packaged(text))
