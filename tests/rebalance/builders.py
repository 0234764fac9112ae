"""Builders of vault states for the planner tests: tokens by reference value, pools by depth,
Hypothesis strategies for random baskets, and a trade-by-trade replay."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from hypothesis import strategies as st

from keeper.rebalance import amm
from keeper.rebalance.basket import QuoteToken, TokenState, VaultState
from keeper.rebalance.planner import Plan, PlanParams, Trade, simulate

USDC = QuoteToken("USDC", 6, "0x" + "a0" * 20)
DEEP = 1e9  # quote value per pool side: 1000x the usual 1M NAV below


def token(symbol: str, decimals: int, value: float, price: float, target_bps: int, *, depth: float | None = DEEP,
          pool_premium: float = 0.0, address: str | None = None) -> TokenState:
    """A token holding ``value`` quote units at ``price``; its pool has ``depth`` quote value per side,
    priced ``pool_premium`` above the reference (depth None: the quote token, no pool)."""
    holdings = int(value / price * 10**decimals)
    if depth is None:
        return TokenState(symbol, decimals, holdings, price, target_bps, address=address)
    pool_price = price * (1.0 + pool_premium)
    return TokenState(symbol, decimals, holdings, price, target_bps, int(depth / pool_price * 10**decimals),
                      int(depth * 10**USDC.decimals), address=address)


def usdc(value: float, target_bps: int) -> TokenState:
    """The quote token as a basket member."""
    return token("USDC", 6, value, 1.0, target_bps, depth=None, address=USDC.address)


def state(*tokens: TokenState) -> VaultState:
    return VaultState(tuple(tokens), USDC)


def steps(plan: Plan, start: VaultState) -> Iterator[tuple[VaultState, Trade, VaultState]]:
    """(state before, trade, state after) for each trade of ``plan``, in order."""
    current = start
    for trade in plan.trades:
        after = simulate(replace(plan, trades=(trade,)), current)
        yield current, trade, after
        current = after


def route(state_: VaultState, trade: Trade, fee_bps: int) -> tuple[list[float], int]:
    """Each hop's impact and the final output of ``trade`` at ``state_``'s reserves, from amm alone."""
    quote, amount, impacts = state_.quote.symbol, trade.amount_in, []
    for a, b in zip(trade.path, trade.path[1:]):
        pool = state_.token(a if b == quote else b)
        r_in, r_out = ((pool.reserve_token, pool.reserve_quote) if b == quote
                       else (pool.reserve_quote, pool.reserve_token))
        out = amm.amount_out(amount, r_in, r_out, fee_bps)
        impacts.append(amm.price_impact(amount, r_in, fee_bps))
        amount = out
    return impacts, amount


def to_bps(raw: list[int]) -> list[int]:
    """Integers proportional to ``raw`` summing to exactly 10,000 (remainder to the first tokens)."""
    total = sum(raw)
    bps = [r * 10_000 // total for r in raw]
    for i in range(10_000 - sum(bps)):
        bps[i % len(bps)] += 1
    return bps


@st.composite
def vault_states(draw, nav: float = 1e6, min_depth: float = 20.0, max_depth: float = 200.0) -> VaultState:
    """2-6 tokens with decimals 6/8/18, prices 0.01-500k, random holdings and targets, optionally USDC
    in the basket; pools ``min_depth``-``max_depth`` x NAV deep, priced within 20 bps of the reference."""
    n = draw(st.integers(2, 6))
    with_usdc = draw(st.booleans())
    shares = draw(st.lists(st.integers(0, 1000), min_size=n, max_size=n).filter(lambda xs: sum(xs) > 0))
    targets = to_bps(draw(st.lists(st.integers(0, 100), min_size=n, max_size=n).filter(lambda xs: sum(xs) > 0)))
    tokens = []
    for i in range(n):
        value = nav * shares[i] / sum(shares)
        if with_usdc and i == 0:
            tokens.append(usdc(value, targets[i]))
            continue
        decimals = draw(st.sampled_from([6, 8, 18]))
        price = draw(st.sampled_from([1, 2, 5])) * 10.0 ** draw(st.integers(-2, 5))
        depth = nav * draw(st.floats(min_depth, max_depth))
        premium = draw(st.integers(-20, 20)) / 10_000
        tokens.append(token(f"T{i}", decimals, value, price, targets[i], depth=depth, pool_premium=premium))
    return state(*tokens)


def plan_params() -> st.SearchStrategy[PlanParams]:
    return st.builds(PlanParams, band_bps=st.sampled_from([25, 50, 100, 200]),
                     max_impact_bps=st.sampled_from([30, 50, 100]), slippage_bps=st.sampled_from([10, 50, 100]),
                     max_trade_nav_bps=st.none() | st.integers(500, 5000), max_trades=st.just(1000))
