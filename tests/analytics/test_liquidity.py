"""Exit price impact in a constant-product pool: R_in 1000, R_out 2000, fee 0.30%, selling 100."""

import pandas as pd
import pytest

from analytics.exceptions import AnalyticsInputError
from analytics.metrics.liquidity import (amount_out, exit_liquidity_table, liquidity_curve, liquidity_curves,
                                         price_impact)


def test_amount_out__hand_computed():
    # 100 * 0.997 = 99.7 effective; 99.7 * 2000 / (1000 + 99.7) = 199400 / 1099.7
    assert amount_out(100, 1000, 2000) == pytest.approx(181.3221787760)


def test_price_impact__hand_computed():
    # execution 1.813221787760 per token against spot 2.0
    assert price_impact(100, 1000, 2000) == pytest.approx(1 - 1.813221787760 / 2, abs=1e-12)
    assert price_impact(100, 1000, 2000) == pytest.approx(0.0933891061, abs=1e-10)


def test_price_impact__tends_to_the_fee_for_tiny_sales_and_grows():
    assert price_impact(0, 1000, 2000) == pytest.approx(0.003)
    assert price_impact(0, 1000, 2000, fee=0.0) == 0.0
    assert price_impact(1000, 1000, 2000) > price_impact(100, 1000, 2000) > price_impact(1, 1000, 2000)


@pytest.mark.parametrize("args", [(1, 0, 10), (1, 10, -1), (-1, 10, 10), (1, 10, 10, 1.0)])
def test_price_impact__rejects_bad_pools_and_amounts(args):
    with pytest.raises(AnalyticsInputError):
        price_impact(*args)


def positions():
    return pd.DataFrame([("home", "v", "AAA", 1000.0, 1000.0, 2000.0), ("home", "v", "BBB", 5.0, None, None)],
                        columns=["chain", "vault", "token", "amount", "reserve_in", "reserve_out"])


def test_exit_table__impacts_for_10_50_100_percent_and_no_pool_note():
    t = exit_liquidity_table(positions()).set_index("token")
    assert t.loc["AAA", "impact_10pct"] == pytest.approx(0.0933891061, abs=1e-10)
    assert t.loc["AAA", "out_10pct"] == pytest.approx(181.3221787760)
    # selling all 1000: 997 * 2000 / 1997
    assert t.loc["AAA", "out_100pct"] == pytest.approx(997 * 2000 / 1997)
    assert t.loc["AAA", "impact_50pct"] == pytest.approx(1 - 0.997 * 1000 / (1000 + 500 * 0.997))
    assert t.loc["AAA", "spot_value"] == 2000.0 and t.loc["AAA", "note"] == ""
    assert t.loc["BBB", "note"] == "no pool" and pd.isna(t.loc["BBB", "impact_100pct"])


def test_liquidity_curve__21_points_from_0_to_1():
    pts = liquidity_curve(1000, 1000, 2000)
    assert len(pts) == 21 and pts[0] == (0.0, pytest.approx(0.003)) and pts[-1][0] == 1.0
    impacts = [i for _, i in pts]
    assert impacts == sorted(impacts)
    curves = liquidity_curves(positions())
    assert set(curves["token"]) == {"AAA"} and len(curves) == 21


def test_positions__bad_amount_is_named():
    bad = positions()
    bad.loc[0, "amount"] = -1
    with pytest.raises(AnalyticsInputError, match="row 0, column 'amount'"):
        exit_liquidity_table(bad)
