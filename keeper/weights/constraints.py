"""The one shared constraint mechanism, applied to every methodology's raw weights.

Order of operations (each one reported as a step):

1. ``max_tokens``  -- keep the K largest raw weights (ties: symbol order); others excluded.
2. ``tier_targets`` -- if targets are configured, rescale raw weights within each tier so
   the tier totals equal the targets (relative weights inside a tier are kept).
3. ``constraints`` -- project onto {sum = 1, 0 <= w_i <= max_token_weight, sector sums <=
   sector cap, tier sums within [floor, cap]}. With targets, the tier sums are pinned to
   the targets when that is feasible; otherwise the report says why and [floor, cap] is
   used. Infeasible constraints raise :class:`~keeper.exceptions.ConstraintConflictError`
   naming them (see ``feasibility.py``).
4. ``min_weight``  -- tokens that end below ``min_weight`` are excluded and 3. is redone on
   the smaller support, until every held token is at or above the floor.

The projection is the exact minimiser of the chi-square distance sum_i (w_i - r_i)^2 / r_i
to the raw weights r. Its solution is w_i = clip(r_i * (1 - theta_sum - theta_sector(i)
- theta_tier(i)), 0, cap): tokens sharing a sector and a tier are scaled by the same
factor, i.e. excess weight is redistributed in proportion to raw weights, the classic
"iterative capping" rule made exact for several overlapping groups. Tokens with zero raw
weight stay at zero. The multipliers theta are found by exact dual coordinate ascent
(Hildreth's method; every one-dimensional step is solved exactly), in a fixed order, so
the result is deterministic. The final weights are verified against every constraint
with tolerance 1e-9 and an error is raised rather than returning a violation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from keeper.exceptions import ConstraintConflictError, MethodologyError, OptimisationError
from keeper.market.schema import RISK_TIERS, SECTORS
from keeper.weights._clip import clipped_sum_shift
from keeper.weights.config import ConstraintConfig
from keeper.weights.feasibility import Bounds, bounds_key, check_feasibility
from keeper.weights.report import Deferred, Exclusion, ReportStep, weight_changes

TOLERANCE = 1e-9
_MAX_SWEEPS = 20_000
_TIERS = tuple(sorted(RISK_TIERS))


@dataclass(frozen=True, eq=False)
class ConstraintOutcome:
    """Constrained weights, the report steps, and the tokens left out.

    @param excluded (N,) True for the tokens excluded by ``max_tokens`` or ``min_weight``;
                    ``exclusions`` holds their records (built on first access)
    """

    weights: np.ndarray
    steps: tuple[ReportStep, ...]
    excluded: np.ndarray
    exclusion_parts: tuple[Deferred, ...] = field(default=(), repr=False)

    @cached_property
    def exclusions(self) -> tuple[Exclusion, ...]:
        return tuple(e for part in self.exclusion_parts for e in part())


@dataclass(frozen=True, eq=False)
class ConstraintPlan:
    """The numeric bounds of one :class:`ConstraintConfig` (computed once, reused per call)."""

    config: ConstraintConfig
    bounds: Bounds
    target_bounds: Bounds | None

    @classmethod
    def of(cls, cfg: ConstraintConfig) -> ConstraintPlan:
        return cls(cfg, bounds_from_config(cfg), bounds_from_config(cfg, use_targets=True)
                   if cfg.has_tier_targets else None)


def bounds_from_config(cfg: ConstraintConfig, use_targets: bool = False) -> Bounds:
    """Numeric bounds of ``cfg``; with ``use_targets`` the tier bounds are the targets."""
    budgets = [cfg.tier(t) for t in _TIERS]
    if use_targets:
        lo = hi = np.array([b.target for b in budgets], dtype=float)
    else:
        lo = np.array([b.floor for b in budgets])
        hi = np.array([b.cap for b in budgets])
    return Bounds(cfg.max_token_weight, SECTORS, np.array([cfg.sector_cap(s) for s in SECTORS]),
                  _TIERS, lo, hi, "tier_target" if use_targets else "tier")


def _normalised(raw: np.ndarray) -> np.ndarray:
    r = np.asarray(raw, dtype=np.float64)
    if not (np.all(np.isfinite(r)) and np.all(r >= 0) and r.sum() > 0):
        raise MethodologyError("raw weights must be finite, >= 0 and not all zero")
    return r / float(r.sum())


def apply_constraints(tokens: Sequence[str], raw: np.ndarray, sectors: Sequence[str], tiers: Sequence[str],
                      cfg: ConstraintConfig) -> ConstraintOutcome:
    """Run steps 1-4 of the module docstring on raw weights (> = 0, any positive sum).

    @param sectors, tiers per-token sector and risk tier
    @raises ConstraintConflictError when the constraints cannot hold on the tokens left
    """
    r = _normalised(raw)
    s_idx = np.array([SECTORS.index(s) for s in sectors], dtype=np.intp)
    t_idx = np.array([_TIERS.index(t) for t in tiers], dtype=np.intp)
    return _apply(tuple(tokens), r, s_idx, t_idx, ConstraintPlan.of(cfg))


def apply_constraints_indexed(tokens: Sequence[str], raw: np.ndarray, s_idx: np.ndarray, t_idx: np.ndarray,
                              plan: ConstraintPlan) -> ConstraintOutcome:
    """:func:`apply_constraints` with sectors and tiers as indices into ``SECTORS`` and the
    sorted ``RISK_TIERS``, and the bounds of a prepared :class:`ConstraintPlan`."""
    return _apply(tuple(tokens), _normalised(raw), np.asarray(s_idx, dtype=np.intp),
                  np.asarray(t_idx, dtype=np.intp), plan)


def _apply(tokens: tuple[str, ...], r: np.ndarray, s_idx: np.ndarray, t_idx: np.ndarray,
           plan: ConstraintPlan) -> ConstraintOutcome:
    cfg = plan.config
    steps: list[ReportStep] = []
    parts: list[Deferred] = []
    context: list[str] = []
    excluded = np.zeros(len(tokens), dtype=bool)

    if cfg.max_tokens is not None and int(np.sum(r > 0)) > cfg.max_tokens:
        k = cfg.max_tokens
        order = np.lexsort((_symbol_rank(tokens), -r))  # largest raw weight first, ties by symbol
        keep = np.zeros(len(tokens), bool)
        keep[order[:k]] = True
        dropped = ~keep & (r > 0)
        rest = order[k:]
        ranked = np.flatnonzero(r[rest] > 0)  # the dropped tokens, in rank order
        parts.append(Deferred(_max_tokens_exclusions, tokens, r, rest[ranked], ranked + k + 1, k))
        new = np.where(keep, r, 0.0)
        new /= new.sum()
        steps.append(ReportStep("max_tokens", f"keep the {k} largest raw weights",
                                Deferred(weight_changes, tokens, r, new),
                                (f"excluded {int(dropped.sum())} token(s)",)))
        context.append(f"max_tokens={k} kept {k} of {int(np.sum(r > 0))} tokens")
        excluded |= dropped
        r = new

    if cfg.has_tier_targets:
        new, notes = _scale_to_targets(r, t_idx, cfg)
        steps.append(ReportStep("tier_targets", "rescale raw weights within each risk tier to the tier targets",
                                Deferred(weight_changes, tokens, r, new), notes))
        r = new

    while True:
        support = r > 0
        notes: list[str] = []
        bounds = None
        if plan.target_bounds is not None:
            conflicts = check_feasibility(support, s_idx, t_idx, plan.target_bounds)
            if conflicts:
                notes.append("tier targets relaxed to [floor, cap]: " + " | ".join(c.message for c in conflicts))
            else:
                bounds = plan.target_bounds
                notes.append("tier totals pinned to their targets")
        if bounds is None:
            bounds = plan.bounds
            conflicts = check_feasibility(support, s_idx, t_idx, bounds)
            if conflicts:
                extra = tuple(n for n, flag in (("max_tokens", any("max_tokens" in c for c in context)),
                                                ("min_weight", any("min_weight" in c for c in context))) if flag)
                raise ConstraintConflictError([replace(c, constraints=c.constraints + extra) for c in conflicts],
                                              context="; ".join(context))
        w, theta = project(r, bounds, s_idx, t_idx)
        below = (w > 0) & (w < cfg.min_weight - TOLERANCE)
        if not below.any():
            break
        idx = np.flatnonzero(below)
        dropped_names = [tokens[i] for i in idx]
        parts.append(Deferred(_min_weight_exclusions, tokens, w, idx, cfg.min_weight))
        context.append(f"min_weight={cfg.min_weight:g} excluded {dropped_names}")
        new = np.where(below, 0.0, r)
        if new.sum() > 0:  # with nothing left the feasibility check above reports the conflict
            new /= new.sum()
        steps.append(ReportStep("min_weight", f"exclude tokens that would end below {cfg.min_weight:g}",
                                Deferred(weight_changes, tokens, r, new), (f"excluded {dropped_names}",)))
        excluded |= below
        r = new

    problems = violations(w, s_idx, t_idx, bounds, cfg.min_weight)
    if problems:
        raise OptimisationError("constraint projection ended outside the constraints: " + "; ".join(problems))
    notes.extend(_binding_notes(w, r, s_idx, t_idx, bounds, theta))
    steps.append(ReportStep(
        "constraints", "closest weights (chi-square distance to raw) meeting token, sector and tier limits",
        Deferred(weight_changes, tokens, r, w), tuple(notes),
        {"sector_multipliers": {bounds.sectors[s]: theta["sector"][s] for s in range(len(bounds.sectors))
                                if theta["sector"][s] != 0},
         "tier_multipliers": {bounds.tiers[t]: theta["tier"][t] for t in range(len(bounds.tiers))
                              if theta["tier"][t] != 0}}))
    return ConstraintOutcome(w, tuple(steps), excluded, tuple(parts))


def _symbol_rank(tokens: tuple[str, ...]) -> np.ndarray:
    """Position of each token in symbol order."""
    order = sorted(range(len(tokens)), key=tokens.__getitem__)
    rank = np.empty(len(tokens), dtype=np.intp)
    rank[order] = np.arange(len(tokens))
    return rank


def _max_tokens_exclusions(tokens: tuple[str, ...], r: np.ndarray, dropped: np.ndarray, ranks: np.ndarray,
                           max_tokens: int) -> list[Exclusion]:
    return [Exclusion(tokens[i], "max_tokens", "raw_weight_rank", rank, max_tokens, f"raw weight {x:.6g}")
            for i, rank, x in zip(dropped.tolist(), ranks.tolist(), r[dropped].tolist())]


def _min_weight_exclusions(tokens: tuple[str, ...], w: np.ndarray, below: np.ndarray,
                           min_weight: float) -> list[Exclusion]:
    return [Exclusion(tokens[i], "below_min_weight", "weight", x, min_weight, "would end below the minimum weight")
            for i, x in zip(below.tolist(), w[below].tolist())]


def _scale_to_targets(r: np.ndarray, t_idx: np.ndarray, cfg: ConstraintConfig) -> tuple[np.ndarray, tuple[str, ...]]:
    out = r.copy()
    notes = []
    for t, tier in enumerate(_TIERS):
        members = t_idx == t
        total = float(r[members].sum())
        target = cfg.tier(tier).target or 0.0
        if total > 0:
            out[members] *= target / total
            notes.append(f"{tier}: {total:.4%} -> {target:.4%}")
        elif target > 0:
            notes.append(f"{tier}: no token with positive raw weight, target {target:.4%} cannot be met")
    return out / out.sum(), tuple(notes)


def project(raw: np.ndarray, bounds: Bounds, s_idx: np.ndarray, t_idx: np.ndarray
            ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Chi-square projection of ``raw`` onto ``bounds`` (feasibility must be checked first).

    @return (weights, multipliers {"sum": (1,), "sector": (S,), "tier": (T,)})
    """
    support = np.flatnonzero(raw > 0)
    r = raw[support]
    groups, layers, cap = _structure(s_idx[support], t_idx[support], bounds)
    layer_r = [r[layer.pos] for layer in layers]
    theta = np.zeros(len(groups))
    total = np.zeros(r.size)  # sum of the multipliers of each token's groups
    member = None
    for _ in range(_MAX_SWEEPS):
        for layer, lr in zip(layers, layer_r):
            layer.sweep(lr, theta, total)
        w = np.minimum(np.maximum(r * (1.0 - total), 0.0), cap)
        if _kkt_ok_layers(w, layers, theta):
            break
        # Coordinate ascent can crawl when group constraints are nearly dependent; the map
        # theta -> group sums is piecewise linear, so one Newton step on the groups that are
        # currently active lands exactly once the active pattern is right.
        if member is None:
            member = np.zeros((len(groups), r.size))
            for k, g in enumerate(groups):
                member[k, g[2]] = 1.0
        theta, total, w = _newton_step(r, cap, groups, member, theta, total, w)
        if _kkt_ok_layers(w, layers, theta):
            break
    else:
        raise OptimisationError("constraint projection did not converge; constraints are (nearly) degenerate")
    out = np.zeros_like(raw, dtype=np.float64)
    out[support] = w
    mult = {"sum": np.zeros(1), "sector": np.zeros(len(bounds.sectors)), "tier": np.zeros(len(bounds.tiers))}
    for k, (kind, idx, _, _, _) in enumerate(groups):
        mult[kind][idx] = theta[k]
    return out, mult


