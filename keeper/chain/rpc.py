"""Connecting to a deployment's chain, with a clear error when it is down or is another chain."""

from __future__ import annotations

import requests
from web3 import HTTPProvider, Web3

from keeper.chain.deployments import ChainDeployment
from keeper.chain.errors import ChainError

RPC_TIMEOUT_SECONDS = 30


class CountingHTTPProvider(HTTPProvider):
    """An HTTP provider that counts the HTTP requests it really sends: answers from web3's request cache
    are not counted, and a JSON-RPC batch counts as one."""

    requests = 0

    def _make_request(self, method, request_data):
        self.requests += 1
        return super()._make_request(method, request_data)

    def make_batch_request(self, batch_requests):
        self.requests += 1
        return super().make_batch_request(batch_requests)


def connect(deployment: ChainDeployment) -> Web3:
    """A Web3 for `deployment`'s RPC, checked to answer with the chain id the deployment names.

    `w3.provider.requests` counts the HTTP requests made through it (benchmarks report it).
    """
    # cache_allowed_requests: web3 asks eth_chainId before every eth_call otherwise.
    w3 = Web3(CountingHTTPProvider(deployment.rpc_url, request_kwargs={"timeout": RPC_TIMEOUT_SECONDS},
                                   cache_allowed_requests=True))
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
