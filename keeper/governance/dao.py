"""Talking to a vault's DAO: delegate, propose weights, vote, queue, execute, and list proposals.

Every action checks first, from the chain's current state, that it can succeed, and says why not otherwise;
nothing is sent then. Weight sets are checked by the vault's own policy view before they are proposed.
"""

from __future__ import annotations

from dataclasses import dataclass

from eth_utils import keccak
from web3 import Web3
from web3.logs import DISCARD

from keeper.chain.artifacts import load
from keeper.chain.deployments import ChainDeployment
from keeper.chain.errors import PreflightError
from keeper.chain.multicall import Batch
from keeper.chain.tx import Sender, contract, decode_revert
from keeper.governance.errors import GovernanceError
from keeper.governance.header import ProposalHeader, parse_description

STATES = ("Pending", "Active", "Canceled", "Defeated", "Succeeded", "Queued", "Expired", "Executed")
SUPPORT = {"against": 0, "for": 1, "abstain": 2}
DAY = 24 * 3600


@dataclass(frozen=True)
class Proposal:
    proposal_id: int
    proposer: str
    targets: list[str]
    values: list[int]
    calldatas: list[bytes]
    description: str
    vote_start: int  # the snapshot: votes count as of this timestamp
    vote_end: int

    @property
    def description_hash(self) -> bytes:
        return keccak(text=self.description)

    @property
    def header(self) -> ProposalHeader | None:
        return parse_description(self.description)[0]

    @property
    def title(self) -> str:
        text = parse_description(self.description)[1]
        return text.splitlines()[0] if text else ""

    def args(self) -> tuple:
        return self.targets, self.values, self.calldatas, self.description_hash


@dataclass(frozen=True)
class ProposalStatus:
    proposal: Proposal
    state: str
    for_votes: int
    against_votes: int
    abstain_votes: int
    quorum: int
    snapshot: int  # vote start (timestamp): votes are counted as of this moment
    vote_end: int
    eta: int  # when a queued proposal can execute; 0 before it is queued


