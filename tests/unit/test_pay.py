"""The pay of one month by component, computed by hand, and properties of the payout curve."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.analysis.pay import commission, monthly_pay
from workbench.config import PayScheme

PLAN = Decimal("1000000")
TIERS = [
    {"from_attainment": 0.0, "rate": 0.02},
    {"from_attainment": 0.8, "rate": 0.04},
    {"from_attainment": 1.0, "rate": 0.06},
]


def scheme(**kw) -> PayScheme:
    return PayScheme.model_validate(kw)


def test_whole_base_tier_pays_the_reached_rate_on_everything():
    s = scheme(tiers=TIERS)
    assert commission(s, Decimal("900000"), PLAN) == (Decimal("36000.00"), Decimal("0.00"))  # 4 % x 900 000
    assert commission(s, Decimal("1200000"), PLAN)[0] == Decimal("72000.00")  # 6 % x 1 200 000
    assert commission(s, Decimal("799999"), PLAN)[0] == Decimal("15999.98")  # 2 % x 799 999


def test_marginal_tiers_pay_each_rate_on_its_own_part():
    s = scheme(tiers=TIERS, tier_mode="marginal")
    # 800 000 x 2 % + 200 000 x 4 % + 200 000 x 6 %
    assert commission(s, Decimal("1200000"), PLAN)[0] == Decimal("36000.00")
    assert commission(s, Decimal("900000"), PLAN)[0] == Decimal("20000.00")  # 16 000 + 4 000


def test_a_tier_above_zero_pays_nothing_below_it():
    s = scheme(tiers=[{"from_attainment": 0.8, "rate": 0.05}])
    assert commission(s, Decimal("700000"), PLAN)[0] == Decimal("0.00")
    assert commission(s, Decimal("800000"), PLAN)[0] == Decimal("40000.00")
    marginal = scheme(tiers=[{"from_attainment": 0.8, "rate": 0.05}], tier_mode="marginal")
    assert commission(marginal, Decimal("1000000"), PLAN)[0] == Decimal("10000.00")  # 5 % of 200 000


def test_accelerators_multiply_the_commission_above_their_threshold():
    one = scheme(
        tiers=[{"from_attainment": 0, "rate": 0.05}],
        accelerators=[{"from_attainment": 1.0, "multiplier": 1.5}],
    )
    # 1 000 000 x 5 % + 300 000 x 5 % x 1.5 = 50 000 + 22 500
    assert commission(one, Decimal("1300000"), PLAN) == (Decimal("72500.00"), Decimal("7500.00"))
    two = scheme(
        tiers=[{"from_attainment": 0, "rate": 0.05}],
        accelerators=[{"from_attainment": 1.0, "multiplier": 1.5}, {"from_attainment": 1.2, "multiplier": 2}],
    )
    # 50 000 + 200 000 x 5 % x 1.5 + 300 000 x 5 % x 2 = 50 000 + 15 000 + 30 000
    assert commission(two, Decimal("1500000"), PLAN) == (Decimal("95000.00"), Decimal("20000.00"))
    assert commission(two, Decimal("900000"), PLAN) == (Decimal("45000.00"), Decimal("0.00"))


def test_commission_is_exact_to_the_kopeck():
    s = scheme(tiers=[{"from_attainment": 0, "rate": 0.033}])
    assert commission(s, Decimal("123456.78"), PLAN)[0] == Decimal("4074.07")  # 4 074.07374
    assert commission(s, Decimal("0.15"), PLAN)[0] == Decimal("0.00")  # 0.00495 rounds down
    assert commission(s, Decimal("0.16"), PLAN)[0] == Decimal("0.01")  # 0.00528 rounds up


def test_bonus_threshold():
    s = scheme(plan_bonus=15000, bonus_threshold=0.9)
    assert monthly_pay(s, Decimal("889999.99"), PLAN).bonus == Decimal("0.00")
    assert monthly_pay(s, Decimal("900000"), PLAN).bonus == Decimal("15000.00")


def test_cap_cuts_commission_and_bonus_together():
    s = scheme(base_salary=30000, tiers=TIERS, plan_bonus=20000, cap=50000)
    pay = monthly_pay(s, Decimal("1200000"), PLAN)
    assert (pay.commission, pay.bonus, pay.capped) == (
        Decimal("72000.00"),
        Decimal("20000.00"),
        Decimal("42000.00"),
    )
    assert pay.total == Decimal("80000.00")  # 30 000 + 50 000


def test_the_largest_penalty_due_is_deducted():
    s = scheme(
        base_salary=40000,
        penalties=[{"below_attainment": 0.5, "amount": 10000}, {"below_attainment": 0.7, "amount": 5000}],
    )
    assert monthly_pay(s, Decimal("400000"), PLAN).penalty == Decimal("10000.00")
    assert monthly_pay(s, Decimal("600000"), PLAN).penalty == Decimal("5000.00")
    assert monthly_pay(s, Decimal("700000"), PLAN).penalty == Decimal("0.00")
    assert monthly_pay(s, Decimal("400000"), PLAN).total == Decimal("30000.00")


def test_a_penalty_never_makes_pay_negative():
    s = scheme(
        tiers=[{"from_attainment": 0, "rate": 0.01}], penalties=[{"below_attainment": 0.5, "amount": 10000}]
    )
    pay = monthly_pay(s, Decimal("100000"), PLAN)
    assert (pay.commission, pay.penalty, pay.total) == (
        Decimal("1000.00"),
        Decimal("1000.00"),
        Decimal("0.00"),
    )


def test_spif_is_paid_outside_the_cap():
    s = scheme(
        tiers=[{"from_attainment": 0, "rate": 0.1}],
        cap=50000,
        spif=[
            {"name": "Рывок", "amount": 25000, "threshold": 1.2},
            {"name": "Лучший месяц", "amount": 10000, "kind": "best_manager"},
        ],
    )
    assert monthly_pay(s, Decimal("1200000"), PLAN).total == Decimal("75000.00")  # 50 000 cap + 25 000
    assert monthly_pay(s, Decimal("1199999"), PLAN).spif == Decimal("0.00")
    assert monthly_pay(s, Decimal("1199999"), PLAN, best_manager=True).total == Decimal("60000.00")


def test_demo_scheme_all_components_together():
    s = scheme(
        base_salary=45000,
        tiers=TIERS,
        plan_bonus=20000,
        penalties=[{"below_attainment": 0.5, "amount": 10000}],
    )
    assert monthly_pay(s, Decimal("1100000"), PLAN).total == Decimal("131000.00")  # 45 000 + 66 000 + 20 000
    assert monthly_pay(s, Decimal("450000"), PLAN).total == Decimal("44000.00")  # 45 000 + 9 000 - 10 000
    low = monthly_pay(s, Decimal("450000"), PLAN)
    assert low.at_risk == pytest.approx(9000 / 44000)


def test_without_a_plan_only_a_tier_from_zero_pays():
    s = scheme(
        base_salary=45000,
        tiers=TIERS,
        plan_bonus=20000,
        penalties=[{"below_attainment": 0.5, "amount": 10000}],
    )
    pay = monthly_pay(s, Decimal("500000"), None)
    assert (pay.commission, pay.bonus, pay.penalty, pay.total) == (
        Decimal("10000.00"),
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("55000.00"),
    )


rates = st.lists(st.integers(0, 20), min_size=1, max_size=4).map(sorted)


@st.composite
def schemes(draw, rising: bool) -> PayScheme:
    starts = sorted(draw(st.sets(st.integers(0, 14), min_size=1, max_size=4)))
    tier_rates = draw(st.lists(st.integers(0, 20), min_size=len(starts), max_size=len(starts)))
    if rising:
        tier_rates = sorted(tier_rates)
    accelerators = sorted(draw(st.sets(st.integers(10, 15), max_size=2)))
    return PayScheme.model_validate(
        {
            "base_salary": draw(st.integers(0, 80000)),
            "tiers": [
                {"from_attainment": s / 10, "rate": r / 100} for s, r in zip(starts, tier_rates, strict=True)
            ],
            "tier_mode": draw(st.sampled_from(["whole", "marginal"])) if rising else "marginal",
            "plan_bonus": draw(st.integers(0, 30000)),
            "bonus_threshold": draw(st.integers(5, 12)) / 10,
            "accelerators": [
                {"from_attainment": a / 10, "multiplier": 1 + i / 2} for i, a in enumerate(accelerators, 1)
            ],
            "cap": draw(st.one_of(st.none(), st.integers(10000, 200000))),
            "spif": [{"name": "x", "amount": 5000, "threshold": 1.1}] if draw(st.booleans()) else [],
        }
    )


@given(schemes(rising=True), st.lists(st.integers(0, 1_800_000_00), min_size=2, max_size=6))
def test_pay_never_falls_as_attainment_rises_without_penalties(s, kopecks):
    amounts = [Decimal(k) / 100 for k in sorted(kopecks)]
    totals = [monthly_pay(s, a, PLAN).total for a in amounts]
    assert totals == sorted(totals)


@given(schemes(rising=False), st.integers(0, 1_800_000_00))
def test_components_add_up_to_the_total(s, kopecks):
    pay = monthly_pay(s, Decimal(kopecks) / 100, PLAN)
    assert pay.total == pay.base + pay.commission + pay.bonus - pay.capped + pay.spif - pay.penalty
    assert all(v == v.quantize(Decimal("0.01")) for v in (pay.total, pay.commission, pay.capped))
