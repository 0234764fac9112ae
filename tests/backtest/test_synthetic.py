"""The synthetic market generator: determinism and the documented properties of its model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from keeper.backtest.synthetic import SyntheticSpec, generate_market
from keeper.exceptions import ConfigError
from keeper.market import RISK_TIERS, validate_market_frame


def test_synthetic__same_seed__gives_identical_frame_and_metadata():
    a, b = generate_market(SyntheticSpec(tokens=15, days=300, seed=11)), generate_market(
        SyntheticSpec(tokens=15, days=300, seed=11))
    pd.testing.assert_frame_equal(a.frame, b.frame, check_exact=True)
    assert a.metadata == b.metadata
    c = generate_market(SyntheticSpec(tokens=15, days=300, seed=12))
    assert not a.frame["price"].equals(c.frame["price"])


def test_synthetic__output__passes_the_keepers_validation(small_synthetic):
    out = validate_market_frame(small_synthetic.frame, small_synthetic.metadata)
    assert len(out) == len(small_synthetic.frame)
    assert set(small_synthetic.frame["token"]) == set(small_synthetic.metadata.symbols)
    assert {t.risk_tier for t in small_synthetic.metadata} == set(RISK_TIERS)


def test_synthetic__returns__are_fat_tailed():
    m = generate_market(SyntheticSpec(tokens=30, days=1000, seed=5))
    risky = [t.symbol for t in m.metadata if t.sector != "stablecoin"]
    wide = m.frame.pivot(index="date", columns="token", values="price")[risky]
    r = np.log(wide).diff().to_numpy()
    z = (r - np.nanmean(r, axis=0)) / np.nanstd(r, axis=0)
    kurtosis = np.nanmean(z ** 4)
    assert kurtosis > 3.0 + 1.0  # a Gaussian has 3


def test_synthetic__tokens_are_listed_and_delisted_over_time(small_synthetic):
    first = small_synthetic.frame.groupby("token")["date"].min()
    last = small_synthetic.frame.groupby("token")["date"].max()
    start, end = small_synthetic.frame["date"].min(), small_synthetic.frame["date"].max()
    assert (first > start).any(), "some token lists after the first day"
    assert (last < end).any(), "some token is delisted before the end"
    assert (small_synthetic.last_day < SyntheticSpec().days).all()


def test_synthetic__both_regimes_occur_and_stablecoins_stay_pegged(small_synthetic):
    assert set(np.unique(small_synthetic.regimes)) == {0, 1}
    stable = [t.symbol for t in small_synthetic.metadata if t.sector == "stablecoin"]
    prices = small_synthetic.frame.loc[small_synthetic.frame["token"].isin(stable), "price"]
    assert prices.between(0.99, 1.01).all()


def test_synthetic__bear_regime__has_higher_market_volatility():
    m = generate_market(SyntheticSpec(tokens=30, days=1500, seed=9))
    wide = m.frame.pivot(index="date", columns="token", values="price")
    market = np.log(wide).diff().mean(axis=1).to_numpy()[1:]
    regime = m.regimes[1:]
    assert np.std(market[regime == 1]) > np.std(market[regime == 0])


@pytest.mark.parametrize("kwargs", [{"tokens": 2}, {"days": 5}, {"df": 2.0}, {"delisting_share": 0.95}])
def test_synthetic_spec__out_of_range__raises_config_error(kwargs):
    with pytest.raises(ConfigError):
        SyntheticSpec(**kwargs)
