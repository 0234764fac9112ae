"""Configuration files: the example list loads; mistakes are reported with the configuration's name."""

from __future__ import annotations

import json

import pytest

from keeper.backtest.data import Universe
from keeper.backtest.strategy import load_strategies, strategy_from_dict
from keeper.exceptions import ConfigError
from keeper.rebalance import AbsoluteBand, AnyOf, Calendar, RelativeDrift
from tests.backtest.conftest import EXAMPLES


def test_example_configs__load_with_every_kind_of_trigger():
    strategies = load_strategies(EXAMPLES / "backtest" / "configs.json")
    triggers = {type(s.sleeves[0].trigger) for s in strategies}
    assert {Calendar, RelativeDrift, AbsoluteBand, AnyOf} <= triggers
    by_name = {s.name: s for s in strategies}
    assert by_name["keeper-default-monthly"].sleeves[0].config.methodology == "risk_parity"  # read from the file
    assert by_name["l1-core-only"].sleeves[0].universe == Universe(sectors=("L1", "stablecoin"))
    assert len(by_name["core-satellite"].sleeves) == 2


def test_strategy_from_dict__composite__round_trips_through_to_dict(tmp_path):
    data = {"name": "cs", "mix_trigger": "quarterly", "sleeves": [
        {"name": "core", "share": 0.6, "methodology": {"methodology": "market_cap"}, "trigger": "quarterly",
         "universe": {"sectors": ["L1"]}},
        {"name": "rest", "share": 0.4, "methodology": {"methodology": "equal"}, "trigger": "drift:0.2"}]}
    strategy = strategy_from_dict(data)
    again = strategy_from_dict(json.loads(json.dumps(strategy.to_dict())))
    assert again == strategy


@pytest.mark.parametrize("data,match", [
    ({"methodology": {"methodology": "equal"}}, "name"),
    ({"name": "x", "methodology": {"methodology": "magic"}}, "configuration 'x'.*magic"),
    ({"name": "x", "methodology": {"methodology": "equal"}, "trigger": "yearly"}, "yearly"),
    ({"name": "x", "methodology": {"methodology": "equal"}, "universe": {"sectors": ["Memes"]}}, "Memes"),
    ({"name": "x", "sleeves": [{"share": 0.5, "methodology": {"methodology": "equal"}}]}, "sum to 1"),
    ({"name": "x", "preset": "moderate", "methodology": {}}, "preset entry"),
    ({"name": "x", "methodology": "missing.json"}, "not found"),
])
def test_strategy_from_dict__mistakes__raise_config_error_naming_the_problem(data, match):
    with pytest.raises(ConfigError, match=match):
        strategy_from_dict(data)


def test_load_strategies__duplicate_names__are_refused(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps([{"name": "a", "preset": "moderate"}, {"name": "a", "preset": "barbell"}]))
    with pytest.raises(ConfigError, match="distinct"):
        load_strategies(path)