class Dao:
    """The Governor, timelock and vault of one chain's deployment."""

    def __init__(self, w3: Web3, deployment: ChainDeployment):
        self.w3 = w3
        self.deployment = deployment
        self.vault = contract(w3, deployment.address("vault"), load("IndexVault"))
        self.governor = contract(w3, deployment.address("governor"), load("IndexGovernor"))

    # ------------------------------------------------------------------ weights

    def check_weights(self, bps: dict[str, int]) -> tuple[list[str], list[int]]:
        """Maps symbol -> bps onto token addresses and checks them with the vault's policy view."""
        problems = []
        known = {t.symbol.upper(): t for t in self.deployment.tokens}
        basket = [self.w3.to_checksum_address(a) for a in self.vault.functions.basket().call()]
        basket_symbols = {self.deployment.token(a).symbol.upper() for a in basket}
        for symbol in bps:
            if symbol not in known:
                problems.append(f"unknown token {symbol} on {self.deployment.chain} "
                                f"(known: {', '.join(sorted(known))})")
            elif symbol not in basket_symbols:
                problems.append(f"{symbol} is not in the vault's basket")
        for symbol, weight in bps.items():
            if not isinstance(weight, int) or not 0 <= weight <= 10_000:
                problems.append(f"{symbol}: weight {weight} bps is not a whole number from 0 to 10000")
        missing = sorted(basket_symbols - set(bps))
        if missing:
            problems.append(f"wrong length: the basket has {len(basket)} tokens and the file gives {len(bps)}; "
                            f"missing {', '.join(missing)} (give every basket token a weight, 0 included)")
        if problems:
            raise PreflightError("weight proposal refused, nothing was sent:\n  " + "\n  ".join(problems))
        tokens = [known[s].address for s in bps]
        weights = list(bps.values())
        reason = bytes(self.vault.functions.checkWeights(tokens, weights).call())
        if reason:
            labels = {t.address: t.symbol for t in self.deployment.tokens}
            raise PreflightError(f"weight proposal refused by the vault's risk policy, nothing was sent: "
                                 f"{decode_revert(reason, labels)}")
        return tokens, weights

    def weight_proposal(self, bps: dict[str, int], text: str, methodology: str = "manual", inputs_hash: str = "",
                        nonce: int | None = None, valid_days: float = 14) -> tuple[list, list, list, str]:
        """(targets, values, calldatas, description) of a checked weight decision."""
        tokens, weights = self.check_weights(bps)
        nonce = nonce if nonce is not None else self.next_nonce()
        deadline = self.now() + int(valid_days * DAY)
        calldata = self.vault.functions.setTargetWeights(tokens, weights, nonce, deadline)._encode_transaction_data()
        header = ProposalHeader(self.deployment.chain, nonce, deadline, methodology, inputs_hash)
        return [self.vault.address], [0], [bytes.fromhex(calldata[2:])], header.render(text)

    def next_nonce(self) -> int:
        """One above every nonce executed or still in flight, so concurrent proposals do not collide."""
        used = [self.vault.functions.decisionNonce().call()]
        for status in self.proposals():
            header = status.proposal.header
            if header and status.state not in ("Canceled", "Defeated", "Expired"):
                used.append(header.nonce)
        return max(used) + 1

    # ------------------------------------------------------------------ actions

    def delegate(self, sender: Sender, to: str) -> dict:
        return sender.send(self.vault.functions.delegate(to), f"delegate to {to}")

    def propose(self, sender: Sender, targets, values, calldatas, description: str) -> int:
        clock = self.vault.functions.clock().call()
        votes = self.vault.functions.getPastVotes(sender.address, clock - 1).call() if clock else 0
        threshold = self.governor.functions.proposalThreshold().call()
        if votes < threshold:
            raise PreflightError(
                f"{sender.address} has {votes / 1e18:,.4f} votes, the proposal threshold is {threshold / 1e18:,.4f}: "
                "delegate your shares (to yourself) first and wait a block; nothing was sent")
        receipt = sender.send(self.governor.functions.propose(targets, values, calldatas, description), "propose")
        return self.governor.events.ProposalCreated().process_receipt(receipt, errors=DISCARD)[0].args.proposalId

    def vote(self, sender: Sender, reference: int | str, support: str, reason: str = "") -> dict:
        if support not in SUPPORT:
            raise GovernanceError(f"vote must be one of {', '.join(SUPPORT)}, not {support!r}")
        proposal_id = self._require_state(reference, "Active", "vote on").proposal_id
        if self.governor.functions.hasVoted(proposal_id, sender.address).call():
            raise GovernanceError(f"{sender.address} has already voted on proposal {proposal_id}")
        fn = (self.governor.functions.castVoteWithReason(proposal_id, SUPPORT[support], reason) if reason
              else self.governor.functions.castVote(proposal_id, SUPPORT[support]))
        return sender.send(fn, f"vote {support}")

    def queue(self, sender: Sender, reference: int | str) -> dict:
        proposal = self._require_state(reference, "Succeeded", "queue")
        return sender.send(self.governor.functions.queue(*proposal.args()), "queue")

    def execute(self, sender: Sender, reference: int | str) -> dict:
        proposal = self._require_state(reference, "Queued", "execute")
        proposal_id = proposal.proposal_id
        eta = self.governor.functions.proposalEta(proposal_id).call()
        if self.now() < eta:
            raise GovernanceError(f"proposal {proposal_id} is queued until {eta} (in {eta - self.now()} s): "
                                  "the timelock delay has not passed")
        return sender.send(self.governor.functions.execute(*proposal.args()), "execute")

    def cancel(self, sender: Sender, reference: int | str) -> dict:
        return sender.send(self.governor.functions.cancel(*self.proposal(reference).args()), "cancel")

    # ------------------------------------------------------------------ reads

    def now(self) -> int:
        return self.w3.eth.get_block("latest")["timestamp"]

    def proposal(self, reference: int | str) -> Proposal:
        """A proposal by its id, or by a unique leading part of its id (at least 6 digits) as `status` prints."""
        text = str(reference).strip()
        found = [p for p in self._created() if str(p.proposal_id) == text
                 or (len(text) >= 6 and str(p.proposal_id).startswith(text))]
        if len(found) != 1:
            what = "no proposal" if not found else f"{len(found)} proposals match"
            raise GovernanceError(f"{what} {text} on {self.deployment.chain}: see `ape run status`")
        return found[0]

    def proposals(self) -> list[ProposalStatus]:
        """Every proposal with its state, tallies, quorum and eta, read in one Multicall3 call."""
        created = self._created()
        if not created:
            return []
        g = self.governor.functions
        batch = Batch(self.w3)
        calls = [(batch.add(g.state(p.proposal_id)), batch.add(g.proposalVotes(p.proposal_id)),
                  batch.add(g.proposalQuorum(p.proposal_id)), batch.add(g.proposalEta(p.proposal_id)))
                 for p in created]
        r = batch.run()
        statuses = []
        for p, (state, votes, quorum, eta) in zip(created, calls):
            against, for_, abstain = r[votes]
            statuses.append(ProposalStatus(p, STATES[r[state]], for_, against, abstain, r[quorum], p.vote_start,
                                           p.vote_end, r[eta]))
        return statuses

    def _created(self) -> list[Proposal]:
        logs = self.governor.events.ProposalCreated().get_logs(from_block=0)
        return [Proposal(e.args.proposalId, e.args.proposer, list(e.args.targets), list(e.args.values),
                         [bytes(c) for c in e.args.calldatas], e.args.description, e.args.voteStart,
                         e.args.voteEnd) for e in logs]

    def _require_state(self, reference: int | str, wanted: str, action: str) -> Proposal:
        proposal = self.proposal(reference)
        state = STATES[self.governor.functions.state(proposal.proposal_id).call()]
        if state != wanted:
            raise GovernanceError(f"cannot {action} proposal {proposal.proposal_id}: it is {state}, "
                                  f"it must be {wanted}")
        return proposal
