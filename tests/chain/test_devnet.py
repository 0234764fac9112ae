"""The devnet the demo runs on: two chains, a realistic universe, a real Uniswap V2, seeded vaults."""

import json

from keeper.chain.deployments import load_all
from keeper.chain.rpc import connect
from keeper.chain.vault import read_vault
from keeper.devnet.universe import BASKETS, CHAINS, spec


def test_devnet__writes_a_deployments_file_per_chain(devnet):
    _, folder = devnet
    deployments = {d.chain: d for d in load_all(folder)}
    assert set(deployments) == set(CHAINS)
    for name, deployment in deployments.items():
        assert deployment.chain_id == CHAINS[name]
        assert {"vault", "weth", "uniswap_factory", "uniswap_router"} <= set(deployment.contracts)
        for symbol in BASKETS[name]:
            token = deployment.token(symbol)
            assert (token.decimals, token.sector, token.risk_tier) == (
                spec(symbol).decimals, spec(symbol).sector, spec(symbol).risk_tier)
    decimals = {t.decimals for d in deployments.values() for t in d.tokens}
    assert {6, 8, 18} <= decimals
    sectors = {t.sector for d in deployments.values() for t in d.tokens}
    assert {"DeFi", "L1", "L2", "stablecoin", "DePIN-compute", "DePIN-storage", "DePIN-wireless",
            "DePIN-sensors", "DePIN-energy"} <= sectors
    assert json.loads((folder / "home.json").read_text())["quote_token"] == "USDC"


def test_devnet__vaults_hold_their_target_weights_at_pool_prices(devnet):
    handles, _ = devnet
    for chain, h in handles.items():
        state = read_vault(connect(h.deployment), h.deployment)
        weights = state.weights()
        for holding in state.holdings:
            assert abs(weights[holding.token.symbol] - holding.target_weight_bps / 10_000) < 1e-4
        assert abs(state.nav_per_share - 100.0) < 0.01  # launched at $100 a share, no trading since
        assert state.total_supply > 1_000 * 10**18  # the seed plus the wallets' deposits


def test_devnet__pools_price_tokens_like_the_universe(devnet):
    handles, _ = devnet
    state = read_vault(connect(handles["home"].deployment), handles["home"].deployment)
    for holding in state.holdings:
        assert abs(holding.price_quote / spec(holding.token.symbol).price_usd - 1) < 1e-6
