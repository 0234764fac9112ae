"""The devnet: two anvil chains (home and spoke), everything deployed, wallets funded, deposits made."""

from __future__ import annotations

import signal
import time
from contextlib import ExitStack
from pathlib import Path

from web3 import HTTPProvider, Web3

from keeper.chain.anvil import AnvilChain
from keeper.chain.deployments import save_deployment
from keeper.chain.signer import devnet_account
from keeper.chain.tx import Sender
from keeper.chain.vault import read_vault
from keeper.devnet.deploy import ChainHandles, deploy_chain, fund_wallet
from keeper.devnet.summary import format_vault
from keeper.devnet.universe import CHAINS, DEFAULT_PORTS
from keeper.wallet import deposit

# Who deposits how many shares on each chain, through the same wallet flow a user runs.
DEPOSITS = {"alice": 120, "bob": 45, "carol": 10}


def connect(rpc_url: str) -> Web3:
    return Web3(HTTPProvider(rpc_url, request_kwargs={"timeout": 30}))


def populate(handles: ChainHandles, log=print) -> None:
    """Funds the devnet wallets and has each deposit through the wallet flow."""
    for role, shares in DEPOSITS.items():
        fund_wallet(handles, role, usd_per_token=50_000)
        result = deposit(handles.w3, handles.deployment, Sender(handles.w3, devnet_account(role)),
                         shares * 10**18, approve=True)
        log(f"[{handles.deployment.chain}] {role} deposited in kind for {shares} shares (tx {result.tx_hash[:10]}…)")


def start_devnet(stack: ExitStack, ports: dict[str, int] | None = None, deployments_dir: Path | None = None,
                 log=print) -> dict[str, ChainHandles]:
    """Starts and deploys both chains; they stop when `stack` closes."""
    ports = ports or DEFAULT_PORTS
    handles = {}
    for chain, chain_id in CHAINS.items():
        anvil = stack.enter_context(AnvilChain(chain_id=chain_id, port=ports[chain], name=chain))
        log(f"[{chain}] anvil chain id {chain_id} on {anvil.rpc_url}")
        handles[chain] = deploy_chain(connect(anvil.rpc_url), chain, chain_id, anvil.rpc_url, log=log)
        populate(handles[chain], log=log)
        path = save_deployment(handles[chain].deployment, deployments_dir)
        handles[chain].deployment_dir = path.parent
        log(f"[{chain}] deployment written to {path}")
    return handles


def print_summaries(handles: dict[str, ChainHandles], log=print) -> None:
    for h in handles.values():
        log(format_vault(read_vault(h.w3, h.deployment)))


def wait_for_interrupt(log=print) -> None:
    log("devnet running; Ctrl-C (or SIGTERM) stops both chains")
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    try:
        while not stop:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
