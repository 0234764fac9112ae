"""Governance proposals: turnout, quorum and outcome, from plain records read off a Governor.

* turnout = (for + against + abstain) / votable supply at the proposal's snapshot block.
* quorum reached when the counted votes reach ``quorum`` (OpenZeppelin's GovernorCountingSimple
  counts for + abstain towards quorum; pass ``quorum_counts_against=True`` for counting rules
  that include the against votes too).
* outcome: the Governor's own state when given (e.g. "Executed", "Defeated", "Active"), since only
  the chain knows about cancellations and timelocks; otherwise derived from the tally: "passed"
  when for > against and the quorum is reached (or unknown), else "failed".
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Real
from typing import Any, Sequence

from analytics.exceptions import AnalyticsInputError


@dataclass(frozen=True)
class ProposalRecord:
    """One proposal as read from the chain (votes in raw token units).

    @param supply_at_snapshot votable supply at the snapshot block (past total supply)
    @param quorum             votes needed at the snapshot block, or None if unknown
    @param state              Governor state name, or None to derive the outcome from the tally
    """

    proposal_id: str
    title: str
    for_votes: Real
    against_votes: Real
    abstain_votes: Real
    supply_at_snapshot: Real
    quorum: Real | None = None
    state: str | None = None

    def __post_init__(self) -> None:
        for name in ("for_votes", "against_votes", "abstain_votes"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, Real) or v < 0:
                raise AnalyticsInputError(f"proposal {self.proposal_id}: {name} must be >= 0, got {v!r}")
        s = self.supply_at_snapshot
        if isinstance(s, bool) or not isinstance(s, Real) or s <= 0:
            raise AnalyticsInputError(f"proposal {self.proposal_id}: supply_at_snapshot must be > 0, got {s!r}")
        if self.for_votes + self.against_votes + self.abstain_votes > s:
            raise AnalyticsInputError(f"proposal {self.proposal_id}: more votes cast than the snapshot supply")


def summarise_proposal(p: ProposalRecord, quorum_counts_against: bool = False) -> dict[str, Any]:
    """Turnout, quorum and outcome of one proposal as a flat JSON-able dict."""
    cast = p.for_votes + p.against_votes + p.abstain_votes
    counted = p.for_votes + p.abstain_votes + (p.against_votes if quorum_counts_against else 0)
    quorum_reached = None if p.quorum is None else counted >= p.quorum
    if p.state:
        outcome = p.state
    else:
        outcome = "passed" if (quorum_reached is not False and p.for_votes > p.against_votes) else "failed"
    return {"proposal_id": p.proposal_id, "title": p.title, "for_votes": p.for_votes,
            "against_votes": p.against_votes, "abstain_votes": p.abstain_votes,
            "turnout": float(cast) / float(p.supply_at_snapshot), "quorum": p.quorum,
            "quorum_reached": quorum_reached, "outcome": outcome}


def summarise_proposals(proposals: Sequence[ProposalRecord], quorum_counts_against: bool = False) -> list[dict]:
    """:func:`summarise_proposal` for each proposal, in the given order."""
    return [summarise_proposal(p, quorum_counts_against) for p in proposals]