_Group = tuple[str, int, np.ndarray, float, float]  # kind, sector/tier index, members, lo, hi
_STRUCTURES: dict[tuple, tuple[list[_Group], list[_Layer], np.ndarray]] = {}
_STRUCTURES_MAX = 16


def _structure(ss: np.ndarray, ts: np.ndarray, bounds: Bounds) -> tuple[list[_Group], list[_Layer], np.ndarray]:
    """The projection's groups (and their layers, and the token caps) for tokens with sector
    indices ``ss`` and tier indices ``ts``; they only change when the tokens do, so recent
    ones are remembered."""
    key = (ss.astype(np.int64).tobytes(), ts.astype(np.int64).tobytes(), bounds_key(bounds))
    hit = _STRUCTURES.get(key)
    if hit is None:
        hit = _build_structure(ss, ts, bounds)
        if len(_STRUCTURES) >= _STRUCTURES_MAX:
            _STRUCTURES.pop(next(iter(_STRUCTURES), None), None)
        _STRUCTURES[key] = hit
    return hit


def _build_structure(ss: np.ndarray, ts: np.ndarray, bounds: Bounds
                     ) -> tuple[list[_Group], list[_Layer], np.ndarray]:
    cap = np.full(ss.size, min(bounds.token_cap, 1.0))
    groups: list[_Group] = [("sum", 0, np.arange(ss.size), 1.0, 1.0)]
    for s in range(len(bounds.sectors)):
        m = np.flatnonzero(ss == s)
        if m.size and cap[m].sum() > bounds.sector_cap[s]:  # otherwise it can never bind
            groups.append(("sector", s, m, 0.0, float(bounds.sector_cap[s])))
    for t in range(len(bounds.tiers)):
        m = np.flatnonzero(ts == t)
        if m.size and (bounds.tier_lo[t] > 0 or cap[m].sum() > bounds.tier_hi[t]):
            groups.append(("tier", t, m, float(bounds.tier_lo[t]), float(bounds.tier_hi[t])))
    # Groups of one kind are disjoint, so within a sweep each kind's groups are updated at once
    # (a "layer"); every number is computed exactly as group by group, in the same order.
    layers = [_Layer(groups, ks, cap) for ks in
              ([k for k, g in enumerate(groups) if g[0] == kind] for kind in ("sum", "sector", "tier")) if ks]
    for g in groups:
        g[2].setflags(write=False)
    cap.setflags(write=False)
    return groups, layers, cap


