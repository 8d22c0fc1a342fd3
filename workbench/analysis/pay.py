"""One manager's pay for one month under a pay scheme: pure functions, money exact to the kopeck.

Every amount is a :class:`~decimal.Decimal` rounded half up to the kopeck once per component. The order of
the components is fixed and stated in the report:

1. **base**: the fixed salary;
2. **commission** on the base of the scheme (revenue or margin). Tiers start at a share of plan
   (``from_attainment``); below the first tier nothing is paid.

   - ``whole``: the rate of the tier the month's attainment reached applies to the *whole* base (a step
     up at each threshold pays again on everything sold before it);
   - ``marginal``: each tier's rate applies only to the part of the base inside that tier.

   **Accelerators** multiply the commission earned on the part of the base above their threshold
   (``from_attainment`` >= 100 %); a higher accelerator replaces a lower one from its own threshold on;
3. **plan bonus**: paid in full when attainment reaches ``bonus_threshold``;
4. **cap**: commission and bonus together are cut to ``cap``;
5. **SPIF** (contests): paid on top, outside the cap;
6. **penalty**: the largest penalty whose ``below_attainment`` the month is under is deducted last; pay is
   never below zero.

Without a plan there is no attainment: the commission uses the rate of a tier starting at 0 (or none),
and bonus, accelerators, penalties and attainment contests are not applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from workbench.analysis.expr import Steps, Value, kopecks, maximum, minimum, where
from workbench.config import PayScheme

KOPECK = Decimal("0.01")
ZERO = Decimal("0")


def money(value: float | int | str | Decimal) -> Decimal:
    """An amount as Decimal roubles rounded half up to the kopeck (floats through their shortest repr)."""
    return Decimal(str(value)).quantize(KOPECK, rounding=ROUND_HALF_UP)


def _dec(value: float) -> Decimal:
    return Decimal(str(value))


@dataclass(frozen=True)
class Pay:
    """One month's pay by component; ``commission`` includes the ``accelerator`` part, ``capped`` is
    what the cap took away, ``total`` = base + commission + bonus - capped + spif - penalty."""

    base: Decimal
    commission: Decimal
    accelerator: Decimal
    bonus: Decimal
    capped: Decimal
    spif: Decimal
    penalty: Decimal
    total: Decimal

    @property
    def variable(self) -> Decimal:
        """Everything above the base salary (after the cap, before penalties)."""
        return self.commission + self.bonus - self.capped + self.spif

    @property
    def at_risk(self) -> float | None:
        """Share of the month's pay that depends on results: variable pay / total pay."""
        return float(self.variable / self.total) if self.total > 0 else None


@dataclass(frozen=True)
class SchemeTerms:
    """The parameters of a pay scheme as the pay formula reads them: numbers, or symbolic inputs when the
    formula is written out for the report's live what-if. Lists are in rising order of their thresholds
    (attainment shares: 1 = 100 % of plan)."""

    base_salary: Value
    tiers: tuple[tuple[Value, Value], ...]  # (from attainment, rate)
    tier_mode: str  # "whole" or "marginal"
    accelerators: tuple[tuple[Value, Value], ...]  # (from attainment, multiplier)
    plan_bonus: Value
    bonus_threshold: Value
    cap: Value | None
    contests: tuple[tuple[Value, Value], ...]  # attainment contests: (threshold, amount)
    best_manager_prizes: tuple[Value, ...]  # best-manager contests: amount
    penalties: tuple[tuple[Value, Value], ...]  # (below attainment, amount)


def scheme_terms(scheme: PayScheme) -> SchemeTerms:
    """The terms of a configured scheme in exact numbers (money to the kopeck)."""
    return SchemeTerms(
        money(scheme.base_salary),
        tuple((_dec(t.from_attainment), _dec(t.rate)) for t in scheme.tiers),
        scheme.tier_mode,
        tuple((_dec(a.from_attainment), _dec(a.multiplier)) for a in scheme.accelerators),
        money(scheme.plan_bonus),
        _dec(scheme.bonus_threshold),
        money(scheme.cap) if scheme.cap is not None else None,
        tuple((_dec(c.threshold or 0), money(c.amount)) for c in scheme.spif if c.kind != "best_manager"),
        tuple(money(c.amount) for c in scheme.spif if c.kind == "best_manager"),
        tuple((_dec(p.below_attainment), money(p.amount)) for p in scheme.penalties),
    )


def _steps(values: tuple[Value, ...], start: Value) -> list[Value]:
    """Each value's rise over the one before it (the first over ``start``)."""
    return [v - p for p, v in zip((start, *values), values, strict=False)]


