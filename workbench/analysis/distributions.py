"""The probability functions and rank tests the audit's statistics use, on :mod:`scipy.special` alone.

``scipy.stats`` computes each of these with the special functions called here (Boost's binomial and
hypergeometric distributions, the chi-square, Student and normal integrals), but importing it takes a
third of a second, as long as the rest of scipy the audit needs; every audit's kernel pays for its
imports before it computes anything. The functions below give what ``scipy.stats`` gives for the audit's
inputs, to the last bit or to rounding (``tests/unit/test_distributions.py`` compares them on random and
edge-case inputs):

- ``binom`` and ``hypergeom``'s ``cdf``, ``sf``, ``ppf`` and ``isf``, with the distributions' conventions
  outside the support (``cdf`` 0 below it and 1 from its top, ``sf`` the other way round) and NaN for
  parameters that name no distribution;
- ``chi2_contingency``'s statistic and p-value (Yates's correction for one degree of freedom);
- ``kruskal`` and ``mannwhitneyu`` (two-sided, with ties and continuity corrected: the normal
  approximation, which ``scipy.stats`` uses too for samples of more than 8 or with ties; smaller samples
  without ties, which its exact distribution serves, are handed to it);
- ``linregress``'s slope and two-sided p-value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special

try:  # Boost's distributions, which scipy.stats's binom and hypergeom call
    from scipy.special import _ufuncs as _boost

    _BOOST = all(
        hasattr(_boost, name)
        for name in ("_binom_cdf", "_binom_sf", "_binom_ppf", "_binom_isf", "_hypergeom_cdf", "_hypergeom_sf")
    )
except ImportError:  # pragma: no cover - a scipy that moved them: scipy.stats computes instead
    _BOOST = False


def normal_quantile(q: float | np.ndarray) -> np.ndarray:
    """The standard normal distribution's quantile (``norm.ppf``)."""
    return special.ndtri(q)


def chi2_sf(statistic: float | np.ndarray, dof: float) -> np.ndarray:
    """P(X >= statistic) for a chi-square with ``dof`` degrees of freedom (``chi2.sf``)."""
    return special.chdtrc(dof, statistic)


def _arrays(*values: float | np.ndarray) -> list[np.ndarray]:
    return list(np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in values)))


def _integral(x: np.ndarray) -> np.ndarray:
    return np.isfinite(x) & (x == np.floor(x))


def _binom_valid(n: np.ndarray, p: np.ndarray) -> np.ndarray:
    return _integral(n) & (n >= 0) & (p >= 0) & (p <= 1)


def binom_cdf(k: float | np.ndarray, n: float | np.ndarray, p: float | np.ndarray) -> np.ndarray:
    """P(X <= k) for X ~ Binomial(n, p) (``binom.cdf``)."""
    return _binom_tail("cdf", k, n, p, below=0.0, top=1.0)


def binom_sf(k: float | np.ndarray, n: float | np.ndarray, p: float | np.ndarray) -> np.ndarray:
    """P(X > k) for X ~ Binomial(n, p) (``binom.sf``)."""
    return _binom_tail("sf", k, n, p, below=1.0, top=0.0)


def _binom_tail(
    tail: str, k: float | np.ndarray, n: float | np.ndarray, p: float | np.ndarray, below: float, top: float
) -> np.ndarray:
    """A binomial tail: ``below`` for k < 0, ``top`` from k = n, Boost's ``_binom_<tail>`` between."""
    if not _BOOST:
        return getattr(_stats().binom, tail)(k, n, p)
    k, n, p = _arrays(np.floor(k), n, p)
    valid = _binom_valid(n, p) & ~np.isnan(k)
    inside = valid & (k >= 0) & (k < n)
    out = np.where(valid & (k < 0), below, np.where(valid & (k >= n), top, 0.0))
    out[inside] = getattr(_boost, f"_binom_{tail}")(k[inside], n[inside], p[inside])
    return np.where(valid, out, np.nan)


