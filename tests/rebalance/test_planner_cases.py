"""Planner on hand-built baskets whose answer is known: minimal turnover, untouched in-band tokens,
empty plans, decimals, chunking, size caps, shallow or mispriced pools, band-edge mode, the quote token."""

from __future__ import annotations

import pytest

from keeper.rebalance.basket import drift
from keeper.rebalance.planner import PlanParams, plan_rebalance, simulate
from tests.rebalance.builders import route, state, steps, token, usdc

NAV = 1_000_000.0


def _in_band(state_, band_bps: int, slack: float = 1e-6) -> bool:
    return all(abs(d) <= band_bps / 10_000 + slack for d in drift(state_).values())


def test_two_tokens__one_way_turnover_is_the_excess_over_target(two_tokens):
    plan = plan_rebalance(two_tokens)
    assert [(t.sell_token, t.buy_token) for t in plan.trades] == [("WETH", "WBTC")]
    # the sold value is the 100k excess, plus what keeps WETH at 50 % of a NAV lowered by the costs
    cost = plan.summary.estimated_cost / NAV
    assert 0.10 <= plan.summary.turnover <= 0.10 + cost
    after = drift(simulate(plan, two_tokens))
    assert abs(after["WETH"]) < 1e-6 and abs(after["WBTC"]) < 1e-6


def test_three_tokens__only_the_out_of_band_pair_trades_at_minimal_turnover(three_tokens):
    plan = plan_rebalance(three_tokens, PlanParams(band_bps=100))
    assert {(t.sell_token, t.buy_token) for t in plan.trades} == {("WETH", "HNT")}
    assert all(t.path == ("WETH", "USDC", "HNT") for t in plan.trades)
    assert 0.10 <= plan.summary.turnover <= 0.10 + plan.summary.estimated_cost / NAV
    assert _in_band(simulate(plan, three_tokens), 100)


def test_token_already_in_band__is_not_traded():
    s = state(token("A", 18, 300_000, 10.0, 2_500), token("B", 18, 200_000, 3.0, 2_500),
              token("C", 8, 252_000, 40_000.0, 2_500), token("D", 6, 248_000, 1.5, 2_500))
    plan = plan_rebalance(s, PlanParams(band_bps=100))  # A +5 %, B -5 %, C +0.2 %, D -0.2 %
    assert plan.trades and {(t.sell_token, t.buy_token) for t in plan.trades} == {("A", "B")}
    assert _in_band(simulate(plan, s), 100)


def test_balanced_vault__gives_an_empty_plan_with_the_reason():
    s = state(token("A", 18, 505_000, 10.0, 5_000), token("B", 8, 495_000, 3.0, 5_000))  # +-0.5 %, band 1 %
    plan = plan_rebalance(s, PlanParams(band_bps=100))
    assert plan.trades == ()
    assert plan.summary.reason.startswith("balanced") and plan.summary.turnover == 0
    assert dict(plan.summary.weights_after) == dict(plan.summary.weights_before) == s.weights()
    assert simulate(plan, s) == s


@pytest.mark.parametrize("decimals", [6, 8, 18])
def test_decimals__raw_amounts_match_reference_values(decimals):
    s = state(token("LEAD", decimals, 700_000, 25.0, 5_000), token("WBTC", 8, 300_000, 60_000.0, 5_000))
    plan = plan_rebalance(s)
    sold = sum(t.amount_in for t in plan.trades)
    # about 200k of LEAD at 25 per whole token, in LEAD's raw units
    assert sold == pytest.approx(200_000 / 25.0 * 10**decimals, rel=0.01)
    bought = sum(t.expected_out for t in plan.trades)
    assert bought == pytest.approx(200_000 / 60_000.0 * 10**8, rel=0.01)
    assert _in_band(simulate(plan, s), 100)


def test_shallow_pools__split_a_trade_into_chunks_under_the_impact_bound():
    s = state(token("A", 18, 600_000, 2_000.0, 5_000, depth=2e6), token("B", 8, 400_000, 60_000.0, 5_000, depth=2e6))
    params = PlanParams(max_impact_bps=50)
    plan = plan_rebalance(s, params)
    assert len(plan.trades) > 5  # 100k through pools 2M deep at <= 0.5 % per hop
    for before, trade, _ in steps(plan, s):
        impacts, _ = route(before, trade, params.fee_bps)
        assert max(impacts) <= 0.005
    assert max(t.price_impact for t in plan.trades) > 0.0049  # chunks fill the bound: no needless splitting
    assert _in_band(simulate(plan, s), 100)


