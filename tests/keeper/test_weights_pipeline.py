"""compute_target_weights end to end: output, report, determinism, hash, no look-ahead."""

from __future__ import annotations

import json

import numpy as np
import pytest

from keeper.exceptions import ConfigError, NoEligibleTokensError
from keeper.market import CsvMarketSource, TokenMetadata, prepare_market
from keeper.market.schema import RISK_TIERS, SECTORS
from keeper.weights import METHODOLOGIES, MethodologyConfig, compute_target_weights, violations, weights_to_bps
from keeper.weights.constraints import bounds_from_config
from tests.keeper.builders import EXAMPLES, make_market

CONFIG = MethodologyConfig.from_dict({
    "methodology": "risk_parity", "lookback_days": 60,
    "constraints": {"max_token_weight": 0.4, "tiers": {"conservative": {"floor": 0.2}}}})


@pytest.fixture(scope="module")
def example():
    metadata = TokenMetadata.from_file(EXAMPLES / "tokens.json")
    market = CsvMarketSource(EXAMPLES / "sample_market.csv").load(metadata)
    config = MethodologyConfig.from_json_file(EXAMPLES / "methodology.json")
    return market, metadata, config


def assert_respects(result, metadata, config):
    tokens = list(result.weights)
    w = np.array(list(result.weights.values()))
    s_idx = np.array([SECTORS.index(metadata[t].sector) for t in tokens])
    t_idx = np.array([sorted(RISK_TIERS).index(metadata[t].risk_tier) for t in tokens])
    assert violations(w, s_idx, t_idx, bounds_from_config(config.constraints), config.constraints.min_weight) == []


def test_result__weights_sum_to_one_ordered_by_symbol_with_id_version_and_hash(small_market, small_metadata):
    r = compute_target_weights(small_market, small_metadata, CONFIG)
    assert list(r.weights) == sorted(r.weights)
    assert sum(r.weights.values()) == pytest.approx(1.0, abs=1e-12)
    assert (r.methodology_id, r.methodology_version) == ("risk_parity", "1.0.0")
    assert len(r.inputs_hash) == 64 and int(r.inputs_hash, 16) >= 0
    assert r.as_of == "2024-07-18"
    assert [s.name for s in r.steps] == ["eligibility", "anomaly_screen", "methodology:risk_parity", "constraints"]


def test_result__to_dict_is_json_and_render_text_is_readable(small_market, small_metadata):
    r = compute_target_weights(small_market, small_metadata, CONFIG)
    d = json.loads(json.dumps(r.to_dict()))
    assert d["weights"] == dict(r.weights) and d["config"] == CONFIG.to_dict()
    assert d["steps"][2]["changes"][0]["after"] > 0
    text = r.render_text()
    for needle in ("risk_parity", r.inputs_hash, "AAA", "Steps", "methodology:risk_parity", "tiers:"):
        assert needle in text


@pytest.mark.parametrize("methodology", METHODOLOGIES)
def test_every_methodology__runs_on_the_example_and_respects_its_constraints(example, methodology):
    market, metadata, config = example
    cfg = MethodologyConfig.from_dict({**config.to_dict(), "methodology": methodology})
    r = compute_target_weights(market, metadata, cfg, as_of="2025-01-15")
    assert sum(r.weights.values()) == pytest.approx(1.0, abs=1e-9)
    assert_respects(r, metadata, cfg)
    assert r.methodology_id == f"{methodology}+momentum"
    accounted = [*r.weights, *r.zero_weight, *(e.token for e in r.exclusions)]
    assert sorted(accounted) == sorted(metadata.symbols)  # every token is held, zeroed or excluded, once
    bps = weights_to_bps(r.weights, metadata=metadata, constraints=cfg.constraints)
    assert sum(bps.bps.values()) == 10_000 and max(bps.bps.values()) <= 2500


def test_determinism__same_inputs_give_identical_bytes(small_market, small_metadata):
    a = compute_target_weights(small_market, small_metadata, CONFIG)
    b = compute_target_weights(small_market.copy(), small_metadata, CONFIG)
    assert a.to_json() == b.to_json()


def test_hash__ignores_row_order_and_extra_columns(small_market, small_metadata):
    a = compute_target_weights(small_market, small_metadata, CONFIG)
    shuffled = small_market.sample(frac=1.0, random_state=3).assign(source="x")
    b = compute_target_weights(shuffled, small_metadata, CONFIG)
    assert a.inputs_hash == b.inputs_hash and a.to_json() == b.to_json()


def _variants(market, metadata):
    m1 = market.copy()
    m1.loc[10, "price"] *= 1 + 1e-12
    m2 = market.copy()
    m2.loc[20, "volume"] += 1.0
    m3 = market.copy()
    m3.loc[30, "market_cap"] *= 1.0000001
    m4 = market[market["date"] > "2024-01-01"]  # one day less of history
    md = TokenMetadata.from_records([{**r, "name": "renamed"} if r["symbol"] == "DDD" else r
                                     for r in metadata.to_records()])
    md_chain = TokenMetadata.from_records([{**r, "chains": ["home", "spoke"]} if r["symbol"] == "AAA" else r
                                           for r in metadata.to_records()])
    cfg = CONFIG.to_dict()
    return [
        (m1, metadata, CONFIG), (m2, metadata, CONFIG), (m3, metadata, CONFIG), (m4, metadata, CONFIG),
        (market, md, CONFIG), (market, md_chain, CONFIG),
        (market, metadata, MethodologyConfig.from_dict({**cfg, "lookback_days": 61})),
        (market, metadata, MethodologyConfig.from_dict({**cfg, "shrinkage": 0.1})),
        (market, metadata, MethodologyConfig.from_dict({**cfg, "repair": {"max_ffill_days": 1}})),
        (market, metadata, MethodologyConfig.from_dict({**cfg, "anomaly": {"max_volume_z": 11.0}})),
    ]


