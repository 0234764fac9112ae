"""Proposal turnout, quorum and outcome."""

import pytest

from analytics.exceptions import AnalyticsInputError
from analytics.metrics.governance import ProposalRecord, summarise_proposal, summarise_proposals


def test_turnout__votes_cast_over_snapshot_supply():
    s = summarise_proposal(ProposalRecord("1", "t", for_votes=300, against_votes=100, abstain_votes=100,
                                          supply_at_snapshot=1000, quorum=350))
    assert s["turnout"] == pytest.approx(0.5)
    assert s["quorum_reached"] is True and s["outcome"] == "passed"


def test_quorum__against_votes_do_not_count_unless_asked():
    p = ProposalRecord("2", "t", for_votes=200, against_votes=100, abstain_votes=0, supply_at_snapshot=1000,
                       quorum=250)
    assert summarise_proposal(p)["quorum_reached"] is False
    assert summarise_proposal(p)["outcome"] == "failed"
    assert summarise_proposal(p, quorum_counts_against=True)["quorum_reached"] is True


def test_outcome__chain_state_wins_and_ties_fail():
    tie = ProposalRecord("3", "t", 100, 100, 0, 1000)
    assert summarise_proposal(tie)["outcome"] == "failed" and summarise_proposal(tie)["quorum_reached"] is None
    assert summarise_proposals([ProposalRecord("4", "t", 900, 0, 0, 1000, state="Canceled")])[0]["outcome"] == \
        "Canceled"


def test_proposal__more_votes_than_supply_is_an_error():
    with pytest.raises(AnalyticsInputError, match="more votes"):
        ProposalRecord("5", "t", 600, 500, 0, 1000)
