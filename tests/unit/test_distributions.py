"""The audit's probability functions and rank tests give what scipy.stats gives, edges included, and the
audit's kernel imports neither scipy.stats nor seaborn (half a second of every audit's start)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from scipy import stats

from workbench.analysis import distributions as d

RNG = np.random.default_rng(20261129)


def same(ours, theirs, rtol=0.0):
    np.testing.assert_allclose(
        np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float), rtol=rtol, atol=0
    )


def binomial_grid(size=4000):
    n = RNG.integers(0, 400, size).astype(float)
    k = np.floor(RNG.uniform(-3, 1.1, size) * (n + 2))
    p = RNG.choice([0.0, 1.0, *RNG.uniform(0, 1, 20)], size)
    return k, n, p


def test_the_binomial_distribution_is_scipys_inside_and_outside_its_support():
    k, n, p = binomial_grid()
    same(d.binom_cdf(k, n, p), stats.binom.cdf(k, n, p))
    same(d.binom_sf(k - 1, n, p), stats.binom.sf(k - 1, n, p))
    same(d.binom_cdf(k + 0.5, n, p), stats.binom.cdf(k + 0.5, n, p))  # a fractional k is floored
    for q in (0.001, 0.025, 0.3, 0.5):
        same(d.binom_ppf(q, n, p), stats.binom.ppf(q, n, p))
        same(d.binom_isf(q, n, p), stats.binom.isf(q, n, p))


def test_parameters_that_name_no_binomial_give_nan_as_in_scipy():
    k = np.array([1.0, 1.0, 1.0, 1.0, np.nan])
    n = np.array([-1.0, 2.5, 10.0, 10.0, 10.0])
    p = np.array([0.5, 0.5, 1.5, np.nan, 0.5])
    for ours, theirs in ((d.binom_cdf, stats.binom.cdf), (d.binom_sf, stats.binom.sf)):
        assert np.isnan(ours(k, n, p)).all() and np.isnan(theirs(k, n, p)).all()
    assert np.isnan(d.binom_ppf(0.0, 10.0, 0.5)) and np.isnan(d.binom_isf(1.0, 10.0, 0.5))


def test_the_hypergeometric_distribution_is_scipys_inside_and_outside_its_support():
    size = 4000
    total = RNG.integers(0, 300, size)
    good = (RNG.uniform(0, 1, size) * (total + 1)).astype(int).clip(0, total)
    draws = (RNG.uniform(0, 1, size) * (total + 1)).astype(int).clip(0, total)
    k = RNG.integers(-3, 300, size).astype(float)
    same(d.hypergeom_cdf(k, total, good, draws), stats.hypergeom.cdf(k, total, good, draws))
    same(d.hypergeom_sf(k - 1, total, good, draws), stats.hypergeom.sf(k - 1, total, good, draws))
    bad = d.hypergeom_cdf(np.array([1.0, 1.0]), np.array([5, 5]), np.array([6, 2]), np.array([2, 7]))
    assert np.isnan(bad).all() and np.isnan(stats.hypergeom.cdf([1, 1], [5, 5], [6, 2], [2, 7])).all()


def test_the_normal_quantile_is_scipys():
    q = np.array([1e-9, 0.025, 0.5, 0.975, 0.999])
    same(d.normal_quantile(q), stats.norm.ppf(q))


@pytest.mark.parametrize("rows", [2, 3, 7])
def test_the_chi_square_test_of_a_table_is_scipys(rows):
    for _ in range(200):
        table = RNG.integers(0, 40, (rows, 2)).astype(float) + np.array([1.0, 0.0])
        table[RNG.integers(0, rows), 1] += 1  # no column without counts
        for correction in (True, False):
            ours = d.chi2_contingency(table, correction=correction)
            theirs = stats.chi2_contingency(table, correction=correction)
            same(ours.statistic, theirs.statistic, rtol=1e-12)
            same(ours.pvalue, theirs.pvalue, rtol=1e-12)
            assert ours.dof == theirs.dof
            same(ours.expected_freq, theirs.expected_freq, rtol=1e-12)


def test_a_table_of_one_row_and_one_with_an_empty_column():
    assert d.chi2_contingency(np.array([[3.0, 4.0]])).pvalue == 1.0  # dof 0, as scipy
    with pytest.raises(ValueError, match="no counts"):
        d.chi2_contingency(np.array([[0.0, 4.0], [0.0, 2.0]]))


def samples_with_and_without_ties(count, size):
    for i in range(count):
        if i % 2:
            yield [
                RNG.integers(0, 15, RNG.integers(9, size)).astype(float) for _ in range(RNG.integers(2, 5))
            ]
        else:
            yield [RNG.gamma(2.0, 3.0, RNG.integers(9, size)) for _ in range(RNG.integers(2, 5))]


def test_kruskal_wallis_is_scipys_with_and_without_ties():
    for samples in samples_with_and_without_ties(200, 60):
        ours, theirs = d.kruskal(*samples), stats.kruskal(*samples)
        same(ours.statistic, theirs.statistic, rtol=1e-12)
        same(ours.pvalue, theirs.pvalue, rtol=1e-10)
    with pytest.raises(ValueError):
        d.kruskal(np.array([1.0, 2.0]))


def test_mann_whitney_is_scipys_two_sided_test_small_samples_included():
    for samples in samples_with_and_without_ties(200, 60):
        x, y = samples[0], np.concatenate(samples[1:])
        ours, theirs = d.mann_whitney(x, y), stats.mannwhitneyu(x, y, alternative="two-sided")
        same(ours.statistic, theirs.statistic)
        same(ours.pvalue, theirs.pvalue, rtol=1e-12)
    small, large = RNG.gamma(2.0, 3.0, 5), RNG.gamma(2.0, 4.0, 30)  # the exact test
    same(d.mann_whitney(small, large).pvalue, stats.mannwhitneyu(small, large).pvalue, rtol=1e-12)


def test_the_regression_slope_and_its_p_value_are_scipys():
    for _ in range(300):
        size = int(RNG.integers(3, 40))
        x = np.sort(RNG.choice(np.arange(60.0), size, replace=False))
        y = RNG.uniform(0, 1, size) + RNG.normal(0, 0.01) * x
        ours, theirs = d.linregress(x, y), stats.linregress(x, y)
        same(ours.statistic, theirs.slope, rtol=1e-12)
        same(ours.pvalue, theirs.pvalue, rtol=1e-10)
    with pytest.raises(ValueError):
        d.linregress(np.array([1.0, 1.0, 1.0]), np.array([1.0, 2.0, 3.0]))


def test_average_ranks_share_ties():
    ranks, ties = d.average_ranks(np.array([3.0, 1.0, 3.0, 2.0, 3.0]))
    assert ranks.tolist() == [4.0, 1.0, 4.0, 2.0, 4.0] and sorted(ties.tolist()) == [1, 1, 3]


def test_the_audits_kernel_imports_neither_scipy_stats_nor_seaborn():
    code = (
        "import sys; import workbench.render.report as r; r.load_sections(); "
        "print(sorted(m for m in ('scipy.stats', 'seaborn', 'scipy.cluster') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
