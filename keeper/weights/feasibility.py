"""Exact feasibility test of the shared constraints, with an explanation when it fails.

The constraints (sum = 1, 0 <= w_i <= u on the support, sector sums <= U_s, tier sums in
[L_t, U_t]) are a flow problem: source -> tier t (flow in [L_t, U_t]) -> sector s
(capacity c_ts = u * #support tokens in t and s) -> sink (capacity U_s), total flow 1.
By Hoffman's circulation theorem it is feasible iff, for every set A of tiers,

  (floors)  sum_{t in A} L_t  <=  cap(A)
  (total)   1                 <=  sum_{t not in A} U_t + cap(A)

with cap(A) = sum_s min(U_s, sum_{t in A} c_ts), the most the tiers in A can hold.
With three tiers that is 15 inequalities, checked exactly; each violated one becomes a
:class:`~keeper.exceptions.Conflict` naming the constraints involved and the numbers
(only subset-minimal violations are reported, to keep the message short).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from keeper.exceptions import Conflict

_TOL = 1e-12


@dataclass(frozen=True)
class Bounds:
    """Constraint values for a feasibility check or a projection.

    @param token_cap   cap per token (same for all)
    @param sector_cap  (S,) cap per sector, indexed like ``sectors``
    @param tier_lo, tier_hi (3,) bounds per tier, indexed like ``tiers``
    @param tier_label  how tier bounds are named in conflicts: ``"tier"`` gives
                       ``tier_floor:x``/``tier_cap:x``; ``"tier_target"`` gives ``tier_target:x``
    """

    token_cap: float
    sectors: tuple[str, ...]
    sector_cap: np.ndarray
    tiers: tuple[str, ...]
    tier_lo: np.ndarray
    tier_hi: np.ndarray
    tier_label: str = "tier"


def _pct(x: float) -> str:
    return f"{100 * x:.4g}%"


def check_feasibility(support: np.ndarray, sector_idx: np.ndarray, tier_idx: np.ndarray,
                      bounds: Bounds) -> list[Conflict]:
    """Conflicts preventing any weights on ``support`` from meeting ``bounds`` ([] if feasible).

    @param support    (N,) bool, tokens allowed a positive weight
    @param sector_idx (N,) index into bounds.sectors; @param tier_idx (N,) into bounds.tiers
    """
    n_s, n_t = len(bounds.sectors), len(bounds.tiers)
    cells = _wrapped(np.asarray(tier_idx)[support], n_t) * n_s + _wrapped(np.asarray(sector_idx)[support], n_s)
    counts = np.bincount(cells, minlength=n_t * n_s).reshape(n_t, n_s).astype(np.float64)
    # The answer depends only on the token counts per (tier, sector) cell and the bounds,
    # which rarely change between the rebalance dates of a backtest: remember recent ones.
    key = (counts.tobytes(), n_t, n_s, bounds_key(bounds))
    hit = _MEMO.get(key)
    if hit is None:
        hit = tuple(_conflicts(counts, bounds))
        if len(_MEMO) >= _MEMO_MAX:
            _MEMO.pop(next(iter(_MEMO), None), None)
        _MEMO[key] = hit
    return list(hit)


_MEMO: dict[tuple, tuple[Conflict, ...]] = {}
_MEMO_MAX = 256


def _wrapped(idx: np.ndarray, n: int) -> np.ndarray:
    """Indices into n items as numpy indexing reads them (negative from the end)."""
    idx = idx.astype(np.intp, copy=False)
    if idx.size and (idx.min() < -n or idx.max() >= n):
        raise IndexError(f"index out of range for {n} item(s)")
    return np.where(idx < 0, idx + n, idx)


def bounds_key(bounds: Bounds) -> tuple:
    """Hashable key of the values of ``bounds`` (distinguishes -0.0 from 0.0)."""
    arrays = (np.asarray(bounds.sector_cap), np.asarray(bounds.tier_lo), np.asarray(bounds.tier_hi))
    return (float(bounds.token_cap).hex(), tuple(bounds.sectors), tuple(bounds.tiers), bounds.tier_label,
            *((a.dtype.str, a.shape, a.tobytes()) for a in arrays))


def _conflicts(counts: np.ndarray, bounds: Bounds) -> list[Conflict]:
    n_t = len(bounds.tiers)
    cap_cells = counts * min(bounds.token_cap, 1.0)
    violated: list[tuple[str, frozenset[int], Conflict]] = []
    tier_sets = [frozenset(c) for r in range(n_t + 1) for c in combinations(range(n_t), r)]
    for tiers_in in tier_sets:
        cap_a, names, parts = _capacity(tiers_in, counts, cap_cells, bounds, explain=False)
        need = float(bounds.tier_lo[list(tiers_in)].sum()) if tiers_in else 0.0
        outside = [t for t in range(n_t) if t not in tiers_in]
        avail = float(bounds.tier_hi[outside].sum()) + cap_a
        if (tiers_in and need > cap_a + _TOL) or 1.0 > avail + _TOL:  # violated: explain it
            cap_a, names, parts = _capacity(tiers_in, counts, cap_cells, bounds)
        if tiers_in:
            if need > cap_a + _TOL:
                floor_names = [_tier_name(bounds, t, "floor") for t in sorted(tiers_in)
                               if bounds.tier_lo[t] > 0]
                tiers_txt = ", ".join(f"{bounds.tiers[t]} >= {_pct(bounds.tier_lo[t])}" for t in sorted(tiers_in))
                violated.append(("floors", tiers_in, Conflict(
                    tuple(floor_names + names), need, cap_a,
                    f"{'/'.join(floor_names)}: tiers [{tiers_txt}] need {_pct(need)} but their tokens can "
                    f"hold at most {_pct(cap_a)} ({'; '.join(parts) or 'no token left with positive weight'})")))
        if 1.0 > avail + _TOL:
            cap_names = [_tier_name(bounds, t, "cap") for t in outside]
            out_txt = ", ".join(f"{bounds.tiers[t]} <= {_pct(bounds.tier_hi[t])}" for t in outside)
            in_txt = f"; tiers {[bounds.tiers[t] for t in sorted(tiers_in)]} limited to {_pct(cap_a)} " \
                     f"({'; '.join(parts) or 'no token left with positive weight'})" if tiers_in else ""
            violated.append(("total", tiers_in, Conflict(
                tuple(cap_names + names), 1.0, avail,
                f"weights cannot reach 100%: at most {_pct(avail)} is allowed"
                + (f" by tier caps [{out_txt}]" if outside else "") + in_txt)))
    return _minimal(violated)


def _tier_name(bounds: Bounds, t: int, side: str) -> str:
    if bounds.tier_label == "tier_target":
        return f"tier_target:{bounds.tiers[t]}"
    return f"tier_{side}:{bounds.tiers[t]}"


def _capacity(tiers_in: frozenset[int], counts: np.ndarray, cap_cells: np.ndarray,
              bounds: Bounds, explain: bool = True) -> tuple[float, list[str], list[str]]:
    """cap(A), the constraint names that limit it, and a per-sector explanation
    (the two lists stay empty without ``explain``; cap(A) is the same either way)."""
    if not tiers_in:
        return 0.0, [], []
    rows = sorted(tiers_in)
    by_tokens = cap_cells[rows].sum(axis=0)
    n_tok = counts[rows].sum(axis=0)
    total = 0.0
    names: list[str] = []
    parts: list[str] = []
    for s in np.flatnonzero(n_tok > 0):
        sector = bounds.sectors[s]
        if bounds.sector_cap[s] < by_tokens[s]:
            total += float(bounds.sector_cap[s])
            if not explain:
                continue
            names.append(f"max_sector_weight:{sector}")
            parts.append(f"{sector}: sector cap {_pct(bounds.sector_cap[s])}")
        else:
            total += float(by_tokens[s])
            if not explain:
                continue
            if "max_token_weight" not in names:
                names.append("max_token_weight")
            parts.append(f"{sector}: {int(n_tok[s])} token(s) x cap {_pct(bounds.token_cap)}")
    return total, names, parts


def _minimal(violated: Sequence[tuple[str, frozenset[int], Conflict]]) -> list[Conflict]:
    out = []
    for kind, tiers_in, conflict in violated:
        if any(k == kind and other < tiers_in for k, other, _ in violated):
            continue  # a smaller set of tiers already explains it
        out.append(conflict)
    return out
