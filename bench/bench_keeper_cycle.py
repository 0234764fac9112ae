"""Keeper cycle cost: RPC requests per chain per cycle (10 and 50 tokens) and the wall time of one
read-plan-simulate cycle for 2 chains x 20 tokens. Merges into bench/results/keeper.json.

Run: `make bench-keeper` (after the weights benchmark). Each chain gets N tokens with Uniswap V2 pools, a
vault seeded off its targets, price feeds and an IndexRebalancer; the bot then runs in dry-run mode
(read with one Multicall3 call, decide, plan, simulate the rebalance transaction). Requests are counted at
the HTTP layer, so they are exact; the wall time is the best of three.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from web3 import HTTPProvider, Web3

from keeper.bot.cycle import Keeper
from keeper.bot.journal import Journal
from keeper.chain.anvil import AnvilChain
from keeper.chain.artifacts import load
from keeper.chain.deployments import ChainDeployment, TokenInfo
from keeper.chain.multicall import install_devnet_multicall
from keeper.chain.signer import devnet_account
from keeper.chain.tx import Sender

RESULTS = Path(__file__).parent / "results" / "keeper.json"
PERMISSIVE = (10000, 10000, (0, 0, 0), (10000, 10000, 10000))
BOUNDS = (50, 300, 2000, 60, 3600)


def deploy(rpc_url: str, chain: str, chain_id: int, n: int) -> ChainDeployment:
    w3 = Web3(HTTPProvider(rpc_url))
    install_devnet_multicall(w3)
    me = Sender(w3, devnet_account("deployer"))
    keeper = devnet_account("keeper").address
    usdc = me.deploy(load("TestToken"), "USD Coin", "USDC", 6)
    tokens = [me.deploy(load("TestToken"), f"Token {i}", f"T{i}", 18) for i in range(n - 1)]
    weth = me.deploy(load("WETH9"))
    factory = me.deploy(load("UniswapV2Factory"), me.address)
    router = me.deploy(load("UniswapV2Router02"), factory.address, weth.address)
    big = 10**40
    deadline = w3.eth.get_block("latest")["timestamp"] + 3600
    for t in [usdc] + tokens:
        me.send(t.functions.mint(me.address, big), "mint")
        me.send(t.functions.approve(router.address, big), "approve")
    for t in tokens:  # every token at $1 against USDC, $10M a side
        me.send(router.functions.addLiquidity(t.address, usdc.address, 10**25, 10**13, 0, 0, me.address, deadline),
                "pool")
    basket = [usdc] + tokens
    vault = me.deploy(load("IndexVault"), "Bench", "BNCH", me.address, [t.address for t in basket],
                      [b"S".ljust(32, b"\0")] * n, [1] * n, PERMISSIVE)
    for t in basket:
        me.send(t.functions.approve(vault.address, big), "approve")
    # Seeded with twice the first half's share: the targets (equal weights) are off by design.
    amounts = [(2 if i < n // 2 else 1) * 10**21 // (10**12 if i == 0 else 1) for i in range(n)]
    me.send(vault.functions.seed(amounts, 10**21, me.address), "seed")
    equal = [10_000 // n] * n
    equal[0] += 10_000 - sum(equal)
    me.send(vault.functions.setTargetWeights([t.address for t in basket], equal, 1, deadline + 86400), "targets")
    rebalancer = me.deploy(load("IndexRebalancer"), vault.address, me.address, keeper, router.address, BOUNDS)
    feeds = {}
    for i, t in enumerate(basket):
        feed = me.deploy(load("DevnetPriceFeed"), 8, "USD", 10**8)
        me.send(rebalancer.functions.setFeed(t.address, feed.address), "feed")
        feeds[f"feed:{'USDC' if i == 0 else f'T{i - 1}'}"] = feed.address
    me.send(vault.functions.setKeeper(rebalancer.address), "keeper")
    infos = [TokenInfo("USDC", "USD Coin", usdc.address, 6, "stablecoin", "conservative")] + [
        TokenInfo(f"T{i}", f"Token {i}", t.address, 18, "DeFi", "balanced") for i, t in enumerate(tokens)]
    return ChainDeployment(chain, chain_id, rpc_url, "USDC",
                           {"vault": vault.address, "rebalancer": rebalancer.address, "uniswap_factory": factory.address,
                            "uniswap_router": router.address, **feeds}, tuple(infos))


def main() -> int:
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    requests, seconds = {}, []
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        for n in (10, 50):
            anvil = stack.enter_context(AnvilChain(chain_id=42000 + n, name=f"k{n}"))
            print(f"deploying a {n}-token vault ...", flush=True)
            keeper = Keeper([deploy(anvil.rpc_url, f"k{n}", 42000 + n, n)], devnet_account("keeper"),
                            Journal(Path(tmp) / f"j{n}.sqlite"))
            (report,) = keeper.cycle("dry-run")
            assert report.status == "simulated", (report.reason, report.weights_before)
            requests[str(n)] = report.rpc_requests
        chains = []
        for i in range(2):
            anvil = stack.enter_context(AnvilChain(chain_id=43000 + i, name=f"c{i}"))
            print(f"deploying chain {i} (20 tokens) ...", flush=True)
            chains.append(deploy(anvil.rpc_url, f"c{i}", 43000 + i, 20))
        keeper = Keeper(chains, devnet_account("keeper"), Journal(Path(tmp) / "cycle.sqlite"))
        for _ in range(3):
            start = time.perf_counter()
            reports = keeper.cycle("dry-run")
            seconds.append(time.perf_counter() - start)
            assert all(r.status == "simulated" for r in reports), [r.reason for r in reports]
    results["rpc_requests_per_chain"] = requests
    results["cycle_seconds_2_chains_20_tokens"] = round(min(seconds), 3)
    results["cycle_meta"] = {"mode": "dry-run: read (Multicall3) + decide + plan + simulate (eth_call)",
                             "requests_counted": "HTTP requests, cached eth_chainId included once",
                             "all_cycle_seconds": [round(s, 3) for s in seconds]}
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(json.dumps({k: results[k] for k in ("rpc_requests_per_chain", "cycle_seconds_2_chains_20_tokens")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
