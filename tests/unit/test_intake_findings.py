"""The questionnaire's findings, the layers they assess, the scorecard section and the demo's answers."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest

from workbench.analysis.intake import score_intake
from workbench.findings import Finding, detect
from workbench.findings.layers import layer_statuses
from workbench.findings.registry import RULES, _load_rules
from workbench.intake.answers import Answer, IntakeAnswers
from workbench.intake.model import questionnaire
from workbench.present.finding_text import finding_texts
from workbench.present.i18n import Messages

AS_OF = dt.date(2026, 11, 23)


def _result(answers: dict[str, object], plan=None, activity=None, abc=None):
    intake, contradictions = score_intake(
        IntakeAnswers(answers={k: Answer(value=v) for k, v in answers.items()}), {}, {}, AS_OF
    )
    return SimpleNamespace(
        intake=intake,
        contradictions=contradictions,
        plan=plan or SimpleNamespace(available=True, granularities=["week"], has_manager_plans=True),
        activity=activity or SimpleNamespace(available=False, managers=[]),
        abc=abc,
    )


def test_every_question_with_a_finding_has_a_rule_and_texts_in_both_languages():
    _load_rules()
    q = questionnaire()
    codes = {f"intake.{x.key}" for x in q.questions() if x.finding}
    assert codes == {code for code in RULES if code.startswith("intake.")}
    for code in codes:
        question = q.question(code.removeprefix("intake."))
        finding = Finding(code, code, question.layer, "high", None, "intake", 30, {"answer": None})
        for locale in ("ru", "en"):
            texts = finding_texts(Messages(locale), finding)
            assert set(texts) == {"title", "evidence", "recommendation", "role", "kpi"}
            assert all(texts.values())


def test_a_weak_answer_raises_its_finding_with_layer_horizon_role_and_kpi():
    result = _result({"daily_kpi": "no", "weekly_meeting": "weekly", "tote": "partly"})
    [finding] = detect("intake.daily_kpi", result)
    assert (finding.layer, finding.severity, finding.horizon, finding.section) == (4, "high", 30, "intake")
    assert detect("intake.weekly_meeting", result) == []  # a good answer
    assert detect("intake.tote", result) == []  # partly is half marks, not weak
    assert detect("intake.analytics", result) == []  # unanswered: not assessed, no finding
    texts = finding_texts(Messages("ru"), finding)
    assert texts["evidence"] == (
        "В анкете на вопрос «Есть ли у менеджеров дневные и недельные показатели: звонки, встречи, КП» "
        "дан ответ «Нет»."
    )
    assert texts["role"] == "Руководитель отдела продаж" and texts["kpi"] == "Выполнение дневных норм"


def test_a_data_finding_that_says_the_same_takes_precedence():
    monthly = SimpleNamespace(
        available=True,
        granularities=["month"],
        has_manager_plans=True,
        weeks_below=0,
        weeks_total=0,
        attainment_warning=0.9,
    )
    assert detect("intake.weekly_plan", _result({"weekly_plan": "no"}, plan=monthly)) == []
    weekly = SimpleNamespace(available=True, granularities=["week"], has_manager_plans=True)
    assert len(detect("intake.weekly_plan", _result({"weekly_plan": "no"}, plan=weekly))) == 1


def test_answered_layers_are_assessed_and_carry_their_scores():
    result = _result({"roles": "yes", "no_conflicts": "3"})
    result.activity = SimpleNamespace(available=False)
    result.motivation = result.decomposition = None
    statuses = {s.number: s for s in layer_statuses(result, [])}
    assert statuses[10].status == "ok" and statuses[10].score == pytest.approx(100.0)
    assert statuses[10].basis == "answers"
    assert statuses[11].status == "not_assessed" and statuses[11].score is None


def test_the_demo_answers_match_its_planted_problems(demo_audit):
    card = demo_audit.intake
    weak = {w.question for w in card.weak}
    # monthly-only control, no stage targets, irregular activity, no ABC and big-customer dependence
    assert {"weekly_meeting", "reporting_cycle", "daily_kpi", "stage_plan"} <= weak
    assert {"activity_control", "activity_steady", "abc", "no_dependence"} <= weak
    ranked = sorted((x for x in card.layers if x.urgency), key=lambda x: x.urgency)
    assert [x.layer for x in ranked[:3]] == [4, 9, 5]
    assert card.layer(8).score is None and card.layer(8).answered == 0  # reputation: not assessed
    [contradiction] = demo_audit.contradictions
    assert (contradiction.question, contradiction.answer, contradiction.data) == ("weekly_plan", "yes", False)
    assert card.maturity.rule == "foundations_capped" and card.maturity.level == 3


def test_the_scorecard_section_shows_ranked_layers_unassessed_and_contradictions(demo_audit):
    from workbench.present.registry import render_section

    for locale, unassessed, contradiction in (
        ("ru", "не оценивался", "планы в данных только помесячные"),
        ("en", "not assessed", "monthly only"),
    ):
        html = render_section("intake", Messages(locale), demo_audit).html
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
        assert unassessed in text and contradiction in text
        assert text.index("4. ") < text.index("9. ") < text.index("5. ")  # by urgency
        assert "data:image/png;base64," in html  # the radar


def test_the_action_plan_ranks_data_and_questionnaire_findings_together(demo_audit):
    from workbench.render.metrics import build_metrics

    document = build_metrics(demo_audit, {})
    plan = document["action_plan"]
    assert [h["horizon"] for h in plan] == [30, 60, 90]
    actions = [a for h in plan for a in h["actions"]]
    assert sorted(a["rank"] for a in actions) == list(range(1, len(document["findings"]) + 1))
    for horizon in plan:
        ranks = [a["rank"] for a in horizon["actions"]]
        assert ranks == sorted(ranks)
    assert all(a["role"] and a["kpi"] for a in actions)
    ids = [a["id"] for a in actions]
    assert "intake-weekly-meeting" in ids and "funnel-bottleneck" in ids
    first = plan[0]["actions"][0]
    assert first["id"] == "funnel-bottleneck" and first["impact_per_month"] > 0


def test_metrics_name_the_layers_in_the_documents_language(demo_audit):
    from workbench.render.metrics import build_metrics

    ru = build_metrics(demo_audit, {})["intake"]
    en = build_metrics(demo_audit, {}, "en")["intake"]
    assert [x["name"] for x in ru["layers"]][:2] == ["Планирование", "Мотивация"]
    assert [x["name"] for x in en["layers"]][:2] == ["Planning", "Motivation"]
    assert ru["maturity"] == {"level": 3, "rule": "foundations_capped", "band": 4, "capped_by": [4, 9]}
