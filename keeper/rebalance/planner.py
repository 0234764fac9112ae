"""Rebalance planner: the swaps that bring a vault's basket back within its tolerance band.

Pure and deterministic: a :class:`~keeper.rebalance.basket.VaultState` and :class:`PlanParams` in,
a :class:`Plan` (ordered :class:`Trade` chunks + :class:`PlanSummary`) out; nothing touches a chain.
:func:`simulate` replays a plan on a state; :func:`~keeper.rebalance.basket.drift` measures the result.

Algorithm (weights at reference prices, always on the *current* NAV, so costs -- which lower the
NAV -- land on the weights exactly as the vault will see them):

1. A token with ``|w - t| <= band`` needs no trade; if every token is in its band, the plan is empty.
2. Aim of each out-of-band token: its target (``mode="target"``, default) or the band edge on its
   side, ``edge_margin_bps`` inside the band (``mode="band_edge"``).
3. Phase 1: out-of-band sellers pair with out-of-band buyers greedily -- largest excess over its aim
   with largest deficit -- until a side runs out. Nobody is sold below or bought above its aim, so
   one-way turnover is the smaller of total excess and total deficit (plus the costs).
4. Phase 2, only if a side ran out while the other is still out of band: the stragglers trade with
   tokens on the other side of their target, preferring tokens already trading (band-edge mode lets
   them continue to target), then in-band tokens, never past those tokens' targets. (Otherwise a
   basket at +1.1 / +0.9 x 4 / -4.7 % with a 1 % band could not be fixed.) In-band tokens trade
   only here, and only toward their targets.
5. Each pair trades in chunks. A chunk is the largest raw amount passing every check (bisection:
   each check is monotone in the amount, up to rounding), simulated on the pools, whose reserves then move:
   per-hop price impact <= ``max_impact_bps`` (see :mod:`keeper.rebalance.amm`); reference value in
   <= the max trade size; after the chunk ``w_sell >= floor`` and ``w_buy <= ceiling`` (the aims, or
   the targets for phase-2 partners), so no token crosses its target, let alone its band; optionally
   the vault's slippage check with margin: ``value(min_amount_out) >= value_in (1 - max_value_loss)``.
   ``min_amount_out = floor(expected_out (1 - slippage_bps))``.
6. Rounds: costs lower the NAV and so lift the weight of every token a trade did not touch; a
   token filled to its target early may end above its band. Steps 1-5 repeat (at most 4 rounds)
   on the state they left until every token is in its band or a round finds nothing to do.
7. Order: a trade routes A -> quote -> B in one router call, so it sells and buys at once. Pure sells
   into the quote token and pure buys out of it exist only if the quote token is in the basket; it
   sits on one side of its target, so normally only one of the two kinds occurs. Once a plan has
   spent quote, it no longer buys quote (a later round could otherwise ask for it), so every sell
   into the quote token comes before every buy out of it.
"""

from __future__ import annotations

import math
from types import MappingProxyType

from keeper.rebalance import amm
from keeper.rebalance.basket import Book, QuoteToken, StateError, Swap, TokenState, VaultState, drift
from keeper.rebalance.plan import Plan, PlanParams, PlanSummary, Skip, Trade

BPS = amm.BPS
# Costs lower the NAV, which lifts every weight a little: a token filled to target early can end
# above its band after later trades. Another round trades it back; each round's costs are a small
# fraction of the previous round's, so two rounds nearly always suffice.
_MAX_ROUNDS = 4
__all__ = ["Plan", "PlanParams", "PlanSummary", "QuoteToken", "Skip", "StateError", "TokenState", "Trade", "VaultState",
           "drift", "plan_rebalance", "simulate"]


