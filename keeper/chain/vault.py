"""An IndexVault as the devnet summaries show it: holdings, supply and valuation at pool spot prices."""

from __future__ import annotations

from dataclasses import dataclass

from web3 import Web3

from keeper.chain import uniswap
from keeper.chain.artifacts import load
from keeper.chain.deployments import ChainDeployment, TokenInfo
from keeper.chain.snapshot import read_snapshot
from keeper.chain.tx import contract


@dataclass(frozen=True)
class Holding:
    token: TokenInfo
    amount: int  # accounted, raw units
    target_weight_bps: int
    price_quote: float  # one whole token in the quote token, at the pool's spot price

    @property
    def value_quote(self) -> float:
        return self.amount / self.token.unit * self.price_quote


@dataclass(frozen=True)
class VaultState:
    chain: str
    vault: str
    total_supply: int
    holdings: tuple[Holding, ...]
    quote_symbol: str
    pending_fee_shares: int = 0  # fee shares owed to the recipient, not yet minted

    @property
    def nav(self) -> float:
        return sum(h.value_quote for h in self.holdings)

    @property
    def nav_per_share(self) -> float:
        shares = self.total_supply + self.pending_fee_shares
        return self.nav / (shares / 1e18) if shares else 0.0

    def weights(self) -> dict[str, float]:
        nav = self.nav
        return {h.token.symbol: (h.value_quote / nav if nav else 0.0) for h in self.holdings}


def vault_contract(w3: Web3, deployment: ChainDeployment):
    return contract(w3, deployment.address("vault"), load("IndexVault"))


def price_in_quote(w3: Web3, deployment: ChainDeployment, token: TokenInfo) -> float:
    quote = deployment.token(deployment.quote_token)
    if token.address == quote.address:
        return 1.0
    r_token, r_quote = uniswap.reserves(w3, deployment.address("uniswap_factory"), token.address, quote.address)
    return uniswap.spot_price(r_token, r_quote, token.decimals, quote.decimals)


def read_vault(w3: Web3, deployment: ChainDeployment) -> VaultState:
    """The chain's main vault at the latest block, from one Multicall3 snapshot."""
    snapshot = read_snapshot(w3, deployment, w3.eth.block_number)
    vault = next(v for v in snapshot.vaults if v.name == "vault")
    holdings = tuple(Holding(a.token, a.accounted, a.target_bps, snapshot.prices.get(a.token.symbol, 0.0))
                     for a in vault.assets)
    return VaultState(deployment.chain, vault.address, vault.total_supply, holdings, deployment.quote_token,
                      vault.pending_fee_shares)
