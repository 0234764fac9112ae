"""Trading-cost model: a proportional fee plus constant-product price impact.

Used by the backtester for every trade and reusable by the live planner to estimate a
rebalance before proposing it. All amounts are in the quote currency (USD).

Model
-----
For a trade of notional ``x`` (USD value at the spot price; buys and sells alike):

* fee      = ``fee_bps / 10_000 * |x|`` (venue / pool fee, aggregator fee, gas as bps);
* slippage = ``x**2 / (R + |x|)``, the execution shortfall against spot of a trade through
  a constant-product (x*y=k) pool whose reserves are worth ``R`` USD on each side.

Derivation: buying with ``x`` USD from a pool holding ``R`` USD and ``R / p`` tokens returns
``(R / p) * x / (R + x)`` tokens, worth ``R x / (R + x)`` at spot ``p``; the shortfall is
``x - R x / (R + x) = x^2 / (R + x)``. Selling tokens worth ``x`` gives the same
expression by symmetry. Small trades pay about ``x / R`` of their notional (linear price
impact); a trade never loses more than its notional. The fee is added on top rather than
taken before the curve: the difference is second order (fee x impact).

Pool depth ``R`` is unknown for most tokens, so it is derived from the daily traded volume:
``R = max(depth_to_volume * volume, min_depth_usd)``. ``depth_to_volume = 1`` (default)
means a pool side as deep as one day's volume -- generous for on-chain pools (whose
volume/TVL is typically 0.1-1 per day) and conservative against aggregated CEX volume; set it
to your venue. A token with no volume and no ``min_depth_usd`` has no liquidity: trading it
loses the whole notional.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from keeper.exceptions import ConfigError


@dataclass(frozen=True)
class CostModel:
    """Parameters of the cost model (see the module docstring).

    @param fee_bps          proportional fee on every trade's notional, in basis points
    @param depth_to_volume  pool depth per side as a multiple of the token's daily volume
    @param min_depth_usd    floor on the pool depth (USD), e.g. a known minimum liquidity
    """

    fee_bps: float = 30.0
    depth_to_volume: float = 1.0
    min_depth_usd: float = 0.0

    def __post_init__(self) -> None:
        for name, hi in (("fee_bps", 10_000.0), ("depth_to_volume", 1e6), ("min_depth_usd", 1e15)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= hi:
                raise ConfigError(f"cost model {name} must be a number in [0, {hi:g}], got {value!r}")
            object.__setattr__(self, name, float(value))

    @property
    def fee_rate(self) -> float:
        return self.fee_bps / 10_000.0

    def to_dict(self) -> dict[str, Any]:
        return {"fee_bps": self.fee_bps, "depth_to_volume": self.depth_to_volume,
                "min_depth_usd": self.min_depth_usd}


@dataclass(frozen=True)
class TradeCosts:
    """Per-token cost arrays of one set of trades (same shape as the trades)."""

    fee: np.ndarray
    slippage: np.ndarray

    @property
    def total(self) -> float:
        return float(self.fee.sum() + self.slippage.sum())


def pool_depth(volume: np.ndarray | float, model: CostModel) -> np.ndarray:
    """USD reserves per pool side implied by daily volume: max(ratio * volume, floor)."""
    v = np.nan_to_num(np.asarray(volume, dtype=np.float64), nan=0.0)
    return np.maximum(model.depth_to_volume * np.maximum(v, 0.0), model.min_depth_usd)


def slippage(notional: np.ndarray | float, depth: np.ndarray | float) -> np.ndarray:
    """Constant-product shortfall ``x^2 / (R + |x|)`` of trades of USD notional ``x``."""
    x = np.abs(np.asarray(notional, dtype=np.float64))
    r = np.asarray(depth, dtype=np.float64)
    denom = r + x
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x > 0, x * x / np.where(denom > 0, denom, 1.0), 0.0)


def trade_costs(trades: np.ndarray, volume: np.ndarray, model: CostModel) -> TradeCosts:
    """Fee and slippage of signed USD trades (+ buy, - sell) given each token's daily volume."""
    x = np.asarray(trades, dtype=np.float64)
    return TradeCosts(fee=np.abs(x) * model.fee_rate, slippage=slippage(x, pool_depth(volume, model)))


def marginal_cost(trades: np.ndarray, volume: np.ndarray, model: CostModel) -> np.ndarray:
    """d(cost)/d|x| per token: ``fee + (x^2 + 2 R x) / (R + x)^2`` at |x|."""
    x = np.abs(np.asarray(trades, dtype=np.float64))
    r = pool_depth(volume, model)
    denom = (r + x) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        d_slip = np.where(denom > 0, (x * x + 2.0 * r * x) / np.where(denom > 0, denom, 1.0), 1.0)
    return model.fee_rate + d_slip


def rebalance_to(holdings: np.ndarray, cash: float, weights: np.ndarray, volume: np.ndarray,
                 model: CostModel, tol: float = 1e-13) -> tuple[np.ndarray, float, TradeCosts]:
    """Trade ``holdings`` (USD per token) plus ``cash`` to ``weights`` of what remains after costs.

    Costs are paid out of the portfolio, so the post-trade value ``V`` solves
    ``V + cost(weights * V - holdings) = holdings.sum() + cash``. The left side increases
    with ``V`` while costs stay below the notional, so the root in ``[0, value]`` is unique;
    it is found by Newton's method safeguarded by bisection, to ``tol`` relative.

    @param weights target fractions of the post-trade value per token; ``1 - weights.sum()``
                   stays in cash
    @return (trades, post-trade value, costs) with trades = weights * value - holdings; the
            costs match ``holdings.sum() + cash - value`` to ``tol`` relative (callers that
            need exact books should record that difference as the amount paid)
    """
    h = np.asarray(holdings, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    value0 = float(h.sum() + cash)
    if value0 <= 0.0:
        zero = np.zeros_like(h)
        return zero, value0, TradeCosts(zero, zero.copy())

    def excess(v: float) -> tuple[float, np.ndarray, TradeCosts]:
        x = w * v - h
        c = trade_costs(x, volume, model)
        return v + c.total - value0, x, c

    lo, hi = 0.0, value0
    v = max(0.0, value0 - trade_costs(w * value0 - h, volume, model).total)
    for _ in range(200):
        f, x, c = excess(v)
        if abs(f) <= tol * value0:
            return x, v, c
        if f > 0:
            hi = v
        else:
            lo = v
        slope = 1.0 + float(np.sum(w * np.sign(x) * marginal_cost(x, volume, model)))
        step = v - f / slope if slope > 0 else -1.0
        v = step if lo < step < hi else 0.5 * (lo + hi)
    f, x, c = excess(v)
    return x, v, c
