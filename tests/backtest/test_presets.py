"""Preset portfolios produce valid weights that do what their names promise (on the example market)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from keeper.backtest.engine import run_backtest
from keeper.backtest.presets import PRESETS, preset, presets_from_spec
from keeper.backtest.strategy import Settings
from keeper.exceptions import ConfigError
from keeper.rebalance import RelativeDrift

TIER_TARGETS = {"conservative": (0.7, 0.2, 0.1), "moderate": (0.5, 0.3, 0.2), "aggressive": (0.3, 0.3, 0.4),
                "barbell": (0.6, 0.0, 0.4)}


def _allocations(result) -> list[tuple[str, pd.Series]]:
    """Weights right after each initial allocation / rebalance (held on that day, before it moves)."""
    weights = result.weights_frame()
    days = sorted({e["date"] for e in result.events if e["kind"] in ("initial", "rebalance")})
    return [(d, weights.loc[d]) for d in days]


@pytest.fixture(scope="module")
def runs(sample_market):
    return {name: run_backtest(sample_market, preset(name), Settings(), start=100) for name in PRESETS}


@pytest.mark.parametrize("name", list(PRESETS))
def test_preset__every_allocation__is_long_only_and_fully_invested(runs, name):
    allocations = _allocations(runs[name])
    assert allocations and not any(e["kind"] == "skipped" for e in runs[name].events)
    for _, w in allocations:
        assert (w >= 0).all() and w.sum() == pytest.approx(1.0, abs=1e-12)
        assert w["cash"] == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize("name", list(TIER_TARGETS))
def test_tier_profile__allocations__hit_the_tier_budgets(runs, sample_market, name):
    tiers = pd.Series({t: sample_market.metadata[t].risk_tier for t in sample_market.tokens})
    for _, w in _allocations(runs[name]):
        by_tier = w.drop("cash").groupby(tiers).sum()
        got = tuple(by_tier.get(t, 0.0) for t in ("conservative", "balanced", "aggressive"))
        np.testing.assert_allclose(got, TIER_TARGETS[name], atol=1e-9)
        assert w.drop("cash").max() <= 0.4 + 1e-9


def test_risk_parity__allocations__respect_token_and_stablecoin_caps(runs):
    for _, w in _allocations(runs["risk_parity"]):
        assert w.drop("cash").max() <= 0.25 + 1e-9 and w["USDC"] <= 0.1 + 1e-9


def test_core_satellite__sleeves__hold_their_universes_in_their_shares(runs, sample_market):
    core = [t for t in sample_market.tokens if sample_market.metadata[t].sector in ("L1", "stablecoin")]
    day, w = _allocations(runs["core_satellite"])[0]
    assert w[core].sum() == pytest.approx(0.7, abs=1e-9)
    tactical = w.drop(core + ["cash"])
    assert tactical.sum() == pytest.approx(0.3, abs=1e-9) and 1 <= (tactical > 0).sum() <= 4
    kinds = {(e["kind"], e["sleeve"]) for e in runs["core_satellite"].events}
    assert {("rebalance", "tactical"), ("mix", "*")} <= kinds


def test_single_asset__holds_the_largest_non_stablecoin_forever(runs, sample_market):
    result = runs["single_asset"]
    first = result.events[0]
    caps = sample_market.frame[sample_market.frame["date"] == pd.Timestamp(first["as_of"])].set_index("token")
    largest = caps.drop("USDC")["market_cap"].idxmax()
    held = result.weights_frame().drop(columns="cash")
    assert (held.loc[:, held.columns != largest] == 0).all().all() and result.rebalances == 0


def test_market_cap__allocation__is_proportional_to_market_caps(runs, sample_market):
    result = runs["market_cap"]
    event = next(e for e in result.events if e["kind"] == "rebalance")
    caps = sample_market.frame[sample_market.frame["date"] == pd.Timestamp(event["as_of"])].set_index("token")
    w = result.weights_frame().loc[event["date"]].drop("cash")
    pd.testing.assert_series_equal(w.sort_index(), (caps["market_cap"] / caps["market_cap"].sum()).sort_index(),
                                   check_names=False, atol=1e-12)


def test_presets_from_spec__all_and_trigger_overrides():
    strategies = presets_from_spec("all,moderate@drift:0.25")
    assert [s.name for s in strategies] == [*PRESETS, "moderate@drift:0.25"]
    assert strategies[-1].sleeves[0].trigger == RelativeDrift(0.25)


@pytest.mark.parametrize("spec", ["nope", "core_satellite@monthly", "moderate,moderate", ""])
def test_presets_from_spec__bad_spec__raises_config_error(spec):
    with pytest.raises(ConfigError):
        presets_from_spec(spec)
