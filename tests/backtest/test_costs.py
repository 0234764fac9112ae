"""Trading-cost model on hand cases (keeper.rebalance.costs)."""

from __future__ import annotations

import numpy as np
import pytest

from keeper.exceptions import ConfigError
from keeper.rebalance import CostModel, pool_depth, rebalance_to, slippage, trade_costs


def test_trade_costs__fee_and_constant_product_slippage__match_hand_numbers():
    model = CostModel(fee_bps=30, depth_to_volume=0.5)
    costs = trade_costs(np.array([10_000.0, -10_000.0, 0.0]), np.array([1_980_000.0, 1_980_000.0, 5e6]), model)
    # depth R = 0.5 * 1.98M = 990k; shortfall = 10k^2 / (990k + 10k) = 100 for a buy or a sale
    np.testing.assert_allclose(costs.fee, [30.0, 30.0, 0.0])
    np.testing.assert_allclose(costs.slippage, [100.0, 100.0, 0.0])
    assert costs.total == pytest.approx(260.0)


def test_slippage__equals_the_shortfall_of_a_real_constant_product_swap():
    reserve_usd, reserve_tok, spot = 2_000_000.0, 1_000.0, 2_000.0  # pool: 2M USD and 1,000 tokens at 2,000
    x = 150_000.0
    tokens_out = reserve_tok * x / (reserve_usd + x)  # x*y=k without fee
    assert float(slippage(x, reserve_usd)) == pytest.approx(x - tokens_out * spot, rel=1e-12)


def test_slippage__is_convex_and_never_exceeds_the_notional():
    x = np.array([1.0, 1e3, 1e6, 1e9, 1e12])
    s = slippage(x, 1e6)
    assert np.all(np.diff(s / x) > 0) and np.all(s < x)


def test_pool_depth__uses_the_floor_when_volume_is_missing():
    model = CostModel(depth_to_volume=2.0, min_depth_usd=5e5)
    np.testing.assert_allclose(pool_depth(np.array([1e6, 0.0, np.nan]), model), [2e6, 5e5, 5e5])


def test_rebalance_to__costs_are_paid_from_the_portfolio_and_weights_hold_after_costs():
    h = np.array([600_000.0, 300_000.0, 0.0])
    w = np.array([0.3, 0.3, 0.3])  # 10% stays in cash
    vol = np.array([5e8, 2e8, 1e8])
    model = CostModel(fee_bps=25)
    x, v, c = rebalance_to(h, 100_000.0, w, vol, model)
    np.testing.assert_allclose(h + x, w * v, rtol=0, atol=1e-6)
    assert v + c.total == pytest.approx(1_000_000.0, rel=1e-12)
    # the costs are exactly those of the trades actually made
    again = trade_costs(x, vol, model)
    assert again.total == pytest.approx(c.total, rel=1e-12)
    assert 0 < c.total < 0.01 * 1_000_000


def test_rebalance_to__already_at_target__costs_nothing():
    h = np.array([500.0, 500.0])
    x, v, c = rebalance_to(h, 0.0, np.array([0.5, 0.5]), np.array([1e6, 1e6]), CostModel())
    assert c.total == 0.0 and v == 1000.0 and not x.any()


def test_rebalance_to__buying_an_illiquid_token__loses_that_notional():
    x, v, c = rebalance_to(np.zeros(2), 1000.0, np.array([0.5, 0.5]), np.array([1e12, 0.0]), CostModel(fee_bps=0))
    # the zero-volume half is lost to slippage: v solves v = 1000 - 0.5 v (plus a vanishing cost on the other half)
    assert v == pytest.approx(1000.0 / 1.5, rel=1e-6)


@pytest.mark.parametrize("kwargs", [{"fee_bps": -1}, {"depth_to_volume": -0.5}, {"fee_bps": True}])
def test_cost_model__invalid_parameters__raise_config_error(kwargs):
    with pytest.raises(ConfigError):
        CostModel(**kwargs)
