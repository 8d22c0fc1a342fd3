"""Small-sample statistics for comparing conversion rates (vectorised, scipy-based).

- Wilson score interval for one proportion (Brown, Cai & DasGupta 2001 recommend it for small n).
- Funnel-plot control limits: exact binomial limits around the department rate (Spiegelhalter 2005).
- Empirical-Bayes shrinkage: a beta-binomial prior fitted by maximum likelihood across managers.
- Chi-square test of independence across managers (the omnibus check).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special, stats

ALERT = 0.95  # inner funnel-plot limits (about 2 sigma)
ALARM = 0.998  # outer limits (about 3 sigma): a manager is flagged only outside these


def wilson_interval(
    successes: np.ndarray, trials: np.ndarray, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval; NaN where there are no trials."""
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    z = stats.norm.ppf(0.5 + level / 2)
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
        low = stats.binom.ppf(tail, n, rate) / n
        high = stats.binom.isf(tail, n, rate) / n
    # binom.isf gives the smallest k with P(X > k) <= tail; P(X >= k) may exceed it by the mass at k.
    # Rates strictly above `high` are then beyond the limit with probability at most `tail`.
    return np.where(n > 0, low, np.nan), np.where(n > 0, high, np.nan)


def outside_limits(successes: np.ndarray, trials: np.ndarray, rate: float, level: float) -> np.ndarray:
    """-1 below, +1 above, 0 within the limits; uses exact tail probabilities (at most 1-level in total)."""
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    tail = (1 - level) / 2
    below = stats.binom.cdf(k, n, rate) <= tail
    above = stats.binom.sf(k - 1, n, rate) <= tail
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
    result = stats.chi2_contingency(table, correction=table.shape[0] == 2)
    return ChiSquare(
        float(result.statistic), int(result.dof), float(result.pvalue), bool((result.expected_freq < 5).any())
    )
