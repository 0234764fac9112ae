"""Anomaly screen: robust z-scores of the last day and stale prices, with reasons."""

from __future__ import annotations

import numpy as np
import pytest

from keeper.weights import AnomalyConfig, MethodologyConfig, compute_target_weights, screen_anomalies
from keeper.weights.anomaly import robust_z, stale_days
from tests.keeper.builders import make_market

CFG = AnomalyConfig(window_days=60, max_return_z=8.0, max_volume_z=8.0, max_stale_days=3)


def windows(n_days=70, n_tokens=3, seed=5):
    rng = np.random.default_rng(seed)
    prices = 10 * np.exp(np.cumsum(rng.normal(0, 0.02, size=(n_days, n_tokens)), axis=0))
    volumes = 1e6 * np.exp(rng.normal(0, 0.2, size=(n_days, n_tokens)))
    return prices, volumes


def test_robust_z__uses_median_and_scaled_mad():
    hist = np.array([[1.0], [2.0], [3.0], [4.0], [100.0]])  # median 3, MAD 1
    z, med, mad = robust_z(hist, np.array([6.0]))
    assert med[0] == 3.0 and mad[0] == 1.0
    assert z[0] == pytest.approx(3.0 / 1.4826)


def test_robust_z__zero_mad_gives_zero_or_infinity():
    hist = np.zeros((5, 2))
    z, _, _ = robust_z(hist, np.array([0.0, 0.1]))
    assert z[0] == 0.0 and z[1] == np.inf


def test_stale_days__counts_trailing_unchanged_prices():
    p = np.array([[1.0, 1.0], [2.0, 1.0], [2.0, 1.0], [2.0, 1.5]])
    np.testing.assert_array_equal(stale_days(p), [2, 0])


def test_screen__flags_last_day_price_crash_with_metric_value_and_threshold():
    prices, volumes = windows()
    prices[-1, 1] = prices[-2, 1] * 0.5
    findings = screen_anomalies(["A", "B", "C"], prices, volumes, CFG)
    assert [(f.token, f.metric) for f in findings] == [("B", "last_return_robust_z")]
    assert findings[0].value < -8.0 and findings[0].threshold == 8.0
    assert "last log return" in findings[0].detail


def test_screen__flags_volume_spike():
    prices, volumes = windows()
    volumes[-1, 2] *= 500
    findings = screen_anomalies(["A", "B", "C"], prices, volumes, CFG)
    assert [(f.token, f.metric) for f in findings] == [("C", "last_volume_robust_z")]
    assert findings[0].value > 8.0


def test_screen__flags_stale_price_but_not_a_noisy_peg():
    prices, volumes = windows()
    prices[-4:, 0] = prices[-5, 0]
    rng = np.random.default_rng(0)
    prices[:, 2] = 1.0 + rng.normal(0, 1e-4, size=prices.shape[0])  # stablecoin-like, never repeats
    findings = screen_anomalies(["A", "B", "C"], prices, volumes, CFG)
    stale = [f for f in findings if f.metric == "stale_price_days"]
    assert [(f.token, f.value) for f in stale] == [("A", 4.0)]


def test_screen__normal_history_has_no_findings_and_disabled_screen_reports_nothing():
    prices, volumes = windows()
    assert screen_anomalies(["A", "B", "C"], prices, volumes, CFG) == ()
    prices[-1, 0] *= 3
    assert screen_anomalies(["A", "B", "C"], prices, volumes, AnomalyConfig(enabled=False)) == ()


def test_pipeline__excludes_anomalous_token_and_reports_why(small_metadata):
    market = make_market(["AAA", "BBB", "CCC", "DDD"], days=150)
    last = market["date"].max()
    sel = (market["token"] == "CCC") & (market["date"] == last)
    market.loc[sel, "price"] *= 1.8
    cfg = MethodologyConfig(methodology="equal", lookback_days=30)
    result = compute_target_weights(market, small_metadata, cfg)
    assert "CCC" not in result.weights
    (exc,) = [e for e in result.exclusions if e.token == "CCC"]
    assert exc.reason == "anomaly" and exc.metric == "last_return_robust_z" and exc.value > 10
    assert sum(result.weights.values()) == pytest.approx(1.0)
    assert "CCC" in result.render_text()
