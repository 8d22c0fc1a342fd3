"""Formulas written once: the same Python function computes on numbers and writes the page's Vega
expression, and the closed-form commission equals the commission summed piece by piece."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.analysis.expr import Steps, evaluate, field, kopecks, maximum, minimum, to_vega, var, where
from workbench.analysis.pay import commission, monthly_pay, pay_formula, scheme_terms
from workbench.config import PayScheme


def formula(a, b, steps):
    share = steps.let("share", a / b)
    return where(share >= Decimal("0.8"), kopecks(a * Decimal("0.05")), maximum(a - b, 0) + minimum(a, 10))


def test_one_function_computes_and_writes_the_expression():
    assert formula(Decimal("900"), Decimal("1000"), Steps()) == Decimal("45.00")
    assert formula(Decimal("500"), Decimal("1000"), Steps()) == Decimal("10")
    steps = Steps()
    out = formula(var("a"), var("b"), steps)
    assert steps.recorded[0][0] == "share" and to_vega(steps.recorded[0][1]) == "(a / b)"
    assert (
        to_vega(out) == "((share >= 0.8) ? (round((a * 0.05) * 100) / 100) : (max((a - b), 0) + min(a, 10)))"
    )
    assert evaluate(out, {"a": 900.0, "b": 1000.0}, {"share": 0.9}) == pytest.approx(45.0)


def test_adding_zero_and_multiplying_by_one_leave_the_expression_alone():
    assert to_vega(var("x") + 0 - Decimal(0)) == "x"
    assert to_vega(1 * var("x") * Decimal(1)) == "x"
    assert to_vega(0 - var("x")) == "(0 - x)"


def test_a_symbolic_value_refuses_a_python_if():
    with pytest.raises(TypeError, match="where"):
        bool(var("x") > 1)


def test_names_are_plain_identifiers_and_steps_are_named_once():
    with pytest.raises(ValueError):
        var("a-b")
    with pytest.raises(ValueError):
        field("x y")
    steps = Steps()
    steps.let("x", var("a"))
    with pytest.raises(ValueError, match="twice"):
        steps.let("x", var("b"))
    assert to_vega(Steps(as_fields=True).let("y", var("a"))) == "datum.y"


def test_negative_numbers_are_parenthesised_in_the_expression():
    assert to_vega(var("x") * Decimal("-0.5")) == "(x * (-0.5))"


def _piecewise(scheme: PayScheme, sales: Decimal, plan: Decimal) -> Decimal:
    """The commission summed over the pieces between every threshold, rate and multiplier constant in
    each: the definition the closed form must match."""

    def rate_at(share: Decimal) -> Decimal:
        rate = Decimal(0)
        for t in scheme.tiers:
            if Decimal(str(t.from_attainment)) <= share:
                rate = Decimal(str(t.rate))
        return rate

    cuts = {Decimal(0), sales} | {Decimal(str(t.from_attainment)) * plan for t in scheme.tiers}
    cuts |= {Decimal(str(a.from_attainment)) * plan for a in scheme.accelerators}
    total = Decimal(0)
    for low, high in itertools.pairwise(sorted(c for c in cuts if 0 <= c <= sales)):
        rate = rate_at(sales / plan if scheme.tier_mode == "whole" else low / plan)
        multiplier = Decimal(1)
        for a in scheme.accelerators:
            if Decimal(str(a.from_attainment)) * plan <= low:
                multiplier = Decimal(str(a.multiplier))
        total += rate * multiplier * (high - low)
    return total.quantize(Decimal("0.01"))


thresholds = st.lists(st.sampled_from([0, 0.5, 0.8, 0.9, 1.0, 1.1, 1.2, 1.5]), unique=True, max_size=4)


@given(
    starts=thresholds,
    rates=st.lists(st.sampled_from([0.01, 0.02, 0.05, 0.08, 0.1]), min_size=4, max_size=4),
    acc=st.lists(st.sampled_from([1.0, 1.2, 1.5, 2.0]), unique=True, max_size=2),
    multipliers=st.lists(st.sampled_from([1.0, 1.25, 1.5, 2.0]), min_size=2, max_size=2),
    mode=st.sampled_from(["whole", "marginal"]),
    sales=st.integers(0, 3_000_000),
)
def test_the_closed_form_commission_is_the_piecewise_sum(starts, rates, acc, multipliers, mode, sales):
    scheme = PayScheme.model_validate(
        {
            "tiers": [{"from_attainment": s, "rate": r} for s, r in zip(sorted(starts), rates, strict=False)],
            "accelerators": [
                {"from_attainment": a, "multiplier": m}
                for a, m in zip(sorted(acc), multipliers, strict=False)
            ],
            "tier_mode": mode,
        }
    )
    plan = Decimal(1_000_000)
    assert commission(scheme, Decimal(sales), plan)[0] == _piecewise(scheme, Decimal(sales), plan)


@given(
    sales=st.integers(0, 3_000_000),
    plan=st.integers(100_000, 2_000_000),
    mode=st.sampled_from(["whole", "marginal"]),
)
def test_the_page_expression_of_a_pay_scheme_gives_the_python_pay(sales, plan, mode):
    scheme = PayScheme.model_validate(
        {
            "base_salary": 40000,
            "tier_mode": mode,
            "tiers": [
                {"from_attainment": 0, "rate": 0.02},
                {"from_attainment": 0.8, "rate": 0.04},
                {"from_attainment": 1.0, "rate": 0.06},
            ],
            "accelerators": [{"from_attainment": 1.2, "multiplier": 1.5}],
            "plan_bonus": 20000,
            "bonus_threshold": 0.9,
            "cap": 90000,
            "penalties": [{"below_attainment": 0.5, "amount": 10000}],
            "spif": [{"name": "Рывок", "amount": 5000, "threshold": 1.3}],
        }
    )
    steps = Steps()
    total = pay_formula(scheme_terms(scheme), var("sales"), var("plan"), steps)["total"]
    inputs = {"sales": float(sales), "plan": float(plan)}
    values: dict[str, float] = {}
    for name, e in steps.recorded:
        values[name] = evaluate(e, inputs, values)
    page = evaluate(total, inputs, values)
    python = monthly_pay(scheme, Decimal(sales), Decimal(plan)).total
    assert abs(Decimal(str(page)) - python) <= Decimal("0.02")
