"""Audit cost: RPC requests per chain and wall time for 2 chains x 10 vaults x 20 tokens.

Run: `make bench-audit` (writes bench/results/audit.json). Two anvil chains are started and filled with
20 tokens with Uniswap V2 pools and 10 seeded vaults each; then the full audit (snapshot, risk scan,
governance, NAV history at 24 sampled blocks, report) runs three times and the best wall time is kept.
The request count is exact (counted at the HTTP layer), so it needs no repetition.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from web3 import HTTPProvider, Web3

from analytics.audit import run_audit
from keeper.chain.anvil import AnvilChain
from keeper.chain.artifacts import load
from keeper.chain.deployments import ChainDeployment, TokenInfo, save_deployment
from keeper.chain.multicall import install_devnet_multicall
from keeper.chain.signer import devnet_account
from keeper.chain.tx import Sender

CHAINS, VAULTS, TOKENS = 2, 10, 20
RESULTS = Path(__file__).parent / "results" / "audit.json"
PERMISSIVE = (10000, 10000, (0, 0, 0), (10000, 10000, 10000))
SECTORS = ("DeFi", "DePIN-compute", "DePIN-storage", "DePIN-wireless", "L1", "L2")


def deploy(rpc_url: str, chain: str, chain_id: int) -> ChainDeployment:
    w3 = Web3(HTTPProvider(rpc_url))
    install_devnet_multicall(w3)
    me = Sender(w3, devnet_account("deployer"))
    usdc = me.deploy(load("TestToken"), "USD Coin", "USDC", 6)
    tokens = [me.deploy(load("TestToken"), f"Token {i}", f"T{i}", 18) for i in range(TOKENS)]
    weth = me.deploy(load("WETH9"))
    factory = me.deploy(load("UniswapV2Factory"), me.address)
    router = me.deploy(load("UniswapV2Router02"), factory.address, weth.address)
    big = 10**40
    me.send(usdc.functions.mint(me.address, big), "mint")
    me.send(usdc.functions.approve(router.address, big), "approve")
    deadline = w3.eth.get_block("latest")["timestamp"] + 3600
    for t in tokens:
        me.send(t.functions.mint(me.address, big), "mint")
        me.send(t.functions.approve(router.address, big), "approve")
        me.send(router.functions.addLiquidity(t.address, usdc.address, 10**24, 10**12, 0, 0, me.address, deadline),
                "pool")
    vaults = {}
    for v in range(VAULTS):
        vault = me.deploy(load("IndexVault"), f"Bench {v}", f"B{v}", me.address, [t.address for t in tokens],
                          [SECTORS[i % len(SECTORS)].encode().ljust(32, b"\0") for i in range(TOKENS)],
                          [i % 3 for i in range(TOKENS)], PERMISSIVE)
        for t in tokens:
            me.send(t.functions.approve(vault.address, big), "approve")
        me.send(vault.functions.seed([10**20] * TOKENS, 10**21, me.address), "seed")
        me.send(vault.functions.setTargetWeights([t.address for t in tokens], [10_000 // TOKENS] * TOKENS, 1,
                                                 deadline + 86400), "weights")
        vaults["vault" if v == 0 else f"vault:{v}"] = vault.address
    return ChainDeployment(
        chain=chain, chain_id=chain_id, rpc_url=rpc_url, quote_token="USDC",
        contracts={**vaults, "uniswap_factory": factory.address, "uniswap_router": router.address},
        tokens=tuple([TokenInfo("USDC", "USD Coin", usdc.address, 6, "stablecoin", "conservative")] + [
            TokenInfo(f"T{i}", f"Token {i}", t.address, 18, SECTORS[i % len(SECTORS)],
                      ("conservative", "balanced", "aggressive")[i % 3]) for i, t in enumerate(tokens)]))


def main() -> int:
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        deployments = []
        for i in range(CHAINS):
            anvil = stack.enter_context(AnvilChain(chain_id=41000 + i, name=f"bench{i}"))
            print(f"deploying chain {i}: {TOKENS} tokens, pools, {VAULTS} vaults ...", flush=True)
            deployment = deploy(anvil.rpc_url, f"bench{i}", 41000 + i)
            save_deployment(deployment, Path(tmp))
            deployments.append(deployment)
        timings, run = [], None
        for attempt in range(3):
            start = time.perf_counter()
            run = run_audit(deployments, Path(tmp) / "report")
            timings.append(time.perf_counter() - start)
            print(f"audit {attempt + 1}: {timings[-1]:.2f} s", flush=True)
    result = {"rpc_requests_per_chain": max(run.requests_per_chain.values()), "seconds": round(min(timings), 3),
              "chains": CHAINS, "vaults_per_chain": VAULTS, "tokens_per_vault": TOKENS,
              "requests_by_chain": run.requests_per_chain, "all_seconds": [round(t, 3) for t in timings],
              "note": "best of 3 wall times; includes risk scan, NAV history at 24 blocks and the report files; "
                      "no governor is deployed here, so the governance reads are skipped"}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
