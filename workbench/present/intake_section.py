"""The report's questionnaire section: the 11-layer scorecard (radar, layers ranked by urgency), the
maturity level and its rule, the answers the data contradicts, and the questionnaire's findings.

Every figure and decision (scores, basis, urgency, maturity, contradictions, weak answers) comes from
:class:`workbench.analysis.intake.IntakeResult`; this module only words and draws it.
"""

from __future__ import annotations

from typing import Any

from workbench.analysis import intake as rules
from workbench.audit import Audit
from workbench.findings.model import Section
from workbench.intake.model import questionnaire
from workbench.present import charts
from workbench.present.finding_text import answer_label
from workbench.present.i18n import Messages
from workbench.present.sections import finding_rows

View = dict[str, Any]


def score_text(t: Messages, score: float | None) -> str:
    """A layer's score as whole points, or "not assessed"."""
    return t("intake.not_assessed") if score is None else t.fmt.num(round(score))


def intake_section(t: Messages, audit: Audit) -> View:
    """The template context of the questionnaire and scorecard section."""
    card = audit.intake
    assert card is not None, "the audit has no scorecard"
    q = questionnaire()
    ranked = sorted(card.layers, key=lambda x: (x.urgency is None, x.urgency or 0, x.layer))
    rows = [
        {
            "urgency": x.urgency,
            "layer": x.layer,
            "name": t(f"layers.{x.layer}"),
            "score": score_text(t, x.score),
            "assessed": x.score is not None,
            "basis": t(f"intake.basis.{x.basis}") if x.basis else "—",
            "answered": t("intake.answered_of", answered=x.answered, questions=x.questions),
            "answer_score": score_text(t, x.answer_score) if x.answer_score is not None else "—",
            "evidence_score": score_text(t, x.evidence_score) if x.evidence_score is not None else "—",
            "weak": t.fmt.num(x.weak) if x.score is not None else "—",
        }
        for x in ranked
    ]
    chart = charts.to_data_uri(
        charts.layer_radar(
            [t(f"layers.{x.layer}") for x in card.layers],
            [x.score for x in card.layers],
            [x.evidence_score for x in card.layers],
            (t("intake.legend_score"), t("intake.legend_data")),
            t("intake.not_assessed"),
        )
    )
    contradictions = []
    for c in audit.contradictions:
        question = q.question(c.question)
        assert question is not None
        contradictions.append(
            {
                "layer": t(f"layers.{c.layer}"),
                "question": question.text.get(t.locale),
                "answer": answer_label(t, question, c.answer),
                "data": t(f"intake.checks.{c.check}.{str(c.data).lower()}", **c.params),
            }
        )
    findings = [r for r in finding_rows(t, audit.findings) if r["section"] == str(Section.INTAKE)]
    return {
        "available": card.available,
        "intro": t("intake.intro", answered=card.answered, questions=card.questions),
        "migrated": card.migrated_from is not None,
        "chart": chart,
        "overall": score_text(t, card.overall),
        "maturity": maturity_text(t, audit),
        "rows": rows,
        "contradictions": contradictions,
        "findings": findings,
        "rule": t(
            "intake.rule",
            weak=rules.WEAK_BELOW,
            good=rules.GOOD_FROM,
            min_layers=rules.MIN_LAYERS_FOR_MATURITY,
        ),
    }


def maturity_text(t: Messages, audit: Audit) -> dict[str, str]:
    """The maturity level's name and the sentence of the rule that set it."""
    card = audit.intake
    assert card is not None
    m = card.maturity
    assessed = sum(x.score is not None for x in card.layers)
    if m.level is None:
        return {
            "level": t("intake.maturity_none"),
            "rule": t(
                "intake.maturity_rule.too_few_layers", count=assessed, min=rules.MIN_LAYERS_FOR_MATURITY
            ),
        }
    return {
        "level": t("intake.maturity_level", level=m.level, name=t(f"intake.maturity_names.{m.level}")),
        "rule": t(
            f"intake.maturity_rule.{m.rule}",
            overall=round(card.overall or 0),
            band=m.band,
            band_name=t(f"intake.maturity_names.{m.band}") if m.band else "",
            level=m.level,
            layers=", ".join(t(f"layers.{n}").lower() for n in m.capped_by),
        ),
    }
