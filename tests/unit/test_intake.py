"""The questionnaire as data, reading and migrating answers, and the 11-layer scorecard."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from workbench.analysis.intake import DataCheck, maturity, score_intake
from workbench.findings.registry import RULES, _load_rules
from workbench.intake.answers import (
    Answer,
    IntakeAnswers,
    IntakeError,
    dump_intake,
    parse_intake,
)
from workbench.intake.model import questionnaire

AS_OF = dt.date(2026, 11, 23)
Q = questionnaire()


def _best(question):
    if question.options:
        return max(question.options, key=lambda o: o.score).key
    if question.type == "number":
        return float(question.target or 1) if question.better == "higher" else 0.0
    if question.type == "date":
        return AS_OF
    return "text"


def _worst(question):
    if question.options:
        return min(question.options, key=lambda o: o.score).key
    if question.type == "number":
        return 0.0 if question.better == "higher" else 100.0
    if question.type == "date":
        return dt.date(2015, 1, 1)
    return "text"


def _answers(pick, keys=None) -> IntakeAnswers:
    return IntakeAnswers(
        answers={q.key: Answer(value=pick(q)) for q in Q.questions() if keys is None or q.key in keys}
    )


def _score(answers, checks=None, evidence=None):
    return score_intake(answers, checks or {}, evidence or {}, AS_OF)


# The questionnaire ------------------------------------------------------------------------------------


def test_the_questionnaire_covers_the_method():
    assert [layer.number for layer in Q.layers] == list(range(1, 12))
    assert all(4 <= len(layer.questions) <= 8 for layer in Q.layers)
    used = {q.checklist for q in Q.questions() if q.checklist}
    assert used == set(Q.checklist), "every item of the effective-sales-system checklist has a question"
    assert {q.mistake for q in Q.questions() if q.mistake} == {1, 2, 3}
    assert {q.type for q in Q.questions()} == {"yesno", "scale", "choice", "number", "date", "text"}
    for q in Q.questions():
        assert q.text.ru and q.text.en
        if q.scored:
            assert q.finding is not None and q.finding.kpi.ru and q.finding.recommendation.en


def test_covered_by_names_data_rules_and_checks_exist():
    _load_rules()
    checks = {"plan_exists", "plan_personal", "plan_weekly", "activity_regular"}
    checks |= {"lost_reasons_recorded", "customer_records", "concentration_ok", "pay_tied_to_plan"}
    checks |= {"plan_penalties"}
    for q in Q.questions():
        if q.finding:
            assert all(code in RULES for code in q.finding.covered_by), q.key
        if q.check:
            assert q.check in checks, q.key


# Reading answers ----------------------------------------------------------------------------------------


def test_answers_are_typed_by_their_question():
    raw = yaml.safe_load(
        """
version: 2
layers:
  1:
    plan_exists: {answer: yes, comment: "утверждён"}
    stage_plan: {answer: 2}
    plan_approved: {answer: 01.12.2025}
  2:
    variable_share: {answer: "35 %"}
  4:
    weekly_meeting: {answer: Еженедельно}
"""
    )
    answers = parse_intake(raw, "intake.yaml")
    assert answers.value("plan_exists") == "yes" and answers.comment("plan_exists") == "утверждён"
    assert answers.value("stage_plan") == "2"
    assert answers.value("plan_approved") == dt.date(2025, 12, 1)
    assert answers.value("variable_share") == 35.0
    assert answers.value("weekly_meeting") == "weekly"
    assert answers.migrated_from is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "layers: {1: {plan_exists: {answer: maybe}}}",
            r"layers\.1\.plan_exists: expected one of yes, partly, no",
        ),
        ("layers: {1: {no_such: {answer: yes}}}", r"layers\.1\.no_such: no such question"),
        (
            "layers: {2: {plan_exists: {answer: yes}}}",
            r"layers\.2\.plan_exists: the question belongs to layer 1",
        ),
        ("layers: {2: {variable_share: {answer: много}}}", r"layers\.2\.variable_share: expected a number"),
        ("layers: {1: {plan_exists: {answr: yes}}}", r"unknown field\(s\) answr"),
    ],
)
def test_a_wrong_answer_names_the_file_layer_and_question(text, message):
    with pytest.raises(IntakeError, match=message) as error:
        parse_intake(yaml.safe_load("version: 2\n" + text), "clients/x/intake.yaml")
    assert str(error.value).startswith("clients/x/intake.yaml")


def test_an_unknown_format_version_is_refused():
    with pytest.raises(IntakeError, match="version: 7 is not a known questionnaire format"):
        parse_intake({"version": 7, "layers": {}}, "intake.yaml")


def test_the_first_format_is_migrated():
    raw = yaml.safe_load(
        """
