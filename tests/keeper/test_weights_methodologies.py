"""Each methodology against small hand-computed cases, plus numerical properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keeper.exceptions import ConstraintConflictError, MethodologyError
from keeper.weights import (
    equal_risk_contribution,
    equal_weights,
    inverse_volatility_weights,
    ledoit_wolf,
    market_cap_weights,
    min_variance_weights,
    momentum_scores,
    momentum_tilt,
    momentum_z,
    risk_contributions,
)
from keeper.weights import min_variance as mv_module


def random_spd(rng: np.random.Generator, n: int) -> np.ndarray:
    a = rng.normal(size=(n + 3, n))
    vols = rng.uniform(0.01, 0.1, size=n)
    corr = np.corrcoef(a, rowvar=False) * 0.8 + np.eye(n) * 0.2
    return corr * np.outer(vols, vols)


def test_market_cap__weights_are_proportional_to_caps():
    np.testing.assert_allclose(market_cap_weights(np.array([1.0, 3.0])), [0.25, 0.75])


def test_market_cap_sqrt__weights_are_proportional_to_square_roots():
    np.testing.assert_allclose(market_cap_weights(np.array([1.0, 9.0]), "sqrt"), [0.25, 0.75])


def test_market_cap__zero_cap_gets_zero_and_all_zero_raises():
    np.testing.assert_allclose(market_cap_weights(np.array([0.0, 2.0])), [0.0, 1.0])
    with pytest.raises(MethodologyError):
        market_cap_weights(np.array([0.0, 0.0]))


def test_equal__gives_one_over_n():
    np.testing.assert_allclose(equal_weights(4), [0.25] * 4)


def test_inverse_vol__weights_are_inverse_to_sample_volatility():
    base = np.array([1.0, -1.0] * 10)
    returns = np.column_stack([0.01 * base, 0.02 * base])  # vols in ratio 1:2
    np.testing.assert_allclose(inverse_volatility_weights(returns), [2 / 3, 1 / 3])


def test_inverse_vol__zero_volatility_is_an_error_naming_the_token():
    returns = np.column_stack([np.zeros(10), np.linspace(-0.01, 0.01, 10)])
    with pytest.raises(MethodologyError, match="FLAT"):
        inverse_volatility_weights(returns, ["FLAT", "OK"])


def test_ledoit_wolf__matches_brute_force_formula():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(40, 6)) @ rng.normal(size=(6, 6)) * 0.01
    est = ledoit_wolf(x)
    xc = x - x.mean(axis=0)
    t, n = xc.shape
    s = xc.T @ xc / t
    mu = np.trace(s) / n
    d2 = np.sum((s - mu * np.eye(n)) ** 2)
    b2 = sum(np.sum((np.outer(r, r) - s) ** 2) for r in xc) / t ** 2
    delta = min(b2, d2) / d2
    assert est.shrinkage == pytest.approx(delta, rel=1e-10)
    np.testing.assert_allclose(est.matrix, delta * mu * np.eye(n) + (1 - delta) * s, rtol=1e-10)


def test_ledoit_wolf__fixed_intensity_one_gives_scaled_identity():
    x = np.random.default_rng(0).normal(size=(30, 3))
    est = ledoit_wolf(x, shrinkage=1.0)
    np.testing.assert_allclose(est.matrix, np.eye(3) * est.target)


def test_risk_parity__diagonal_covariance_gives_inverse_volatility():
    cov = np.diag([0.01, 0.04, 0.09])  # vols 0.1, 0.2, 0.3
    inv = np.array([10.0, 5.0, 10 / 3])
    np.testing.assert_allclose(equal_risk_contribution(cov), inv / inv.sum(), atol=1e-12)


def test_risk_parity__two_correlated_assets_split_by_inverse_volatility():
    # for two assets ERC is inverse volatility whatever the correlation
    cov = np.array([[0.04, 0.7 * 0.2 * 0.5], [0.7 * 0.2 * 0.5, 0.25]])
    np.testing.assert_allclose(equal_risk_contribution(cov), [0.5 / 0.7, 0.2 / 0.7], atol=1e-12)


def test_risk_parity__equalises_risk_contributions():
    cov = np.array([[0.04, 0.006, -0.004], [0.006, 0.09, 0.018], [-0.004, 0.018, 0.16]])
    w = equal_risk_contribution(cov)
    rc = risk_contributions(w, cov)
    assert w.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.all(w > 0)
    np.testing.assert_allclose(rc, [1 / 3] * 3, atol=1e-6)


@settings(max_examples=50, deadline=None)
@given(n=st.integers(2, 25), seed=st.integers(0, 2**31 - 1))
def test_risk_parity__equalises_risk_contributions_on_random_covariances(n, seed):
    cov = random_spd(np.random.default_rng(seed), n)
    w = equal_risk_contribution(cov)
    rc = risk_contributions(w, cov)
    assert w.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.max(np.abs(rc - 1.0 / n)) <= 1e-6


def test_min_variance__two_uncorrelated_assets_weight_inverse_to_variance():
    w = min_variance_weights(np.diag([0.01, 0.04]))
    np.testing.assert_allclose(w, [0.8, 0.2], atol=1e-12)


def test_min_variance__is_long_only_when_unconstrained_solution_shorts():
    cov = np.array([[1.0, 1.8], [1.8, 4.0]])  # unconstrained optimum shorts asset 2
    np.testing.assert_allclose(min_variance_weights(cov), [1.0, 0.0], atol=1e-12)


def test_min_variance__token_cap_is_enforced_inside_the_optimiser():
    # unconstrained 1/var weights (2/3, 1/6, 1/6); cap 0.5 -> (0.5, 0.25, 0.25) by KKT
    w = min_variance_weights(np.diag([1.0, 4.0, 4.0]), 0.5)
    np.testing.assert_allclose(w, [0.5, 0.25, 0.25], atol=1e-12)


def test_min_variance__caps_that_cannot_reach_one_raise_conflict():
    with pytest.raises(ConstraintConflictError, match="max_token_weight"):
        min_variance_weights(np.eye(3), 0.3)


def _kkt_violation(cov: np.ndarray, w: np.ndarray, cap: float) -> float:
    g = cov @ w
    free = (w > 1e-10) & (w < cap - 1e-10)
    lam = np.median(g[free]) if free.any() else np.median(g[w > 1e-10])
    scale = abs(lam)
    bad_zero = np.maximum(0.0, lam - g[w <= 1e-10])  # zero weights need g >= lam
    bad_cap = np.maximum(0.0, g[w >= cap - 1e-10] - lam)  # capped weights need g <= lam
    bad_free = np.abs(g[free] - lam)
    return float(max([0.0, *bad_zero, *bad_cap, *bad_free])) / scale


@settings(max_examples=50, deadline=None)
@given(n=st.integers(2, 30), seed=st.integers(0, 2**31 - 1), cap_mult=st.floats(1.05, 4.0))
def test_min_variance__satisfies_kkt_conditions_on_random_inputs(n, seed, cap_mult):
    cov = random_spd(np.random.default_rng(seed), n)
    cap = min(1.0, cap_mult / n)
    w = min_variance_weights(cov, cap)
    assert w.sum() == pytest.approx(1.0, abs=1e-9)
    assert np.all(w >= 0) and np.all(w <= cap + 1e-12)
    assert _kkt_violation(cov, w, cap) < 1e-6


def test_min_variance__gradient_fallback_reaches_the_active_set_solution():
    rng = np.random.default_rng(11)
    cov = random_spd(rng, 12)
    exact = min_variance_weights(cov, 0.2)
    a = cov / np.mean(np.diag(cov))
    approx = mv_module._projected_gradient(a, np.full(12, 0.2), 1e-10, 50_000)
    np.testing.assert_allclose(approx, exact, atol=1e-6)
    # with the active-set stage disabled the polished fallback still finds the exact point
    np.testing.assert_allclose(min_variance_weights(cov, 0.2, max_active_set_iter=0), approx, atol=1e-6)


def test_momentum__scores_z_and_tilt_match_hand_computation():
    prices = np.array([[100.0, 100.0, 100.0], [110.0, 100.0, 90.0], [111.0, 101.0, 91.0]])
    scores = momentum_scores(prices, window_days=1, skip_days=1)  # row 0 -> row 1
    np.testing.assert_allclose(scores, np.log([1.1, 1.0, 0.9]))
    z = momentum_z(scores, z_clip=3.0)
    expected_z = (scores - scores.mean()) / scores.std()
    np.testing.assert_allclose(z, expected_z)
    tilted = momentum_tilt(np.full(3, 1 / 3), z, strength=0.5)
    raw = np.exp(0.5 * expected_z)
    np.testing.assert_allclose(tilted, raw / raw.sum())
    assert tilted[0] > tilted[1] > tilted[2]


def test_momentum__equal_scores_leave_weights_unchanged_and_zero_stays_zero():
    z = momentum_z(np.array([0.2, 0.2, 0.2]), 3.0)
    np.testing.assert_allclose(momentum_tilt(np.array([0.5, 0.5, 0.0]), z, 1.0), [0.5, 0.5, 0.0])
