"""Long-only minimum-variance weights with per-token caps enforced inside the optimiser.

Problem: minimise w' Sigma w subject to sum(w) = 1 and 0 <= w_i <= u_i.

Method: primal-dual active set (Hintermueller, Ito & Kunisch 2002). Each iteration fixes
which weights sit at 0 or at their cap, solves the equality-constrained problem on the
free weights exactly (one linear solve of the free block), and moves indices between sets
from the signs of weights and multipliers. It typically finishes in a few iterations and
returns the exact KKT point, caps included. For more than 100 tokens it first starts from
the 100 lowest-variance tokens (the solution is sparse), then, if needed, from all. Should
it revisit a set or hit its iteration limit (possible for ill-conditioned matrices), an
accelerated projected-gradient method
(FISTA onto the capped simplex) takes over and its active sets seed a final active-set
polish. Everything is deterministic.

The per-token cap is honoured here (not only by the later shared projection); sector and
tier constraints are applied afterwards by ``keeper.weights.constraints``.
"""

from __future__ import annotations

import numpy as np

from keeper.exceptions import Conflict, ConstraintConflictError, OptimisationError
from keeper.weights._clip import clipped_sum_shift

VERSION = "1.0.0"
_WARM_START_SIZE = 100


def min_variance_weights(cov: np.ndarray, upper: float | np.ndarray = 1.0, *, tol: float = 1e-9,
                         max_active_set_iter: int = 60, max_gradient_iter: int = 50_000) -> np.ndarray:
    """Minimum-variance long-only weights with ``w_i <= upper_i``.

    @param cov   (N, N) symmetric positive definite covariance
    @param upper cap per token (scalar or (N,)); sum(upper) must reach 1
    @param tol   relative KKT tolerance
    @return (N,) weights in [0, upper] summing to 1
    @raises ConstraintConflictError if the caps cannot reach 100%
    @raises OptimisationError if no method reaches the tolerance
    """
    cov = np.asarray(cov, dtype=np.float64)
    n = cov.shape[0]
    u = np.broadcast_to(np.asarray(upper, dtype=np.float64), (n,)).copy()
    cap_total = float(u.sum())
    if cap_total < 1.0 - 1e-12:
        raise ConstraintConflictError([Conflict(
            ("max_token_weight",), 1.0, cap_total,
            f"max_token_weight: {n} token(s) with caps summing to {cap_total:.6g} cannot hold 100%")],
            context="min_variance")
    if cap_total <= 1.0 + 1e-12:
        return u / cap_total
    scale = float(np.mean(np.diag(cov)))
    a = cov / scale  # solution is scale-invariant; unit scale makes tolerances meaningful
    no = np.zeros(n, bool)
    if n > _WARM_START_SIZE:
        # Long-only min-variance portfolios hold few tokens; starting from the lowest-variance
        # ones makes every linear solve small instead of one solve over all N tokens.
        at_zero = np.ones(n, bool)
        at_zero[np.argsort(np.diag(a), kind="stable")[:_WARM_START_SIZE]] = False
        w = _active_set(a, u, at_zero, no, tol, max_active_set_iter)
        if w is not None:
            return w
    w = _active_set(a, u, no, no.copy(), tol, max_active_set_iter)
    if w is not None:
        return w
    w_pg = _projected_gradient(a, u, tol, max_gradient_iter)
    w = _active_set(a, u, w_pg <= 1e-12, w_pg >= u - 1e-12, tol, max_active_set_iter)
    if w is not None:
        return w
    if _kkt_residual(a, u, w_pg) <= 10 * tol:
        return w_pg
    raise OptimisationError(f"min variance did not converge (KKT residual {_kkt_residual(a, u, w_pg):.3g})")


def _active_set(a: np.ndarray, u: np.ndarray, at_zero: np.ndarray, at_cap: np.ndarray,
                tol: float, max_iter: int) -> np.ndarray | None:
    """Primal-dual active-set iterations from the given sets; None if they do not settle."""
    n = a.shape[0]
    seen: set[bytes] = set()
    for _ in range(max_iter):
        key = at_zero.tobytes() + at_cap.tobytes()
        if key in seen:
            return None  # cycling
        seen.add(key)
        free = ~(at_zero | at_cap)
        fi, ci = np.flatnonzero(free), np.flatnonzero(at_cap)
        w = np.zeros(n)
        w[ci] = u[ci]
        if fi.size == 0:
            return None
        rhs = np.column_stack([np.ones(fi.size), a[np.ix_(fi, ci)] @ u[ci]])
        try:
            sol = np.linalg.solve(a[np.ix_(fi, fi)], rhs)
        except np.linalg.LinAlgError:
            return None
        lam = (1.0 - u[ci].sum() + sol[:, 1].sum()) / sol[:, 0].sum()
        w[fi] = lam * sol[:, 0] - sol[:, 1]
        g = a @ w - lam  # multiplier of w_i >= 0 is g_i on at_zero; of w_i <= u_i is -g_i on at_cap
        eps = tol * max(abs(lam), 1e-300)
        new_zero = (at_zero & (g > -eps)) | (free & (w < 0.0))
        new_cap = (at_cap & (g < eps)) | (free & (w > u))
        if np.array_equal(new_zero, at_zero) and np.array_equal(new_cap, at_cap):
            return np.clip(w, 0.0, u)  # clip only removes rounding dust (free weights are in range)
        at_zero, at_cap = new_zero, new_cap
    return None


def _project_capped_simplex(v: np.ndarray, u: np.ndarray) -> np.ndarray:
    tau = clipped_sum_shift(np.ones_like(v), v, u, 1.0)
    return np.clip(v - tau, 0.0, u)


def _kkt_residual(a: np.ndarray, u: np.ndarray, w: np.ndarray) -> float:
    """Norm of the projected-gradient step, relative to the weights' scale."""
    g = a @ w
    step = w - _project_capped_simplex(w - g / max(float(np.max(np.abs(g))), 1e-300) * 0.5, u)
    return float(np.max(np.abs(step))) / max(float(np.max(w)), 1e-300)


def _projected_gradient(a: np.ndarray, u: np.ndarray, tol: float, max_iter: int) -> np.ndarray:
    n = a.shape[0]
    v = np.ones(n) / np.sqrt(n)
    for _ in range(100):  # power iteration for the Lipschitz constant
        v = a @ v
        v /= np.linalg.norm(v)
    lip = float(v @ a @ v) * 1.01
    w = _project_capped_simplex(np.full(n, 1.0 / n), u)
    y, t = w.copy(), 1.0
    for k in range(max_iter):
        w_new = _project_capped_simplex(y - (a @ y) / lip, u)
        t_new = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * t * t))
        y = w_new + ((t - 1.0) / t_new) * (w_new - w)
        if k % 50 == 49 and float(np.max(np.abs(w_new - w))) <= tol * float(np.max(w_new)):
            return w_new
        w, t = w_new, t_new
    return w
