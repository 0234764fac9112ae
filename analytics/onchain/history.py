"""NAV-per-share history from sampled blocks: one JSON-RPC batch of Multicall3 calls, one per sample."""

from __future__ import annotations

import pandas as pd
from eth_abi import decode
from web3 import Web3

from keeper.chain.artifacts import load
from keeper.chain.multicall import Batch, CallFailed
from keeper.chain.uniswap import oriented, spot_price
from keeper.chain.snapshot import ChainSnapshot


def sample_blocks(first: int, last: int, samples: int) -> list[int]:
    if samples < 2 or last <= first:
        return [last]
    step = (last - first) / (samples - 1)
    return sorted({int(round(first + i * step)) for i in range(samples)})


def nav_history(w3: Web3, snapshot: ChainSnapshot, samples: int = 24, first_block: int = 1,
                benchmark: str = "WETH") -> tuple[dict[str, pd.Series], pd.Series | None]:
    """NAV per share (quote units) of every vault at `samples` blocks up to the snapshot's, and the price
    of `benchmark` at the same blocks. Blocks before a vault was seeded are left out of its series."""
    d = snapshot.deployment
    quote = d.token(d.quote_token)
    vault_abi, pair_abi = load("IndexVault").abi, load("UniswapV2Pair").abi
    blocks = sample_blocks(first_block, snapshot.block, samples)
    # The same calls at every sampled block: encode them once, send one eth_call per block in one batch.
    batch = Batch(w3, snapshot.block)
    vault_fns = w3.eth.contract(abi=vault_abi).functions
    pair_fns = w3.eth.contract(abi=pair_abi).functions
    layout = {"time": batch.add(batch.multicall.functions.getCurrentBlockTimestamp())}
    for vault in snapshot.vaults:
        layout[f"supply:{vault.name}"] = batch.add(vault_fns.totalSupply(), target=vault.address)
        layout[f"pending:{vault.name}"] = batch.add(vault_fns.pendingFeeShares(), target=vault.address)
        layout[f"assets:{vault.name}"] = batch.add(vault_fns.assets(), target=vault.address)
    for symbol, pool in snapshot.pools.items():
        layout[f"reserves:{symbol}"] = batch.add(pair_fns.getReserves(), target=pool.pair)
    data = batch.multicall.functions.aggregate3(
        [(t, True, d) for t, d, _ in batch._calls])._encode_transaction_data()
    with w3.batch_requests() as rpc:  # one HTTP request for every sample
        for block in blocks:
            rpc.add(w3.eth.call({"to": batch.multicall.address, "data": data}, block))
        raw_results = rpc.execute()

    navs: dict[str, dict] = {v.name: {} for v in snapshot.vaults}
    bench: dict = {}
    for raw in raw_results:
        results = batch.decode_results(decode(["(bool,bytes)[]"], raw)[0])
        when = pd.Timestamp(results[layout["time"]], unit="s")
        prices = {quote.symbol: 1.0}
        for symbol in snapshot.pools:
            reserves = results[layout[f"reserves:{symbol}"]]
            if isinstance(reserves, CallFailed) or not reserves[0]:
                continue
            token = d.token(symbol)
            r_token, r_quote = oriented(token.address, quote.address, reserves[0], reserves[1])
            prices[symbol] = spot_price(r_token, r_quote, token.decimals, quote.decimals)
        if benchmark in prices:
            bench[when] = prices[benchmark]
        for vault in snapshot.vaults:
            supply, assets = results[layout[f"supply:{vault.name}"]], results[layout[f"assets:{vault.name}"]]
            if isinstance(supply, CallFailed) or isinstance(assets, CallFailed) or not supply:
                continue
            nav = sum(held / d.token(addr).unit * prices.get(d.token(addr).symbol, 0.0)
                      for addr, _s, _t, held, _w in assets)
            pending = results[layout[f"pending:{vault.name}"]]
            navs[vault.name][when] = nav / ((supply + (0 if isinstance(pending, CallFailed) else pending)) / 1e18)
    series = {name: pd.Series(values).sort_index() for name, values in navs.items() if len(values) >= 2}
    benchmark_series = pd.Series(bench).sort_index() if len(bench) >= 2 else None
    return series, benchmark_series
