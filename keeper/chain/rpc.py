"""Connecting to a deployment's chain, with a clear error when it is down or is another chain."""

from __future__ import annotations

import requests
from web3 import HTTPProvider, Web3

from keeper.chain.deployments import ChainDeployment
from keeper.chain.errors import ChainError

RPC_TIMEOUT_SECONDS = 30


def connect(deployment: ChainDeployment) -> Web3:
    """A Web3 for `deployment`'s RPC, checked to answer with the chain id the deployment names."""
    w3 = Web3(HTTPProvider(deployment.rpc_url, request_kwargs={"timeout": RPC_TIMEOUT_SECONDS}))
    try:
        chain_id = w3.eth.chain_id
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise ChainError(
            f"chain {deployment.chain!r} does not answer at {deployment.rpc_url} ({type(exc).__name__}); "
            "is the devnet running (`make devnet`) or is the RPC URL in its deployments file right?"
        ) from None
    if chain_id != deployment.chain_id:
        raise ChainError(f"{deployment.rpc_url} is chain id {chain_id}, but the deployments file of "
                         f"{deployment.chain!r} says {deployment.chain_id}: wrong RPC URL or a stale file")
    return w3