class _Planner:
    """One planning run: the working book, the trades so far and the skips (see module docstring)."""

    def __init__(self, state: VaultState, params: PlanParams):
        self.p = params
        self.book = Book(state, params.fee_bps)
        self.nav0 = self.book.nav()
        if self.nav0 <= 0:
            raise StateError("the vault holds nothing: there is nothing to rebalance")
        caps = [params.max_trade_value, None if params.max_trade_nav_bps is None
                else self.nav0 * params.max_trade_nav_bps / BPS]
        self.max_value = min((c for c in caps if c is not None), default=math.inf)
        self.trades: list[Trade] = []
        self.skips: list[Skip] = []
        self.stopped = False
        self.spent_quote = False  # see step 7: no sell into the quote token after a buy out of it

    def skip(self, sell: str | None, buy: str | None, reason: str) -> None:
        s = Skip(sell, buy, reason)
        if s not in self.skips:
            self.skips.append(s)

    def pair_off(self, floors: dict[str, float], ceilings: dict[str, float], prefer: frozenset[str]) -> None:
        """Greedy pairing: largest seller excess (over its floor) with largest buyer deficit, chunk by chunk."""
        blocked: set[tuple[str, str]] = set()
        while not self.stopped:
            w, nav = self.book.weights(), self.book.nav()

            def ranked(limits: dict[str, float], sign: int) -> list[str]:
                cap = {s: sign * (w[s] - lim) * nav for s, lim in limits.items()}
                return sorted((s for s in cap if cap[s] > self.p.min_trade_value),
                              key=lambda s: (s not in prefer, -cap[s], s))

            pair = next(((s, b) for s in ranked(floors, 1) for b in ranked(ceilings, -1)
                         if (s, b) not in blocked and not (self.spent_quote and b == self.book.quote)), None)
            if pair is None:
                return
            if len(self.trades) >= self.p.max_trades:
                self.skip(None, None, f"stopped at max_trades={self.p.max_trades} with tokens still to trade")
                self.stopped = True
                return
            sell, buy = pair
            amount, reason = self.chunk(sell, buy, floors[sell], ceilings[buy])
            if amount == 0:
                blocked.add(pair)
                if reason is not None:
                    self.skip(sell, buy, reason)
                continue
            self.emit(self.book.quote_swap(sell, buy, amount))

    def check(self, sw: Swap, floor: float, ceiling: float) -> tuple[str, str] | None:
        """The first upper-bound check ``sw`` fails, as (code, message); None if it passes them all."""
        p, book = self.p, self.book
        for hop in sw.hops:
            if hop.impact > p.max_impact_bps / BPS:
                return "impact", (f"price impact {hop.impact * BPS:.1f} bps in the {hop.pool} pool exceeds "
                                  f"{p.max_impact_bps} bps for a chunk worth {book.value(sw.sell, sw.amount_in):.2f}")
        v_in, v_out = book.value(sw.sell, sw.amount_in), book.value(sw.buy, sw.amount_out)
        if v_in > self.max_value:
            return "size", f"max trade size {self.max_value:.2f} is below a chunk worth {v_in:.2f}"
        nav_after = book.nav() - v_in + v_out
        if book.value(sw.sell, book.holdings[sw.sell] - sw.amount_in) < floor * nav_after:
            return "floor", f"{sw.sell} would fall below its floor weight {floor:.4%}"
        if book.value(sw.buy, book.holdings[sw.buy] + sw.amount_out) > ceiling * nav_after:
            return "ceiling", f"{sw.buy} would rise above its ceiling weight {ceiling:.4%}"
        if p.max_value_loss_bps is not None:
            min_out = sw.amount_out * (BPS - p.slippage_bps) // BPS
            if book.value(sw.buy, min_out) < v_in * (BPS - p.max_value_loss_bps) / BPS:
                return "loss", (f"min-out value would lose more than {p.max_value_loss_bps} bps at reference "
                                f"prices (pool prices off the reference, or too costly a route)")
        return None

    def chunk(self, sell: str, buy: str, floor: float, ceiling: float) -> tuple[int, str | None]:
        """Largest feasible raw amount of ``sell`` (0 with a reason when no useful chunk exists).

        The bisection starts below closed-form upper bounds: holdings; the first hop's exact impact
        bound (:func:`~keeper.rebalance.amm.max_input_for_impact`); the size cap; and the floor,
        ``v_in <= (v_s - floor N) / (1 - floor)`` (from ``(v_s - v_in) / (N - v_in + v_out) >= floor``
        with ``v_out >= 0``). Whatever it returns has passed every check.
        """
        book, tok = self.book, self.book.tokens[sell]
        to_raw = 10**tok.decimals / tok.price
        first_pool = buy if sell == book.quote else sell
        first_reserve = book.reserves[first_pool][1 if sell == book.quote else 0]
        v_sell, nav = book.value(sell, book.holdings[sell]), book.nav()
        by_floor = (v_sell - floor * nav) / (1.0 - floor) if floor < 1.0 else 0.0
        hi = min(book.holdings[sell],
                 amm.max_input_for_impact(first_reserve, self.p.max_impact_bps, self.p.fee_bps),
                 math.floor(min(self.max_value, max(by_floor, 0.0)) * to_raw * (1 + 1e-9)) + 1)

        def ok(a: int) -> bool:
            return self.check(book.quote_swap(sell, buy, a), floor, ceiling) is None

        lo = hi if hi > 0 and ok(hi) else 0
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if ok(mid) else (lo, mid)
        min_raw = math.ceil(self.p.min_trade_value * to_raw)
        if lo > 0:
            sw = book.quote_swap(sell, buy, lo)
            min_out = sw.amount_out * (BPS - self.p.slippage_bps) // BPS
            if min_out > 0 and book.value(sell, lo) >= self.p.min_trade_value:
                return lo, None
        failed = self.check(book.quote_swap(sell, buy, max(lo + 1, min_raw)), floor, ceiling)
        if failed is None or failed[0] in ("floor", "ceiling"):
            return 0, None  # what is left of this pair is under the minimum useful trade
        return 0, failed[1]

    def emit(self, sw: Swap) -> None:
        book = self.book
        path = book.path(sw.sell, sw.buy)
        addresses = tuple(book.tokens[s].address if s in book.tokens else book.state.quote.address for s in path)
        impacts = tuple(h.impact for h in sw.hops)
        self.trades.append(Trade(
            sell_token=sw.sell, buy_token=sw.buy, amount_in=sw.amount_in,
            min_amount_out=sw.amount_out * (BPS - self.p.slippage_bps) // BPS, expected_out=sw.amount_out,
            path=path, path_addresses=addresses if all(addresses) else None,
            expected_value_in=book.value(sw.sell, sw.amount_in), expected_value_out=book.value(sw.buy, sw.amount_out),
            price_impact=max(impacts), hop_impacts=impacts,
            fee_cost=sum(h.fee_cost for h in sw.hops), impact_cost=sum(h.impact_cost for h in sw.hops)))
        book.apply(sw)
        self.spent_quote |= sw.sell == book.quote


