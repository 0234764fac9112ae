"""Planner properties on random baskets (deep pools, 2-6 tokens, decimals 6/8/18, USDC in or out),
checked by replaying each plan trade by trade with the amm math alone."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from keeper.rebalance.basket import drift
from keeper.rebalance.planner import plan_rebalance, simulate
from tests.rebalance.builders import plan_params, route, steps, vault_states

FAST = settings(max_examples=60, deadline=None)
EPS = 1e-9


def _slack(state, params) -> float:
    """What may stay outside the band on deep pools: each token's leftover under min_trade_value."""
    return len(state.tokens) * params.min_trade_value / state.nav() + EPS


@FAST
@given(vault_states(), plan_params())
def test_plan__brings_every_token_within_its_band_on_deep_pools(state, params):
    plan = plan_rebalance(state, params)
    after = drift(simulate(plan, state))
    band = params.band_bps / 10_000
    assert all(abs(d) <= band + _slack(state, params) for d in after.values()), (after, plan.summary.reason)
    assert plan.summary.out_of_band_after == () and plan.summary.skipped == ()


@FAST
@given(vault_states(), plan_params())
def test_every_trade__sells_an_overweight_token_for_an_underweight_one_without_crossing_targets(state, params):
    plan = plan_rebalance(state, params)
    basket = set(state.symbols)
    for before, trade, after in steps(plan, state):
        d0, d1 = drift(before), drift(after)
        assert {trade.sell_token, trade.buy_token} <= basket and trade.sell_token != trade.buy_token
        assert d0[trade.sell_token] > 0 > d0[trade.buy_token]
        # each side moves toward its target and stops at it at the latest: it never overshoots
        assert 0 <= d1[trade.sell_token] + EPS and d1[trade.sell_token] < d0[trade.sell_token]
        assert d0[trade.buy_token] < d1[trade.buy_token] <= EPS


@FAST
@given(vault_states(), plan_params())
def test_no_token__ends_on_the_other_side_of_its_band(state, params):
    plan = plan_rebalance(state, params)
    band = params.band_bps / 10_000
    before, after = drift(state), drift(simulate(plan, state))
    for s in state.symbols:
        if before[s] > 0:
            assert after[s] >= -band - EPS, s
        if before[s] < 0:
            assert after[s] <= band + EPS, s


@FAST
@given(vault_states(min_depth=0.5, max_depth=5.0), plan_params())
def test_every_chunk__keeps_each_hop_under_the_impact_bound_on_the_moved_pools(state, params):
    # shallow pools (0.5-5x NAV): large trades must be split into several chunks
    plan = plan_rebalance(state, params)
    for before, trade, _ in steps(plan, state):
        impacts, out = route(before, trade, params.fee_bps)
        assert max(impacts) <= params.max_impact_bps / 10_000
        assert trade.hop_impacts == tuple(impacts) and trade.expected_out == out
        assert len(trade.path) == (2 if state.quote.symbol in (trade.sell_token, trade.buy_token) else 3)


@FAST
@given(vault_states(), plan_params())
def test_every_trade__has_int_amounts_a_min_out_below_expected_and_respects_the_size_cap(state, params):
    plan = plan_rebalance(state, params)
    cap = float("inf") if params.max_trade_nav_bps is None else state.nav() * params.max_trade_nav_bps / 10_000
    for before, t, _ in steps(plan, state):
        assert all(type(v) is int for v in (t.amount_in, t.min_amount_out, t.expected_out))
        assert 0 < t.min_amount_out <= t.expected_out
        assert t.min_amount_out == t.expected_out * (10_000 - params.slippage_bps) // 10_000
        assert 0 < t.amount_in <= before.token(t.sell_token).holdings
        assert t.expected_value_in <= cap


@FAST
@given(vault_states(), plan_params())
def test_sells_into_the_quote_token__all_come_before_buys_out_of_it(state, params):
    plan = plan_rebalance(state, params)
    quote = state.quote.symbol
    sells = [i for i, t in enumerate(plan.trades) if t.buy_token == quote]
    buys = [i for i, t in enumerate(plan.trades) if t.sell_token == quote]
    assert not sells or not buys or max(sells) < min(buys)
    if quote not in state.symbols:
        assert not sells and not buys


@settings(max_examples=30, deadline=None)
@given(vault_states(), plan_params(), st.sampled_from([(50, 10), (100, 25), (200, 50)]))
def test_band_edge_mode__also_brings_every_token_within_its_band(state, params, band_margin):
    band_bps, margin = band_margin
    to_edge = replace(params, band_bps=band_bps, mode="band_edge", edge_margin_bps=margin)
    after = drift(simulate(plan_rebalance(state, to_edge), state))
    assert all(abs(d) <= band_bps / 10_000 + _slack(state, params) for d in after.values())


@FAST
@given(vault_states(), plan_params())
def test_summary__reports_the_replayed_weights_turnover_and_costs(state, params):
    plan = plan_rebalance(state, params)
    weights = simulate(plan, state).weights()
    s = plan.summary
    assert s.nav == state.nav() and dict(s.weights_before) == state.weights()
    assert all(abs(weights[k] - s.weights_after[k]) < 1e-12 for k in weights)
    assert abs(s.turnover - sum(t.expected_value_in for t in plan.trades) / s.nav) < 1e-12
    assert s.estimated_cost == s.fee_cost + s.impact_cost >= 0
    assert (plan.trades == ()) == s.reason.startswith("balanced")
