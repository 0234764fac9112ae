"""One full governance cycle on a devnet chain: delegate, propose new weights, vote, queue, execute.

Time travels over the voting delay, the voting period and the timelock delay with anvil's evm_increaseTime.
"""

from __future__ import annotations

from pathlib import Path

from web3 import Web3

from keeper.chain.artifacts import load
from keeper.chain.signer import devnet_account
from keeper.chain.tx import Sender, contract
from keeper.devnet.deploy import ChainHandles
from keeper.governance.dao import Dao
from keeper.governance.weights_file import read_weights, to_bps

EXAMPLE_PROPOSAL = Path(__file__).resolve().parents[2] / "examples" / "proposals" / "home-defi-tilt.json"
# Who votes how, with the reason they give.
VOTES = (("alice", "for", "more DeFi, less stablecoin drag"), ("bob", "for", ""),
         ("carol", "against", "too little in stablecoins"))


def travel(w3: Web3, seconds: int) -> None:
    """Moves the devnet's clock forward and mines a block at the new time."""
    w3.provider.make_request("evm_increaseTime", [seconds])
    w3.provider.make_request("evm_mine", [])


def format_targets(dao: Dao) -> str:
    assets = dao.vault.functions.assets().call()
    return "  ".join(f"{dao.deployment.token(a[0]).symbol} {a[4] / 100:.0f}%" for a in assets)


def run_governance_cycle(handles: ChainHandles, proposal_file: Path = EXAMPLE_PROPOSAL, log=print) -> int:
    w3 = handles.w3
    dao = Dao(w3, handles.deployment)
    chain = handles.deployment.chain
    log(f"[{chain}] target weights before: {format_targets(dao)}")
    senders = {role: Sender(w3, devnet_account(role)) for role, _, _ in VOTES}
    for sender in senders.values():
        dao.delegate(sender, sender.address)
    travel(w3, 1)

    targets, values, calldatas, description = dao.weight_proposal(
        to_bps(read_weights(proposal_file)), text=f"Tilt the {chain} index toward DeFi (from {proposal_file.name})")
    proposal_id = dao.propose(senders["alice"], targets, values, calldatas, description)
    log(f"[{chain}] alice proposed {proposal_file.name} as proposal {str(proposal_id)[:12]}…")

    voting_delay = dao.governor.functions.votingDelay().call()
    travel(w3, voting_delay + 1)
    for role, support, reason in VOTES:
        dao.vote(senders[role], proposal_id, support, reason)
        log(f"[{chain}] {role} voted {support}" + (f" ({reason})" if reason else ""))
    travel(w3, dao.governor.functions.votingPeriod().call() + 1)
    status = next(s for s in dao.proposals() if s.proposal.proposal_id == proposal_id)
    log(f"[{chain}] vote closed: {status.state}; for {status.for_votes / 1e18:,.1f}, against "
        f"{status.against_votes / 1e18:,.1f}, abstain {status.abstain_votes / 1e18:,.1f}, quorum "
        f"{status.quorum / 1e18:,.1f}")
    dao.queue(senders["bob"], proposal_id)
    timelock = contract(w3, handles.deployment.address("timelock"), load("IndexTimelock"))
    delay = timelock.functions.getMinDelay().call()
    travel(w3, delay + 1)
    dao.execute(senders["bob"], proposal_id)
    log(f"[{chain}] executed through the timelock after {delay} s")
    log(f"[{chain}] target weights after:  {format_targets(dao)}")
    return proposal_id
