"""DAO governance over the vault: propose, vote at the snapshot, queue in the timelock, execute; guardian veto."""

import ape
import pytest
from eth_utils import keccak

from tests.helpers import BASKET_META, delegate, fund, seed

VOTING_DELAY, VOTING_PERIOD, TIMELOCK_DELAY = 60, 600, 300
QUORUM_PERCENT = 4
PENDING, ACTIVE, CANCELED, DEFEATED, SUCCEEDED, QUEUED, EXPIRED, EXECUTED = range(8)
AGAINST, FOR, ABSTAIN = 0, 1, 2
WEEK = 7 * 24 * 3600


@pytest.fixture
def dao(project, vault, tokens, owner, guardian, alice, bob, whale, chain):
    """Vault seeded and held by alice (large), bob and whale; owned by the timelock; holders self-delegated."""
    seed(vault, tokens, alice)  # alice: ~1000 shares
    for holder, shares in ((bob, 30 * 10**18), (whale, 200 * 10**18)):
        fund(tokens, holder, vault)
        vault.mint(shares, [2**256 - 1] * 4, holder, sender=holder)
    for holder in (alice, bob, whale):
        delegate(vault, holder)
    timelock = project.IndexTimelock.deploy(TIMELOCK_DELAY, [], [], owner, sender=owner)
    governor = project.IndexGovernor.deploy(vault, timelock, VOTING_DELAY, VOTING_PERIOD, 10**18, QUORUM_PERCENT,
                                            guardian, sender=owner)
    for role in ("PROPOSER_ROLE", "CANCELLER_ROLE", "EXECUTOR_ROLE"):
        timelock.grantRole(getattr(timelock, role)(), governor, sender=owner)
    timelock.renounceRole(timelock.DEFAULT_ADMIN_ROLE(), owner, sender=owner)
    vault.transferOwnership(timelock, sender=owner)
    chain.pending_timestamp += 2  # delegations are checkpointed strictly before any proposal's snapshot
    chain.mine()
    return governor, timelock


def weights_call(vault, tokens, weights, nonce, deadline):
    return vault.setTargetWeights.as_transaction(
        [t.address for t in tokens], weights, nonce, deadline).data


def propose(governor, vault, calldata, proposer, description="Set new target weights"):
    tx = governor.propose([vault.address], [0], [calldata], description, sender=proposer)
    return tx.events.filter(governor.ProposalCreated)[0].proposalId, (
        [vault.address], [0], [calldata], keccak(text=description))


def to_voting(chain):
    chain.pending_timestamp += VOTING_DELAY + 1
    chain.mine()


def to_end_of_vote(chain):
    chain.pending_timestamp += VOTING_PERIOD + 1
    chain.mine()


def pass_vote(chain, governor, pid, voters):
    to_voting(chain)
    for voter in voters:
        governor.castVote(pid, FOR, sender=voter)
    to_end_of_vote(chain)


GOOD = [m[2] for m in BASKET_META]  # 30/20/20/30 satisfies the policy


@pytest.fixture
def deadline(chain):
    return chain.pending_timestamp + WEEK


def test_lifecycle__propose_vote_queue_execute__changes_the_weights(dao, vault, tokens, chain, alice, bob, whale,
                                                                     deadline):
    governor, timelock = dao
    pid, args = propose(governor, vault, weights_call(vault, tokens, GOOD, 1, deadline), bob)
    assert governor.state(pid) == PENDING
    to_voting(chain)
    assert governor.state(pid) == ACTIVE
    governor.castVoteWithReason(pid, FOR, "tracks the methodology", sender=alice)
    governor.castVote(pid, AGAINST, sender=bob)
    governor.castVote(pid, ABSTAIN, sender=whale)
    to_end_of_vote(chain)
    assert governor.state(pid) == SUCCEEDED
    governor.queue(*args, sender=bob)
    assert governor.state(pid) == QUEUED
    chain.pending_timestamp += TIMELOCK_DELAY + 1
    governor.execute(*args, sender=bob)
    assert governor.state(pid) == EXECUTED
    assert [a.targetWeightBps for a in vault.assets()] == GOOD and vault.decisionNonce() == 1


def test_vote__without_quorum__is_defeated(dao, vault, tokens, chain, bob, deadline):
    governor, _ = dao
    pid, _ = propose(governor, vault, weights_call(vault, tokens, GOOD, 1, deadline), bob)
    pass_vote(chain, governor, pid, [bob])  # bob's 30 shares are under 4% of ~1230
    assert governor.state(pid) == DEFEATED