class _Layer:
    """Disjoint groups of the projection, their members laid out contiguously.

    One exact coordinate step per group (Hildreth): with a_i = 1 - (multipliers of token i's
    groups other than this one), the group's clipped sum at multiplier 0 decides whether
    the multiplier is 0 or the shift that puts the sum on the violated bound.
    """

    __slots__ = ("ks", "pos", "gid", "edges", "cap", "lo", "hi")

    def __init__(self, groups: list[_Group], ks: list[int], cap: np.ndarray):
        self.ks = ks
        members = [groups[k][2] for k in ks]
        self.pos = np.concatenate(members)
        sizes = [m.size for m in members]
        self.gid = np.repeat(np.arange(len(ks)), sizes)
        self.edges = np.concatenate([[0], np.cumsum(sizes)]).tolist()
        self.cap = cap[self.pos]
        self.lo = [groups[k][3] for k in ks]
        self.hi = [groups[k][4] for k in ks]
        for a in (self.pos, self.gid, self.cap):
            a.setflags(write=False)

    def sums(self, x: np.ndarray) -> list[float]:
        """Per group: sum of ``x`` (laid out like ``pos``) over its members, in member order."""
        e = self.edges
        return [float(x[e[j]: e[j + 1]].sum()) for j in range(len(self.ks))]

    def sweep(self, r: np.ndarray, theta: np.ndarray, total: np.ndarray) -> None:
        """One coordinate step per group; ``r`` is the raw weights laid out like ``pos``."""
        own = theta[self.ks]
        tot = total[self.pos]
        a = 1.0 - (tot - own[self.gid])
        s0 = self.sums(np.minimum(np.maximum(r * a, 0.0), self.cap))  # clipped_sum at theta = 0
        step = np.zeros(len(self.ks))
        e = self.edges
        for j, k in enumerate(self.ks):
            lo, hi = self.lo[j], self.hi[j]
            if s0[j] > hi or s0[j] < lo:
                sl = slice(e[j], e[j + 1])
                new = clipped_sum_shift(r[sl], a[sl], self.cap[sl], hi if s0[j] > hi else lo)
            else:
                new = 0.0
            step[j] = new - theta[k]
            theta[k] = new
        total[self.pos] = tot + step[self.gid]


