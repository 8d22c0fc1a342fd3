"""The 11-layer scorecard: each layer scored 0-100 from the questionnaire's answers and, for the layers the
data speaks to, from the data; contradictions between the two; the maturity of the whole system.

Rules (stated in the report's methodology):

- an answer scores 0..1 by its question (yes 1, partly 0.5, no 0; a 0-3 scale by thirds; a frequency by
  its option; a number against its target); the layer's answer score is the weighted mean of its answered
  scored questions, x 100. An unanswered question is left out: a layer without an answer has no answer
  score ("not assessed"), never zero;
- the evidence score comes from the data for planning (a plan exists, per manager, per week), motivation
  (the pay scheme described for the audit: pay tied to the plan, consequences below it, the variable share
  of pay at plan against 40 %), the
  management cycle (weekly plans, a weekly activity report), regular actions (share of managers whose
  weekly activity is steady), quality of actions (lost reasons recorded, lost stage known, the weakest step
  against 50 %) and segmentation (customers recorded; dependence on the largest customers: full marks at
  half the dependence thresholds of 20 % for one customer and 50 % for three, none at the thresholds);
- the layer's score is the mean of the two when both exist (basis "both"), else the one that exists;
- an answer contradicts the data when it is good (score >= 2/3) and the data check says no, or weak
  (below 1/2) and the data check says yes;
- maturity: the mean of the assessed layers' scores in five bands of 20 points (level 1 to 5); at least
  :data:`MIN_LAYERS_FOR_MATURITY` layers must be assessed; a weak foundation layer (planning, management
  cycle, segmentation: the three commonest mistakes) caps the level: below 30 points at 2, below 50 at 3.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from statistics import mean
from typing import Any

from workbench.analysis.activity import ActivityResult
from workbench.analysis.customers.abc import AbcResult
from workbench.analysis.funnel.breakdown import LostReasons
from workbench.analysis.funnel.conversion import FunnelResult
from workbench.analysis.plan import PlanResult
from workbench.config import MotivationConfig
from workbench.intake.answers import IntakeAnswers
from workbench.intake.model import WEAK_BELOW, Question, Questionnaire, questionnaire
from workbench.serialize import json_omit

GOOD_FROM = 0.67  # an answer scoring this or more says "in place"
MIN_LAYERS_FOR_MATURITY = 6
FOUNDATION_LAYERS = (1, 4, 9)
FOUNDATION_CAPS = ((30.0, 2), (50.0, 3))  # a foundation layer below the score caps the level
MATURITY_BAND = 20.0
REASONS_RECORDED = 0.8  # lost deals with a reason: this share or more counts as "recorded"
GOOD_STEP = 0.5  # the weakest step conversion scoring 1
TOP1_DEPENDENCE, TOP3_DEPENDENCE = 0.20, 0.50
GOOD_VARIABLE_SHARE = 0.40  # variable pay at plan as a share of pay: this or more scores full marks


@dataclass(frozen=True)
class DataCheck:
    """What the data says about one fact an answer states (None: the data cannot tell)."""

    id: str
    value: bool | None
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class WeakAnswer:
    """An answer below :data:`WEAK_BELOW`: the question, its answer and its score."""

    layer: int
    question: str
    answer: Any
    score: float


@dataclass(frozen=True)
class LayerScore:
    """One layer of the scorecard."""

    layer: int
    name: str
    score: float | None  # 0..100; None = not assessed
    basis: str | None  # "answers", "data", "both"; None when not assessed
    answered: int
    questions: int
    answer_score: float | None
    evidence_score: float | None
    weak: int  # weak answers
    urgency: int | None  # 1 = the most urgent assessed layer; None when not assessed


@dataclass(frozen=True)
class Maturity:
    """The maturity level of the whole sales system and the rule that set it."""

    level: int | None
    rule: str  # "bands", "foundations_capped" or "too_few_layers"
    band: int | None = None  # the level the mean score alone gives
    capped_by: list[int] = field(default_factory=list)  # the weak foundation layers that capped the level


@dataclass(frozen=True)
class Contradiction:
    """An answer the data contradicts: both sides."""

    layer: int
    question: str
    answer: Any
    check: str
    data: bool
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class IntakeResult:
    """The scorecard of the 11 layers."""

    available: bool  # at least one answer
    layers: list[LayerScore]
    overall: float | None
    maturity: Maturity
    answered: int
    questions: int
    migrated_from: int | None
    weak: list[WeakAnswer] = field(metadata=json_omit("the findings name the weak answers"))
    checks: dict[str, DataCheck] = field(
        metadata=json_omit("shown through evidence scores and contradictions")
    )
    answers: IntakeAnswers = field(metadata=json_omit("the client's own answers stay in intake.yaml"))

    def layer(self, number: int) -> LayerScore:
        return self.layers[number - 1]


def data_checks(
    plan: PlanResult,
    activity: ActivityResult,
    funnel: FunnelResult,
    reasons: LostReasons,
    abc: AbcResult | None,
    motivation: MotivationConfig | None = None,
) -> dict[str, DataCheck]:
    """The facts the data states, each True, False or None (cannot tell)."""
    checks = [
        DataCheck("plan_exists", plan.available),
        DataCheck("plan_personal", plan.has_manager_plans if plan.available else None),
        DataCheck(
            "plan_weekly",
            "week" in plan.granularities if plan.available else None,
            {"granularities": ", ".join(plan.granularities)},
        ),
    ]
    if activity.available and activity.managers:
        irregular = [m.manager for m in activity.managers if m.irregular]
        checks.append(
            DataCheck(
                "activity_regular",
                not irregular,
                {
                    "irregular": len(irregular),
                    "managers": len(activity.managers),
                    "names": ", ".join(irregular),
                },
            )
        )
    else:
        checks.append(DataCheck("activity_regular", None))
    if reasons.available and reasons.lost:
        share = reasons.with_reason / reasons.lost
        checks.append(
            DataCheck(
                "lost_reasons_recorded", share >= REASONS_RECORDED, {"share": share, "lost": reasons.lost}
            )
        )
    else:
        checks.append(DataCheck("lost_reasons_recorded", None))
    checks.append(DataCheck("customer_records", True if abc is not None else None))
    if abc is not None and abc.concentration.customers:
        c = abc.concentration
        checks.append(
            DataCheck(
                "concentration_ok",
                c.top1_share < TOP1_DEPENDENCE and c.top3_share < TOP3_DEPENDENCE,
                {"top1_share": c.top1_share, "top3_share": c.top3_share},
            )
        )
    else:
        checks.append(DataCheck("concentration_ok", None))
    checks += motivation_checks(motivation)
    return {c.id: c for c in checks}


def motivation_checks(motivation: MotivationConfig | None) -> list[DataCheck]:
    """What the described pay scheme states: pay tied to the plan, consequences below it."""
    if motivation is None:
        return [DataCheck("pay_tied_to_plan", None), DataCheck("plan_penalties", None)]
    rates = {t.rate for t in motivation.tiers}
    tied = motivation.plan_bonus > 0 or len(rates) > 1
    return [DataCheck("pay_tied_to_plan", tied), DataCheck("plan_penalties", bool(motivation.penalties))]


def variable_share_at_plan(motivation: MotivationConfig, plan: PlanResult) -> float | None:
    """Variable pay as a share of a manager's pay when the personal plan is met exactly (revenue-based
    commission on the managers' average monthly plan); None when it cannot be computed."""
    monthly = [m.plan_revenue / m.months_planned for m in plan.managers if m.months_planned > 0]
    if not plan.available or not monthly or motivation.commission_base != "revenue":
        return None
    tiers = [t for t in motivation.tiers if t.from_attainment <= 1.0]
    rate = max(tiers, key=lambda t: t.from_attainment).rate if tiers else 0.0
    variable = motivation.plan_bonus + rate * mean(monthly)
    if motivation.cap is not None:
        variable = min(variable, motivation.cap)
    total = motivation.base_salary + variable
    return variable / total if total > 0 else None