def test_vote__against_majority__is_defeated(dao, vault, tokens, chain, alice, bob, deadline):
    governor, _ = dao
    pid, _ = propose(governor, vault, weights_call(vault, tokens, GOOD, 1, deadline), bob)
    to_voting(chain)
    governor.castVote(pid, FOR, sender=bob)
    governor.castVote(pid, AGAINST, sender=alice)
    to_end_of_vote(chain)
    assert governor.state(pid) == DEFEATED


def test_delegation__to_another_holder__moves_the_votes(dao, vault, tokens, chain, alice, bob, deadline):
    governor, _ = dao
    delegate(vault, alice, bob)
    chain.pending_timestamp += 2
    chain.mine()
    pid, _ = propose(governor, vault, weights_call(vault, tokens, GOOD, 1, deadline), bob)
    pass_vote(chain, governor, pid, [bob])
    assert governor.state(pid) == SUCCEEDED
    assert governor.hasVoted(pid, bob) and not governor.hasVoted(pid, alice)


def test_flash_loan_vote__shares_acquired_after_the_snapshot_carry_no_votes(dao, vault, tokens, chain, alice, bob,
                                                                            attacker, deadline):
    governor, _ = dao
    pid, _ = propose(governor, vault, weights_call(vault, tokens, GOOD, 1, deadline), bob)
    to_voting(chain)
    # Beanstalk-style: borrow (here: mint and receive) a majority of shares after the proposal, then vote.
    fund(tokens, attacker, vault)
    vault.mint(50_000 * 10**18, [2**256 - 1] * 4, attacker, sender=attacker)
    vault.transfer(attacker, vault.balanceOf(alice) // 2, sender=alice)
    delegate(vault, attacker)
    chain.mine()
    tx = governor.castVote(pid, FOR, sender=attacker)
    assert tx.events.filter(governor.VoteCast)[0].weight == 0
    assert governor.getVotes(attacker, governor.proposalSnapshot(pid)) == 0
    to_end_of_vote(chain)
    assert governor.state(pid) == DEFEATED  # the borrowed shares did not reach quorum


def test_quorum__is_fixed_on_the_supply_before_the_proposals_block(dao, vault, tokens, chain, bob, attacker,
                                                                    deadline):
    governor, _ = dao
    supply = vault.totalSupply()
    # A flash loan sandwiching `propose` in one block: mint a huge position, propose, redeem.
    fund(tokens, attacker, vault)
    block_time = chain.pending_timestamp
    vault.mint(50_000 * 10**18, [2**256 - 1] * 4, attacker, sender=attacker)
    chain.pending_timestamp = block_time  # the same block, as far as the clock can tell
    pid, _ = propose(governor, vault, weights_call(vault, tokens, GOOD, 1, deadline), bob)
    chain.pending_timestamp = block_time
    vault.redeem(50_000 * 10**18, [0] * 4, attacker, sender=attacker)
    assert governor.proposalSupply(pid) == supply
    assert governor.proposalQuorum(pid) == supply * QUORUM_PERCENT // 100
    pid_later, _ = propose(governor, vault, weights_call(vault, tokens, GOOD, 2, deadline), bob)
    assert governor.proposalSupply(pid_later) == vault.totalSupply() == supply


def test_execute__before_the_timelock_delay__reverts(dao, vault, tokens, chain, alice, deadline):
    governor, timelock = dao
    pid, args = propose(governor, vault, weights_call(vault, tokens, GOOD, 1, deadline), alice)
    pass_vote(chain, governor, pid, [alice])
    governor.queue(*args, sender=alice)
    with ape.reverts(timelock.TimelockUnexpectedOperationState):
        governor.execute(*args, sender=alice)


def test_execute__past_the_decision_deadline__reverts(dao, vault, tokens, chain, alice):
    governor, _ = dao
    short = chain.pending_timestamp + VOTING_DELAY + VOTING_PERIOD + 10  # expires while queued
    pid, args = propose(governor, vault, weights_call(vault, tokens, GOOD, 1, short), alice)
    pass_vote(chain, governor, pid, [alice])
    governor.queue(*args, sender=alice)
    chain.pending_timestamp += TIMELOCK_DELAY + 1
    with ape.reverts(vault.IndexVault__DecisionExpired):
        governor.execute(*args, sender=alice)


def test_stale_nonce__an_older_decision_cannot_overwrite_a_newer_one(dao, vault, tokens, chain, alice, bob, deadline):
    governor, _ = dao
    # Under the default policy this basket's valid sets are 30 / x / 40-x / 30 (percent).
    older, newer = [3000, 2000, 2000, 3000], [3000, 2500, 1500, 3000]
    pid_old, args_old = propose(governor, vault, weights_call(vault, tokens, older, 2, deadline), alice, "older")
    pid_new, args_new = propose(governor, vault, weights_call(vault, tokens, newer, 3, deadline), alice, "newer")
    to_voting(chain)
    for pid in (pid_old, pid_new):
        governor.castVote(pid, FOR, sender=alice)
    to_end_of_vote(chain)
    governor.queue(*args_old, sender=alice)
    governor.queue(*args_new, sender=alice)
    chain.pending_timestamp += TIMELOCK_DELAY + 1
    governor.execute(*args_new, sender=alice)
    with ape.reverts(vault.IndexVault__StaleDecision, nonce=2, currentNonce=3):
        governor.execute(*args_old, sender=alice)
    assert vault.decisionNonce() == 3
    assert [a.targetWeightBps for a in vault.assets()] == newer


def test_policy_violating_proposal__cannot_execute(dao, vault, tokens, chain, alice, deadline):
    governor, _ = dao
    too_heavy = [3500, 2000, 1500, 3000]  # the lead token above the 30% cap
    pid, args = propose(governor, vault, weights_call(vault, tokens, too_heavy, 1, deadline), alice)
    pass_vote(chain, governor, pid, [alice])
    governor.queue(*args, sender=alice)
    chain.pending_timestamp += TIMELOCK_DELAY + 1
    with ape.reverts(vault.IndexVault__TokenWeightAboveCap, token=tokens[0].address, weightBps=3500, capBps=3000):
        governor.execute(*args, sender=alice)


@pytest.mark.parametrize("stage", [PENDING, ACTIVE, SUCCEEDED, QUEUED])
def test_guardian__vetoes_a_proposal_at_any_stage_before_execution(dao, vault, tokens, chain, alice, guardian,
                                                                   deadline, stage):
    governor, timelock = dao
    pid, args = propose(governor, vault, weights_call(vault, tokens, GOOD, 1, deadline), alice)
    if stage >= ACTIVE:
        to_voting(chain)
    if stage >= SUCCEEDED:
        governor.castVote(pid, FOR, sender=alice)
        to_end_of_vote(chain)
    if stage == QUEUED:
        governor.queue(*args, sender=alice)
    assert governor.state(pid) == stage
    governor.cancel(*args, sender=guardian)
    assert governor.state(pid) == CANCELED
    chain.pending_timestamp += TIMELOCK_DELAY + 1
    with ape.reverts(governor.GovernorUnexpectedProposalState):
        governor.execute(*args, sender=alice)


def test_guardian__cannot_execute_or_move_funds(dao, vault, tokens, chain, alice, guardian, deadline):
    governor, timelock = dao
    pid, args = propose(governor, vault, weights_call(vault, tokens, GOOD, 1, deadline), alice)
    pass_vote(chain, governor, pid, [alice])
    governor.queue(*args, sender=alice)
    chain.pending_timestamp += TIMELOCK_DELAY + 1
    # The guardian holds no executor role: it cannot run even an approved, ready operation itself.
    with ape.reverts(timelock.AccessControlUnauthorizedAccount):
        timelock.execute(args[0][0], 0, args[2][0], b"\0" * 32, b"\0" * 32, sender=guardian)
    with ape.reverts(vault.OwnableUnauthorizedAccount):
        vault.skim(tokens[0], guardian, sender=guardian)
    with ape.reverts(vault.OwnableUnauthorizedAccount):
        vault.setTargetWeights([t.address for t in tokens], GOOD, 9, deadline, sender=guardian)


def test_stranger__cannot_cancel(dao, vault, tokens, alice, bob, deadline):
    governor, _ = dao
    pid, args = propose(governor, vault, weights_call(vault, tokens, GOOD, 1, deadline), alice)
    with ape.reverts(governor.GovernorUnableToCancel):
        governor.cancel(*args, sender=bob)


def test_timelock__owns_the_vault_so_only_governance_changes_it(dao, vault, tokens, owner, deadline):
    governor, timelock = dao
    assert vault.owner() == timelock.address
    with ape.reverts(vault.OwnableUnauthorizedAccount, account=owner.address):
        vault.setTargetWeights([t.address for t in tokens], GOOD, 1, deadline, sender=owner)
    with ape.reverts(vault.OwnableUnauthorizedAccount):
        vault.setFee(100, owner, sender=owner)


def test_set_guardian__only_through_governance(dao, alice):
    governor, _ = dao
    with ape.reverts(governor.GovernorOnlyExecutor):
        governor.setGuardian(alice, sender=alice)
