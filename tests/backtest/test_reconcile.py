"""Books reconcile: the final value is the product of gross returns minus every recorded cost."""

from __future__ import annotations

import numpy as np
import pytest

from keeper.backtest.data import MarketData
from keeper.backtest.engine import run_backtest
from keeper.backtest.presets import preset
from keeper.backtest.strategy import Settings, Sleeve, Strategy
from keeper.rebalance import Calendar, CostModel, parse_trigger
from keeper.weights import AnomalyConfig, MethodologyConfig
from tests.backtest.conftest import hand_market, price_relatives

PRE = ("trading_fee", "slippage")  # paid before the day's market move
POST = ("management_fee", "delisting_fee", "delisting_slippage")  # paid after it


def _gross(result, frame) -> np.ndarray:
    """Each day's gross return of what was held, from the raw table (independent of the engine)."""
    rel = price_relatives(frame, result.dates, result.tokens)
    held, cash = result.held, result.cash_held
    return (np.einsum("ij,ij->i", held, rel) + cash) / (held.sum(axis=1) + cash)


def _check(result, frame) -> None:
    g = _gross(result, frame)
    pre = sum(result.costs[k] for k in PRE)
    post = sum(result.costs[k] for k in POST)
    # grown to the end: a cost paid before day i's move compounds over days i..end, after it over i+1..end
    growth_from = np.append(np.cumprod(g[::-1])[::-1], 1.0)
    expected = result.nav[0] * growth_from[0] - float(np.sum(pre * growth_from[:-1]) + np.sum(post * growth_from[1:]))
    assert result.nav[-1] == pytest.approx(expected, rel=1e-9)
    # and day by day
    np.testing.assert_allclose(result.nav[1:], (result.nav[:-1] - pre) * g - post, rtol=1e-9)
    assert pre.sum() > 0 and post.sum() > 0


@pytest.mark.parametrize("name,trigger", [("moderate", "monthly"), ("risk_parity", "drift:0.25"),
                                          ("market_cap", "band:0.03"), ("single_asset", None),
                                          ("core_satellite", None)])
def test_backtest__final_value__equals_gross_returns_minus_every_recorded_cost(small_synthetic, name, trigger):
    market = MarketData(small_synthetic.frame, small_synthetic.metadata)
    strategy = preset(name, trigger=parse_trigger(trigger)) if trigger else preset(name)
    settings = Settings(capital=5e6, management_fee_bps=200, costs=CostModel(fee_bps=25, depth_to_volume=0.2))
    result = run_backtest(market, strategy, settings, start=100)
    _check(result, small_synthetic.frame)
    if name in ("moderate", "risk_parity"):
        assert result.costs["delisting_fee"].sum() > 0  # a delisting sale is part of these books


def test_backtest__constant_prices__lose_exactly_the_costs_and_the_fee():
    prices = {t: np.full(60, p) for t, p in (("A", 10.0), ("B", 2.0))}
    market = hand_market(prices, {"A": ("L1", "conservative"), "B": ("DeFi", "balanced")})
    config = MethodologyConfig("equal", lookback_days=5, anomaly=AnomalyConfig(enabled=False))
    strategy = Strategy("eq", (Sleeve("main", config, Calendar("weekly")),))
    settings = Settings(capital=1e6, management_fee_bps=365)
    result = run_backtest(market, strategy, settings)
    days = len(result.nav) - 1
    initial = result.costs["trading_fee"][0] + result.costs["slippage"][0]
    assert result.rebalances == 0  # equal weights on constant prices never drift: nothing to trade after day one
    assert result.nav[-1] == pytest.approx((1e6 - initial) * settings.daily_fee_factor ** days, rel=1e-12)
    assert result.costs["management_fee"].sum() == pytest.approx(1e6 - initial - result.nav[-1], rel=1e-9)
