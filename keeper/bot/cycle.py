"""One keeper cycle over every chain: read, decide, plan, simulate and (in `run` mode) send and confirm.

A chain that is down or misbehaves is reported and skipped; the others proceed. Nothing is sent for a chain
while the journal holds an unsettled transaction for it, so a restart after a crash never sends a trade
twice: it first settles what was signed (receipt, or the very same signed bytes broadcast again).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

import requests
from web3.exceptions import TransactionNotFound, Web3RPCError
from web3.logs import DISCARD

from keeper.bot.journal import Journal
from keeper.bot.metrics import Metrics
from keeper.bot.state import ChainState, read_state
from keeper.chain.artifacts import load
from keeper.chain.deployments import ChainDeployment
from keeper.chain.errors import ChainError, TransactionReverted
from keeper.chain.rpc import connect
from keeper.chain.tx import Sender
from keeper.exceptions import KeeperError
from keeper.rebalance.planner import Plan, PlanParams, plan_rebalance
from keeper.rebalance.triggers import AbsoluteBand, Trigger, should_rebalance

log = logging.getLogger("keeper.bot")
MODES = ("plan", "dry-run", "run")


@dataclass
class Policy:
    """How the bot decides and sends (the on-chain bounds come from the rebalancer itself)."""

    trigger: Trigger | None = None  # default: any token outside the rebalancer's tolerance band
    max_impact_bps: int = 30  # per pool hop; trades are split into chunks to stay under it
    min_out_slippage_bps: int = 50  # each trade's min-out below its simulated output
    safety_margin_bps: int = 20  # planner limits sit this far inside the on-chain ones
    max_cost_bps: float = 150.0  # skip when pool fees + price impact exceed this share of the value traded
    max_trades: int = 8  # per rebalance transaction (each trade re-values the basket and rewrites it on chain)
    base_fee_ceiling_gwei: float = 200.0
    gas_multiplier: float = 1.3
    receipt_timeout: float = 120.0


@dataclass
class ChainReport:
    chain: str
    status: str  # down, skipped, planned, simulated, sent, settled
    reason: str = ""
    block: int | None = None
    plan: Plan | None = None
    tx_hash: str | None = None
    gas_used: int | None = None
    weights_before: dict = field(default_factory=dict)
    rpc_requests: int = 0
    executed: list = field(default_factory=list)  # (sell, buy, value in, value out) per confirmed trade


def _params(state: ChainState, policy: Policy) -> PlanParams:
    b = state.bounds
    return PlanParams(band_bps=b.tolerance_bps, max_impact_bps=policy.max_impact_bps,
                      slippage_bps=policy.min_out_slippage_bps,
                      max_value_loss_bps=max(b.max_slippage_bps - policy.safety_margin_bps, 1),
                      max_trade_nav_bps=max(b.max_trade_bps - policy.safety_margin_bps, 1),
                      max_trades=policy.max_trades)


def _trades_arg(plan: Plan) -> list[tuple]:
    return [(t.path_addresses[0], t.path_addresses[-1], t.amount_in, t.min_amount_out, list(t.path_addresses))
            for t in plan.trades]


def _with_retries(fn, attempts: int = 3, delay: float = 0.5):
    """Transient RPC failures (connection, timeout) are retried with backoff; anything else is not."""
    for attempt in range(attempts):
        try:
            return fn()
        except (requests.ConnectionError, requests.Timeout):
            if attempt == attempts - 1:
                raise
            time.sleep(delay * 2**attempt)


class Keeper:
    def __init__(self, deployments: list[ChainDeployment], account, journal: Journal, metrics: Metrics | None = None,
                 policy: Policy | None = None):
        self.deployments = deployments
        self.account = account
        self.journal = journal
        self.metrics = metrics or Metrics()
        self.policy = policy or Policy()

    def cycle(self, mode: str = "run") -> list[ChainReport]:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        reports = []
        for deployment in self.deployments:
            try:
                report = self.run_chain(deployment, mode)
            except TransactionReverted as exc:  # the simulation refused the plan: nothing was sent
                report = ChainReport(deployment.chain, "rejected", str(exc))
                self.metrics.inc("keeper_errors_total", chain=deployment.chain, kind="simulation_reverted")
                log.error(json.dumps({"event": "rejected", "chain": deployment.chain, "error": str(exc)}))
            except (ChainError, requests.ConnectionError, requests.Timeout) as exc:
                report = ChainReport(deployment.chain, "down", str(exc))
                self.metrics.inc("keeper_errors_total", chain=deployment.chain, kind="chain_down")
                log.warning(json.dumps({"event": "chain_down", "chain": deployment.chain, "error": str(exc)}))
            except (KeeperError, Web3RPCError) as exc:  # this chain's problem: report it, go on with the others
                report = ChainReport(deployment.chain, "error", str(exc))
                self.metrics.inc("keeper_errors_total", chain=deployment.chain, kind=type(exc).__name__)
                log.error(json.dumps({"event": "error", "chain": deployment.chain, "error": str(exc)}))
            reports.append(report)
        self.metrics.inc("keeper_cycles_total")
        return reports

    def run_chain(self, deployment: ChainDeployment, mode: str) -> ChainReport:
        chain = deployment.chain
        w3 = connect(deployment)
        report = ChainReport(chain, "skipped")
        if mode == "run" and self.journal.pending(chain):
            report.status, report.reason = "settled", self._settle(w3, chain)
            report.rpc_requests = w3.provider.requests
            return report
        block = _with_retries(lambda: w3.eth.block_number)
        state = _with_retries(lambda: read_state(w3, deployment, block))
        report.block = block
        weights, targets = state.vault.weights(), state.vault.targets()
        report.weights_before = weights
        drift = max((abs(weights[s] - targets[s]) for s in weights), default=0.0)
        self.metrics.set("keeper_max_drift", drift, chain=chain)

        reason = self._blocked(state)
        if reason is None:
            trigger = self.policy.trigger or AbsoluteBand(band=state.bounds.tolerance_bps / 10_000)
            last = (datetime.fromtimestamp(state.last_rebalance, timezone.utc).date()
                    if state.last_rebalance else None)
            today = datetime.fromtimestamp(state.timestamp, timezone.utc).date()
            decision = should_rebalance(trigger, today, last, weights, targets)
            reason = None if decision.rebalance else f"trigger: {decision.reason}"
        if reason is None:
            plan = plan_rebalance(state.vault, _params(state, self.policy))
            report.plan = plan
            if not plan.trades:
                reason = f"nothing to trade: {plan.summary.reason}"
            else:
                traded = sum(t.expected_value_in for t in plan.trades)
                if plan.summary.estimated_cost > traded * self.policy.max_cost_bps / 10_000:
                    reason = (f"cost {plan.summary.estimated_cost:,.2f} above {self.policy.max_cost_bps} bps of the "
                              f"{traded:,.2f} traded: not worth it")
        if reason is not None:
            report.reason = reason
            self.metrics.inc("keeper_skipped_total", chain=chain, reason=reason.split(":")[0])
            log.info(json.dumps({"event": "skip", "chain": chain, "block": block, "reason": reason}))
            report.rpc_requests = w3.provider.requests
            return report

        report.status = "planned"
        if mode == "plan":
            report.rpc_requests = w3.provider.requests
            return report
        rebalancer = w3.eth.contract(address=deployment.address("rebalancer"), abi=load("IndexRebalancer").abi)
        fn = rebalancer.functions.rebalance(_trades_arg(report.plan))
        sender = Sender(w3, self.account)
        sender.simulate(fn, f"rebalance on {chain}")  # a failing plan stops here, with its decoded reason
        report.status = "simulated"
        report.rpc_requests = w3.provider.requests
        if mode == "dry-run":
            return report
        self._send(w3, chain, sender, fn, report)
        return report

    def _blocked(self, state: ChainState) -> str | None:
        if state.rebalance_paused:
            return "paused: the guardian paused rebalancing"
        if state.timestamp > state.decision_deadline:
            return f"expired: the approved decision's deadline {state.decision_deadline} has passed"
        if state.timestamp < state.next_allowed:
            return f"cooldown: next rebalance allowed at {state.next_allowed}"
        if state.keeper.lower() != self.account.address.lower():
            return f"not keeper: the rebalancer accepts {state.keeper}, this bot is {self.account.address}"
        if state.stale_feeds:
            return f"stale feeds: {', '.join(state.stale_feeds)}"
        return None

    def _send(self, w3, chain: str, sender: Sender, fn, report: ChainReport) -> None:
        base_fee = w3.eth.get_block("latest").get("baseFeePerGas", 0)
        if base_fee > self.policy.base_fee_ceiling_gwei * 10**9:
            raise ChainError(f"{chain}: base fee {base_fee / 1e9:.1f} gwei above the ceiling "
                             f"{self.policy.base_fee_ceiling_gwei} gwei; nothing sent")
        intent = self.journal.plan(chain, [list(map(str, t)) for t in _trades_arg(report.plan)])
        nonce = w3.eth.get_transaction_count(sender.address, "pending")
        tx = fn.build_transaction({
            "from": sender.address, "nonce": nonce, "chainId": w3.eth.chain_id,
            "gas": int(fn.estimate_gas({"from": sender.address}) * self.policy.gas_multiplier),
            "maxFeePerGas": 2 * base_fee + 10**9, "maxPriorityFeePerGas": 10**9})
        signed = self.account.sign_transaction(tx)
        self.journal.signed(intent, nonce, signed.hash.hex(), signed.raw_transaction.hex())
        self.broadcast(w3, signed.raw_transaction)
        self.journal.sent(intent)
        receipt = w3.eth.wait_for_transaction_receipt(signed.hash, timeout=self.policy.receipt_timeout)
        self._record(w3, chain, intent, receipt, report)

    def broadcast(self, w3, raw: bytes) -> None:
        """Sends signed bytes (separate so tests can crash the bot between broadcast and confirmation)."""
        w3.eth.send_raw_transaction(raw)

    def _record(self, w3, chain: str, intent: int, receipt, report: ChainReport) -> None:
        report.tx_hash = receipt["transactionHash"].hex()
        report.gas_used = receipt["gasUsed"]
        if receipt["status"] == 1:
            self.journal.confirmed(intent, receipt["gasUsed"])
            rebalanced = self._rebalancer_events(w3, chain, receipt)
            report.executed = [(e.args.sell, e.args.buy, e.args.valueIn / 1e18, e.args.valueOut / 1e18)
                               for e in rebalanced]
            report.status = "sent"
            self.metrics.inc("keeper_trades_total", len(report.plan.trades) if report.plan else 0, chain=chain)
            self.metrics.inc("keeper_gas_spent_total", receipt["gasUsed"], chain=chain)
            self.metrics.set("keeper_last_success_timestamp", time.time(), chain=chain)
            log.info(json.dumps({"event": "confirmed", "chain": chain, "tx": report.tx_hash,
                                 "gas": receipt["gasUsed"]}))
        else:
            self.journal.failed(intent, "reverted on chain")
            report.status, report.reason = "failed", "the transaction reverted on chain"
            self.metrics.inc("keeper_errors_total", chain=chain, kind="reverted")

    def _rebalancer_events(self, w3, chain: str, receipt) -> list:
        deployment = next(d for d in self.deployments if d.chain == chain)
        rebalancer = w3.eth.contract(address=deployment.address("rebalancer"), abi=load("IndexRebalancer").abi)
        return rebalancer.events.Rebalanced().process_receipt(receipt, errors=DISCARD)

    def _settle(self, w3, chain: str) -> str:
        """Resolves every unsettled journal entry of `chain` without ever signing anything new."""
        outcomes = []
        for intent in self.journal.pending(chain):
            if intent.status == "planned" or not intent.raw_tx:
                self.journal.abandoned(intent.id, "crashed before signing: nothing was sent")
                outcomes.append(f"intent {intent.id} abandoned before signing")
                continue
            try:
                receipt = w3.eth.get_transaction_receipt(intent.tx_hash)
            except TransactionNotFound:
                receipt = None
            if receipt is None:
                try:  # the same signed bytes again: a duplicate is rejected, never executed twice
                    w3.eth.send_raw_transaction(bytes.fromhex(intent.raw_tx.removeprefix("0x")))
                except ValueError as exc:
                    log.info(json.dumps({"event": "rebroadcast_refused", "chain": chain, "error": str(exc)}))
                receipt = w3.eth.wait_for_transaction_receipt(intent.tx_hash, timeout=self.policy.receipt_timeout)
            report = ChainReport(chain, "settled")
            self._record(w3, chain, intent.id, receipt, report)
            outcome = "confirmed" if report.status == "sent" else report.status
            outcomes.append(f"intent {intent.id} {outcome} on chain (tx {intent.tx_hash})")
        return "; ".join(outcomes)