def evidence_scores(
    plan: PlanResult,
    activity: ActivityResult,
    funnel: FunnelResult,
    reasons: LostReasons,
    abc: AbcResult | None,
    motivation: MotivationConfig | None = None,
) -> dict[int, float]:
    """Scores 0..100 from the data, for the layers the data speaks to."""
    out: dict[int, float] = {}
    if motivation is not None:
        checks = {c.id: bool(c.value) for c in motivation_checks(motivation)}
        parts = [float(checks["pay_tied_to_plan"]), float(checks["plan_penalties"])]
        share = variable_share_at_plan(motivation, plan)
        if share is not None:
            parts.append(min(1.0, share / GOOD_VARIABLE_SHARE))
        out[2] = 100 * mean(parts)
    weekly_plans = plan.available and "week" in plan.granularities
    out[1] = 100 * mean([1.0, float(plan.has_manager_plans), float(weekly_plans)]) if plan.available else 0.0
    out[4] = 100 * mean([float(weekly_plans), float(activity.available)])
    if activity.available and activity.managers:
        out[5] = 100 * sum(not m.irregular for m in activity.managers) / len(activity.managers)
    parts = []
    if reasons.available and reasons.lost:
        parts.append(reasons.with_reason / reasons.lost)
    if funnel.lost:
        parts.append(1 - funnel.lost_stage_unknown / funnel.lost)
    steps = [s.conversion for s in funnel.stages if s.conversion is not None]
    if steps:
        parts.append(min(1.0, min(steps) / GOOD_STEP))
    if parts:
        out[6] = 100 * mean(parts)
    if abc is not None and abc.concentration.customers:
        c = abc.concentration
        dependence = max(c.top1_share / TOP1_DEPENDENCE, c.top3_share / TOP3_DEPENDENCE)
        out[9] = 100 * mean([1.0, min(1.0, max(0.0, 2.0 * (1.0 - dependence)))])
    return out


