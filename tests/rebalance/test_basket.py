"""Vault state: validation, reference values and drift, and replaying plans with simulate()."""

from __future__ import annotations

from dataclasses import replace

import pytest

from keeper.exceptions import ConfigError, KeeperError
from keeper.rebalance.basket import QuoteToken, StateError, TokenState, VaultState, drift
from keeper.rebalance.planner import PlanParams, plan_rebalance, simulate
from tests.rebalance.builders import USDC, state, token


def test_values__respect_each_tokens_decimals():
    s = VaultState((TokenState("WBTC", 8, 2 * 10**8, 60_000.0, 5_000, 10**8, 60_000 * 10**6),
                    TokenState("USDC", 6, 30_000 * 10**6, 1.0, 5_000)), USDC)
    assert s.values() == {"WBTC": 120_000.0, "USDC": 30_000.0}
    assert s.weights() == {"WBTC": 0.8, "USDC": 0.2}


def test_drift__is_weight_minus_target():
    s = state(token("A", 18, 700_000, 2.0, 6_000), token("B", 6, 300_000, 0.5, 4_000))
    d = drift(s)
    assert d["A"] == pytest.approx(0.10) and d["B"] == pytest.approx(-0.10)


@pytest.mark.parametrize("bad, match", [
    (lambda t: [replace(t[0], target_bps=5_001), t[1]], "sum to 10001"),
    (lambda t: [t[0], replace(t[1], symbol="A")], "unique"),
    (lambda t: [replace(t[0], decimals=40), t[1]], "decimals"),
    (lambda t: [replace(t[0], holdings=1.5), t[1]], "holdings"),
    (lambda t: [replace(t[0], price=float("nan")), t[1]], "price"),
    (lambda t: [replace(t[0], reserve_quote=None), t[1]], "pool reserves"),
    (lambda t: [t[0], TokenState("USDC", 6, 0, 1.0, 5_000, 10, 10)], "quote token"),
])
def test_state__rejects_inconsistent_inputs(bad, match):
    good = [token("A", 18, 100.0, 1.0, 5_000), token("B", 8, 100.0, 1.0, 5_000)]
    with pytest.raises(StateError, match=match):
        VaultState(tuple(bad(good)), USDC)


def test_state_errors__are_keeper_errors_and_value_errors():
    assert issubclass(StateError, KeeperError) and issubclass(StateError, ValueError)
    with pytest.raises(StateError, match="holds nothing"):
        plan_rebalance(state(token("A", 18, 0.0, 1.0, 5_000), token("B", 18, 0.0, 1.0, 5_000)))


@pytest.mark.parametrize("kwargs", [
    {"band_bps": -1}, {"max_impact_bps": 0}, {"slippage_bps": 10_000}, {"fee_bps": 1.5},
    {"max_trade_value": 0.0}, {"max_trade_nav_bps": 0}, {"min_trade_value": float("inf")},
    {"mode": "midpoint"}, {"mode": "band_edge", "band_bps": 50, "edge_margin_bps": 60}, {"max_trades": 0},
])
def test_plan_params__reject_out_of_range_settings(kwargs):
    with pytest.raises(ConfigError):
        PlanParams(**kwargs)


def test_simulate__moves_holdings_and_pools_as_the_trades_say(two_tokens):
    plan = plan_rebalance(two_tokens)
    after = simulate(plan, two_tokens)
    sold = sum(t.amount_in for t in plan.trades)
    bought = sum(t.expected_out for t in plan.trades)
    weth0, wbtc0, weth1, wbtc1 = (*two_tokens.tokens, *after.tokens)
    assert weth1.holdings == weth0.holdings - sold and wbtc1.holdings == wbtc0.holdings + bought
    assert weth1.reserve_token == weth0.reserve_token + sold  # the pool keeps the input, fee included
    assert wbtc1.reserve_token == wbtc0.reserve_token - bought
    # the quote leaving WETH's pool is the quote entering WBTC's
    assert weth0.reserve_quote - weth1.reserve_quote == wbtc1.reserve_quote - wbtc0.reserve_quote > 0


def test_simulate__refuses_a_trade_that_would_revert_on_its_min_out(two_tokens):
    plan = plan_rebalance(two_tokens)
    # someone bought WBTC from its pool after planning: it now pays ~2 % less, min-out allows 0.5 %
    wbtc = two_tokens.token("WBTC")
    moved = VaultState((two_tokens.tokens[0], replace(wbtc, reserve_token=int(wbtc.reserve_token * 0.98))), USDC)
    with pytest.raises(StateError, match="would revert"):
        simulate(plan, moved)


def test_simulate__refuses_a_token_outside_the_basket(two_tokens):
    plan = plan_rebalance(two_tokens)
    other = VaultState((two_tokens.tokens[0], replace(two_tokens.tokens[1], symbol="HNT")), USDC)
    with pytest.raises(StateError, match="not in the basket"):
        simulate(plan, other)


def test_quote_token__may_stay_outside_the_basket_but_must_be_valid():
    s = state(token("A", 18, 600_000, 1.0, 5_000), token("B", 18, 400_000, 1.0, 5_000))
    assert "USDC" not in s.symbols
    with pytest.raises(StateError):
        VaultState(s.tokens, QuoteToken("USDC", 40))
