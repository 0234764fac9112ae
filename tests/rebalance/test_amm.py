"""Constant-product math: Uniswap V2 outputs, the invariant, the impact definition and its bound."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keeper.rebalance import amm

reserves = st.integers(10**6, 10**30)


def test_amount_out__matches_uniswap_v2_get_amount_out_by_hand():
    # getAmountOut with 997/1000: 1 ETH into 100 ETH / 200k USDC
    x, y, dx = 100 * 10**18, 200_000 * 10**6, 10**18
    assert amm.amount_out(dx, x, y) == dx * 997 * y // (x * 1000 + dx * 997) == 1_974_316_068


def test_amount_out__zero_input_or_empty_pool_gives_nothing():
    assert amm.amount_out(0, 10**18, 10**18) == 0
    assert amm.amount_out(10**18, 0, 10**18) == 0
    assert amm.price_impact(0, 10**18) == 0.0 and amm.price_impact(10**18, 0) == 1.0
    with pytest.raises(ValueError):
        amm.amount_out(-1, 10**18, 10**18)


@settings(max_examples=100, deadline=None)
@given(reserves, reserves, st.integers(1, 10**30))
def test_amount_out__never_decreases_k_and_never_empties_the_pool(x, y, dx):
    dy = amm.amount_out(dx, x, y)
    assert 0 <= dy < y
    assert (x + dx) * (y - dy) >= x * y


@settings(max_examples=100, deadline=None)
@given(reserves, reserves, st.integers(1, 10**28))
def test_price_impact__is_one_minus_execution_over_spot_net_of_fee(x, y, dx):
    dx_net = Fraction(dx * 997, 1000)
    exact_out = y * dx_net / (x + dx_net)
    impact = amm.price_impact(dx, x)
    assert impact == pytest.approx(float(1 - (exact_out / dx_net) / Fraction(y, x)), rel=1e-12, abs=1e-15)
    # the floored output executes at most one raw unit worse than the curve
    floored = 1 - (Fraction(amm.amount_out(dx, x, y)) / dx_net) / Fraction(y, x)
    assert impact - 1e-12 <= float(floored) <= impact + float(Fraction(x) / (dx_net * y)) + 1e-12


def test_price_impact__of_one_percent_of_the_pool_excludes_the_fee():
    x = 10**24
    assert amm.price_impact(10**22, x) == pytest.approx(0.997 / 100.997, rel=1e-12)
    assert amm.price_impact(10**12, x) < 1e-11  # tiny trades: no impact, whatever the fee


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 10**30), st.integers(1, 9_999), st.sampled_from([0, 5, 30, 100]))
def test_max_input_for_impact__is_exact(reserve, max_impact_bps, fee_bps):
    bound = amm.max_input_for_impact(reserve, max_impact_bps, fee_bps)

    def exact(a: int) -> Fraction:
        net = Fraction(a * (10_000 - fee_bps), 10_000)
        return net / (reserve + net)

    assert exact(bound) <= Fraction(max_impact_bps, 10_000) < exact(bound + 1)
    assert amm.price_impact(bound, reserve, fee_bps) <= max_impact_bps / 10_000


def test_hop_costs__fee_plus_impact_is_the_whole_shortfall_against_spot():
    x, y, dx = 10**20, 5 * 10**20, 3 * 10**18
    dy = amm.amount_out(dx, x, y)
    fee, impact = amm.hop_costs(dx, dy, x, y)
    assert fee == pytest.approx(dx * 0.003)
    assert fee + impact == pytest.approx(dx - dy * x / y, rel=1e-12)
    assert impact > 0