def score_intake(
    answers: IntakeAnswers,
    checks: dict[str, DataCheck],
    evidence: dict[int, float],
    as_of: dt.date,
    locale: str = "ru",
    q: Questionnaire | None = None,
) -> tuple[IntakeResult, list[Contradiction]]:
    """The scorecard and the contradictions between answers and data."""
    q = q or questionnaire()
    rows: list[dict[str, Any]] = []
    weak: list[WeakAnswer] = []
    contradictions: list[Contradiction] = []
    for layer in q.layers:
        scored: list[tuple[Question, float]] = []
        for question in layer.questions:
            value = answers.value(question.key)
            score = question.score(value, as_of)
            if score is None:
                continue
            scored.append((question, score))
            if score < WEAK_BELOW:
                weak.append(WeakAnswer(layer.number, question.key, value, score))
            check = checks.get(question.check) if question.check else None
            if check is not None and check.value is not None:
                says_yes = score >= GOOD_FROM
                says_no = score < WEAK_BELOW
                if (says_yes and not check.value) or (says_no and check.value):
                    contradictions.append(
                        Contradiction(layer.number, question.key, value, check.id, check.value, check.params)
                    )
        total = sum(question.weight for question, _ in scored)
        answer_score = 100 * sum(qu.weight * s for qu, s in scored) / total if total else None
        data_score = evidence.get(layer.number)
        parts = [s for s in (answer_score, data_score) if s is not None]
        basis = (
            "both"
            if len(parts) == 2
            else "answers"
            if answer_score is not None
            else "data"
            if data_score is not None
            else None
        )
        rows.append(
            {
                "layer": layer.number,
                "name": layer.name.get(locale),
                "score": mean(parts) if parts else None,
                "basis": basis,
                "answered": sum(answers.value(x.key) is not None for x in layer.questions),
                "questions": len(layer.questions),
                "answer_score": answer_score,
                "evidence_score": data_score,
                "weak": sum(w.layer == layer.number for w in weak),
            }
        )
    ranked = sorted((r for r in rows if r["score"] is not None), key=lambda r: (r["score"], -r["weak"]))
    urgency = {r["layer"]: i for i, r in enumerate(ranked, start=1)}
    layers = [LayerScore(**r, urgency=urgency.get(r["layer"])) for r in rows]
    assessed = [x.score for x in layers if x.score is not None]
    overall = mean(assessed) if assessed else None
    result = IntakeResult(
        available=bool(answers.answered()),
        layers=layers,
        overall=overall,
        maturity=maturity(layers),
        answered=len(answers.answered() & {x.key for x in q.questions()}),
        questions=len(q.questions()),
        migrated_from=answers.migrated_from,
        weak=weak,
        checks=checks,
        answers=answers,
    )
    return result, contradictions


def maturity(layers: list[LayerScore]) -> Maturity:
    """The maturity level by the rule in this module's docstring."""
    assessed = [x for x in layers if x.score is not None]
    if len(assessed) < MIN_LAYERS_FOR_MATURITY:
        return Maturity(None, "too_few_layers")
    overall = mean(x.score for x in assessed if x.score is not None)
    level = min(5, 1 + int(overall // MATURITY_BAND))
    foundations = [x for x in assessed if x.layer in FOUNDATION_LAYERS]
    for floor, cap in FOUNDATION_CAPS:
        low = [x.layer for x in foundations if (x.score or 0.0) < floor]
        if low and level > cap:
            return Maturity(cap, "foundations_capped", level, low)
    return Maturity(level, "bands", level)