def binom_ppf(q: float, n: float | np.ndarray, p: float) -> np.ndarray:
    """The smallest k with P(X <= k) >= q, for q strictly between 0 and 1 (``binom.ppf``)."""
    return _binom_quantile("ppf", q, n, p)


def binom_isf(q: float, n: float | np.ndarray, p: float) -> np.ndarray:
    """The smallest k with P(X > k) <= q, for q strictly between 0 and 1 (``binom.isf``)."""
    return _binom_quantile("isf", q, n, p)


def _binom_quantile(which: str, q: float, n: float | np.ndarray, p: float) -> np.ndarray:
    if not _BOOST:
        return getattr(_stats().binom, which)(q, n, p)
    q_, n_, p_ = _arrays(q, n, p)
    valid = _binom_valid(n_, p_) & (q_ > 0) & (q_ < 1)
    out = np.full(n_.shape, np.nan)
    out[valid] = getattr(_boost, f"_binom_{which}")(q_[valid], n_[valid], p_[valid])
    return out


def hypergeom_cdf(
    k: float | np.ndarray, total: np.ndarray, good: np.ndarray, draws: np.ndarray
) -> np.ndarray:
    """P(X <= k) for the good items among ``draws`` drawn from ``total`` holding ``good``
    (``hypergeom.cdf(k, total, good, draws)``)."""
    return _hypergeom_tail("cdf", k, total, good, draws, below=0.0, top=1.0)


