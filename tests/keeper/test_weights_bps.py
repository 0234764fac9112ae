"""Weights to on-chain basis points: exact totals, stable ties, constraints after rounding."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keeper.exceptions import BpsRoundingError
from keeper.weights import ConstraintConfig, apply_constraints, weights_to_bps
from tests.keeper.builders import make_metadata

META = make_metadata([("A", "L1", "conservative"), ("B", "L1", "conservative"), ("C", "stablecoin", "conservative"),
                      ("D", "DeFi", "balanced"), ("E", "L2", "aggressive")])


def test_bps__sum_to_exactly_10000_with_largest_remainders():
    out = weights_to_bps({"A": 0.12344, "B": 0.45678, "C": 0.41978})
    assert dict(out.bps) == {"A": 1234, "B": 4568, "C": 4198}
    assert sum(out.bps.values()) == 10_000 and out.moves == ()


def test_bps__ties_are_broken_by_symbol():
    out = weights_to_bps({"C": 1 / 3, "A": 1 / 3, "B": 1 / 3})
    assert dict(out.bps) == {"A": 3334, "B": 3333, "C": 3333}
    assert list(out.bps) == ["A", "B", "C"]


def test_bps__zero_weight_stays_zero():
    out = weights_to_bps({"A": 0.5, "B": 0.0, "C": 0.5})
    assert out.bps["B"] == 0


def test_bps__token_cap_broken_by_rounding_is_repaired_deterministically():
    cap = ConstraintConfig(max_token_weight=0.12345)  # 1234.5 bps -> cap 1234 bps
    weights = {"A": 0.12345, "B": 0.12345, **{k: 0.1075 for k in "CDEFGHI"}, "J": 0.0006}
    plain = weights_to_bps(weights)
    assert plain.bps["A"] == 1235  # the one missing unit goes to the largest remainder (A/B tie -> A)
    out = weights_to_bps(weights, constraints=cap)
    assert max(out.bps.values()) <= 1234 and sum(out.bps.values()) == 10_000
    assert [(m.giver, m.taker, m.constraint) for m in out.moves] == [("A", "C", "token:A")]
    assert (out.bps["A"], out.bps["C"]) == (1234, 1076)
    assert dict(weights_to_bps(weights, constraints=cap).bps) == dict(out.bps)


def test_bps__cap_of_3000_holds_after_rounding():
    cfg = ConstraintConfig(max_token_weight=0.3)
    w = {"A": 0.3, "B": 0.3, "C": 0.3, "D": 0.05, "E": 0.05}
    out = weights_to_bps(w, metadata=META, constraints=cfg)
    assert out.bps["A"] == out.bps["B"] == out.bps["C"] == 3000


def test_bps__tier_floor_rounded_below_is_lifted_back():
    cfg = ConstraintConfig.from_dict({"tiers": {"conservative": {"floor": 0.4}}})
    w = {"A": 0.4 / 3, "B": 0.4 / 3, "C": 0.4 / 3, "D": 0.35555, "E": 0.24445}
    plain = weights_to_bps(w)
    assert plain.bps["A"] + plain.bps["B"] + plain.bps["C"] == 3999  # largest remainder alone breaks the floor
    out = weights_to_bps(w, metadata=META, constraints=cfg)
    assert out.bps["A"] + out.bps["B"] + out.bps["C"] == 4000
    assert [(m.giver, m.taker, m.constraint) for m in out.moves] == [("D", "A", "tier:conservative")]


def test_bps__impossible_rounding_raises_naming_the_constraint():
    cfg = ConstraintConfig(max_token_weight=0.33335)  # 3333 bps each cannot make 10000
    with pytest.raises(BpsRoundingError, match="token:A"):
        weights_to_bps({"A": 1 / 3, "B": 1 / 3, "C": 1 / 3}, constraints=cfg)


def test_bps__weights_not_summing_to_one_are_rejected():
    with pytest.raises(BpsRoundingError, match="sum"):
        weights_to_bps({"A": 0.5, "B": 0.4})


@settings(max_examples=100, deadline=None)
@given(raw=st.lists(st.floats(0.001, 1.0), min_size=1, max_size=40), cap_bps=st.integers(300, 10_000))
def test_bps__random_capped_weights_sum_to_10000_and_respect_the_cap(raw, cap_bps):
    cfg = ConstraintConfig(max_token_weight=cap_bps / 10_000)
    if cfg.max_token_weight * len(raw) < 1:
        return
    tokens = [f"T{i:02d}" for i in range(len(raw))]
    capped = apply_constraints(tokens, np.array(raw), ["DeFi"] * len(raw), ["balanced"] * len(raw), cfg)
    weights = dict(zip(tokens, capped.weights.tolist()))
    out = weights_to_bps(weights, constraints=cfg)
    assert sum(out.bps.values()) == 10_000
    assert max(out.bps.values()) <= cap_bps
    assert all(abs(out.bps[t] - weights[t] * 10_000) < 2 for t in weights)
    assert dict(weights_to_bps(weights, constraints=cfg).bps) == dict(out.bps)