def _newton_step(r: np.ndarray, cap: np.ndarray, groups: list, member: np.ndarray, theta: np.ndarray,
                 total: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Newton step on the active groups' equations; kept only if it lowers the violation."""
    active = [k for k in range(len(groups)) if k == 0 or theta[k] != 0]
    free = ((w > 0) & (w < cap)).astype(float)
    sums = member @ w
    target = np.array([groups[k][4] if (k == 0 or theta[k] > 0) else groups[k][3] for k in active])
    jac = -(member[active] * (r * free)) @ member[active].T
    step = np.linalg.lstsq(jac, target - sums[active], rcond=None)[0]
    theta_new = theta.copy()
    theta_new[active] += step
    total_new = member.T @ theta_new
    w_new = np.minimum(np.maximum(r * (1.0 - total_new), 0.0), cap)
    if _violation(w_new, groups, theta_new) < _violation(w, groups, theta):
        return theta_new, total_new, w_new
    return theta, total, w


def _violation(w: np.ndarray, groups: list, theta: np.ndarray) -> float:
    worst = 0.0
    for k, (_, _, m, lo, hi) in enumerate(groups):
        s = float(w[m].sum())
        worst = max(worst, s - hi, lo - s)
        if theta[k] > 0:
            worst = max(worst, hi - s)
        elif theta[k] < 0:
            worst = max(worst, s - lo)
    return worst


def _kkt_ok(w: np.ndarray, groups: list, theta: np.ndarray, tol: float = 1e-13) -> bool:
    for k, (_, _, m, lo, hi) in enumerate(groups):
        s = float(w[m].sum())
        if s > hi + tol or s < lo - tol:
            return False
        if theta[k] > 0 and s < hi - tol or theta[k] < 0 and s > lo + tol:
            return False  # multiplier active on a constraint that no longer binds
    return True


def _kkt_ok_layers(w: np.ndarray, layers: list[_Layer], theta: np.ndarray, tol: float = 1e-13) -> bool:
    """:func:`_kkt_ok` with the group sums taken layer by layer (same sums, same order)."""
    for layer in layers:
        for k, s, lo, hi in zip(layer.ks, layer.sums(w[layer.pos]), layer.lo, layer.hi):
            if s > hi + tol or s < lo - tol:
                return False
            if theta[k] > 0 and s < hi - tol or theta[k] < 0 and s > lo + tol:
                return False  # multiplier active on a constraint that no longer binds
    return True


def violations(w: np.ndarray, s_idx: np.ndarray, t_idx: np.ndarray, bounds: Bounds,
               min_weight: float = 0.0, tol: float = TOLERANCE) -> list[str]:
    """Every constraint ``w`` breaks by more than ``tol`` (empty list when all hold)."""
    out = []
    if abs(float(w.sum()) - 1.0) > tol:
        out.append(f"weights sum to {w.sum():.12g}")
    if np.any(w < 0):
        out.append("negative weight")
    if np.any(w > bounds.token_cap + tol):
        out.append(f"max_token_weight {bounds.token_cap:g} exceeded (max {w.max():.12g})")
    if np.any((w > 0) & (w < min_weight - tol)):
        out.append(f"weight below min_weight {min_weight:g}")
    for s, name in enumerate(bounds.sectors):
        tot = float(w[s_idx == s].sum())
        if tot > bounds.sector_cap[s] + tol:
            out.append(f"max_sector_weight:{name} {bounds.sector_cap[s]:g} exceeded ({tot:.12g})")
    for t, name in enumerate(bounds.tiers):
        tot = float(w[t_idx == t].sum())
        if tot < bounds.tier_lo[t] - tol or tot > bounds.tier_hi[t] + tol:
            out.append(f"tier {name} total {tot:.12g} outside [{bounds.tier_lo[t]:g}, {bounds.tier_hi[t]:g}]")
    return out


def _binding_notes(w: np.ndarray, r: np.ndarray, s_idx: np.ndarray, t_idx: np.ndarray, bounds: Bounds,
                   theta: dict[str, np.ndarray]) -> list[str]:
    notes = []
    capped = int(np.sum(w >= bounds.token_cap - TOLERANCE))
    if capped:
        notes.append(f"{capped} token(s) at max_token_weight {bounds.token_cap:g}")
    for s, name in enumerate(bounds.sectors):
        if theta["sector"][s] > 0:
            notes.append(f"sector {name} capped at {bounds.sector_cap[s]:g} "
                         f"(raw {float(r[s_idx == s].sum()):.4%})")
    for t, name in enumerate(bounds.tiers):
        if theta["tier"][t] != 0:
            side = "cap" if theta["tier"][t] > 0 else "floor"
            lim = bounds.tier_hi[t] if side == "cap" else bounds.tier_lo[t]
            if bounds.tier_label == "tier_target":
                side = "target"
            notes.append(f"tier {name} held at {side} {lim:g} (raw {float(r[t_idx == t].sum()):.4%})")
    return notes
