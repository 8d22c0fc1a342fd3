"""Small-sample statistics for comparing conversion rates (vectorised, on scipy's special functions).

- Wilson score interval for one proportion (Brown, Cai & DasGupta 2001 recommend it for small n).
- Funnel-plot control limits: exact binomial limits around the department rate (Spiegelhalter 2005).
- Empirical-Bayes shrinkage: a beta-binomial prior fitted by maximum likelihood across managers.
- Chi-square test of independence across managers (the omnibus check).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

from workbench.analysis import distributions

ALERT = 0.95  # inner funnel-plot limits (about 2 sigma)
ALARM = 0.998  # outer limits (about 3 sigma): a manager is flagged only outside these


def wilson_interval(
    successes: np.ndarray, trials: np.ndarray, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval; NaN where there are no trials."""
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    z = distributions.normal_quantile(0.5 + level / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
        low = np.where(n > 0, np.clip(centre - half, 0, 1), np.nan)
        high = np.where(n > 0, np.clip(centre + half, 0, 1), np.nan)
    return low, high


def funnel_limits(trials: np.ndarray, rate: float, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact binomial control limits (as rates) around ``rate`` for each number of trials.

    A unit whose rate lies strictly outside ``[low, high]`` is outside the two-sided ``level`` limits.
    """
    n = np.asarray(trials, dtype=float)
    tail = (1 - level) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        low = distributions.binom_ppf(tail, n, rate) / n
        high = distributions.binom_isf(tail, n, rate) / n
    # binom.isf gives the smallest k with P(X > k) <= tail; P(X >= k) may exceed it by the mass at k.
    # Rates strictly above `high` are then beyond the limit with probability at most `tail`.
    return np.where(n > 0, low, np.nan), np.where(n > 0, high, np.nan)


def outside_limits(successes: np.ndarray, trials: np.ndarray, rate: float, level: float) -> np.ndarray:
    """-1 below, +1 above, 0 within the limits; uses exact tail probabilities (at most 1-level in total)."""
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    tail = (1 - level) / 2
    below = distributions.binom_cdf(k, n, rate) <= tail
    above = distributions.binom_sf(k - 1, n, rate) <= tail
    out = np.zeros(k.shape, dtype=int)
    out[below & (n > 0)] = -1
    out[above & (n > 0)] = 1
    return out


@dataclass(frozen=True)
class BetaPrior:
    """Beta(alpha, beta) prior for conversion rates, fitted across managers."""

    alpha: float
    beta: float

    @property
    def mean(self) -> float:
        return self.alpha / (self.alpha + self.beta)

    def shrink(self, successes: np.ndarray, trials: np.ndarray) -> np.ndarray:
        """Posterior mean (k + alpha) / (n + alpha + beta)."""
        return (np.asarray(successes, float) + self.alpha) / (
            np.asarray(trials, float) + self.alpha + self.beta
        )


def fit_beta_prior(successes: np.ndarray, trials: np.ndarray, max_strength: float = 1e4) -> BetaPrior | None:
    """Maximum-likelihood beta-binomial prior; None without at least two units with trials.

    Without over-dispersion the fitted strength alpha+beta runs to ``max_strength``: full pooling.
    """
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    keep = n > 0
    k, n = k[keep], n[keep]
    if len(n) < 2:
        return None
    pooled = float(np.clip(k.sum() / n.sum(), 1e-4, 1 - 1e-4))

    def negative_loglik(params: np.ndarray) -> float:
        # The beta-binomial log-likelihood without the binomial coefficient, which does not depend on the
        # parameters: sum of betaln(k + a, n - k + b) - betaln(a, b).
        mu = 1 / (1 + np.exp(-params[0]))
        strength = np.exp(params[1])
        a, b = mu * strength, (1 - mu) * strength
        return -float((special.betaln(k + a, n - k + b) - special.betaln(a, b)).sum())

    start = np.array([np.log(pooled / (1 - pooled)), np.log(10.0)])
    bounds = [(-10, 10), (np.log(0.5), np.log(max_strength))]
    fit = optimize.minimize(negative_loglik, start, method="L-BFGS-B", bounds=bounds)
    mu = 1 / (1 + np.exp(-fit.x[0]))
    strength = float(np.exp(fit.x[1]))
    return BetaPrior(mu * strength, (1 - mu) * strength)


@dataclass(frozen=True)
class ChiSquare:
    """Omnibus test: do managers differ in conversion at this step?"""

    statistic: float
    dof: int
    p_value: float
    low_expected: bool  # some expected count below 5: read the p-value with care


def chi_square_across(successes: np.ndarray, trials: np.ndarray) -> ChiSquare | None:
    """Chi-square test of independence of the units x (success, failure) table."""
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    keep = n > 0
    table = np.column_stack([k[keep], n[keep] - k[keep]])
    if table.shape[0] < 2 or (table.sum(axis=0) == 0).any():
        return None
    result = distributions.chi2_contingency(table, correction=table.shape[0] == 2)
    return ChiSquare(
        float(result.statistic), int(result.dof), float(result.pvalue), bool((result.expected_freq < 5).any())
    )


def rest_of(successes: np.ndarray, trials: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each unit's leave-one-out baseline: the successes and trials of all the other units together."""
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    return k.sum() - k, n.sum() - n


def _conditional_tails(x: np.ndarray, n: np.ndarray, k_rest: np.ndarray, n_rest: np.ndarray):
    """P(X <= x) and P(X >= x) for a unit's successes given the total (the exact conditional test of the
    unit against the rest, Fisher's with equal tails): X ~ Hypergeometric(n + n_rest, x + k_rest, n)."""
    total = (n + n_rest).astype(np.int64)
    good = (x + k_rest).astype(np.int64)
    draws = n.astype(np.int64)
    return (
        distributions.hypergeom_cdf(x, total, good, draws),
        distributions.hypergeom_sf(x - 1, total, good, draws),
    )


def outside_rest(
    successes: np.ndarray,
    trials: np.ndarray,
    rest_successes: np.ndarray,
    rest_trials: np.ndarray,
    level: float,
) -> np.ndarray:
    """-1 / +1 where a unit converts significantly worse / better than the rest of the units, else 0.

    The exact conditional two-sided test at ``1 - level`` (equal tails), so chance flags a unit at most at
    the nominal rate however large the unit is beside the rest; units or rests without trials are 0.
    """
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    k_rest = np.asarray(rest_successes, dtype=float)
    n_rest = np.asarray(rest_trials, dtype=float)
    tail = (1 - level) / 2
    usable = (n > 0) & (n_rest > 0)
    out = np.zeros(k.shape, dtype=int)
    if not usable.any():
        return out
    below, above = _conditional_tails(k[usable], n[usable], k_rest[usable], n_rest[usable])
    signs = np.where(below <= tail, -1, np.where(above <= tail, 1, 0))
    out[usable] = signs
    return out


def rest_limits(
    trials: np.ndarray, rest_successes: np.ndarray, rest_trials: np.ndarray, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """Funnel-plot limits of each unit's own rate against the rest: the lowest and highest rates the
    exact conditional test of :func:`outside_rest` does not flag (NaN without trials on either side).

    P(X <= x) grows and P(X >= x) falls with the unit's successes x, so each limit is found by bisection,
    for all units at once.
    """
    n = np.asarray(trials, dtype=float)
    k_rest = np.asarray(rest_successes, dtype=float)
    n_rest = np.asarray(rest_trials, dtype=float)
    tail = (1 - level) / 2
    usable = (n > 0) & (n_rest > 0)
    low = np.full(n.shape, np.nan)
    high = np.full(n.shape, np.nan)
    if not usable.any():
        return low, high
    size, kr, nr = n[usable], k_rest[usable], n_rest[usable]

    def below_ok(x: np.ndarray) -> np.ndarray:
        return _conditional_tails(x, size, kr, nr)[0] > tail

    def above_ok(x: np.ndarray) -> np.ndarray:
        return _conditional_tails(x, size, kr, nr)[1] > tail

    first = _first_true(below_ok, size)  # the smallest x not flagged low
    last = size - _first_true(lambda y: above_ok(size - y), size)  # the largest x not flagged high
    fine = first <= last
    low[usable] = np.where(fine, first / size, np.nan)
    high[usable] = np.where(fine, last / size, np.nan)
    return low, high


def _first_true(predicate, size: np.ndarray) -> np.ndarray:
    """The smallest integer x in [0, size] where a predicate rising from False to True is True
    (size + 1 where it never is), by bisection over all units at once."""
    lo = np.zeros(size.shape)
    hi = size + 1  # predicate(hi) is taken as True
    while (lo < hi).any():
        mid = np.floor((lo + hi) / 2)
        active = lo < hi
        ok = predicate(np.minimum(mid, size)) & (mid <= size)
        hi = np.where(active & ok, mid, hi)
        lo = np.where(active & ~ok, mid + 1, lo)
    return lo


def shrink_towards_rest(
    successes: np.ndarray,
    trials: np.ndarray,
    rest: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Empirical-Bayes rates with each unit shrunk towards the rate of the *other* units: the prior's
    strength (how alike the units are) is fitted across all of them, its mean is the rest's pooled rate, so
    a unit's own results do not pull the target it is judged against (``rest``: each unit's baseline
    successes and trials, by default all the other units). The raw rate where no prior can be
    fitted (fewer than two units with trials) or the rest has no trials; NaN without trials."""
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    raw = np.where(n > 0, k / np.maximum(n, 1), np.nan)
    prior = fit_beta_prior(k, n)
    k_rest, n_rest = rest if rest is not None else rest_of(k, n)
    if prior is None:
        return raw
    strength = prior.alpha + prior.beta
    with np.errstate(divide="ignore", invalid="ignore"):
        target = k_rest / n_rest
        shrunk = (k + strength * target) / (n + strength)
    return np.where((n > 0) & (n_rest > 0), shrunk, raw)