def test_hash__any_single_change_in_data_metadata_or_config_changes_it(small_market, small_metadata):
    base = compute_target_weights(small_market, small_metadata, CONFIG).inputs_hash
    hashes = [compute_target_weights(m, md, c).inputs_hash for m, md, c in _variants(small_market, small_metadata)]
    assert base not in hashes
    assert len(set(hashes)) == len(hashes)


def test_hash__config_defaults_written_or_omitted_hash_the_same(small_market, small_metadata):
    explicit = MethodologyConfig.from_dict({"methodology": "equal", "lookback_days": 180,
                                            "constraints": {"max_token_weight": 1}})
    implicit = MethodologyConfig.from_dict({"methodology": "equal"})
    a = compute_target_weights(small_market, small_metadata, explicit)
    b = compute_target_weights(small_market, small_metadata, implicit)
    assert a.inputs_hash == b.inputs_hash


def test_as_of__uses_no_future_data(small_market, small_metadata):
    cut = small_market[small_market["date"] <= "2024-05-15"]
    expected = compute_target_weights(cut, small_metadata, CONFIG)
    got = compute_target_weights(small_market, small_metadata, CONFIG, as_of="2024-05-15")
    assert got.to_json() == expected.to_json()
    future_changed = small_market.copy()
    future_changed.loc[future_changed["date"] > "2024-05-15", "price"] *= 3.0
    assert compute_target_weights(future_changed, small_metadata, CONFIG, as_of="2024-05-15").to_json() == \
        expected.to_json()


def test_prepared_market__gives_the_same_result_as_the_table(small_market, small_metadata):
    prepared = prepare_market(small_market, small_metadata, CONFIG.repair)
    for as_of in ("2024-04-01", "2024-06-30", None):
        assert compute_target_weights(prepared, small_metadata, CONFIG, as_of).to_json() == \
            compute_target_weights(small_market, small_metadata, CONFIG, as_of).to_json()


def test_prepared_market__built_with_other_repair_policy_is_refused(small_market, small_metadata):
    prepared = prepare_market(small_market, small_metadata)
    cfg = MethodologyConfig.from_dict({**CONFIG.to_dict(), "repair": {"max_ffill_days": 2}})
    with pytest.raises(ConfigError, match="repair policy"):
        compute_target_weights(prepared, small_metadata, cfg)


def test_momentum_tilt__is_a_reported_step_and_part_of_the_id(small_market, small_metadata):
    cfg = MethodologyConfig.from_dict({**CONFIG.to_dict(), "momentum": {"window_days": 30, "strength": 1.0}})
    r = compute_target_weights(small_market, small_metadata, cfg)
    assert r.methodology_id == "risk_parity+momentum" and r.methodology_version == "1.0.0+momentum.1.0.0"
    step = next(s for s in r.steps if s.name == "momentum_tilt")
    assert set(step.details["z"]) == {"AAA", "BBB", "CCC", "DDD"} and step.changes


def test_no_eligible_tokens__raises_with_the_reasons(small_market, small_metadata):
    cfg = MethodologyConfig(methodology="risk_parity", lookback_days=400)
    with pytest.raises(NoEligibleTokensError, match="insufficient_history"):
        compute_target_weights(small_market, small_metadata, cfg)


def test_metadata_token_without_rows__is_reported_as_no_market_data(small_market, small_metadata):
    r = compute_target_weights(small_market[small_market["token"] != "BBB"], small_metadata, CONFIG)
    assert [(e.token, e.reason) for e in r.exclusions] == [("BBB", "no_market_data")]


def test_config__round_trips_through_json_and_rejects_unknown_keys(tmp_path):
    path = tmp_path / "cfg.json"
    path.write_text(EXAMPLES.joinpath("methodology.json").read_text())
    cfg = MethodologyConfig.from_json_file(path)
    assert MethodologyConfig.from_dict(json.loads(cfg.to_json())) == cfg
    with pytest.raises(ConfigError, match="max_token_wieght"):
        MethodologyConfig.from_dict({"methodology": "equal", "constraints": {"max_token_wieght": 0.2}})
    with pytest.raises(ConfigError, match="sum to 1"):
        MethodologyConfig.from_dict({"methodology": "equal", "constraints": {"tiers": {
            "conservative": {"target": 0.5}, "balanced": {"target": 0.3}, "aggressive": {"target": 0.3}}}})
    with pytest.raises(ConfigError, match="unknown methodology"):
        MethodologyConfig.from_dict({"methodology": "magic"})


def test_min_variance__uses_the_token_cap_inside_the_optimiser_in_the_pipeline(small_metadata):
    market = make_market(["AAA", "BBB", "CCC", "DDD"], days=150, vols=[0.005, 0.03, 0.04, 0.05])
    cfg = MethodologyConfig.from_dict({"methodology": "min_variance", "lookback_days": 90,
                                       "constraints": {"max_token_weight": 0.5}})
    r = compute_target_weights(market, small_metadata, cfg)
    step = next(s for s in r.steps if s.name == "methodology:min_variance")
    assert "enforced inside the optimiser" in step.notes[0]
    assert r.weights["AAA"] == pytest.approx(0.5)
