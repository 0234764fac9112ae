"""Concentration of a basket's weights and of governance voting power.

Weights
-------
* HHI (Herfindahl-Hirschman index) = sum(w_i^2), weights as fractions summing to 1.
  It lies in [1/n, 1]: 1/n for an equal-weight basket, 1 for a single holding.
* Effective number of holdings = 1 / HHI (the n of the equal-weight basket with the same HHI).
* Top-k share = sum of the k largest weights (all of them when there are fewer than k).

Voting power
------------
* HHI of voting power: the same index over each holder's share of the total votes.
* Nakamoto coefficient: the fewest holders whose combined votes are *strictly above* 50% of
  the total votes (two holders at exactly 50% each need both: 50% is not a majority).
  Computed in exact arithmetic when votes are integers (raw token units can exceed 2**53).
* Delegated share = delegated votes / total supply. With ERC20Votes-style tokens only
  delegated balances carry votes, so by default the delegated votes are the sum of the votes.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from numbers import Real
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from analytics.exceptions import AnalyticsInputError

WeightsLike = Mapping[str, float] | Sequence[float] | pd.Series | np.ndarray

# Weights read from chain values are float ratios; anything further from 1 than this is a caller bug.
WEIGHT_SUM_TOLERANCE = 1e-6


def _weights_array(weights: WeightsLike) -> np.ndarray:
    if isinstance(weights, Mapping):
        values = list(weights.values())
    elif isinstance(weights, pd.Series):
        values = weights.to_list()
    else:
        values = list(weights)
    if not values:
        raise AnalyticsInputError("weights are empty")
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise AnalyticsInputError(f"weights must be numbers, got {values!r}") from exc
    if not np.all(np.isfinite(arr)):
        raise AnalyticsInputError(f"weights must be finite, got {values!r}")
    if np.any(arr < 0):
        raise AnalyticsInputError(f"weights must be non-negative, got {values!r}")
    total = float(arr.sum())
    if abs(total - 1.0) > WEIGHT_SUM_TOLERANCE:
        raise AnalyticsInputError(
            f"weights must be fractions summing to 1 (got sum {total!r}); use weights_from_values() on raw values")
    return arr


def weights_from_values(values: Mapping[str, float]) -> dict[str, float]:
    """Turn values (e.g. USD per token) into weights that sum to 1; the total must be positive."""
    if not values:
        raise AnalyticsInputError("values are empty")
    bad = {k: v for k, v in values.items() if not isinstance(v, Real) or not math.isfinite(v) or v < 0}
    if bad:
        raise AnalyticsInputError(f"values must be finite and non-negative, got {bad!r}")
    total = float(sum(values.values()))
    if total <= 0:
        raise AnalyticsInputError("values add up to zero: weights are undefined")
    return {k: float(v) / total for k, v in values.items()}


def hhi(weights: WeightsLike) -> float:
    """Herfindahl-Hirschman index: sum of squared weights (fractions summing to 1)."""
    arr = _weights_array(weights)
    return float(np.sum(arr * arr))


def effective_holdings(weights: WeightsLike) -> float:
    """Effective number of holdings, 1 / HHI."""
    return 1.0 / hhi(weights)


def top_share(weights: WeightsLike, k: int) -> float:
    """Combined weight of the ``k`` largest holdings (the whole basket when it has fewer than ``k``)."""
    if k < 1:
        raise AnalyticsInputError(f"k must be at least 1, got {k}")
    arr = np.sort(_weights_array(weights))[::-1]
    return float(arr[:k].sum())


@dataclass(frozen=True)
class ConcentrationStats:
    """Concentration of one basket; ``n`` counts holdings with a non-zero weight."""

    n: int
    hhi: float
    effective_n: float
    top1: float
    top3: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def concentration(weights: WeightsLike) -> ConcentrationStats:
    """HHI, effective N, top-1 and top-3 share of one basket's weights."""
    arr = _weights_array(weights)
    ordered = np.sort(arr)[::-1]
    h = float(np.sum(arr * arr))
    return ConcentrationStats(n=int(np.count_nonzero(arr)), hhi=h, effective_n=1.0 / h,
                              top1=float(ordered[0]), top3=float(ordered[:3].sum()))


# ---------------------------------------------------------------- voting power

def _votes_list(votes: Mapping[str, Real]) -> list[Real]:
    values = list(votes.values())
    for holder, v in votes.items():
        if isinstance(v, bool) or not isinstance(v, Real) or not math.isfinite(v) or v < 0:
            raise AnalyticsInputError(f"votes of {holder!r} must be a finite non-negative number, got {v!r}")
    return values


def nakamoto_coefficient(votes: Mapping[str, Real]) -> int | None:
    """Fewest holders whose combined votes are strictly above half of the total votes.

    Returns None when there are no votes at all (no majority can exist).
    """
    values = sorted(_votes_list(votes), reverse=True)
    total = sum(values)
    if total <= 0:
        return None
    running = 0
    for count, v in enumerate(values, start=1):
        running += v
        # 2 * running > total rather than running / total > 0.5: exact for integer votes.
        if 2 * running > total:
            return count
    raise AssertionError("unreachable: the full set always holds all the votes")  # pragma: no cover


@dataclass(frozen=True)
class VotingPowerStats:
    """Distribution of voting power at one block.

    @param holders         holders with non-zero votes
    @param total_votes     sum of all holders' votes (raw units, as given)
    @param hhi             HHI of the vote shares (None without votes)
    @param nakamoto        Nakamoto coefficient (None without votes)
    @param top_share       largest holder's share of the votes (None without votes)
    @param delegated_share delegated votes / total supply (None when the supply is unknown)
    """

    holders: int
    total_votes: float
    hhi: float | None
    nakamoto: int | None
    top_share: float | None
    delegated_share: float | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def voting_power(votes: Mapping[str, Real], total_supply: Real | None = None,
                 delegated_votes: Real | None = None) -> VotingPowerStats:
    """Voting-power distribution of ``votes`` (holder -> votes, raw units).

    ``delegated_votes`` defaults to the sum of ``votes`` (ERC20Votes: only delegated balances vote).
    ``total_supply`` must be positive and at least the delegated votes, since both come from the
    same pinned block.
    """
    values = _votes_list(votes)
    total = sum(values)
    delegated = total if delegated_votes is None else delegated_votes
    share = None
    if total_supply is not None:
        if isinstance(total_supply, bool) or not isinstance(total_supply, Real) or not total_supply > 0:
            raise AnalyticsInputError(f"total_supply must be a positive number, got {total_supply!r}")
        if delegated < 0 or delegated > total_supply:
            raise AnalyticsInputError(
                f"delegated votes {delegated!r} must lie in [0, total supply {total_supply!r}]")
        share = float(delegated) / float(total_supply)
    if total <= 0:
        return VotingPowerStats(holders=0, total_votes=total, hhi=None, nakamoto=None, top_share=None,
                                delegated_share=share)
    shares = [float(v) / float(total) for v in values]
    return VotingPowerStats(holders=sum(1 for v in values if v > 0), total_votes=total,
                            hhi=sum(s * s for s in shares), nakamoto=nakamoto_coefficient(votes),
                            top_share=max(shares), delegated_share=share)
