"""A finding's title, evidence, recommendation, responsible role and KPI in the report's language (no
charts: metrics.json and the report both use it).

Texts of the data's findings are in the message files (``findings.<code>.*``); the questionnaire's
findings (codes ``intake.<question>``) take theirs from the questionnaire.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from workbench.findings import Finding
from workbench.intake.model import Question, questionnaire
from workbench.present.amounts import amount_phrase
from workbench.present.i18n import Messages

# Optional sentences of the evidence, each added when the finding's parameter says so.
OPTIONAL_EVIDENCE = (
    ("evidence_best", "best_worth_mentioning"),
    ("evidence_no_best", "no_better_manager"),
    ("evidence_step", "has_step"),
    ("evidence_step_priced", "step_priced"),
    ("evidence_no_revenue", "no_revenue"),
    ("evidence_time", "has_time"),
    ("evidence_stopped", "stopped"),
    ("evidence_share", "has_share"),
    ("evidence_priced", "priced"),
    ("evidence_recovered", "recovered"),
    ("evidence_ongoing", "ongoing"),
)
INTAKE_PREFIX = "intake."


def answer_label(t: Messages, question: Question, value: Any) -> str:
    """An answer as the respondent chose it: the option's text, the number with its unit, the date."""
    if value is None:
        return t("intake.not_answered")
    option = question.option(str(value)) if question.options else None
    if option is not None:
        return option.text.get(t.locale)
    if isinstance(value, dt.date):
        return t.fmt.date(value)
    if isinstance(value, float):
        unit = question.unit.get(t.locale) if question.unit else ""
        number = t.fmt.num(value)
        return f"{number}{unit}" if unit == "%" else f"{number} {unit}".strip()
    return str(value)


def finding_texts(t: Messages, finding: Finding) -> dict[str, str]:
    """Title, evidence, recommendation and, where known, responsible role and KPI of a finding."""
    if finding.code.startswith(INTAKE_PREFIX):
        return _intake_texts(t, finding)
    key = f"findings.{finding.code}"
    params = {**finding.params, "impact": finding.impact_per_month}
    if "amount_unknown" in params:  # a sum of known amounts with a count of unknown ones
        params["amount_text"] = amount_phrase(
            t, params.get("amount"), params["amount_unknown"], params.get("count")
        )
    if isinstance(params.get("criteria"), list):  # criterion codes in words: "revenue, purchase frequency"
        params["criteria"] = ", ".join(t(f"customers.criterion_{c}") for c in params["criteria"])
    evidence = t(f"{key}.evidence", **params)
    for extra, flag in OPTIONAL_EVIDENCE:
        if t.has(f"{key}.{extra}") and params.get(flag):
            evidence = f"{evidence.rstrip()} {t(f'{key}.{extra}', **params).lstrip()}"
    texts = {
        "title": t(f"{key}.title_{params['variant']}" if "variant" in params else f"{key}.title", **params),
        "evidence": evidence,
        "recommendation": t(f"{key}.recommendation", **params),
    }
    for extra in ("role", "kpi"):
        if t.has(f"{key}.{extra}"):
            texts[extra] = t(f"{key}.{extra}", **params)
    return texts


def _intake_texts(t: Messages, finding: Finding) -> dict[str, str]:
    q = questionnaire()
    question = q.question(finding.code.removeprefix(INTAKE_PREFIX))
    if question is None or question.finding is None:
        raise KeyError(f"finding {finding.code!r}: no such question with a finding in the questionnaire")
    spec, locale = question.finding, t.locale
    role = spec.role or q.layer(question.layer).role
    return {
        "title": spec.title.get(locale),
        "evidence": t(
            "intake.finding_evidence",
            question=question.text.get(locale).rstrip("?"),
            answer=answer_label(t, question, finding.params.get("answer")),
        ),
        "recommendation": spec.recommendation.get(locale),
        "role": role.get(locale),
        "kpi": spec.kpi.get(locale),
    }
