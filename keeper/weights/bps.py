"""Weights -> on-chain basis points: integers summing to exactly 10,000.

1. Largest remainder: each token gets floor(w * 10000); the units still missing go to the
   largest fractional remainders, ties broken by token symbol (ascending). ``w * 10000``
   is first rounded to 9 decimals so float noise (2999.9999999999995) cannot decide.
2. Re-check against the constraints in bps: token cap floor(max_token_weight * 10000),
   sector caps and tier caps likewise rounded down, tier floors and min_weight rounded up.
3. Repair violations one unit at a time: take the unit from the token that was rounded up
   the most (bps - exact largest) and give it to the token rounded down the most
   (exact - bps largest), among tokens whose own limits allow it; ties by symbol. Each
   move is recorded. If no legal move exists, :class:`~keeper.exceptions.BpsRoundingError`
   names the constraint and the numbers.

Tokens with weight 0 always stay at 0 bps.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from keeper.exceptions import BpsRoundingError
from keeper.market.schema import RISK_TIERS, SECTORS, TokenMetadata
from keeper.weights.config import ConstraintConfig

TOTAL_BPS = 10_000
_EPS = 1e-6  # in bps units: absorbs float noise when converting limits


@dataclass(frozen=True)
class BpsMove:
    """One unit moved during repair: ``giver`` -> ``taker`` to fix ``constraint``."""

    giver: str
    taker: str
    constraint: str


@dataclass(frozen=True)
class BpsAllocation:
    bps: Mapping[str, int]
    moves: tuple[BpsMove, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "bps", MappingProxyType(dict(self.bps)))


def weights_to_bps(weights: Mapping[str, float], *, metadata: TokenMetadata | None = None,
                   constraints: ConstraintConfig | None = None, total: int = TOTAL_BPS) -> BpsAllocation:
    """Round ``weights`` (summing to 1) to integer bps summing to ``total``.

    @param metadata, constraints when given, the result is re-checked (and repaired) against
           the constraints in bps; sector/tier limits need ``metadata``
    @raises BpsRoundingError when the constraints cannot hold after rounding
    """
    tokens = sorted(weights)
    w = np.array([float(weights[t]) for t in tokens])
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise BpsRoundingError("weights must be finite and >= 0")
    if abs(float(w.sum()) - 1.0) > 1e-6:
        raise BpsRoundingError(f"weights sum to {w.sum():.9g}, expected 1")
    exact = np.round(w * total, 9)
    bps = np.floor(exact).astype(np.int64)
    missing = total - int(bps.sum())
    rem = exact - bps
    order = sorted((i for i in range(len(tokens)) if w[i] > 0), key=lambda i: (-rem[i], tokens[i]))
    if missing < 0 or missing > len(order):
        raise BpsRoundingError(f"cannot distribute {missing} remaining bps over {len(order)} token(s)")
    for i in order[:missing]:
        bps[i] += 1
    moves: list[BpsMove] = []
    if constraints is not None:
        _repair(tokens, w, exact, bps, constraints, metadata, total, moves)
    assert int(bps.sum()) == total
    return BpsAllocation({t: int(b) for t, b in zip(tokens, bps)}, tuple(moves))


def _repair(tokens: list[str], w: np.ndarray, exact: np.ndarray, bps: np.ndarray, cfg: ConstraintConfig,
            metadata: TokenMetadata | None, total: int, moves: list[BpsMove]) -> None:
    n = len(tokens)
    held = w > 0
    idx = np.arange(n)
    tok_hi = np.where(held, math.floor(cfg.max_token_weight * total + _EPS), 0)
    tok_lo = np.where(held, math.ceil(cfg.min_weight * total - _EPS), 0)
    # Sector and tier limits as partitions of the tokens; without metadata one open group each.
    if metadata is not None:
        sec_names = list(SECTORS)
        tier_names = sorted(RISK_TIERS)
        sec_id = np.array([sec_names.index(metadata[t].sector) for t in tokens], dtype=np.intp)
        tier_id = np.array([tier_names.index(metadata[t].risk_tier) for t in tokens], dtype=np.intp)
        sec_lo = np.zeros(len(sec_names), np.int64)
        sec_hi = np.array([math.floor(cfg.sector_cap(s) * total + _EPS) for s in sec_names])
        tier_lo = np.array([math.ceil(cfg.tier(t).floor * total - _EPS) for t in tier_names])
        tier_hi = np.array([math.floor(cfg.tier(t).cap * total + _EPS) for t in tier_names])
    else:
        sec_names, tier_names = ["*"], ["*"]
        sec_id = tier_id = np.zeros(n, dtype=np.intp)
        sec_lo = tier_lo = np.array([0])
        sec_hi = tier_hi = np.array([total])
    part = [("max_sector_weight", sec_names, sec_id, sec_lo, sec_hi),
            ("tier", tier_names, tier_id, tier_lo, tier_hi)]

    def order(candidates: np.ndarray, key: np.ndarray) -> np.ndarray:
        # largest key first, ties by symbol (tokens are sorted, so by index)
        return candidates[np.lexsort((candidates, -key[candidates]))]

    def pair_ok(giver: int, taker: int, sums: list[np.ndarray]) -> bool:
        # a unit moved inside one sector (tier) leaves that sector's (tier's) total unchanged
        for (_, _, ids, lo, hi), s in zip(part, sums):
            if ids[giver] != ids[taker] and (s[ids[giver]] - 1 < lo[ids[giver]] or s[ids[taker]] + 1 > hi[ids[taker]]):
                return False
        return True

    for _ in range(10 * n + 100):
        sums = [np.bincount(ids, weights=bps, minlength=len(names)).astype(np.int64)
                for _, names, ids, _, _ in part]
        violation = None
        for i in range(n):
            if bps[i] > tok_hi[i] or bps[i] < tok_lo[i]:
                violation = (f"token:{tokens[i]}", idx == i, bps[i] > tok_hi[i], int(bps[i]), tok_lo[i], tok_hi[i])
                break
        for (label, names, ids, lo, hi), s in zip(part, sums):
            for g in range(len(names)):
                if violation is None and (s[g] > hi[g] or s[g] < lo[g]):
                    violation = (f"{label}:{names[g]}", ids == g, s[g] > hi[g], int(s[g]), lo[g], hi[g])
        if violation is None:
            return
        name, member, over, value, lo_v, hi_v = violation
        # over: a member gives and a non-member takes; under: the reverse
        givers = order(np.flatnonzero(held & (bps - 1 >= tok_lo) & (member == over)), bps - exact)
        takers = order(np.flatnonzero(held & (bps + 1 <= tok_hi) & (member != over)), exact - bps)
        pair = next(((g, t) for g in givers for t in takers if pair_ok(g, t, sums)), None)
        if pair is None:
            raise BpsRoundingError(f"{name}: {value} bps is outside [{int(lo_v)}, {int(hi_v)}] after rounding "
                                   "and no unit can be moved without breaking another limit")
        giver, taker = pair
        bps[giver] -= 1
        bps[taker] += 1
        moves.append(BpsMove(tokens[giver], tokens[taker], name))
    raise BpsRoundingError("bps repair did not settle")