def commission_formula(
    terms: SchemeTerms, sales: Value, plan: Value, share: Value, steps: Steps
) -> tuple[Value, Value]:
    """Commission on ``sales`` against a positive ``plan`` and the part of it due to accelerators.

    Written in closed form so that it runs on numbers and as a page expression alike: the rate is a sum
    of rises at the tier thresholds, the multiplier a sum of rises at the accelerator thresholds, and the
    commission the integral of their product over the base sold."""
    rate_rises = _steps(tuple(r for _, r in terms.tiers), ZERO)
    multiplier_rises = _steps(tuple(m for _, m in terms.accelerators), Decimal(1))
    above = [
        (rise, maximum(ZERO, sales - start * plan))
        for (start, _), rise in zip(terms.accelerators, multiplier_rises, strict=True)
    ]
    if terms.tier_mode == "whole":
        rate = steps.let(
            "rate",
            sum(
                (
                    where(share >= start, rise, ZERO)
                    for (start, _), rise in zip(terms.tiers, rate_rises, strict=True)
                ),
                ZERO,
            ),
        )
        plain = rate * sales
        extra = rate * sum((rise * part for rise, part in above), ZERO)
    else:
        plain = sum(
            (
                rise * maximum(ZERO, sales - start * plan)
                for (start, _), rise in zip(terms.tiers, rate_rises, strict=True)
            ),
            ZERO,
        )
        extra = sum(
            (
                r_rise * m_rise * maximum(ZERO, sales - maximum(t_start, a_start) * plan)
                for (t_start, _), r_rise in zip(terms.tiers, rate_rises, strict=True)
                for (a_start, _), m_rise in zip(terms.accelerators, multiplier_rises, strict=True)
            ),
            ZERO,
        )
    plain_total = steps.let("commission_plain", kopecks(plain))
    total = steps.let("commission", kopecks(plain + extra)) if terms.accelerators else plain_total
    return total, total - plain_total


def pay_formula(
    terms: SchemeTerms, sales: Value, plan: Value, steps: Steps, *, best_manager: bool = False
) -> dict[str, Value]:
    """One month's pay by component for ``sales`` (the commission base) against a positive ``plan``, in the
    order of the module docstring; the keys are the fields of :class:`Pay`."""
    sales = maximum(sales, ZERO)
    share = steps.let("share", sales / plan)
    earned, accelerator = commission_formula(terms, sales, plan, share, steps)
    bonus = steps.let("bonus", where(share >= terms.bonus_threshold, terms.plan_bonus, ZERO))
    capped: Value = ZERO
    if terms.cap is not None:
        capped = steps.let("capped", maximum(ZERO, earned + bonus - terms.cap))
    contests = sum((where(share >= start, amount, ZERO) for start, amount in terms.contests), ZERO)
    if best_manager:
        contests = contests + sum(terms.best_manager_prizes, ZERO)
    penalty = maximum(ZERO, *(where(share < below, amount, ZERO) for below, amount in terms.penalties))
    before = steps.let("before_penalty", terms.base_salary + earned + bonus - capped + contests)
    deduction = minimum(penalty, before)
    return {
        "base": terms.base_salary,
        "commission": earned,
        "accelerator": accelerator,
        "bonus": bonus,
        "capped": capped,
        "spif": contests,
        "penalty": deduction,
        "total": steps.let("total", before - deduction),
    }


def attainment(base_amount: Decimal, plan: Decimal | None) -> Decimal | None:
    """Fact / plan, exact; None without a positive plan."""
    if plan is None or plan <= 0:
        return None
    return base_amount / plan


def _rate_without_plan(scheme: PayScheme) -> Decimal:
    """Without a plan only a tier starting at 0 applies."""
    return max((_dec(t.rate) for t in scheme.tiers if t.from_attainment <= 0), default=ZERO)


def commission(scheme: PayScheme, base_amount: Decimal, plan: Decimal | None) -> tuple[Decimal, Decimal]:
    """Commission on ``base_amount`` and the part of it due to accelerators, both to the kopeck."""
    if base_amount <= 0:
        return ZERO.quantize(KOPECK), ZERO.quantize(KOPECK)
    if attainment(base_amount, plan) is None:
        return money(base_amount * _rate_without_plan(scheme)), ZERO.quantize(KOPECK)
    pay = pay_formula(scheme_terms(scheme), base_amount, plan, Steps())
    return pay["commission"], pay["accelerator"]  # type: ignore[return-value]


def monthly_pay(
    scheme: PayScheme, base_amount: Decimal, plan: Decimal | None, *, best_manager: bool = False
) -> Pay:
    """One manager's pay for a month in which the commission base (revenue or margin) was ``base_amount``
    against a plan of ``plan`` in the same unit (see the module docstring for the order)."""
    base_amount = max(base_amount, ZERO)
    if attainment(base_amount, plan) is not None:
        parts = pay_formula(scheme_terms(scheme), base_amount, plan, Steps(), best_manager=best_manager)
        return Pay(**{k: Decimal(v).quantize(KOPECK) for k, v in parts.items()})  # type: ignore[arg-type]
    terms = scheme_terms(scheme)
    salary = terms.base_salary
    earned, _ = commission(scheme, base_amount, None)
    capped = max(ZERO, earned - terms.cap) if terms.cap is not None else ZERO
    prizes = sum(terms.best_manager_prizes, ZERO) if best_manager else ZERO
    total = salary + earned - capped + prizes
    return Pay(*(Decimal(v).quantize(KOPECK) for v in (salary, earned, 0, 0, capped, prizes, 0, total)))
