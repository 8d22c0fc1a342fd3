"""Small-sample statistics: Wilson intervals, funnel-plot limits, beta-binomial shrinkage, chi-square."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import binomtest

from workbench.analysis import stats

Z95 = 1.959963984540054  # standard normal 97.5% quantile


# ----------------------------------------------------------------------------------------------------
# Wilson interval
# ----------------------------------------------------------------------------------------------------


def test_wilson_zero_of_ten():
    low, high = stats.wilson_interval(np.array([0]), np.array([10]))
    # k = 0: the interval is [0, z^2 / (n + z^2)].
    assert low[0] == pytest.approx(0.0, abs=1e-12)
    assert high[0] == pytest.approx(Z95**2 / (10 + Z95**2), abs=1e-9)
    assert high[0] == pytest.approx(0.2775, abs=1e-4)


def test_wilson_ten_of_ten():
    low, high = stats.wilson_interval(np.array([10]), np.array([10]))
    # k = n: the interval is [n / (n + z^2), 1].
    assert low[0] == pytest.approx(10 / (10 + Z95**2), abs=1e-9)
    assert low[0] == pytest.approx(0.7225, abs=1e-4)
    assert high[0] == pytest.approx(1.0, abs=1e-12)


def test_wilson_five_of_ten():
    low, high = stats.wilson_interval(np.array([5]), np.array([10]))
    # Centre 0.5; half-width z * sqrt(p(1-p)/n + z^2/(4 n^2)) / (1 + z^2/n).
    half = Z95 * math.sqrt(0.25 / 10 + Z95**2 / 400) / (1 + Z95**2 / 10)
    assert low[0] == pytest.approx(0.5 - half, abs=1e-9)
    assert high[0] == pytest.approx(0.5 + half, abs=1e-9)
    assert (low[0], high[0]) == pytest.approx((0.2366, 0.7634), abs=1e-4)


@pytest.mark.parametrize(("k", "n"), [(0, 10), (10, 10), (5, 10), (1, 3), (17, 240), (399, 400), (1, 1)])
@pytest.mark.parametrize("level", [0.95, 0.99])
def test_wilson_matches_scipy(k, n, level):
    low, high = stats.wilson_interval(np.array([k]), np.array([n]), level=level)
    ci = binomtest(k, n).proportion_ci(confidence_level=level, method="wilson")
    assert low[0] == pytest.approx(ci.low, abs=1e-9)
    assert high[0] == pytest.approx(ci.high, abs=1e-9)


def test_wilson_is_vectorised_and_nan_without_trials():
    low, high = stats.wilson_interval(np.array([0, 5, 0]), np.array([10, 10, 0]))
    assert low.shape == high.shape == (3,)
    assert high[0] == pytest.approx(0.2775, abs=1e-4)
    assert low[1] == pytest.approx(0.2366, abs=1e-4)
    assert math.isnan(low[2]) and math.isnan(high[2])


# ----------------------------------------------------------------------------------------------------
# Funnel-plot limits
# ----------------------------------------------------------------------------------------------------


def test_funnel_limits_by_hand_at_95():
    # Binomial(10, 0.5): P(X <= 1) = 11/1024 < 0.025 <= P(X <= 2) = 56/1024, so the lower limit is 2/10;
    # P(X > 7) = 56/1024 > 0.025 >= P(X > 8) = 11/1024, so the upper limit is 8/10.
    low, high = stats.funnel_limits(np.array([10]), 0.5, 0.95)
    assert (low[0], high[0]) == pytest.approx((0.2, 0.8))


def test_funnel_limits_by_hand_at_998():
    # Tail 0.001: P(X <= 0) = 1/1024 < 0.001 <= P(X <= 1), so 1/10; P(X > 9) = 1/1024 <= 0.001, so 9/10.
    low, high = stats.funnel_limits(np.array([10]), 0.5, stats.ALARM)
    assert (low[0], high[0]) == pytest.approx((0.1, 0.9))


def test_funnel_limits_nan_without_trials():
    low, high = stats.funnel_limits(np.array([0, 10]), 0.5, 0.95)
    assert math.isnan(low[0]) and math.isnan(high[0])
    assert low[1] == pytest.approx(0.2)


def test_funnel_limits_narrow_with_volume():
    low, high = stats.funnel_limits(np.array([20, 100, 1000]), 0.3, 0.95)
    assert low[0] < low[1] < low[2] < 0.3 < high[2] < high[1] < high[0]


def test_outside_limits_by_hand_at_95():
    # P(X <= 0) = 1/1024 and P(X <= 1) = 11/1024 are <= 0.025; P(X <= 2) = 56/1024 is not.
    # Symmetrically P(X >= 9) = 11/1024 and P(X >= 10) are <= 0.025; P(X >= 8) is not.
    k = np.arange(11)
    flags = stats.outside_limits(k, np.full(11, 10), 0.5, 0.95)
    assert flags.tolist() == [-1, -1, 0, 0, 0, 0, 0, 0, 0, 1, 1]


def test_outside_limits_by_hand_at_998():
    k = np.arange(11)
    flags = stats.outside_limits(k, np.full(11, 10), 0.5, stats.ALARM)
    assert flags.tolist() == [-1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]


def test_outside_limits_ignores_units_without_trials():
    flags = stats.outside_limits(np.array([0, 0]), np.array([0, 10]), 0.5, 0.95)
    assert flags.tolist() == [0, -1]


def test_outside_limits_agrees_with_the_limits():
    """A rate strictly outside [low, high] is flagged, and only such a rate (generic rates)."""
    for rate in (0.07, 0.23, 0.41, 0.66, 0.93):
        for level in (stats.ALERT, stats.ALARM):
            for n in (5, 13, 30, 77, 150, 401):
                k = np.arange(n + 1)
                trials = np.full(n + 1, n)
                low, high = stats.funnel_limits(trials, rate, level)
                flags = stats.outside_limits(k, trials, rate, level)
                assert ((flags == -1) == (k / n < low)).all(), (rate, level, n)
                assert ((flags == 1) == (k / n > high)).all(), (rate, level, n)


def test_both_levels_are_the_documented_ones():
    assert stats.ALERT == 0.95
    assert stats.ALARM == 0.998


# ----------------------------------------------------------------------------------------------------
# Beta-binomial shrinkage
# ----------------------------------------------------------------------------------------------------


def test_shrink_is_the_posterior_mean():
    prior = stats.BetaPrior(2.0, 8.0)
    assert prior.mean == pytest.approx(0.2)
    # (k + alpha) / (n + alpha + beta): 5 of 5 -> 7/15; 0 of 0 -> the prior mean 2/10; 30 of 100 -> 32/110.
    shrunk = prior.shrink(np.array([5, 0, 30]), np.array([5, 0, 100]))
    assert shrunk == pytest.approx([7 / 15, 0.2, 32 / 110])


def test_fit_beta_prior_needs_two_units_with_trials():
    assert stats.fit_beta_prior(np.array([3]), np.array([10])) is None
    assert stats.fit_beta_prior(np.array([3, 0]), np.array([10, 0])) is None
    assert stats.fit_beta_prior(np.array([3, 4]), np.array([10, 10])) is not None


def test_prior_pulls_small_samples_towards_the_mean():
    # Over-dispersed managers (20%, 50%, 80% on 100 deals each) and a newcomer with 3 of 3.
    k = np.array([20, 50, 80, 3])
    n = np.array([100, 100, 100, 3])
    prior = stats.fit_beta_prior(k, n)
    assert prior is not None
    assert 0.3 < prior.mean < 0.7
    shrunk = prior.shrink(k, n)
    raw = k / n
    # The newcomer moves a long way towards the mean, but stays on its side of it.
    assert prior.mean < shrunk[3] < raw[3]
    assert raw[3] - shrunk[3] > 0.1
    # Every unit lies between its raw rate and the prior mean.
    for r, s in zip(raw, shrunk, strict=True):
        assert min(r, prior.mean) - 1e-12 <= s <= max(r, prior.mean) + 1e-12
    # A manager with 100 deals moves much less than the newcomer.
    assert abs(shrunk[0] - raw[0]) < abs(shrunk[3] - raw[3])


def test_without_over_dispersion_the_prior_pools_fully():
    # Four managers with exactly the same rate: the fitted strength runs to its maximum.
    k = np.array([30, 60, 15, 3])
    n = np.array([100, 200, 50, 10])
    prior = stats.fit_beta_prior(k, n)
    assert prior.mean == pytest.approx(0.3, abs=1e-3)
    assert prior.alpha + prior.beta > 1e3
    assert prior.shrink(np.array([10]), np.array([10]))[0] == pytest.approx(0.3, abs=0.01)


# ----------------------------------------------------------------------------------------------------
# Chi-square across managers
# ----------------------------------------------------------------------------------------------------


def test_chi_square_identical_rates():
    test = stats.chi_square_across(np.array([10, 20, 30]), np.array([100, 200, 300]))
    assert test.statistic == pytest.approx(0.0, abs=1e-12)
    assert test.p_value == pytest.approx(1.0)
    assert test.dof == 2
    assert test.low_expected is False


def test_chi_square_by_hand_without_continuity_correction():
    # Table [[10, 10], [5, 15], [15, 5]]: row totals 20, column totals 30 / 30, expected 10 everywhere.
    # Statistic = (0 + 0 + 25 + 25 + 25 + 25) / 10 = 10, dof 2, p = exp(-10 / 2).
    test = stats.chi_square_across(np.array([10, 5, 15]), np.array([20, 20, 20]))
    assert test.statistic == pytest.approx(10.0)
    assert test.dof == 2
    assert test.p_value == pytest.approx(math.exp(-5.0))


def test_chi_square_needs_two_units_and_both_outcomes():
    assert stats.chi_square_across(np.array([3]), np.array([10])) is None
    assert stats.chi_square_across(np.array([3, 0]), np.array([10, 0])) is None
    assert stats.chi_square_across(np.array([10, 20]), np.array([10, 20])) is None  # no failures at all
    small = stats.chi_square_across(np.array([1, 2]), np.array([3, 4]))
    assert small is not None and small.low_expected is True


# ----------------------------------------------------------------------------------------------------
# Null simulation: one true rate, how often is a manager flagged?
# ----------------------------------------------------------------------------------------------------


def simulate_flag_shares(departments: int, seed: int) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    alarm = alert = total = 0
    for _ in range(departments):
        rate = rng.uniform(0.1, 0.7)  # one true rate shared by the department's 8 managers
        trials = rng.integers(30, 401, size=8)
        successes = rng.binomial(trials, rate)
        department_rate = successes.sum() / trials.sum()  # estimated as the analysis does
        alarm += int((stats.outside_limits(successes, trials, department_rate, stats.ALARM) != 0).sum())
        alert += int((stats.outside_limits(successes, trials, department_rate, stats.ALERT) != 0).sum())
        total += len(trials)
    return alarm / total, alert / total


def test_null_simulation_false_flag_rate():
    alarm_share, alert_share = simulate_flag_shares(departments=750, seed=20260101)  # 6,000 managers
    assert alarm_share <= 0.004  # nominal 0.002, with room for sampling noise
    assert alert_share <= 0.06  # nominal 0.05
    # The limits are not so wide that they never fire.
    assert alert_share > 0.01
