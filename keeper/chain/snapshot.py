"""One chain at one block: vault state, actual balances, pool reserves and prices, in one Multicall3 call."""

from __future__ import annotations

from dataclasses import dataclass, field

from web3 import Web3

from keeper.chain.artifacts import load
from keeper.chain.deployments import ChainDeployment, TokenInfo
from keeper.chain.multicall import Batch, CallFailed
from keeper.chain.uniswap import oriented, pair_for, spot_price

TIERS = ("conservative", "balanced", "aggressive")


@dataclass(frozen=True)
class AssetState:
    token: TokenInfo
    accounted: int
    actual: int
    target_bps: int


@dataclass(frozen=True)
class VaultState:
    name: str
    address: str
    symbol: str
    total_supply: int
    assets: tuple[AssetState, ...]
    policy: tuple  # (maxToken, maxSector, tierMin[3], tierMax[3]) in bps
    decision_nonce: int
    decision_deadline: int
    stray: dict[str, int] = field(default_factory=dict)  # known tokens held outside the basket
    pending_fee_shares: int = 0  # fee shares owed to the recipient, not yet minted

    @property
    def shares_outstanding(self) -> int:
        """Every share with a claim on the holdings: minted ones and the pending fee shares."""
        return self.total_supply + self.pending_fee_shares


@dataclass(frozen=True)
class Pool:
    pair: str
    reserve_token: int
    reserve_quote: int
    last_update: int  # timestamp of the pool's last reserve update (Uniswap V2 blockTimestampLast)


@dataclass(frozen=True)
class ChainSnapshot:
    deployment: ChainDeployment
    block: int
    timestamp: int
    vaults: tuple[VaultState, ...]
    pools: dict[str, Pool]  # by token symbol; absent when the token has no pool
    prices: dict[str, float]  # quote units per whole token, pool spot; the quote token is 1
    decimals_onchain: dict[str, int | None]

    def price_source(self, symbol: str) -> str:
        if symbol == self.deployment.quote_token:
            return "quote token (1 by definition)"
        return f"Uniswap V2 spot {self.pools[symbol].pair}" if symbol in self.pools else "none"


def read_snapshot(w3: Web3, deployment: ChainDeployment, block: int) -> ChainSnapshot:
    vault_abi, erc20_abi, pair_abi = load("IndexVault").abi, load("TestToken").abi, load("UniswapV2Pair").abi
    quote = deployment.token(deployment.quote_token)
    batch = Batch(w3, block)
    timestamp_at = batch.add(batch.multicall.functions.getCurrentBlockTimestamp())
    # One contract object per ABI: building one per address costs more than the whole read.
    v, t, p = (w3.eth.contract(abi=abi).functions for abi in (vault_abi, erc20_abi, pair_abi))
    vault_calls = {}
    for name, address in deployment.vaults.items():
        vault_calls[name] = {key: batch.add(fn, target=address) for key, fn in {
            "symbol": v.symbol(), "supply": v.totalSupply(), "pending": v.pendingFeeShares(), "assets": v.assets(),
            "policy": v.riskPolicy(),
            "nonce": v.decisionNonce(), "deadline": v.decisionDeadline()}.items()}
    token_calls = {}
    for token in deployment.tokens:
        calls = {"decimals": batch.add(t.decimals(), target=token.address)}
        for name, address in deployment.vaults.items():
            calls[f"balance:{name}"] = batch.add(t.balanceOf(address), target=token.address)
        if token.address != quote.address:
            pair = pair_for(deployment.address("uniswap_factory"), token.address, quote.address)
            calls["pair"] = pair
            calls["reserves"] = batch.add(p.getReserves(), target=pair)
        token_calls[token.symbol] = calls
    results = batch.run()

    pools, prices, decimals = {}, {quote.symbol: 1.0}, {}
    for token in deployment.tokens:
        calls = token_calls[token.symbol]
        decimals[token.symbol] = None if isinstance(results[calls["decimals"]], CallFailed) else results[
            calls["decimals"]]
        if "reserves" in calls and not isinstance(results[calls["reserves"]], CallFailed):
            r0, r1, updated = results[calls["reserves"]]
            reserve_token, reserve_quote = oriented(token.address, quote.address, r0, r1)
            if reserve_token:
                pools[token.symbol] = Pool(calls["pair"], reserve_token, reserve_quote, updated)
                prices[token.symbol] = spot_price(reserve_token, reserve_quote, token.decimals, quote.decimals)

    vaults = []
    for name, address in deployment.vaults.items():
        calls = vault_calls[name]
        assets, basket = [], set()
        for token_address, _sector, _tier, held, target in results[calls["assets"]]:
            token = deployment.token(token_address)
            basket.add(token.symbol)
            actual = results[token_calls[token.symbol][f"balance:{name}"]]
            assets.append(AssetState(token, held, actual, target))
        stray = {t.symbol: results[token_calls[t.symbol][f"balance:{name}"]] for t in deployment.tokens
                 if t.symbol not in basket and results[token_calls[t.symbol][f"balance:{name}"]]}
        vaults.append(VaultState(name, address, results[calls["symbol"]], results[calls["supply"]], tuple(assets),
                                 results[calls["policy"]], results[calls["nonce"]], results[calls["deadline"]], stray,
                                 results[calls["pending"]]))
    return ChainSnapshot(deployment, block, results[timestamp_at], tuple(vaults), pools, prices, decimals)