def test_max_trade_size__caps_every_chunk_by_value_or_nav_fraction():
    s = state(token("A", 18, 700_000, 10.0, 5_000), token("B", 18, 300_000, 10.0, 5_000))
    for params in (PlanParams(max_trade_value=30_000.0), PlanParams(max_trade_nav_bps=300)):
        plan = plan_rebalance(s, params)
        assert len(plan.trades) >= 7 and all(t.expected_value_in <= 30_000.0 for t in plan.trades)
        assert _in_band(simulate(plan, s), 100)


def test_pool_too_shallow_for_any_chunk__is_skipped_with_the_reason():
    # 1 quote unit into a pool 100 quote units deep moves it ~1 %, over the 50 bps bound
    s = state(token("A", 18, 600_000, 10.0, 5_000), token("B", 18, 400_000, 10.0, 5_000, depth=100.0))
    plan = plan_rebalance(s)
    assert plan.trades == ()
    assert [(k.sell_token, k.buy_token) for k in plan.summary.skipped] == [("A", "B")]
    assert "price impact" in plan.summary.skipped[0].reason and "B pool" in plan.summary.skipped[0].reason
    assert plan.summary.reason.startswith("partial") and set(plan.summary.out_of_band_after) == {"A", "B"}


def test_mispriced_pool__is_skipped_when_min_out_would_fail_the_vaults_slippage_check():
    # B's pool charges 5 % over the reference price: min-out is worth ~5.7 % less than what is sold
    s = state(token("A", 18, 600_000, 10.0, 5_000), token("B", 18, 400_000, 10.0, 5_000, pool_premium=0.05))
    strict = plan_rebalance(s, PlanParams(max_value_loss_bps=300))
    assert strict.trades == () and "min-out value" in strict.summary.skipped[0].reason
    loose = plan_rebalance(s, PlanParams(max_value_loss_bps=800))
    assert loose.trades
    assert all(t.expected_value_out >= t.expected_value_in * 0.92 for t in loose.trades)


def test_band_edge_mode__stops_just_inside_the_band():
    s = state(token("A", 18, 600_000, 10.0, 5_000), token("B", 8, 400_000, 60_000.0, 5_000))
    plan = plan_rebalance(s, PlanParams(band_bps=100, mode="band_edge", edge_margin_bps=25))
    after = drift(simulate(plan, s))
    assert after["A"] == pytest.approx(0.0075, abs=1e-6)
    target_mode = plan_rebalance(s, PlanParams(band_bps=100))
    assert plan.summary.turnover == pytest.approx(target_mode.summary.turnover - 0.0075, abs=1e-4)


def test_out_of_band_sides_that_do_not_match__are_completed_by_in_band_tokens():
    # band 1 %: A +1.1 %; B..E +0.9 % each (in band); F -4.7 %. A alone cannot fill F.
    tokens = [token("A", 18, 211_000, 5.0, 2_000)]
    tokens += [token(s, 18, 109_000, 5.0, 1_000) for s in "BCDE"]
    tokens += [token("F", 8, 353_000, 5.0, 4_000)]
    s = state(*tokens)
    plan = plan_rebalance(s, PlanParams(band_bps=100))
    assert _in_band(simulate(plan, s), 100)
    assert {t.buy_token for t in plan.trades} == {"F"}
    assert plan.trades[0].sell_token == "A"  # out-of-band sellers go first
    for before, trade, after in steps(plan, s):
        assert 0 <= drift(after)[trade.sell_token] + 1e-12 < drift(before)[trade.sell_token]


@pytest.mark.parametrize("usdc_value, sells_quote", [(400_000, True), (100_000, False)])
def test_quote_token_in_basket__trades_in_one_hop_and_sells_come_first(usdc_value, sells_quote):
    rest = (NAV - usdc_value) / 2
    s = state(usdc(usdc_value, 2_500), token("A", 18, rest, 10.0, 3_750), token("B", 8, rest, 60_000.0, 3_750))
    plan = plan_rebalance(s)
    quote_trades = [t for t in plan.trades if "USDC" in (t.sell_token, t.buy_token)]
    assert quote_trades and all(len(t.path) == 2 for t in quote_trades)
    assert all((t.sell_token == "USDC") == sells_quote for t in quote_trades)
    assert _in_band(simulate(plan, s), 100)


