"""Tokens listed and delisted mid-history: no NaN leakage, no trades in unlisted tokens."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from keeper.backtest.data import MarketData
from keeper.backtest.engine import run_backtest
from keeper.backtest.presets import presets_from_spec
from keeper.backtest.strategy import Settings, Sleeve, Strategy
from keeper.market import RepairPolicy
from keeper.rebalance import Calendar, RelativeDrift
from keeper.weights import AnomalyConfig, MethodologyConfig
from tests.backtest.conftest import hand_frame, hand_market, hand_metadata

DAYS = 120
TOKENS = {"A": ("L1", "conservative"), "B": ("DeFi", "balanced"), "C": ("L2", "balanced"),
          "D": ("DePIN-compute", "aggressive")}
FIRST, LAST = {"C": 40}, {"D": 70}
EQUAL = MethodologyConfig("equal", lookback_days=5, anomaly=AnomalyConfig(enabled=False))


def _paths() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    return {t: 10.0 * np.exp(np.cumsum(rng.normal(0, 0.03, DAYS))) for t in TOKENS}


def _run(trigger=Calendar("monthly"), repair=RepairPolicy()):
    market = hand_market(_paths(), TOKENS, FIRST, LAST, repair=repair)
    config = MethodologyConfig("equal", lookback_days=5, anomaly=AnomalyConfig(enabled=False), repair=repair)
    return market, run_backtest(market, Strategy("eq", (Sleeve("main", config, trigger),)), Settings())


@pytest.mark.parametrize("trigger", [Calendar("monthly"), RelativeDrift(0.1)], ids=["monthly", "drift"])
def test_backtest__mid_history_listing_and_delisting__leave_no_nan(trigger):
    _, result = _run(trigger)
    weights = result.weights_frame()
    assert np.isfinite(result.nav).all() and np.isfinite(result.held).all()
    assert not weights.isna().any().any()
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, atol=1e-12)
    assert all(np.isfinite(v).all() for v in result.costs.values())


@pytest.mark.parametrize("trigger", [Calendar("monthly"), RelativeDrift(0.1)], ids=["monthly", "drift"])
def test_backtest__trades__only_in_tokens_listed_on_the_execution_day(trigger):
    market, result = _run(trigger)
    trades = result.trades_frame()
    assert len(trades) > 0
    for _, row in trades.iterrows():
        j = market.index[row["token"]]
        t = int((np.datetime64(row["date"], "D") - market.dates[0]).astype(int))
        executed = t - 1 if row["kind"] == "rebalance" else int(market.last_idx[j])  # previous close / last price
        assert market.first_idx[j] <= executed <= market.last_idx[j], row.to_dict()


def test_backtest__token_before_listing__is_never_held():
    market, result = _run()
    c = market.index["C"]
    listed = result.index[1:] >= pd.Timestamp(market.dates[FIRST["C"]])
    assert (result.held[~listed, c] == 0).all()
    assert (result.held[listed, c] > 0).any()


def test_backtest__delisted_token__is_sold_at_its_last_price_and_the_cash_reinvested_next_rebalance():
    market, result = _run()
    d = market.index["D"]
    day_after = pd.Timestamp(market.dates[LAST["D"] + 1])
    sale = result.trades_frame().query("kind == 'delisting'")
    assert list(sale["token"]) == ["D"] and sale["date"].iloc[0] == day_after and sale["value"].iloc[0] < 0
    pos = result.index.get_loc(day_after)  # nav position of that close
    # held during the delisting day at the last price (relative 1), then nothing
    assert result.held[pos - 1, d] > 0 and (result.held[pos:, d] == 0).all()
    assert result.cash_held[pos] == pytest.approx(-sale["value"].iloc[0] - result.costs["delisting_fee"][pos - 1]
                                                  - result.costs["delisting_slippage"][pos - 1], rel=1e-12)
    next_rebalance = next(e for e in result.events if e["kind"] == "rebalance" and e["day_index"] > LAST["D"] + 1)
    i = next_rebalance["day_index"] - (market.days - len(result.held))
    assert result.cash_held[i] == pytest.approx(0.0, abs=1e-6)
    assert result.costs["delisting_fee"].sum() > 0 and result.costs["delisting_slippage"].sum() > 0


def test_backtest__with_forward_fill_repair__delisting_is_recognised_after_the_allowed_gap():
    market, result = _run(repair=RepairPolicy(max_ffill_days=3))
    sale = result.trades_frame().query("kind == 'delisting'")
    assert sale["date"].iloc[0] == pd.Timestamp(market.dates[LAST["D"] + 4])


def test_backtest__internal_gap_within_repair__is_not_a_delisting():
    paths = _paths()
    frame = hand_frame(paths, FIRST, LAST)
    gap = (frame["token"] == "A") & frame["date"].isin(["2024-02-10", "2024-02-11"])
    market = MarketData(frame[~gap], hand_metadata(TOKENS), RepairPolicy(max_ffill_days=2))
    config = MethodologyConfig("equal", lookback_days=5, anomaly=AnomalyConfig(enabled=False),
                               repair=RepairPolicy(max_ffill_days=2))
    result = run_backtest(market, Strategy("eq", (Sleeve("main", config, Calendar("monthly")),)), Settings())
    assert set(result.trades_frame().query("kind == 'delisting'")["token"]) == {"D"}
    assert np.isfinite(result.nav).all()


def test_backtest__synthetic_market_with_listings__every_preset_runs_clean(small_synthetic):
    market = MarketData(small_synthetic.frame, small_synthetic.metadata)
    assert small_synthetic.last_day.min() < 300  # a token dies mid-history
    for strategy in presets_from_spec("moderate,core_satellite,risk_parity"):
        result = run_backtest(market, strategy, Settings(), start=100)
        assert np.isfinite(result.nav).all() and not result.weights_frame().isna().any().any()
        if strategy.name != "core_satellite":  # these hold every eligible token, so they hold the dying one
            assert any(e["kind"] == "delisting" for e in result.events)
