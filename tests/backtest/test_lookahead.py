"""No look-ahead: a decision on day t depends only on data up to t-1."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import pytest

import keeper.backtest.targets as targets_module
import keeper.weights
from keeper.backtest.data import MarketData, Universe
from keeper.backtest.engine import run_backtest
from keeper.backtest.presets import core_satellite
from keeper.backtest.strategy import Settings, Sleeve, Strategy
from keeper.backtest.targets import TargetCache
from keeper.market import TokenInfo, TokenMetadata
from keeper.rebalance import RelativeDrift
from keeper.weights import MethodologyConfig, MomentumConfig, compute_target_weights
from tests.backtest.conftest import SMALL_SPEC

START = 100  # every strategy below can decide from here (core_satellite needs 98 days)
DRIFT_RP = Strategy("rp-drift", (Sleeve("main", MethodologyConfig(
    "risk_parity", lookback_days=60, momentum=MomentumConfig(window_days=30)), RelativeDrift(0.2)),))


def _with_newcomer(metadata: TokenMetadata) -> TokenMetadata:
    return TokenMetadata([*metadata, TokenInfo("NEW", "newcomer", "DeFi", "balanced", ("home",))])


def _perturb_after(frame: pd.DataFrame, cut: pd.Timestamp, seed: int) -> pd.DataFrame:
    """Change every row dated after ``cut``: prices, caps, volumes; end one token; list a new one."""
    rng = np.random.default_rng(seed)
    out = frame.copy()
    later = out["date"] > cut
    out.loc[later, "price"] *= np.exp(rng.normal(0, 0.3, later.sum()))
    out.loc[later, "market_cap"] *= np.exp(rng.normal(0, 0.5, later.sum()))
    out.loc[later, "volume"] *= np.exp(rng.normal(0, 0.5, later.sum()))
    alive = sorted(out.loc[later, "token"].unique())
    out = out[~(later & (out["token"] == alive[seed % len(alive)]))]
    days = pd.date_range(cut + timedelta(days=1), out["date"].max(), freq="D")
    new = pd.DataFrame({"date": days, "token": "NEW", "price": 3.0, "market_cap": 1e12, "volume": 1e9})
    return pd.concat([out, new], ignore_index=True)


def _decisions(result, up_to: np.datetime64) -> list[tuple]:
    return [(e["date"], e["kind"], e["sleeve"], e.get("as_of"), e.get("inputs_hash"))
            for e in result.events if np.datetime64(e["date"]) <= up_to and e["kind"] != "delisting"]


def _held(result, up_to: np.datetime64) -> pd.DataFrame:
    w = result.weights_frame()
    w = w.loc[w.index <= pd.Timestamp(up_to)]
    return w.loc[:, (w != 0).any()].sort_index(axis=1)


@pytest.mark.parametrize("cut_day,seed", [(START + 5, 0), (201, 1), (300, 2), (SMALL_SPEC.days - 30, 3)])
def test_backtest__future_data_change__leaves_past_decisions_unchanged(small_synthetic, cut_day, seed):
    meta = _with_newcomer(small_synthetic.metadata)
    base = MarketData(small_synthetic.frame, meta)
    cut = pd.Timestamp(base.dates[cut_day])
    changed = MarketData(_perturb_after(small_synthetic.frame, cut, seed), meta)
    decided_until = base.dates[cut_day + 1]  # day cut+1 decides with data up to `cut`
    for strategy in (DRIFT_RP, core_satellite()):
        a = run_backtest(base, strategy, Settings(), start=START)
        b = run_backtest(changed, strategy, Settings(), start=START)
        assert _decisions(a, decided_until) == _decisions(b, decided_until)
        pd.testing.assert_frame_equal(_held(a, decided_until), _held(b, decided_until), check_exact=True)
        k = cut_day - START + 1  # nav position of the close of `cut`
        # one more token column changes float summation order, hence rtol instead of equality
        np.testing.assert_allclose(a.nav[: k + 1], b.nav[: k + 1], rtol=1e-12, atol=0)
        assert not np.array_equal(a.nav, b.nav)  # the future did change


def test_backtest__every_keeper_call__uses_the_day_before_the_trade(monkeypatch, small_synthetic):
    # the keeper's own code: compute_weight_vector is compute_target_weights' computation, as a vector
    assert targets_module.compute_weight_vector is keeper.weights.compute_weight_vector
    seen = []

    def spy(market, metadata, config, as_of=None):
        seen.append(as_of)
        return keeper.weights.compute_weight_vector(market, metadata, config, as_of=as_of)

    monkeypatch.setattr(targets_module, "compute_weight_vector", spy)
    market = MarketData(small_synthetic.frame, small_synthetic.metadata)
    result = run_backtest(market, DRIFT_RP, Settings(), start=START)
    trades = [e for e in result.events if e["kind"] in ("initial", "rebalance")]
    assert len(trades) > 5 and len(seen) == len(trades)
    for event, as_of in zip(trades, seen):
        assert as_of == pd.Timestamp(event["date"]).date() - timedelta(days=1)
        assert event["as_of"] == str(as_of)


def test_backtest__decision_hash__equals_the_keepers_on_the_table_cut_at_as_of(small_synthetic):
    market = MarketData(small_synthetic.frame, small_synthetic.metadata)
    result = run_backtest(market, DRIFT_RP, Settings(), start=START)
    config = DRIFT_RP.sleeves[0].config
    events = [e for e in result.events if e["kind"] in ("initial", "rebalance")]
    for event in events[:: max(1, len(events) // 4)]:
        cut = small_synthetic.frame[small_synthetic.frame["date"] <= pd.Timestamp(event["as_of"])]
        alone = compute_target_weights(cut, small_synthetic.metadata, config)
        assert alone.inputs_hash == event["inputs_hash"]


def test_backtest__window_before_warmup__is_refused(small_synthetic):
    market = MarketData(small_synthetic.frame, small_synthetic.metadata)
    with pytest.raises(Exception, match="does not fit"):
        run_backtest(market, DRIFT_RP, Settings(), start=0)


@pytest.mark.parametrize("universe", [Universe(), Universe(sectors=("DeFi", "L1", "stablecoin"))])
def test_backtest__targets__are_the_keepers_weights_byte_for_byte(small_synthetic, universe):
    market = MarketData(small_synthetic.frame, small_synthetic.metadata)
    sleeve = Sleeve("main", DRIFT_RP.sleeves[0].config, RelativeDrift(0.2), universe=universe)
    cache = TargetCache(market)
    prepared, metadata = market.prepared(universe, sleeve.config.repair)
    for day in range(START, market.days, 23):
        target = cache.target(sleeve, day)
        full = compute_target_weights(prepared, metadata, sleeve.config, as_of=market.date(day))
        expected = np.zeros(len(market.tokens))
        for token, weight in full.weights.items():
            expected[market.index[token]] = weight
        assert target.weights.tobytes() == expected.tobytes()
        assert (target.inputs_hash, target.as_of) == (full.inputs_hash, full.as_of)
