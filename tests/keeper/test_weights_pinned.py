"""Pinned outputs of compute_target_weights on a small fixed input.

These values were recorded from the pipeline *before* its performance work (lazy report,
cached hashing, vectorised bookkeeping) and must never change unless the methodology,
the hash format or ENGINE_VERSION changes on purpose.

The market is built from exact arithmetic only (no exp/log), so the inputs and therefore
the inputs hash are the same bytes on every machine. Configurations whose weights use only
+ - * / sqrt and comparisons (market cap, sqrt market cap, equal, constraints, bps) are
pinned exactly, report included (digests of ``to_json()`` and ``render_text()``); the
ones computing logarithms (returns, covariance, momentum, anomaly z-scores) may differ in
the last bits between CPUs (vectorised libm), so their weights are pinned to 1e-12.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from keeper.market import RepairPolicy, TokenInfo, TokenMetadata, prepare_market
from keeper.weights import MethodologyConfig, compute_target_weights

_TOKENS = [  # symbol, sector, tier, first day, last day, missing days
    ("AAA", "L1", "conservative", 0, 59, ()),
    ("BBB", "DeFi", "balanced", 0, 59, (30, 31)),
    ("CCC", "DePIN-compute", "aggressive", 0, 59, ()),
    ("DDD", "L2", "balanced", 0, 59, ()),
    ("EEE", "DeFi", "aggressive", 0, 57, ()),  # stops 2 days before the end (tail fill)
    ("FFF", "stablecoin", "conservative", 0, 59, ()),
    ("GGG", "L1", "balanced", 40, 59, ()),  # listed late
    ("HHH", "DePIN-storage", "aggressive", 0, 59, ()),
    ("III", "L2", "conservative", 0, 59, ()),
]
_UNLISTED = ("ZZZ", "DePIN-energy", "aggressive")  # in the metadata, never in the market


def pinned_metadata() -> TokenMetadata:
    rows = [(s, sec, tier) for s, sec, tier, *_ in _TOKENS] + [_UNLISTED]
    return TokenMetadata(TokenInfo(s, f"{s} token", sec, tier, ("home", "spoke") if i % 2 else ("home",),
                                   f"cg-{s.lower()}" if i % 3 else None)
                         for i, (s, sec, tier) in enumerate(rows))


def pinned_market() -> pd.DataFrame:
    """60 days, exact rational prices (no transcendental functions)."""
    dates = pd.date_range("2024-03-01", periods=60, freq="D").strftime("%Y-%m-%d")
    rows = []
    for j, (sym, _, _, first, last, missing) in enumerate(_TOKENS):
        supply = 1_000_000.0 * (j + 1) ** 2
        for d in range(first, last + 1):
            if d in missing:
                continue
            if sym == "FFF":
                price = 1.0 + ((d * 7) % 5 - 2) / 10_000.0
            else:
                price = (20.0 + 3.0 * j) * (1.0 + ((d * (j + 3) + j) % 11 - 5) / 80.0) * (1.0 + d / 400.0)
            volume = 2_000_000.0 + 10_000.0 * ((d * (j + 1)) % 7)
            rows.append((dates[d], sym, price, price * supply, volume))
    return pd.DataFrame(rows, columns=["date", "token", "price", "market_cap", "volume"])


CONFIGS = {
    "market_cap_capped": {"methodology": "market_cap", "lookback_days": 20,
                          "constraints": {"max_token_weight": 0.3}, "anomaly": {"enabled": False},
                          "repair": {"max_ffill_days": 2}},
    "sqrt_full_constraints": {
        "methodology": "market_cap_sqrt", "lookback_days": 20,
        "constraints": {"max_token_weight": 0.25, "max_sector_weight": 0.45, "sector_caps": {"DeFi": 0.2},
                        "min_weight": 0.06, "max_tokens": 6,
                        "tiers": {"conservative": {"floor": 0.25}, "aggressive": {"cap": 0.3}}},
        "anomaly": {"enabled": False}, "repair": {"max_ffill_days": 2}},
    "equal_tier_targets": {
        "methodology": "equal", "lookback_days": 20,
        "constraints": {"max_token_weight": 0.4,
                        "tiers": {"conservative": {"target": 0.5}, "balanced": {"target": 0.3},
                                  "aggressive": {"target": 0.2}}},
        "anomaly": {"enabled": False}, "repair": {"max_ffill_days": 2}},
    "market_cap_relaxed_targets": {
        "methodology": "market_cap", "lookback_days": 20,
        "constraints": {"max_token_weight": 0.2,
                        "tiers": {"conservative": {"target": 0.8}, "balanced": {"target": 0.1},
                                  "aggressive": {"target": 0.1}}},
        "anomaly": {"enabled": False}, "repair": {"max_ffill_days": 2}},
    "risk_parity_momentum_anomaly": {
        "methodology": "risk_parity", "lookback_days": 30,
        "momentum": {"window_days": 20, "skip_days": 2, "strength": 0.7},
        "constraints": {"max_token_weight": 0.3, "tiers": {"aggressive": {"cap": 0.35}}},
        "anomaly": {"enabled": True, "window_days": 20}, "repair": {"max_ffill_days": 2}},
    "min_variance": {"methodology": "min_variance", "lookback_days": 40, "shrinkage": 0.3,
                     "constraints": {"max_token_weight": 0.35}, "anomaly": {"enabled": False},
                     "repair": {"max_ffill_days": 2}},
    "inverse_vol": {"methodology": "inverse_vol", "lookback_days": 25,
                    "constraints": {"max_token_weight": 0.3, "min_weight": 0.02},
                    "anomaly": {"enabled": False}, "repair": {"max_ffill_days": 2}},
}
EXACT = ("market_cap_capped", "sqrt_full_constraints", "equal_tier_targets", "market_cap_relaxed_targets")
AS_OF = ("2024-04-29", "2024-04-15")  # last day (EEE tail-filled, gap repaired), and before GGG has history

# (config, as_of) -> inputs_hash, weights, sha256(to_json()), sha256(render_text())
PINNED: dict[tuple[str, str], tuple[str, dict[str, float], str | None, str | None]] = {
    ('market_cap_capped', '2024-04-29'): (
        'ea74515648666674882293ff4c1efaeff7c912e81c6d3425c2ae8df86b81371f',
        {'AAA': 0.00216020337822765, 'BBB': 0.010590681299047661, 'CCC': 0.024941821899931087,
         'DDD': 0.05275444039461208, 'EEE': 0.09282359981160754, 'FFF': 0.0035672559728635255,
         'GGG': 0.22228492761962518, 'HHH': 0.29087706962408527, 'III': 0.3},
        '3451058e4ea9b9ad16ba27c2b3c2b1014da4829472af8e571433cd8ac441d1a6',
        '2ec0c971d235298e31fcc0ff3912c5ffa56afe3b4126831384820b72f76bdf9f'),
    ('market_cap_capped', '2024-04-15'): (
        '537a9bedcccb5d80ad5506b5d99fcf59c66b876e37344a9e47234dc0d53f8392',
        {'AAA': 0.0022545776085387426, 'BBB': 0.010636981537721248, 'CCC': 0.027731304585026532,
         'DDD': 0.05632975440410644, 'EEE': 0.08671452340533625, 'FFF': 0.00374064239463501,
         'GGG': 0.21259221606463588, 'HHH': 0.3, 'III': 0.3},
        '1238d428fa10fa0b14c7176ddafc3d93333e10f2d5e705806af01b0e888b03f7',
        'ad772119547c02a4318b0182b541f6780bddc78d30f27b7a202a3127e5068231'),
    ('sqrt_full_constraints', '2024-04-29'): (
        'd4aa85ccf016bb79591c0251b0a806672e9e06f2bf0e23d912b43368140bd803',
        {'DDD': 0.2000000000000001, 'EEE': 0.10829491950032788, 'GGG': 0.25, 'HHH': 0.19170508049967214,
         'III': 0.25},
        '1672106df72e851ba6a41ea04a12b241016257bd397ab37f856c811692ac3bfd',
        '14c6a316fb648913f60b686c0f2a6a3776fef2f8cb9f1b90babcd454809c2b8b'),
    ('sqrt_full_constraints', '2024-04-15'): (
        '0307f0efbb073118f10263951425d9f7652b4693890ab43c801d111f827f2c5e',
        {'DDD': 0.19999999999999998, 'EEE': 0.10408981163030695, 'GGG': 0.25, 'HHH': 0.19591018836969298,
         'III': 0.25},
        '70f7b90099935c0422261b0b1e72607b30936f0cd1e2114e65f48ac7fdc3162a',
        '321a4a3eb2076532d822c9d6b52b7ff55f681f2da94f8f132c7afaa0da9de4b1'),
    ('equal_tier_targets', '2024-04-29'): (
        '31d54086c485ce83031f3b4379c94415bee5f66cfddf1d578918f754d0a6119a',
        {'AAA': 0.16666666666666666, 'BBB': 0.09999999999999999, 'CCC': 0.06666666666666668,
         'DDD': 0.09999999999999999, 'EEE': 0.06666666666666668, 'FFF': 0.16666666666666666,
         'GGG': 0.09999999999999999, 'HHH': 0.06666666666666668, 'III': 0.16666666666666666},
        'a2c84d70f6b614444c424603d67e4de36593c98c3deb58940911ead2669def6c',
        '0aafa9465c01560222b01f31619014b2899dbae8c7a639a9817993fe53339636'),
    ('equal_tier_targets', '2024-04-15'): (
        '544a878e1b992b787846b23a510d8ed023fab66b7d1663cfe74de41de23f1406',
        {'AAA': 0.16666666666666666, 'BBB': 0.09999999999999999, 'CCC': 0.06666666666666668,
         'DDD': 0.09999999999999999, 'EEE': 0.06666666666666668, 'FFF': 0.16666666666666666,
         'GGG': 0.09999999999999999, 'HHH': 0.06666666666666668, 'III': 0.16666666666666666},
        'fc6011f240830c142464ba7c6165d0a21c0ed779cf0ae7c6a675510196acbccb',
        'b12a192bcf24f7fafdc6717f1a54e33094ea33fb116fdd703a4cd0cdee93d5bf'),
    ('market_cap_relaxed_targets', '2024-04-29'): (
        'eecf354d67901067e75406ef25af314a7a7b392a73db0fb6c58e945af5b3183b',
        {'AAA': 0.026270880401662783, 'BBB': 0.024018927002436484, 'CCC': 0.03953832331078389,
         'DDD': 0.11964339376414952, 'EEE': 0.14714600701371772, 'FFF': 0.04338246850724945, 'GGG': 0.2, 'HHH': 0.2,
         'III': 0.2},
        '0a1f0323ee187b691ffad366aea513b0b39a55052db169d1e8dd5a0da6600ed9',
        'e60e61b4a8834d65d3aa3562da94b1056cdbe6743deb424ca49e8eb64655ad76'),
    ('market_cap_relaxed_targets', '2024-04-15'): (
        '557cc81dba56a5471a856862a8ba52509d95760cd756652dd4a622c44d702cb6',
        {'AAA': 0.026772325618676044, 'BBB': 0.024483878538442694, 'CCC': 0.042323429831409035,
         'DDD': 0.12965810460792698, 'EEE': 0.13234343286869615, 'FFF': 0.04441882853484912, 'GGG': 0.2, 'HHH': 0.2,
         'III': 0.2},
        '9380b7d0748405389e912f0873de431df6a782293ecb5eb80008f87726525cb4',
        'f5bf66c00a26220b526ada7f5a27f4b67f7b1b1cded9f08fadef5a0fccc52f52'),
    ('risk_parity_momentum_anomaly', '2024-04-29'): (
        '15101c32cf41ca02de63ce4688601d754abb608633e5333bb100b4b30e3f47c8',
        {'BBB': 0.28580742798447495, 'DDD': 0.06221170591577239, 'FFF': 0.11450824888955705,
         'HHH': 0.2374726172101956, 'III': 0.3},
        None, None),
    ('risk_parity_momentum_anomaly', '2024-04-15'): (
        '701cb513f86d26302631100a734ac9ffe40f7688c485c95cdce0413d1c85f878',
        {'AAA': 0.2994162694450591, 'BBB': 0.1507051588085394, 'CCC': 0.0333910593898725, 'EEE': 0.23227189702247605,
         'HHH': 0.08433704358765148, 'III': 0.19987857174640147},
        None, None),
    ('min_variance', '2024-04-29'): (
        'efe9d1be0396322df42301a91cf0c72c0da90cac7937a90c090cd2443c20a3e8',
        {'AAA': 0.07256050199654651, 'BBB': 0.05797146703622209, 'CCC': 0.028901842157791804,
         'DDD': 0.031755642493224226, 'EEE': 0.06796603611536353, 'FFF': 0.2823820700835073,
         'HHH': 0.1759144237850239, 'III': 0.28254801633232063},
        None, None),
    ('min_variance', '2024-04-15'): (
        'f865309164fa860672e7b15ed2975c04777f198130bc17cae4245b1aa544e487',
        {'AAA': 0.08348785166680549, 'BBB': 0.0542470529797236, 'CCC': 0.03024643841146788,
         'DDD': 0.03169324039823952, 'EEE': 0.0711047354290188, 'FFF': 0.2800335663332985,
         'HHH': 0.16958298587747833, 'III': 0.2796041289039679},
        None, None),
    ('inverse_vol', '2024-04-29'): (
        '577d77a1b36cfda0f5a636ae315dc1a863958a6899734c059369102d660a293d',
        {'AAA': 0.06298959915046881, 'BBB': 0.05894979382896552, 'CCC': 0.05646162625540505,
         'DDD': 0.05712509821389555, 'EEE': 0.060298396581803845, 'FFF': 0.3, 'HHH': 0.10417548596946122,
         'III': 0.3},
        None, None),
    ('inverse_vol', '2024-04-15'): (
        '559621d81e18d19894aacc579b9f43caca534ec1759334a52c73d379ee7b3dca',
        {'AAA': 0.06251637201294309, 'BBB': 0.06230790569532809, 'CCC': 0.056655307334710074,
         'DDD': 0.05633515422189114, 'EEE': 0.05852061545055482, 'FFF': 0.3, 'HHH': 0.10366464528457271, 'III': 0.3},
        None, None),
}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.fixture(scope="module")
def pinned_inputs():
    metadata = pinned_metadata()
    frame = pinned_market()
    return frame, metadata, prepare_market(frame, metadata, RepairPolicy(max_ffill_days=2))


@pytest.mark.parametrize("name,as_of", [(n, a) for n in CONFIGS for a in AS_OF])
def test_pinned__hash_weights_and_report_unchanged(pinned_inputs, name, as_of):
    frame, metadata, prepared = pinned_inputs
    config = MethodologyConfig.from_dict(CONFIGS[name])
    result = compute_target_weights(prepared, metadata, config, as_of=as_of)
    digest, weights, json_sha, text_sha = PINNED[(name, as_of)]
    assert result.inputs_hash == digest
    assert list(result.weights) == list(weights)
    if name in EXACT:
        assert dict(result.weights) == weights
        assert _digest(result.to_json()) == json_sha
        assert _digest(result.render_text()) == text_sha
    else:
        np.testing.assert_allclose(list(result.weights.values()), list(weights.values()), rtol=0, atol=1e-12)
    # the long table gives the very same result as the prepared market
    direct = compute_target_weights(frame, metadata, config, as_of=as_of)
    assert direct.inputs_hash == result.inputs_hash
    assert direct.to_json() == result.to_json()
    assert direct.render_text() == result.render_text()


def _record() -> None:  # pragma: no cover - prints the PINNED table from the current code
    frame, metadata = pinned_market(), pinned_metadata()
    prepared = prepare_market(frame, metadata, RepairPolicy(max_ffill_days=2))
    for name, cfg in CONFIGS.items():
        for as_of in AS_OF:
            r = compute_target_weights(prepared, metadata, MethodologyConfig.from_dict(cfg), as_of=as_of)
            exact = name in EXACT
            print(f"    ({name!r}, {as_of!r}): (\n        {r.inputs_hash!r},\n        {dict(r.weights)!r},\n"
                  f"        {_digest(r.to_json()) if exact else None!r},\n"
                  f"        {_digest(r.render_text()) if exact else None!r}),")


if __name__ == "__main__":  # pragma: no cover
    _record()
