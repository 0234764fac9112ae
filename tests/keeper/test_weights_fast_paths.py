"""The fast paths of the weight pipeline give the very bytes of the straightforward ones.

Repeated calls on one PreparedMarket reuse derived constants (serialised config and metadata,
sector/tier indices, bounds, projection groups, feasibility answers) and build the report
lazily; the projection updates disjoint groups together. None of that may change a number.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from hypothesis import given, settings

from keeper.market import RepairPolicy, prepare_market
from keeper.market.schema import RISK_TIERS, SECTORS
from keeper.weights import (
    ConstraintConfig,
    InputsHasher,
    MethodologyConfig,
    apply_constraints,
    bounds_from_config,
    canonical_json,
    check_feasibility,
    compute_target_weights,
    compute_weight_vector,
    inputs_hash,
    project,
)
from keeper.weights import feasibility
from keeper.weights._clip import clipped_sum, clipped_sum_shift
from keeper.weights.hashing import inputs_document
from keeper.weights.report import Deferred, ReportStep, weight_changes
from tests.keeper.test_weights_constraints import problems
from tests.keeper.test_weights_pinned import AS_OF, CONFIGS, pinned_market, pinned_metadata

_TIERS = sorted(RISK_TIERS)


@pytest.fixture(scope="module")
def pinned():
    metadata = pinned_metadata()
    frame = pinned_market()
    return frame, metadata, prepare_market(frame, metadata, RepairPolicy(max_ffill_days=2))


# --- the backtester's entry point ---------------------------------------------------------

@pytest.mark.parametrize("name", list(CONFIGS))
def test_weight_vector__is_compute_target_weights_as_a_dense_vector(pinned, name):
    _, metadata, prepared = pinned
    config = MethodologyConfig.from_dict(CONFIGS[name])
    for as_of in AS_OF:
        full = compute_target_weights(prepared, metadata, config, as_of=as_of)
        vec = compute_weight_vector(prepared, metadata, config, as_of=as_of)
        assert (vec.inputs_hash, vec.as_of, vec.tokens) == (full.inputs_hash, full.as_of, prepared.tokens)
        expected = np.array([full.weights.get(t, 0.0) for t in prepared.tokens])
        assert vec.weights.tobytes() == expected.tobytes()
        assert vec.result().to_json() == full.to_json() and vec.result() is vec.result()


def test_weight_vector__needs_a_prepared_market(pinned):
    frame, metadata, _ = pinned
    with pytest.raises(TypeError, match="PreparedMarket"):
        compute_weight_vector(frame, metadata, MethodologyConfig("equal"))


# --- caches are per (market, metadata, config) and never leak -------------------------------

def test_repeated_and_interleaved_calls__equal_calls_on_a_fresh_market(pinned):
    frame, metadata, prepared = pinned
    configs = [MethodologyConfig.from_dict(CONFIGS[n]) for n in CONFIGS]
    first = [compute_target_weights(prepared, metadata, c, as_of=a).to_json() for c in configs for a in AS_OF]
    again = [compute_target_weights(prepared, metadata, c, as_of=a).to_json() for c in reversed(configs)
             for a in reversed(AS_OF)][::-1]  # the same calls in the opposite order
    fresh = [compute_target_weights(prepare_market(frame, metadata, RepairPolicy(max_ffill_days=2)), metadata, c,
                                    as_of=a).to_json() for c in configs for a in AS_OF]
    assert first == again == fresh


def test_equal_but_distinct_configs_and_metadata__give_identical_results(pinned):
    _, metadata, prepared = pinned
    spec = CONFIGS["sqrt_full_constraints"]
    a = compute_target_weights(prepared, metadata, MethodologyConfig.from_dict(spec))
    b = compute_target_weights(prepared, pinned_metadata(), MethodologyConfig.from_dict(spec))
    assert a.to_json() == b.to_json() and a.render_text() == b.render_text()


# --- hashing --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(CONFIGS))
def test_inputs_hasher__digests_the_canonical_json_of_the_whole_document(name):
    config, metadata = MethodologyConfig.from_dict(CONFIGS[name]), pinned_metadata()
    fixed = {"engine_version": "1.0.0", "methodology_id": config.methodology_id, "methodology_version": "1.0.0",
             "config": config, "metadata": metadata}
    hasher = InputsHasher(**fixed)
    for digest, as_of in (("00" * 32, "2024-01-01"), ("ab" * 32, "2025-12-31"), ("x\u00e9\"\\", "")):
        expected = hashlib.sha256(canonical_json(inputs_document(**fixed, market_digest=digest, as_of=as_of))
                                  .encode("ascii")).hexdigest()
        assert hasher(market_digest=digest, as_of=as_of) == expected
        assert inputs_hash(**fixed, market_digest=digest, as_of=as_of) == expected


# --- the lazy report ---------------------------------------------------------------------------

def test_report__is_the_same_whenever_it_is_read_and_the_result_is_immutable(pinned):
    _, metadata, prepared = pinned
    config = MethodologyConfig.from_dict(CONFIGS["sqrt_full_constraints"])
    a = compute_target_weights(prepared, metadata, config, as_of=AS_OF[1])
    text_first = a.render_text()
    b = compute_target_weights(prepared, metadata, config, as_of=AS_OF[1])
    _ = (b.zero_weight, b.classification, b.steps[3].changes, b.exclusions)
    assert b.to_json() == a.to_json() and b.render_text() == text_first
    assert [s.name for s in a.steps] == [s.name for s in b.steps] and list(a.steps) == list(b.steps)
    with pytest.raises(AttributeError):
        a.inputs_hash = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        a.steps[0].name = "x"  # type: ignore[misc]


def test_report_step__deferred_changes_equal_eager_ones():
    tokens = ("A", "B", "C")
    before, after = np.array([0.2, 0.3, 0.5]), np.array([0.2 + 1e-13, 0.25, 0.55])
    lazy = ReportStep("s", "d", Deferred(weight_changes, tokens, before, after), ("n",), Deferred(dict, [("x", 1)]))
    eager = ReportStep("s", "d", weight_changes(tokens, before, after), ("n",), {"x": 1})
    assert lazy == eager and lazy.to_dict() == eager.to_dict() and [c.token for c in lazy.changes] == ["B", "C"]
    assert isinstance(lazy.changes, tuple) and repr(lazy) == repr(eager)


# --- constraints -------------------------------------------------------------------------------

def _reference_project(raw, bounds, s_idx, t_idx, max_sweeps=20_000):
    """The projection as first written: one group at a time (the fast version must match it bitwise)."""
    from keeper.weights.constraints import _kkt_ok, _newton_step

    support = np.flatnonzero(raw > 0)
    r = raw[support]
    cap = np.full(r.size, min(bounds.token_cap, 1.0))
    groups = [("sum", 0, np.arange(r.size), 1.0, 1.0)]
    ss, ts = s_idx[support], t_idx[support]
    for s in range(len(bounds.sectors)):
        m = np.flatnonzero(ss == s)
        if m.size and cap[m].sum() > bounds.sector_cap[s]:
            groups.append(("sector", s, m, 0.0, float(bounds.sector_cap[s])))
    for t in range(len(bounds.tiers)):
        m = np.flatnonzero(ts == t)
        if m.size and (bounds.tier_lo[t] > 0 or cap[m].sum() > bounds.tier_hi[t]):
            groups.append(("tier", t, m, float(bounds.tier_lo[t]), float(bounds.tier_hi[t])))
    theta, total = np.zeros(len(groups)), np.zeros(r.size)
    member = np.zeros((len(groups), r.size))
    for k, g in enumerate(groups):
        member[k, g[2]] = 1.0
    for _ in range(max_sweeps):
        for k, (_, _, m, lo, hi) in enumerate(groups):
            a = 1.0 - (total[m] - theta[k])
            s0 = clipped_sum(r[m], a, cap[m], 0.0)
            new = clipped_sum_shift(r[m], a, cap[m], hi) if s0 > hi else (
                clipped_sum_shift(r[m], a, cap[m], lo) if s0 < lo else 0.0)
            total[m] += new - theta[k]
            theta[k] = new
        w = np.minimum(np.maximum(r * (1.0 - total), 0.0), cap)
        if _kkt_ok(w, groups, theta):
            break
        theta, total, w = _newton_step(r, cap, groups, member, theta, total, w)
        if _kkt_ok(w, groups, theta):
            break
    out = np.zeros_like(raw, dtype=np.float64)
    out[support] = w
    return out, theta


@settings(max_examples=150, deadline=None)
@given(problems())
def test_projection__matches_the_group_by_group_reference_bit_for_bit(problem):
    raw, sectors, tiers, config = problem
    c = ConstraintConfig.from_dict(config)
    s_idx = np.array([SECTORS.index(s) for s in sectors])
    t_idx = np.array([_TIERS.index(t) for t in tiers])
    r = raw / raw.sum()
    for bounds in (bounds_from_config(c), bounds_from_config(ConstraintConfig.from_dict(
            {**config, "tiers": {"aggressive": {"target": 0.2}, "balanced": {"target": 0.3},
                                 "conservative": {"target": 0.5}}}), use_targets=True)):
        if check_feasibility(r > 0, s_idx, t_idx, bounds):
            continue
        w, mult = project(r, bounds, s_idx, t_idx)
        w_ref, theta_ref = _reference_project(r, bounds, s_idx, t_idx)
        assert w.tobytes() == w_ref.tobytes()
        got = np.concatenate([mult["sum"], mult["sector"], mult["tier"]])
        assert sorted(got[got != 0].tolist()) == sorted(theta_ref[theta_ref != 0].tolist())


@settings(max_examples=100, deadline=None)
@given(problems())
def test_feasibility__memoised_answers_equal_fresh_ones(problem):
    raw, sectors, tiers, config = problem
    bounds = bounds_from_config(ConstraintConfig.from_dict(config))
    s_idx = np.array([SECTORS.index(s) for s in sectors])
    t_idx = np.array([_TIERS.index(t) for t in tiers])
    first = check_feasibility(raw > 0, s_idx, t_idx, bounds)
    first.append("caller's own list")  # must not reach the memo
    feasibility._MEMO.clear()
    fresh = check_feasibility(raw > 0, s_idx, t_idx, bounds)
    assert check_feasibility(raw > 0, s_idx, t_idx, bounds) == fresh == first[:-1]


def test_max_tokens__ties_are_broken_by_symbol_whatever_the_input_order():
    tokens = ["E", "B", "D", "A", "C", "F"]
    raw = np.array([0.2, 0.1, 0.2, 0.1, 0.2, 0.2])
    out = apply_constraints(tokens, raw, ["DeFi"] * 6, ["balanced"] * 6, ConstraintConfig(max_tokens=3))
    order = sorted(range(6), key=lambda i: (-raw[i], tokens[i]))  # the documented rule
    assert [tokens[i] for i in np.flatnonzero(out.weights > 0)] == [tokens[i] for i in sorted(order[:3])]
    assert [(e.token, e.value) for e in out.exclusions] == [(tokens[i], k + 1) for k, i in enumerate(order)
                                                            if k >= 3]
    assert out.excluded.tolist() == [i in order[3:] for i in range(6)]
