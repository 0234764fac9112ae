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
from dataclasses import dataclass, replace

import numpy as np

from keeper.exceptions import ConstraintConflictError, MethodologyError, OptimisationError
from keeper.market.schema import RISK_TIERS, SECTORS
from keeper.weights._clip import clipped_sum, clipped_sum_shift
from keeper.weights.config import ConstraintConfig
from keeper.weights.feasibility import Bounds, check_feasibility
from keeper.weights.report import Exclusion, ReportStep, weight_changes

TOLERANCE = 1e-9
_MAX_SWEEPS = 20_000
_TIERS = tuple(sorted(RISK_TIERS))


@dataclass(frozen=True)
class ConstraintOutcome:
    weights: np.ndarray
    steps: tuple[ReportStep, ...]
    exclusions: tuple[Exclusion, ...]


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


def apply_constraints(tokens: Sequence[str], raw: np.ndarray, sectors: Sequence[str], tiers: Sequence[str],
                      cfg: ConstraintConfig) -> ConstraintOutcome:
    """Run steps 1-4 of the module docstring on raw weights (> = 0, any positive sum).

    @param sectors, tiers per-token sector and risk tier
    @raises ConstraintConflictError when the constraints cannot hold on the tokens left
    """
    tokens = tuple(tokens)
    r = np.asarray(raw, dtype=np.float64)
    if not (np.all(np.isfinite(r)) and np.all(r >= 0) and r.sum() > 0):
        raise MethodologyError("raw weights must be finite, >= 0 and not all zero")
    r = r / float(r.sum())
    s_idx = np.array([SECTORS.index(s) for s in sectors], dtype=np.intp)
    t_idx = np.array([_TIERS.index(t) for t in tiers], dtype=np.intp)
    steps: list[ReportStep] = []
    exclusions: list[Exclusion] = []
    context: list[str] = []

    if cfg.max_tokens is not None and int(np.sum(r > 0)) > cfg.max_tokens:
        order = sorted(range(len(tokens)), key=lambda i: (-r[i], tokens[i]))
        keep = np.zeros(len(tokens), bool)
        keep[order[: cfg.max_tokens]] = True
        dropped = np.flatnonzero(~keep & (r > 0))
        dropped_set = set(dropped.tolist())
        for rank, i in enumerate(order, start=1):
            if i in dropped_set:
                exclusions.append(Exclusion(tokens[i], "max_tokens", "raw_weight_rank", rank, cfg.max_tokens,
                                            f"raw weight {r[i]:.6g}"))
        new = np.where(keep, r, 0.0)
        new /= new.sum()
        steps.append(ReportStep("max_tokens", f"keep the {cfg.max_tokens} largest raw weights",
                                weight_changes(tokens, r, new), (f"excluded {len(dropped)} token(s)",)))
        context.append(f"max_tokens={cfg.max_tokens} kept {cfg.max_tokens} of {int(np.sum(r > 0))} tokens")
        r = new

    if cfg.has_tier_targets:
        new, notes = _scale_to_targets(r, t_idx, cfg)
        steps.append(ReportStep("tier_targets", "rescale raw weights within each risk tier to the tier targets",
                                weight_changes(tokens, r, new), notes))
        r = new

    while True:
        support = r > 0
        notes: list[str] = []
        bounds = None
        if cfg.has_tier_targets:
            target_bounds = bounds_from_config(cfg, use_targets=True)
            conflicts = check_feasibility(support, s_idx, t_idx, target_bounds)
            if conflicts:
                notes.append("tier targets relaxed to [floor, cap]: " + " | ".join(c.message for c in conflicts))
            else:
                bounds = target_bounds
                notes.append("tier totals pinned to their targets")
        if bounds is None:
            bounds = bounds_from_config(cfg)
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
        dropped = [tokens[i] for i in np.flatnonzero(below)]
        for i in np.flatnonzero(below):
            exclusions.append(Exclusion(tokens[i], "below_min_weight", "weight", float(w[i]), cfg.min_weight,
                                        "would end below the minimum weight"))
        context.append(f"min_weight={cfg.min_weight:g} excluded {dropped}")
        new = np.where(below, 0.0, r)
        if new.sum() > 0:  # with nothing left the feasibility check above reports the conflict
            new /= new.sum()
        steps.append(ReportStep("min_weight", f"exclude tokens that would end below {cfg.min_weight:g}",
                                weight_changes(tokens, r, new), (f"excluded {dropped}",)))
        r = new

    problems = violations(w, s_idx, t_idx, bounds, cfg.min_weight)
    if problems:
        raise OptimisationError("constraint projection ended outside the constraints: " + "; ".join(problems))
    notes.extend(_binding_notes(w, r, s_idx, t_idx, bounds, theta))
    steps.append(ReportStep(
        "constraints", "closest weights (chi-square distance to raw) meeting token, sector and tier limits",
        weight_changes(tokens, r, w), tuple(notes),
        {"sector_multipliers": {bounds.sectors[s]: theta["sector"][s] for s in range(len(bounds.sectors))
                                if theta["sector"][s] != 0},
         "tier_multipliers": {bounds.tiers[t]: theta["tier"][t] for t in range(len(bounds.tiers))
                              if theta["tier"][t] != 0}}))
    return ConstraintOutcome(w, tuple(steps), tuple(exclusions))


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
    cap = np.full(r.size, min(bounds.token_cap, 1.0))
    groups: list[tuple[str, int, np.ndarray, float, float]] = [("sum", 0, np.arange(r.size), 1.0, 1.0)]
    ss, ts = s_idx[support], t_idx[support]
    for s in range(len(bounds.sectors)):
        m = np.flatnonzero(ss == s)
        if m.size and cap[m].sum() > bounds.sector_cap[s]:  # otherwise it can never bind
            groups.append(("sector", s, m, 0.0, float(bounds.sector_cap[s])))
    for t in range(len(bounds.tiers)):
        m = np.flatnonzero(ts == t)
        if m.size and (bounds.tier_lo[t] > 0 or cap[m].sum() > bounds.tier_hi[t]):
            groups.append(("tier", t, m, float(bounds.tier_lo[t]), float(bounds.tier_hi[t])))
    theta = np.zeros(len(groups))
    total = np.zeros(r.size)  # sum of the multipliers of each token's groups
    member = np.zeros((len(groups), r.size))
    for k, g in enumerate(groups):
        member[k, g[2]] = 1.0
    for _ in range(_MAX_SWEEPS):
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
        # Coordinate ascent can crawl when group constraints are nearly dependent; the map
        # theta -> group sums is piecewise linear, so one Newton step on the groups that are
        # currently active lands exactly once the active pattern is right.
        theta, total, w = _newton_step(r, cap, groups, member, theta, total, w)
        if _kkt_ok(w, groups, theta):
            break
    else:
        raise OptimisationError("constraint projection did not converge; constraints are (nearly) degenerate")
    out = np.zeros_like(raw, dtype=np.float64)
    out[support] = w
    mult = {"sum": np.zeros(1), "sector": np.zeros(len(bounds.sectors)), "tier": np.zeros(len(bounds.tiers))}
    for k, (kind, idx, _, _, _) in enumerate(groups):
        mult[kind][idx] = theta[k]
    return out, mult


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
