"""Everything a rebalance decision needs from one chain, read in a single Multicall3 call at a pinned block."""

from __future__ import annotations

from dataclasses import dataclass

from web3 import Web3

from keeper.chain.artifacts import load
from keeper.chain.deployments import ChainDeployment
from keeper.chain.multicall import Batch, CallFailed
from keeper.chain.uniswap import oriented, pair_for
from keeper.exceptions import KeeperError
from keeper.rebalance.basket import QuoteToken, TokenState, VaultState


@dataclass(frozen=True)
class Bounds:
    tolerance_bps: int
    max_slippage_bps: int
    max_trade_bps: int
    cooldown: int
    max_price_age: int


@dataclass(frozen=True)
class ChainState:
    chain: str
    block: int
    timestamp: int
    vault: VaultState  # holdings, reference (feed) prices, pool reserves and targets, for the planner
    bounds: Bounds
    last_rebalance: int
    decision_deadline: int
    rebalance_paused: bool
    keeper: str  # the account the rebalancer accepts
    stale_feeds: tuple[str, ...]

    @property
    def next_allowed(self) -> int:
        return self.last_rebalance + self.bounds.cooldown if self.last_rebalance else 0


def read_state(w3: Web3, deployment: ChainDeployment, block: int) -> ChainState:
    vault_fns = w3.eth.contract(abi=load("IndexVault").abi).functions
    rebalancer_fns = w3.eth.contract(abi=load("IndexRebalancer").abi).functions
    feed_fns = w3.eth.contract(abi=load("DevnetPriceFeed").abi).functions
    pair_fns = w3.eth.contract(abi=load("UniswapV2Pair").abi).functions
    vault, rebalancer = deployment.address("vault"), deployment.address("rebalancer")
    quote = deployment.token(deployment.quote_token)

    batch = Batch(w3, block)
    at = {
        "time": batch.add(batch.multicall.functions.getCurrentBlockTimestamp()),
        "assets": batch.add(vault_fns.assets(), target=vault),
        "deadline": batch.add(vault_fns.decisionDeadline(), target=vault),
        "paused": batch.add(vault_fns.rebalancePaused(), target=vault),
        "bounds": batch.add(rebalancer_fns.bounds(), target=rebalancer),
        "last": batch.add(rebalancer_fns.lastRebalance(), target=rebalancer),
        "keeper": batch.add(rebalancer_fns.keeper(), target=rebalancer),
    }
    # Every token of the deployment is queried: the basket is only known once the call returns.
    for token in deployment.tokens:
        if f"feed:{token.symbol}" in deployment.contracts:
            feed = deployment.contracts[f"feed:{token.symbol}"]
            at[f"round:{token.symbol}"] = batch.add(feed_fns.latestRoundData(), target=feed)
            at[f"decimals:{token.symbol}"] = batch.add(feed_fns.decimals(), target=feed)
        if token.address != quote.address:
            pair = pair_for(deployment.address("uniswap_factory"), token.address, quote.address)
            at[f"reserves:{token.symbol}"] = batch.add(pair_fns.getReserves(), target=pair)
    r = batch.run()
    for key in ("assets", "bounds", "deadline"):
        if isinstance(r[at[key]], CallFailed):
            raise KeeperError(f"{deployment.chain}: cannot read {key} at block {block}: {r[at[key]].reason}")

    bounds = Bounds(*r[at["bounds"]])
    now = r[at["time"]]
    tokens, stale = [], []
    for address, _sector, _tier, held, target in r[at["assets"]]:
        info = deployment.token(address)
        round_key = f"round:{info.symbol}"
        if round_key not in at or isinstance(r[at[round_key]], CallFailed):
            raise KeeperError(f"{deployment.chain}: no price feed for {info.symbol} in the deployments file")
        _, answer, _, updated_at, _ = r[at[round_key]]
        if updated_at + bounds.max_price_age < now:
            stale.append(info.symbol)
        price = answer / 10 ** r[at[f"decimals:{info.symbol}"]]
        reserve_token = reserve_quote = None
        if info.address != quote.address and not isinstance(r[at[f"reserves:{info.symbol}"]], CallFailed):
            r0, r1, _ = r[at[f"reserves:{info.symbol}"]]
            reserve_token, reserve_quote = oriented(info.address, quote.address, r0, r1)
        tokens.append(TokenState(info.symbol, info.decimals, held, price, target, reserve_token, reserve_quote,
                                 info.address))
    state = VaultState(tuple(tokens), QuoteToken(quote.symbol, quote.decimals, quote.address))
    return ChainState(deployment.chain, block, now, state, bounds, r[at["last"]], r[at["deadline"]],
                      r[at["paused"]], r[at["keeper"]], tuple(stale))