def _aim(w: float, t: float, p: PlanParams) -> float:
    if p.mode == "target":
        return t
    inner = (p.band_bps - p.edge_margin_bps) / BPS
    return min(t + inner, 1.0) if w > t else max(t - inner, 0.0)


def plan_rebalance(state: VaultState, params: PlanParams | None = None) -> Plan:
    """Plan the trades that bring every token of ``state`` within the band (see the module docstring)."""
    p = params or PlanParams()
    run = _Planner(state, p)
    band, targets = p.band_bps / BPS, state.targets()
    before = run.book.weights()
    needed = False
    for _ in range(_MAX_ROUNDS):
        w = run.book.weights()
        over = [s for s in state.symbols if w[s] - targets[s] > band]
        under = [s for s in state.symbols if targets[s] - w[s] > band]
        if not (over or under) or run.stopped:
            break
        needed, done = True, len(run.trades)
        aims = {s: _aim(w[s], targets[s], p) for s in over + under}
        run.pair_off({s: aims[s] for s in over}, {s: aims[s] for s in under}, frozenset())
        w = run.book.weights()
        short = [s for s in under if targets[s] - w[s] > band]
        if short:
            partners = {s: targets[s] for s in state.symbols if w[s] > targets[s]}
            run.pair_off(partners, {s: aims[s] for s in short}, frozenset(over))
        w = run.book.weights()
        long = [s for s in over if w[s] - targets[s] > band]
        if long:
            partners = {s: targets[s] for s in state.symbols if w[s] < targets[s]}
            run.pair_off({s: aims[s] for s in long}, partners, frozenset(under))
        if len(run.trades) == done:
            break
    return Plan(tuple(run.trades), _summary(run, before, targets, band, needed), p)


def _summary(run: _Planner, before: dict[str, float], targets: dict[str, float], band: float,
             needed: bool) -> PlanSummary:
    after = run.book.weights()
    outside = tuple(s for s in after if abs(after[s] - targets[s]) > band)
    n, bps = len(run.trades), run.p.band_bps
    if not needed:
        reason = f"balanced: every token is within ±{bps} bps of its target; nothing to trade"
    elif outside:
        reason = f"partial: {', '.join(outside)} still outside ±{bps} bps after {n} trade(s); see skipped"
    else:
        reason = f"{n} trade(s) bring every token within ±{bps} bps of its target"
    fee, impact = sum(t.fee_cost for t in run.trades), sum(t.impact_cost for t in run.trades)
    return PlanSummary(
        nav=run.nav0, weights_before=MappingProxyType(before), weights_after=MappingProxyType(after),
        turnover=sum(t.expected_value_in for t in run.trades) / run.nav0, estimated_cost=fee + impact,
        fee_cost=fee, impact_cost=impact, out_of_band_after=outside, skipped=tuple(run.skips), reason=reason)


def simulate(plan: Plan, state: VaultState) -> VaultState:
    """Apply ``plan``'s trades in order to ``state``: holdings move, each pool keeps its input.

    @raises StateError if a trade leaves the basket, oversells, or would revert on its min-out
    """
    book = Book(state, plan.params.fee_bps)
    for i, trade in enumerate(plan.trades):
        if trade.path != book.path(trade.sell_token, trade.buy_token):
            raise StateError(f"trade {i}: path {trade.path} is not the route through {book.quote}")
        sw = book.quote_swap(trade.sell_token, trade.buy_token, trade.amount_in)
        if sw.amount_out < trade.min_amount_out:
            raise StateError(f"trade {i} would revert: out {sw.amount_out} < min out {trade.min_amount_out}")
        book.apply(sw)
    return book.to_state()
