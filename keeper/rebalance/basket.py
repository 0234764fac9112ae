"""Vault state for the rebalance planner: tokens, reference values and weights, and swaps routed
through each token's Uniswap V2 pool against the quote token.

* :class:`TokenState`, :class:`QuoteToken`, :class:`VaultState` -- the frozen inputs, validated.
* :func:`drift` -- current weight minus target weight per token (fractions of NAV).
* :class:`Book` -- a mutable working copy of holdings and reserves that quotes a swap
  (:meth:`Book.quote_swap`, nothing changes) and applies it (:meth:`Book.apply`).

Values are at the DAO's *reference* prices (quote units per whole token), as the vault values
them on chain: ``value = raw / 10**decimals * price``; NAV is the sum over the basket and a
token's weight is its value over NAV. Pools are only used to price swaps.

Routing: a swap from A to B goes A -> quote -> B (two hops, one in each token's pool); when A or B
is the quote token it is the single hop through the other token's pool.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from keeper.exceptions import KeeperError
from keeper.rebalance import amm

TOTAL_BPS = 10_000


class StateError(KeeperError, ValueError):
    """The vault state is inconsistent, or a swap is impossible in it (the message says which)."""


@dataclass(frozen=True)
class TokenState:
    """One basket token.

    @param holdings       the vault's balance, raw units
    @param price          reference price, quote units per whole token (> 0)
    @param target_bps     DAO target weight; the basket's targets sum to 10,000
    @param reserve_token  raw reserve of this token in its pool against the quote token; both
    @param reserve_quote  reserves are None for the quote token itself and required otherwise
    @param address        token address, used in trade paths when every token on a path has one
    """

    symbol: str
    decimals: int
    holdings: int
    price: float
    target_bps: int
    reserve_token: int | None = None
    reserve_quote: int | None = None
    address: str | None = None

    def value(self, raw: int) -> float:
        """Reference value, in quote units, of ``raw`` units of this token."""
        return raw / 10**self.decimals * self.price


@dataclass(frozen=True)
class QuoteToken:
    """The token every pool trades against (USDC); it may or may not be a basket token."""

    symbol: str
    decimals: int
    address: str | None = None


def _is_int(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


@dataclass(frozen=True)
class VaultState:
    """A vault's basket (order is kept in every output) and its quote token."""

    tokens: tuple[TokenState, ...]
    quote: QuoteToken

    def __post_init__(self) -> None:
        object.__setattr__(self, "tokens", tuple(self.tokens))
        _validate(self)

    @property
    def symbols(self) -> tuple[str, ...]:
        return tuple(t.symbol for t in self.tokens)

    def token(self, symbol: str) -> TokenState:
        for t in self.tokens:
            if t.symbol == symbol:
                return t
        raise StateError(f"{symbol} is not in the basket {list(self.symbols)}")

    def values(self) -> dict[str, float]:
        return {t.symbol: t.value(t.holdings) for t in self.tokens}

    def nav(self) -> float:
        return sum(self.values().values())

    def weights(self) -> dict[str, float]:
        nav = self.nav()
        if nav <= 0:
            raise StateError("the vault holds nothing: weights are undefined")
        return {s: v / nav for s, v in self.values().items()}

    def targets(self) -> dict[str, float]:
        return {t.symbol: t.target_bps / TOTAL_BPS for t in self.tokens}


def _validate(state: VaultState) -> None:
    q = state.quote
    if not isinstance(q.symbol, str) or not q.symbol or not _is_int(q.decimals) or not 0 <= q.decimals <= 36:
        raise StateError(f"bad quote token {q!r}")
    if not state.tokens:
        raise StateError("empty basket")
    seen: set[str] = set()
    for t in state.tokens:
        where = f"token {t.symbol!r}"
        if not isinstance(t.symbol, str) or not t.symbol or t.symbol in seen:
            raise StateError(f"{where}: symbols must be unique non-empty strings")
        seen.add(t.symbol)
        if not _is_int(t.decimals) or not 0 <= t.decimals <= 36:
            raise StateError(f"{where}: decimals must be an int in [0, 36], got {t.decimals!r}")
        if not _is_int(t.holdings) or t.holdings < 0:
            raise StateError(f"{where}: holdings must be a non-negative int (raw units), got {t.holdings!r}")
        if isinstance(t.price, bool) or not isinstance(t.price, (int, float)) or not (
                math.isfinite(t.price) and t.price > 0):
            raise StateError(f"{where}: reference price must be a finite number > 0, got {t.price!r}")
        if not _is_int(t.target_bps) or not 0 <= t.target_bps <= TOTAL_BPS:
            raise StateError(f"{where}: target_bps must be an int in [0, 10000], got {t.target_bps!r}")
        pool = (t.reserve_token, t.reserve_quote)
        if t.symbol == q.symbol:
            if t.decimals != q.decimals or pool != (None, None):
                raise StateError(f"{where} is the quote token: same decimals as the quote, and no pool")
        elif not all(_is_int(r) and r >= 0 for r in pool):
            raise StateError(f"{where}: needs its pool reserves against {q.symbol} as non-negative ints, got {pool}")
    total = sum(t.target_bps for t in state.tokens)
    if total != TOTAL_BPS:
        raise StateError(f"target weights sum to {total} bps, not {TOTAL_BPS}")