layers:
  1:
    plan_exists: {score: 2, comment: ""}
    weekly_plan: {score: 0, comment: "только месяц"}
    stage_plan: {score: 1, comment: ""}
    personal_plans: {score: null, comment: ""}
  4:
    weekly_meeting: {score: 2, comment: ""}
  10:
    conflicts: {score: 1, comment: ""}
"""
    )
    answers = parse_intake(raw, "intake.yaml")
    assert answers.migrated_from == 1
    assert answers.value("plan_exists") == "yes"
    assert answers.value("weekly_plan") == "no" and answers.comment("weekly_plan") == "только месяц"
    assert answers.value("stage_plan") == "1"
    assert answers.value("personal_plans") is None
    assert answers.value("weekly_meeting") == "weekly"
    assert answers.value("no_conflicts") == "1"  # renamed question, found by its legacy key


def test_the_first_format_rejects_a_score_out_of_range():
    with pytest.raises(IntakeError, match=r"layers\.1\.plan_exists: score: expected 0, 1, 2 or null, got 3"):
        parse_intake({"layers": {1: {"plan_exists": {"score": 3}}}}, "intake.yaml")


def test_dump_and_parse_round_trip():
    answers = _answers(_best)
    answers = answers.model_copy(
        update={
            "answers": {
                **answers.answers,
                "plan_exists": Answer(value="yes", comment='кавычки "и" : двоеточие'),
            }
        }
    )
    again = parse_intake(yaml.safe_load(dump_intake(answers)), "intake.yaml")
    assert again.answers == answers.answers
    assert parse_intake(yaml.safe_load(dump_intake(answers, "en")), "intake.yaml").answers == answers.answers


# Scoring ------------------------------------------------------------------------------------------------


def test_all_best_answers_score_every_layer_100():
    result, contradictions = _score(_answers(_best))
    assert [x.score for x in result.layers] == [pytest.approx(100.0)] * 11
    assert all(x.basis == "answers" and x.answered == x.questions for x in result.layers)
    assert result.maturity.level == 5 and result.maturity.rule == "bands"
    assert result.weak == [] and contradictions == []


def test_all_worst_answers_score_zero_and_are_weak():
    result, _ = _score(_answers(_worst))
    # a "lower is better" number only approaches zero (100 managers left against a target of 1: 0.01)
    assert all(x.score is not None and x.score < 1 for x in result.layers)
    assert sum(x.score == 0.0 for x in result.layers) == 10
    scored = [q for q in Q.questions() if q.scored]
    assert len(result.weak) == len(scored)
    assert result.maturity.level == 1


def test_no_answer_is_not_assessed_never_zero():
    result, _ = _score(IntakeAnswers())
    assert not result.available
    assert all(x.score is None and x.basis is None and x.urgency is None for x in result.layers)
    assert result.overall is None and result.maturity.rule == "too_few_layers"


def test_partial_answers_score_only_what_was_answered():
    result, _ = _score(_answers(_best, {"plan_exists", "weekly_meeting", "daily_kpi"}))
    planning, cycle = result.layer(1), result.layer(4)
    assert planning.score == pytest.approx(100.0) and planning.answered == 1
    assert cycle.answered == 2 and cycle.score == pytest.approx(100.0)
    assert all(result.layer(n).score is None for n in (2, 3, 5, 6, 7, 8, 9, 10, 11))
    assert result.answered == 3


def test_weights_and_partial_answers():
    answers = IntakeAnswers(
        answers={"plan_exists": Answer(value="yes"), "weekly_plan": Answer(value="no")}
    )  # weights 3 and 2
    result, _ = _score(answers)
    assert result.layer(1).score == pytest.approx(100 * 3 / 5)
    assert [w.question for w in result.weak] == ["weekly_plan"]


def test_evidence_is_averaged_with_answers_and_stands_alone_without_them():
    answers = IntakeAnswers(answers={"plan_exists": Answer(value="yes")})
    result, _ = _score(answers, evidence={1: 50.0, 5: 20.0})
    assert result.layer(1).basis == "both" and result.layer(1).score == pytest.approx(75.0)
    assert result.layer(5).basis == "data" and result.layer(5).score == 20.0
    assert result.layer(5).answered == 0
    assert result.layer(5).urgency == 1  # the weakest assessed layer comes first


def test_an_answer_the_data_contradicts_is_reported_with_both_sides():
    checks = {"plan_weekly": DataCheck("plan_weekly", False, {"granularities": "month"})}
    yes = IntakeAnswers(answers={"weekly_plan": Answer(value="yes")})
    _, found = _score(yes, checks)
    assert [(c.question, c.answer, c.check, c.data) for c in found] == [
        ("weekly_plan", "yes", "plan_weekly", False)
    ]
    partly = IntakeAnswers(answers={"weekly_plan": Answer(value="partly")})
    assert _score(partly, checks)[1] == []
    no = IntakeAnswers(answers={"weekly_plan": Answer(value="no")})
    assert _score(no, {"plan_weekly": DataCheck("plan_weekly", True)})[1][0].data is True
    assert _score(no, {"plan_weekly": DataCheck("plan_weekly", None)})[1] == []


def test_a_weak_foundation_caps_maturity():
    result, _ = _score(_answers(_best))
    layers = [x if x.layer != 4 else x.__class__(**{**x.__dict__, "score": 45.0}) for x in result.layers]
    capped = maturity(layers)
    assert (capped.level, capped.rule, capped.band, capped.capped_by) == (3, "foundations_capped", 5, [4])
    layers = [x if x.layer != 9 else x.__class__(**{**x.__dict__, "score": 10.0}) for x in layers]
    assert maturity(layers).level == 2


def test_motivation_evidence_from_the_described_pay_scheme():
    from types import SimpleNamespace

    from workbench.analysis.intake import evidence_scores, motivation_checks, variable_share_at_plan
    from workbench.config import MotivationConfig

    flat = MotivationConfig(base_salary=60000, tiers=[{"from_attainment": 0, "rate": 0.03}])
    checks = {c.id: c.value for c in motivation_checks(flat)}
    assert checks == {"pay_tied_to_plan": False, "plan_penalties": False}
    assert {c.value for c in motivation_checks(None)} == {None}
    plan = SimpleNamespace(
        available=True,
        granularities=["month"],
        has_manager_plans=True,
        managers=[SimpleNamespace(plan_revenue=1_200_000.0, months_planned=3)],
    )
    tied = MotivationConfig(
        base_salary=40000,
        tiers=[{"from_attainment": 0, "rate": 0.02}, {"from_attainment": 1.0, "rate": 0.05}],
        plan_bonus=20000,
        penalties=[{"below_attainment": 0.5, "amount": 5000}],
    )
    # at plan: 20 000 bonus + 5 % of 400 000 = 40 000 variable against 40 000 salary
    assert variable_share_at_plan(tied, plan) == pytest.approx(0.5)
    activity = SimpleNamespace(available=False, managers=[])
    funnel = SimpleNamespace(lost=0, stages=[])
    reasons = SimpleNamespace(available=False, lost=0)
    assert evidence_scores(plan, activity, funnel, reasons, None, tied)[2] == pytest.approx(100.0)
    # the flat scheme: not tied, no consequence, 12 000 variable of 72 000 (1/6 against 40 %)
    assert evidence_scores(plan, activity, funnel, reasons, None, flat)[2] == pytest.approx(
        100 * (1 / 6 / 0.4) / 3
    )
    assert 2 not in evidence_scores(plan, activity, funnel, reasons, None, None)
