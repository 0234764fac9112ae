"""Constant-product (Uniswap V2) swap math on raw integer token amounts.

A pool holds reserves ``x`` of the input token and ``y`` of the output token. A swap of ``dx``
pays the pool fee ``f`` (30 bps on V2): only ``dx' = dx (1 - f)`` trades against the curve,
which keeps ``(x + dx') (y - dy) = x y``, so

    dy = y dx' / (x + dx')              (floored, as the pair contract does)

and the reserves become ``(x + dx, y - dy)``: the fee stays in the pool.

Price impact of one hop compares the execution price with the spot price ``y / x`` before
the trade, net of the fee (the fee is a fixed cost reported separately, so the bound only
measures how far the trade walks down the curve), on the exact curve output:

    impact = 1 - (dy / dx') / (y / x) = dx' / (x + dx')

It depends only on the input and its reserve, and it increases with ``dx``, so a bound
``impact <= m`` is the exact integer condition ``dx (1 - f)(1 - m) <= m x`` (see
:func:`max_input_for_impact`). Flooring ``dy`` to a raw unit costs less than one unit more; that
rounding is counted in the impact *cost* (:func:`hop_costs`) but not in the bound, which would
otherwise reject small trades of coarse tokens (a 6-decimal token worth 10k has 0.01 units).
"""

from __future__ import annotations

BPS = 10_000


def amount_out(amount_in: int, reserve_in: int, reserve_out: int, fee_bps: int = 30) -> int:
    """Output of a swap of ``amount_in`` through a pool with reserves (in, out): ``y dx' / (x + dx')``.

    Integer arithmetic identical to ``UniswapV2Library.getAmountOut`` (997/1000 is 9970/10000).
    """
    if amount_in < 0 or reserve_in < 0 or reserve_out < 0:
        raise ValueError(f"negative amount or reserve: {amount_in}, {reserve_in}, {reserve_out}")
    if amount_in == 0 or reserve_in == 0 or reserve_out == 0:
        return 0
    with_fee = amount_in * (BPS - fee_bps)
    return with_fee * reserve_out // (reserve_in * BPS + with_fee)


def price_impact(amount_in: int, reserve_in: int, fee_bps: int = 30) -> float:
    """``dx' / (x + dx')`` with ``dx' = dx (1 - f)``: execution against spot on the exact curve, net of fee.

    Evaluated as one exact rational before the final (correctly rounded) float division, so 18-decimal
    amounts lose nothing. Zero input has zero impact; an empty pool has total impact.
    """
    if amount_in <= 0:
        return 0.0
    if reserve_in <= 0:
        return 1.0
    net = amount_in * (BPS - fee_bps)
    return net / (reserve_in * BPS + net)


def max_input_for_impact(reserve_in: int, max_impact_bps: int, fee_bps: int = 30) -> int:
    """Largest ``dx`` whose impact ``dx' / (x + dx')`` is <= ``max_impact_bps`` / 10,000, exactly.

    ``dx' / (x + dx') <= m``  <=>  ``dx' (1 - m) <= m x``  <=>  ``dx (B - f)(B - m) <= m x B`` in bps
    (``B`` = 10,000), floored: every input up to the result passes, none above it does.
    """
    if not 0 <= max_impact_bps < BPS:
        raise ValueError(f"max_impact_bps must be in [0, 10000), got {max_impact_bps}")
    if reserve_in <= 0:
        return 0
    return max_impact_bps * reserve_in * BPS // ((BPS - fee_bps) * (BPS - max_impact_bps))


def hop_costs(amount_in: int, amount_out_: int, reserve_in: int, reserve_out: int,
              fee_bps: int = 30) -> tuple[float, float]:
    """(fee, impact) shortfall of one swap, in raw units of the *input* token at the pre-trade spot.

    fee = ``dx f``; impact = ``dx' - dy x / y`` (what the curve kept beyond the fee). The two sum to
    ``dx - dy / spot``, the whole shortfall against spot.
    """
    if amount_in <= 0 or reserve_out <= 0:
        return 0.0, 0.0
    fee = amount_in * fee_bps / BPS
    impact = amount_in * (BPS - fee_bps) / BPS - amount_out_ * reserve_in / reserve_out
    return fee, impact