def hypergeom_sf(k: float | np.ndarray, total: np.ndarray, good: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """P(X > k), as :func:`hypergeom_cdf` (``hypergeom.sf``)."""
    return _hypergeom_tail("sf", k, total, good, draws, below=1.0, top=0.0)


def _hypergeom_tail(
    tail: str,
    k: float | np.ndarray,
    total: np.ndarray,
    good: np.ndarray,
    draws: np.ndarray,
    below: float,
    top: float,
) -> np.ndarray:
    """A hypergeometric tail: ``below`` under the support, ``top`` from its top, Boost's between."""
    if not _BOOST:
        return getattr(_stats().hypergeom, tail)(k, total, good, draws)
    k_, total_, good_, draws_ = _arrays(np.floor(k), total, good, draws)
    valid = (
        _integral(total_)
        & _integral(good_)
        & _integral(draws_)
        & (total_ > 0)
        & (good_ >= 0)
        & (draws_ >= 0)
        & (good_ <= total_)
        & (draws_ <= total_)
        & ~np.isnan(k_)
    )
    low = np.maximum(draws_ - (total_ - good_), 0)
    high = np.minimum(good_, draws_)
    inside = valid & (k_ >= low) & (k_ < high)
    out = np.where(valid & (k_ < low), below, np.where(valid & (k_ >= high), top, 0.0))
    out[inside] = getattr(_boost, f"_hypergeom_{tail}")(
        k_[inside], good_[inside], draws_[inside], total_[inside]
    )
    return np.where(valid, out, np.nan)


@dataclass(frozen=True)
class TestResult:
    """A test's statistic and p-value."""

    statistic: float
    pvalue: float


@dataclass(frozen=True)
class Contingency:
    """``chi2_contingency``'s result: the statistic, its p-value, degrees of freedom, expected counts."""

    statistic: float
    pvalue: float
    dof: int
    expected_freq: np.ndarray


def chi2_contingency(observed: np.ndarray, correction: bool = True) -> Contingency:
    """Pearson's chi-square test of independence of a two-way table of counts (every row and column with
    a positive total), Yates-corrected for one degree of freedom when ``correction``."""
    table = np.asarray(observed, dtype=float)
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    if np.any(expected == 0):
        raise ValueError("a row or a column of the table has no counts")
    dof = expected.size - sum(expected.shape) + expected.ndim - 1
    if dof == 0:
        return Contingency(0.0, 1.0, 0, expected)
    if dof == 1 and correction:
        difference = expected - table
        table = table + np.minimum(0.5, np.abs(difference)) * np.sign(difference)
    statistic = float(((table - expected) ** 2 / expected).sum())
    return Contingency(statistic, float(chi2_sf(statistic, dof)), dof, expected)


def average_ranks(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ranks from 1, tied values sharing the average of their ranks; and the size of each run of ties."""
    values = np.asarray(values, dtype=float)
    order = np.argsort(values, kind="mergesort")
    ordered = values[order]
    starts = np.concatenate(([True], ordered[1:] != ordered[:-1]))
    run = np.cumsum(starts) - 1
    sizes = np.bincount(run)
    ranks = np.empty(len(values))
    ranks[order] = (np.cumsum(sizes) - (sizes - 1) / 2.0)[run]
    return ranks, sizes


def kruskal(*samples: np.ndarray) -> TestResult:
    """The Kruskal-Wallis H test that the samples come from one distribution (ties corrected)."""
    if len(samples) < 2:
        raise ValueError("the Kruskal-Wallis test needs at least two samples")
    sizes = [len(s) for s in samples]
    if min(sizes) < 1:
        raise ValueError("the Kruskal-Wallis test needs samples that are not empty")
    total = sum(sizes)
    ranks, ties = average_ranks(np.concatenate([np.asarray(s, dtype=float) for s in samples]))
    correction = 1 - float((ties.astype(float) ** 3 - ties).sum()) / (total**3 - total)
    bounds = np.cumsum([0, *sizes])
    ssbn = sum(ranks[bounds[i] : bounds[i + 1]].sum() ** 2 / sizes[i] for i in range(len(samples)))
    h = (12.0 / (total * (total + 1)) * ssbn - 3 * (total + 1)) / correction
    return TestResult(float(h), float(chi2_sf(h, len(samples) - 1)))


def mann_whitney(x: np.ndarray, y: np.ndarray) -> TestResult:
    """The two-sided Mann-Whitney U test of ``x`` against ``y``, as ``mannwhitneyu(x, y)``: the normal
    approximation corrected for ties and continuity (samples of up to 8 without ties: its exact test)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n1, n2 = len(x), len(y)
    ranks, ties = average_ranks(np.concatenate([x, y]))
    if (n1 <= 8 or n2 <= 8) and not (ties > 1).any():
        exact = _stats().mannwhitneyu(x, y, alternative="two-sided")
        return TestResult(float(exact.statistic), float(exact.pvalue))
    u1 = ranks[:n1].sum() - n1 * (n1 + 1) / 2
    u = max(u1, n1 * n2 - u1)
    n = n1 + n2
    ties = ties.astype(float)
    spread = np.sqrt(n1 * n2 / 12 * ((n + 1) - (ties**3 - ties).sum() / (n * (n - 1))))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (u - n1 * n2 / 2 - 0.5) / spread
    return TestResult(float(u1), float(np.clip(2 * special.ndtr(-z), 0, 1)))


def linregress(x: np.ndarray, y: np.ndarray) -> TestResult:
    """The least-squares slope of ``y`` on ``x`` (as ``statistic``) and the two-sided p-value of the test
    that it is zero, as ``linregress`` (at least three points, ``x`` not all equal)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if len(x) < 3 or np.amax(x) == np.amin(x):
        raise ValueError("a regression needs at least three points and x values that differ")
    ssxm, ssxym, _, ssym = np.cov(x, y, bias=1).flat
    if ssym == 0.0:
        r = np.nan if ssxym == 0 else 0.0
    else:
        r = float(np.clip(ssxym / np.sqrt(ssxm * ssym), -1.0, 1.0))
    dof = len(x) - 2
    tiny = 1.0e-20
    t = r * np.sqrt(dof / ((1.0 - r + tiny) * (1.0 + r + tiny)))
    return TestResult(float(ssxym / ssxm), float(2 * special.stdtr(dof, -np.abs(t))))


def _stats() -> Any:
    """scipy.stats, imported only where the functions above cannot answer."""
    from scipy import stats

    return stats