def drift(state: VaultState) -> dict[str, float]:
    """Current weight minus target weight per token, as fractions of NAV (+ overweight, - underweight)."""
    targets = state.targets()
    return {s: w - targets[s] for s, w in state.weights().items()}


@dataclass(frozen=True)
class Hop:
    """One swap through ``pool`` (the non-quote token's pool); ``sells_token`` is the direction.

    ``fee_cost`` and ``impact_cost`` are in quote units at the pool's pre-trade spot.
    """

    pool: str
    sells_token: bool
    amount_in: int
    amount_out: int
    impact: float
    fee_cost: float
    impact_cost: float


@dataclass(frozen=True)
class Swap:
    """A quoted swap of ``amount_in`` raw ``sell`` for ``amount_out`` raw ``buy``, hop by hop."""

    sell: str
    buy: str
    amount_in: int
    amount_out: int
    hops: tuple[Hop, ...]


class Book:
    """Mutable holdings and pool reserves, starting from a :class:`VaultState`.

    The planner and :func:`keeper.rebalance.planner.simulate` both work on a Book, so a plan and
    its replay see exactly the same arithmetic.
    """

    def __init__(self, state: VaultState, fee_bps: int):
        self.state = state
        self.fee_bps = fee_bps
        self.quote = state.quote.symbol
        self.tokens: dict[str, TokenState] = {t.symbol: t for t in state.tokens}
        self.holdings: dict[str, int] = {t.symbol: t.holdings for t in state.tokens}
        self.reserves: dict[str, tuple[int, int]] = {
            t.symbol: (t.reserve_token, t.reserve_quote) for t in state.tokens if t.symbol != self.quote}

    def value(self, symbol: str, raw: int) -> float:
        return self.tokens[symbol].value(raw)

    def values(self) -> dict[str, float]:
        return {s: self.value(s, h) for s, h in self.holdings.items()}

    def nav(self) -> float:
        return sum(self.values().values())

    def weights(self) -> dict[str, float]:
        values = self.values()
        nav = sum(values.values())
        if nav <= 0:
            raise StateError("the vault holds nothing: weights are undefined")
        return {s: v / nav for s, v in values.items()}

    def path(self, sell: str, buy: str) -> tuple[str, ...]:
        """Symbols the swap passes through: (A, quote, B), or two of them when one side is the quote."""
        if sell == buy:
            raise StateError(f"cannot swap {sell} for itself")
        if self.quote in (sell, buy):
            return (sell, buy)
        return (sell, self.quote, buy)

    def quote_swap(self, sell: str, buy: str, amount_in: int) -> Swap:
        """Price a swap of ``amount_in`` raw ``sell`` into ``buy`` at the current reserves (no change)."""
        for s in (sell, buy):
            if s not in self.tokens:
                raise StateError(f"{s} is not in the basket {list(self.tokens)}")
        hops: list[Hop] = []
        amount = amount_in
        path = self.path(sell, buy)
        for a, b in zip(path, path[1:]):
            sells_token = b == self.quote
            pool = a if sells_token else b
            r_token, r_quote = self.reserves[pool]
            r_in, r_out = (r_token, r_quote) if sells_token else (r_quote, r_token)
            out = amm.amount_out(amount, r_in, r_out, self.fee_bps)
            fee, impact = amm.hop_costs(amount, out, r_in, r_out, self.fee_bps)
            if sells_token and r_token > 0:  # costs come in token units: convert at the pool's spot
                fee, impact = fee * r_quote / r_token, impact * r_quote / r_token
            scale = 10**self.state.quote.decimals
            hops.append(Hop(pool, sells_token, amount, out, amm.price_impact(amount, r_in, self.fee_bps),
                            fee / scale, impact / scale))
            amount = out
        return Swap(sell, buy, amount_in, amount, tuple(hops))

    def apply(self, swap: Swap) -> None:
        """Book a quoted swap: holdings move, and each pool keeps its input (fee included) and pays out."""
        if swap.amount_in > self.holdings[swap.sell]:
            raise StateError(f"cannot sell {swap.amount_in} {swap.sell}: the vault holds {self.holdings[swap.sell]}")
        self.holdings[swap.sell] -= swap.amount_in
        self.holdings[swap.buy] += swap.amount_out
        for hop in swap.hops:
            r_token, r_quote = self.reserves[hop.pool]
            if hop.sells_token:
                self.reserves[hop.pool] = (r_token + hop.amount_in, r_quote - hop.amount_out)
            else:
                self.reserves[hop.pool] = (r_token - hop.amount_out, r_quote + hop.amount_in)

    def to_state(self) -> VaultState:
        """The current holdings and reserves as a new :class:`VaultState`."""
        tokens = []
        for t in self.state.tokens:
            r_token, r_quote = self.reserves.get(t.symbol, (None, None))
            tokens.append(replace(t, holdings=self.holdings[t.symbol], reserve_token=r_token, reserve_quote=r_quote))
        return VaultState(tuple(tokens), self.state.quote)

