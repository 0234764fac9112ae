"""Governance at a pinned block: voting power from the vault's delegation events, proposals and turnout.

One `eth_getLogs` (delegation changes of every vault and proposals of every governor) and one Multicall3
call for the proposals' state, tallies and quorum.
"""

from __future__ import annotations

from web3 import Web3

from analytics.metrics.governance import ProposalRecord
from keeper.chain.snapshot import ChainSnapshot
from analytics.report.assemble import GovernanceInput
from keeper.chain.artifacts import load
from keeper.chain.multicall import Batch, CallFailed
from keeper.governance.dao import STATES
from keeper.governance.header import parse_description


def read_governance(w3: Web3, snapshot: ChainSnapshot) -> GovernanceInput | None:
    d = snapshot.deployment
    if "governor" not in d.contracts or not snapshot.vaults:
        return None
    vault = w3.eth.contract(address=snapshot.vaults[0].address, abi=load("IndexVault").abi)
    governor = w3.eth.contract(address=d.address("governor"), abi=load("IndexGovernor").abi)
    delegate_event, created_event = vault.events.DelegateVotesChanged(), governor.events.ProposalCreated()
    logs = w3.eth.get_logs({
        "fromBlock": 0, "toBlock": snapshot.block, "address": [vault.address, governor.address],
        "topics": [[delegate_event.topic, created_event.topic]]})
    votes, proposals = {}, []
    delegate_topic, created_topic = bytes.fromhex(delegate_event.topic[2:]), bytes.fromhex(created_event.topic[2:])
    for log in logs:
        topic = bytes(log["topics"][0])
        if topic == delegate_topic and log["address"].lower() == vault.address.lower():
            event = delegate_event.process_log(log)
            votes[event.args.delegate] = event.args.newVotes
        elif topic == created_topic:
            proposals.append(created_event.process_log(log).args)

    batch = Batch(w3, snapshot.block)
    calls = []
    for p in proposals:
        g = governor.functions
        calls.append((batch.add(g.state(p.proposalId)), batch.add(g.proposalVotes(p.proposalId)),
                      batch.add(g.proposalQuorum(p.proposalId)), batch.add(g.proposalSupply(p.proposalId))))
    results = batch.run()
    records = []
    for p, (state_at, votes_at, quorum_at, supply_at) in zip(proposals, calls):
        if isinstance(results[votes_at], CallFailed):
            continue
        against, for_, abstain = results[votes_at]
        # A governor without proposalQuorum/proposalSupply: report without a quorum, against today's supply.
        quorum = None if isinstance(results[quorum_at], CallFailed) else results[quorum_at]
        supply = snapshot.vaults[0].total_supply if isinstance(results[supply_at], CallFailed) else results[supply_at]
        text = parse_description(p.description)[1]
        records.append(ProposalRecord(str(p.proposalId)[:12] + "…", (text.splitlines() or [""])[0], for_, against,
                                      abstain, supply, quorum=quorum, state=STATES[results[state_at]]))
    held = {holder: v for holder, v in votes.items() if v}
    return GovernanceInput(chain=d.chain, token=snapshot.vaults[0].symbol, block=snapshot.block, votes=held,
                           total_supply=snapshot.vaults[0].total_supply,
                           delegated_votes=sum(held.values()), proposals=records)
