"""Questionnaire findings: a weak answer (below half marks) raises its question's finding.

One rule per question that names a finding in ``workbench/intake/questionnaire.yaml``: code
``intake.<question>``, the question's layer, the report's intake section, the finding's horizon. Its texts
(title, recommendation, responsible role, KPI) are the questionnaire's. A rule stays silent when a data
finding it names in ``covered_by`` fires: the data already says the same, with figures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from workbench.analysis.result import AuditResult
from workbench.findings.model import Layer, Section, Severity
from workbench.findings.registry import RULES, Hit, rule
from workbench.intake.model import Question, questionnaire

CODE_PREFIX = "intake."


def _detector(question: Question) -> Callable[[AuditResult], Iterator[Hit]]:
    spec = question.finding
    assert spec is not None

    def detect(result: AuditResult) -> Iterator[Hit]:
        intake = getattr(result, "intake", None)
        if intake is None:
            return
        weak = next((w for w in intake.weak if w.question == question.key), None)
        if weak is None or any(RULES[code].findings(result) for code in spec.covered_by if code in RULES):
            return
        yield Hit(Severity(spec.severity), {"question": question.key, "answer": weak.answer})

    detect.__doc__ = f"A weak answer to the question {question.key!r}."
    return detect


def _declare() -> None:
    for question in questionnaire().questions():
        if question.finding is not None:
            rule(
                f"intake-{question.key.replace('_', '-')}",
                CODE_PREFIX + question.key,
                Layer(question.layer),
                Section.INTAKE,
                question.finding.horizon,
            )(_detector(question))


_declare()