def test_zero_target__sells_the_token_out_of_the_basket():
    s = state(token("OLD", 18, 100_000, 2.0, 0), token("A", 18, 450_000, 10.0, 5_000),
              token("B", 8, 450_000, 60_000.0, 5_000))
    after = simulate(plan_rebalance(s, PlanParams(band_bps=50)), s)
    assert after.token("OLD").holdings < s.token("OLD").holdings * 0.005
    assert _in_band(after, 50)


def test_plan__is_deterministic_and_replays_exactly(three_tokens):
    first, second = plan_rebalance(three_tokens), plan_rebalance(three_tokens)
    assert first == second
    after = simulate(first, three_tokens)
    assert {s: after.token(s).holdings for s in after.symbols} != {s: three_tokens.token(s).holdings
                                                                  for s in three_tokens.symbols}


def test_trade_paths__use_addresses_when_every_token_on_the_path_has_one():
    s = state(token("A", 18, 600_000, 10.0, 5_000, address="0x" + "11" * 20),
              token("B", 18, 400_000, 10.0, 5_000, address="0x" + "22" * 20))
    trade = plan_rebalance(s).trades[0]
    assert trade.path == ("A", "USDC", "B")
    assert trade.path_addresses == ("0x" + "11" * 20, "0x" + "a0" * 20, "0x" + "22" * 20)
    no_address = state(token("A", 18, 600_000, 10.0, 5_000), token("B", 18, 400_000, 10.0, 5_000))
    assert plan_rebalance(no_address).trades[0].path_addresses is None


def test_greedy_pairing__matches_the_largest_excess_with_the_largest_deficit():
    # A +6 %, B +2 %, C -5 %, D -3 %: A fills C; B (+2) now has the largest excess and goes to D;
    # A's last 1 % completes D. Pairs re-rank after every chunk.
    s = state(token("A", 18, 310_000, 10.0, 2_500), token("B", 18, 270_000, 10.0, 2_500),
              token("C", 18, 200_000, 10.0, 2_500), token("D", 18, 220_000, 10.0, 2_500))
    plan = plan_rebalance(s, PlanParams(band_bps=50))
    pairs = [(t.sell_token, t.buy_token) for t in plan.trades]
    distinct = [p for i, p in enumerate(pairs) if i == 0 or p != pairs[i - 1]]
    assert distinct[:3] == [("A", "C"), ("B", "D"), ("A", "D")]
    assert _in_band(simulate(plan, s), 50)


def test_max_trades__stops_the_plan_and_says_so():
    s = state(token("A", 18, 600_000, 2_000.0, 5_000, depth=2e6), token("B", 8, 400_000, 60_000.0, 5_000, depth=2e6))
    plan = plan_rebalance(s, PlanParams(max_trades=3))
    assert len(plan.trades) == 3
    assert any("max_trades=3" in k.reason for k in plan.summary.skipped)
    assert plan.summary.reason.startswith("partial")
    assert simulate(plan, s).weights()["A"] < s.weights()["A"]  # the three chunks still help


def test_costs_that_lift_an_in_band_token_out_of_its_band__are_traded_in_a_second_round():
    # band 25 bps: A +5.2 %, B -5 %, C +24.8 bps, D -22.2 bps, E -25.6 bps. A fills B; the fees
    # (~30 bps of the 50k sold) lower the NAV and lift C to ~+25.4 bps: out of its band.
    s = state(token("A", 18, 352_000, 10.0, 3_000), token("B", 18, 250_000, 10.0, 3_000),
              token("C", 18, 202_480, 10.0, 2_000), token("D", 18, 97_780, 10.0, 1_000),
              token("E", 18, 97_740, 10.0, 1_000))
    plan = plan_rebalance(s, PlanParams(band_bps=25))
    assert plan.trades[0].sell_token == "A" and plan.trades[-1].sell_token == "C"
    assert _in_band(simulate(plan, s), 25, slack=0.0) and plan.summary.out_of_band_after == ()
