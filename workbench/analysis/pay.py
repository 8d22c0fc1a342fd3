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

import itertools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

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


def attainment(base_amount: Decimal, plan: Decimal | None) -> Decimal | None:
    """Fact / plan, exact; None without a positive plan."""
    if plan is None or plan <= 0:
        return None
    return base_amount / plan


def _tier_rate(scheme: PayScheme, share: Decimal | None) -> Decimal:
    """The rate of the last tier starting at or below ``share`` (None: a tier starting at 0)."""
    rate = ZERO
    for tier in scheme.tiers:
        if _dec(tier.from_attainment) <= (share if share is not None else ZERO):
            rate = _dec(tier.rate)
    return rate


def commission(scheme: PayScheme, base_amount: Decimal, plan: Decimal | None) -> tuple[Decimal, Decimal]:
    """Commission on ``base_amount`` and the part of it due to accelerators, both to the kopeck."""
    if base_amount <= 0:
        return ZERO.quantize(KOPECK), ZERO.quantize(KOPECK)
    share = attainment(base_amount, plan)
    if share is None:
        value = money(base_amount * _tier_rate(scheme, None))
        return value, ZERO.quantize(KOPECK)
    assert plan is not None
    points = {ZERO, base_amount}
    points |= {_dec(t.from_attainment) * plan for t in scheme.tiers}
    points |= {_dec(a.from_attainment) * plan for a in scheme.accelerators}
    cuts = sorted(p for p in points if ZERO <= p <= base_amount)
    plain = accelerated = ZERO
    for low, high in itertools.pairwise(cuts):
        if high <= low:
            continue
        rate = _tier_rate(scheme, share if scheme.tier_mode == "whole" else low / plan)
        multiplier = Decimal(1)
        for acc in scheme.accelerators:
            if _dec(acc.from_attainment) * plan <= low:
                multiplier = _dec(acc.multiplier)
        plain += rate * (high - low)
        accelerated += rate * multiplier * (high - low)
    total = money(accelerated)
    return total, total - money(plain)


def penalty(scheme: PayScheme, share: Decimal | None) -> Decimal:
    """The largest penalty whose threshold the attainment is below (none without a plan)."""
    if share is None:
        return ZERO.quantize(KOPECK)
    due = [money(p.amount) for p in scheme.penalties if share < _dec(p.below_attainment)]
    return max(due, default=ZERO.quantize(KOPECK))


def spif(scheme: PayScheme, share: Decimal | None, best_manager: bool = False) -> Decimal:
    """Contests won in the month: attainment contests by threshold, the best-manager contest by flag."""
    total = ZERO
    for contest in scheme.spif:
        if contest.kind == "best_manager":
            won = best_manager
        else:
            won = share is not None and share >= _dec(contest.threshold or 0)
        if won:
            total += money(contest.amount)
    return total.quantize(KOPECK)


def monthly_pay(
    scheme: PayScheme, base_amount: Decimal, plan: Decimal | None, *, best_manager: bool = False
) -> Pay:
    """One month's pay of one manager whose commission base (revenue or margin) was ``base_amount``
    against a plan of ``plan`` in the same unit (see the module docstring for the order)."""
    base_amount = max(base_amount, ZERO)
    share = attainment(base_amount, plan)
    salary = money(scheme.base_salary)
    earned, accelerator = commission(scheme, base_amount, plan)
    bonus = money(scheme.plan_bonus) if share is not None and share >= _dec(scheme.bonus_threshold) else ZERO
    bonus = bonus.quantize(KOPECK)
    capped = ZERO.quantize(KOPECK)
    if scheme.cap is not None and earned + bonus > money(scheme.cap):
        capped = earned + bonus - money(scheme.cap)
    contests = spif(scheme, share, best_manager)
    before = salary + earned + bonus - capped + contests
    deduction = min(penalty(scheme, share), before)
    return Pay(salary, earned, accelerator, bonus, capped, contests, deduction, before - deduction)
