"""The shared constraint projection: hand cases, conflicts, and properties on random inputs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keeper.exceptions import ConstraintConflictError
from keeper.market.schema import RISK_TIERS, SECTORS
from keeper.weights import ConstraintConfig, apply_constraints, bounds_from_config, violations

TOKS = ["A", "B", "C", "D"]


def cfg(**kw) -> ConstraintConfig:
    return ConstraintConfig.from_dict(kw)


def run(raw, sectors, tiers, config, tokens=None):
    tokens = tokens or [chr(65 + i) for i in range(len(raw))]
    return apply_constraints(tokens, np.array(raw, dtype=float), sectors, tiers, config)


def test_token_cap__excess_is_redistributed_in_proportion_to_raw_weights():
    out = run([0.5, 0.3, 0.1, 0.1], ["DeFi"] * 4, ["balanced"] * 4, cfg(max_token_weight=0.4))
    # 0.1 excess spread over 0.5 of uncapped raw weight: factor 1.2
    np.testing.assert_allclose(out.weights, [0.4, 0.36, 0.12, 0.12], atol=1e-12)


def test_token_cap__second_round_caps_a_token_pushed_over_by_redistribution():
    out = run([0.6, 0.3, 0.05, 0.05], ["DeFi"] * 4, ["balanced"] * 4, cfg(max_token_weight=0.35))
    np.testing.assert_allclose(out.weights, [0.35, 0.35, 0.15, 0.15], atol=1e-12)


def test_sector_cap__scales_the_sector_down_and_others_up_proportionally():
    out = run([0.4, 0.4, 0.1, 0.1], ["L1", "L1", "DeFi", "L2"], ["balanced"] * 4,
              cfg(max_sector_weight=0.5))
    np.testing.assert_allclose(out.weights, [0.25, 0.25, 0.25, 0.25], atol=1e-12)
    note = " ".join(out.steps[-1].notes)
    assert "sector L1 capped at 0.5" in note


def test_tier_floor__raises_the_tier_to_its_floor_proportionally():
    out = run([0.1, 0.1, 0.4, 0.4], ["L1", "stablecoin", "DeFi", "L2"],
              ["conservative", "conservative", "balanced", "aggressive"],
              cfg(tiers={"conservative": {"floor": 0.4}}))
    np.testing.assert_allclose(out.weights, [0.2, 0.2, 0.3, 0.3], atol=1e-12)


def test_tier_targets__are_met_exactly_when_feasible():
    out = run([0.25, 0.25, 0.25, 0.25], ["L1", "DeFi", "L2", "DePIN-storage"],
              ["conservative", "balanced", "balanced", "aggressive"],
              cfg(tiers={"conservative": {"target": 0.5}, "balanced": {"target": 0.3},
                         "aggressive": {"target": 0.2}}))
    np.testing.assert_allclose(out.weights, [0.5, 0.15, 0.15, 0.2], atol=1e-12)
    assert [s.name for s in out.steps] == ["tier_targets", "constraints"]
    assert "pinned to their targets" in out.steps[-1].notes[0]


def test_tier_targets__are_relaxed_to_floor_and_cap_with_a_reason_when_infeasible():
    # conservative target 0.5 needs 0.5 but one conservative token capped at 0.4 can hold 0.4
    out = run([0.25, 0.25, 0.25, 0.25], ["L1", "DeFi", "L2", "DePIN-storage"],
              ["conservative", "balanced", "balanced", "aggressive"],
              cfg(max_token_weight=0.4, tiers={"conservative": {"target": 0.5, "floor": 0.3},
                                              "balanced": {"target": 0.3}, "aggressive": {"target": 0.2}}))
    assert "tier targets relaxed" in out.steps[-1].notes[0]
    assert "tier_target:conservative" in out.steps[-1].notes[0]
    w = out.weights
    assert w.sum() == pytest.approx(1.0)
    assert w[0] == pytest.approx(0.4) and w[0] >= 0.3


def test_conflict__tier_floor_beyond_token_caps_names_constraints_and_numbers():
    with pytest.raises(ConstraintConflictError) as err:
        run([0.25] * 4, ["L1", "DeFi", "L2", "DePIN-storage"], ["conservative", "balanced", "balanced", "aggressive"],
            cfg(max_token_weight=0.3, tiers={"conservative": {"floor": 0.4}}))
    conflict = err.value.conflicts[0]
    assert conflict.constraints == ("tier_floor:conservative", "max_token_weight")
    assert conflict.required == pytest.approx(0.4) and conflict.available == pytest.approx(0.3)
    assert "40%" in str(err.value) and "30%" in str(err.value)


def test_conflict__sector_caps_that_cannot_reach_full_investment_are_named():
    with pytest.raises(ConstraintConflictError) as err:
        run([0.5, 0.5], ["L1", "DeFi"], ["balanced", "balanced"],
            cfg(max_sector_weight=0.3, sector_caps={"DeFi": 0.6}))
    c = err.value.conflicts[0]
    assert "max_sector_weight:L1" in c.constraints and "max_sector_weight:DeFi" in c.constraints
    assert c.available == pytest.approx(0.9)


def test_conflict__tier_caps_below_one_are_reported():
    with pytest.raises(ConstraintConflictError) as err:
        run([0.5, 0.5], ["L1", "DeFi"], ["balanced", "aggressive"],
            cfg(tiers={"balanced": {"cap": 0.4}, "aggressive": {"cap": 0.4}, "conservative": {"cap": 0.1}}))
    assert any("tier_cap:balanced" in c.constraints for c in err.value.conflicts)


def test_max_tokens__keeps_largest_raw_weights_with_symbol_tie_break():
    out = run([0.3, 0.2, 0.2, 0.3], ["DeFi"] * 4, ["balanced"] * 4, cfg(max_tokens=3))
    assert out.weights[2] == 0.0  # B and C tie; B wins by symbol
    assert out.weights.sum() == pytest.approx(1.0)
    assert [(e.token, e.reason, e.value) for e in out.exclusions] == [("C", "max_tokens", 4)]


def test_min_weight__excludes_tokens_below_the_floor_and_renormalises():
    out = run([0.6, 0.35, 0.04, 0.01], ["DeFi"] * 4, ["balanced"] * 4, cfg(min_weight=0.05))
    np.testing.assert_allclose(out.weights, [0.6 / 0.95, 0.35 / 0.95, 0.0, 0.0], atol=1e-12)
    assert {e.token for e in out.exclusions} == {"C", "D"}
    assert all(e.reason == "below_min_weight" and e.threshold == 0.05 for e in out.exclusions)


def test_min_weight__conflict_after_exclusions_mentions_min_weight():
    # D, the only aggressive token, is lifted to the 2% floor, which is below min_weight 5%:
    # excluding it leaves the aggressive floor unreachable
    with pytest.raises(ConstraintConflictError) as err:
        run([0.6, 0.35, 0.04, 0.01], ["DeFi"] * 4, ["balanced"] * 3 + ["aggressive"],
            cfg(min_weight=0.05, tiers={"aggressive": {"floor": 0.02}}))
    c = err.value.conflicts[0]
    assert c.constraints[0] == "tier_floor:aggressive" and "min_weight" in c.constraints
    assert "min_weight=0.05 excluded ['C', 'D']" in str(err.value)


def test_projection__is_deterministic():
    args = ([0.3, 0.3, 0.2, 0.2], ["L1", "L1", "DeFi", "L2"], ["conservative", "balanced", "balanced", "aggressive"],
            cfg(max_token_weight=0.28, max_sector_weight=0.45, tiers={"aggressive": {"floor": 0.25}}))
    a, b = run(*args), run(*args)
    assert a.weights.tobytes() == b.weights.tobytes()


@st.composite
def problems(draw):
    n = draw(st.integers(1, 25))
    raw = np.array(draw(st.lists(st.floats(0.001, 1.0), min_size=n, max_size=n)))
    sectors = draw(st.lists(st.sampled_from(SECTORS[:5]), min_size=n, max_size=n))
    tiers = draw(st.lists(st.sampled_from(RISK_TIERS), min_size=n, max_size=n))
    floors = {t: draw(st.sampled_from([0.0, 0.1, 0.2, 0.3])) for t in RISK_TIERS}
    config = {
        "max_token_weight": draw(st.floats(0.05, 1.0)),
        "max_sector_weight": draw(st.floats(0.1, 1.0)),
        "min_weight": draw(st.sampled_from([0.0, 0.0, 0.01, 0.03])),
        "max_tokens": draw(st.sampled_from([None, None, 3, 10])),
        "tiers": {t: {"floor": floors[t], "cap": draw(st.floats(max(floors[t], 0.2), 1.0))} for t in RISK_TIERS},
    }
    if draw(st.booleans()):
        config["tiers"]["conservative"]["target"] = None
    return raw, sectors, tiers, config


@settings(max_examples=100, deadline=None)
@given(problems())
def test_constraints__hold_on_random_inputs_or_a_conflict_is_raised(problem):
    raw, sectors, tiers, config = problem
    c = cfg(**config)
    try:
        out = run(raw, sectors, tiers, c)
    except ConstraintConflictError as err:
        assert err.conflicts and all(x.constraints for x in err.conflicts)
        return
    s_idx = np.array([SECTORS.index(s) for s in sectors])
    t_idx = np.array([sorted(RISK_TIERS).index(t) for t in tiers])
    assert violations(out.weights, s_idx, t_idx, bounds_from_config(c), c.min_weight) == []
    held = out.weights > 0
    if c.max_tokens is not None:
        assert held.sum() <= c.max_tokens
    # proportionality: uncapped tokens sharing sector and tier keep their raw ratios
    for s in set(sectors):
        for t in set(tiers):
            cell = np.flatnonzero((np.array(sectors) == s) & (np.array(tiers) == t) & held &
                                  (out.weights < c.max_token_weight - 1e-9))
            if cell.size > 1:
                ratio = out.weights[cell] / raw[cell]
                np.testing.assert_allclose(ratio, ratio[0], rtol=1e-7)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(2, 20), seed=st.integers(0, 10_000), cap=st.floats(0.06, 0.6))
def test_constraints__feasible_targets_are_met_on_random_inputs(n, seed, cap):
    rng = np.random.default_rng(seed)
    raw = rng.uniform(0.01, 1.0, n)
    sectors = [SECTORS[i % 4] for i in range(n)]
    tiers = [sorted(RISK_TIERS)[i % 3] for i in range(n)]
    c = cfg(max_token_weight=cap, tiers={"aggressive": {"target": 0.2}, "balanced": {"target": 0.3},
                                         "conservative": {"target": 0.5}})
    try:
        out = run(raw, sectors, tiers, c)
    except ConstraintConflictError:
        return
    t_idx = np.array([sorted(RISK_TIERS).index(t) for t in tiers])
    if "pinned" in out.steps[-1].notes[0]:
        for t, target in enumerate([0.2, 0.3, 0.5]):
            assert out.weights[t_idx == t].sum() == pytest.approx(target, abs=1e-9)


def test_projection__converges_when_sector_caps_leave_a_single_feasible_split():
    # both sectors must sit exactly at their 50% caps; the tiny DeFi token absorbs the rest
    raw = [1.0, 1.0, 0.00390625, 1.0, 1.0, 1.0, 1.0]
    out = run(raw, ["DeFi"] * 3 + ["DePIN-compute"] * 4, ["conservative"] * 7,
              cfg(max_token_weight=0.1875, max_sector_weight=0.5))
    np.testing.assert_allclose(out.weights, [0.1875, 0.1875, 0.125] + [0.125] * 4, atol=1e-12)


def _flow_feasible(support, s_idx, t_idx, bounds) -> bool:
    """Independent check by max-flow with lower bounds (source -> tier -> sector -> sink)."""
    n_t, n_s = len(bounds.tiers), len(bounds.sectors)
    src, sink = 0, 1 + n_t + n_s
    size = sink + 3
    s_star, t_star = size - 2, size - 1
    capm = np.zeros((size, size))
    excess = np.zeros(size)

    def edge(u, v, lo, hi):
        capm[u, v] += hi - lo
        excess[v] += lo
        excess[u] -= lo

    for t in range(n_t):
        edge(src, 1 + t, bounds.tier_lo[t], bounds.tier_hi[t])
    for i in np.flatnonzero(support):
        edge(1 + t_idx[i], 1 + n_t + s_idx[i], 0.0, min(1.0, bounds.token_cap))
    for s in range(n_s):
        edge(1 + n_t + s, sink, 0.0, bounds.sector_cap[s])
    edge(sink, src, 1.0, 1.0)
    for v in range(size - 2):
        if excess[v] > 0:
            capm[s_star, v] += excess[v]
        elif excess[v] < 0:
            capm[v, t_star] += -excess[v]
    need = excess[excess > 0].sum()
    flow = 0.0
    while True:  # Edmonds-Karp
        parent = {s_star: None}
        queue = [s_star]
        while queue and t_star not in parent:
            u = queue.pop(0)
            for v in range(size):
                if capm[u, v] > 1e-15 and v not in parent:
                    parent[v] = u
                    queue.append(v)
        if t_star not in parent:
            break
        path, v = [], t_star
        while parent[v] is not None:
            path.append((parent[v], v))
            v = parent[v]
        push = min(capm[u, v] for u, v in path)
        for u, v in path:
            capm[u, v] -= push
            capm[v, u] += push
        flow += push
    return flow >= need - 1e-9


@settings(max_examples=100, deadline=None)
@given(problems())
def test_feasibility_check__agrees_with_an_independent_max_flow(problem):
    from keeper.weights import check_feasibility

    raw, sectors, tiers, config = problem
    c = cfg(**config)
    bounds = bounds_from_config(c)
    s_idx = np.array([SECTORS.index(s) for s in sectors])
    t_idx = np.array([sorted(RISK_TIERS).index(t) for t in tiers])
    support = raw > 0
    assert (check_feasibility(support, s_idx, t_idx, bounds) == []) == _flow_feasible(support, s_idx, t_idx, bounds)
