"""The devnet's token universe and each chain's basket: plain data, with realistic relative prices.

Decimals follow the real tokens where it matters for tests (USDC and POWR 6, WBTC and HNT 8, the rest 18).
Basket weights respect the default risk policy: no token over 30%, no sector over 40%, conservative tier
at least 40%, aggressive tier at most 30%.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TokenSpec:
    symbol: str
    name: str
    decimals: int
    sector: str
    risk_tier: str
    price_usd: float
    coingecko_id: str


UNIVERSE: tuple[TokenSpec, ...] = (
    TokenSpec("WBTC", "Wrapped Bitcoin", 8, "L1", "conservative", 60_000.0, "wrapped-bitcoin"),
    TokenSpec("WETH", "Wrapped Ether", 18, "L1", "conservative", 3_000.0, "weth"),
    TokenSpec("SOL", "Wrapped SOL", 18, "L1", "balanced", 150.0, "solana"),
    TokenSpec("ARB", "Arbitrum", 18, "L2", "balanced", 0.80, "arbitrum"),
    TokenSpec("OP", "Optimism", 18, "L2", "balanced", 1.80, "optimism"),
    TokenSpec("UNI", "Uniswap", 18, "DeFi", "balanced", 8.0, "uniswap"),
    TokenSpec("AAVE", "Aave", 18, "DeFi", "balanced", 150.0, "aave"),
    TokenSpec("RNDR", "Render", 18, "DePIN-compute", "aggressive", 5.0, "render-token"),
    TokenSpec("FIL", "Filecoin", 18, "DePIN-storage", "aggressive", 4.0, "filecoin"),
    TokenSpec("HNT", "Helium", 8, "DePIN-wireless", "aggressive", 5.0, "helium"),
    TokenSpec("DIMO", "DIMO", 18, "DePIN-sensors", "aggressive", 0.20, "dimo"),
    TokenSpec("POWR", "Powerledger", 6, "DePIN-energy", "aggressive", 0.25, "power-ledger"),
    TokenSpec("USDC", "USD Coin", 6, "stablecoin", "conservative", 1.0, "usd-coin"),
    # Planted for the audit's risk scan, never in a basket: an upgradeable proxy and a fee-on-transfer token.
    TokenSpec("PRXY", "Proxied Token", 18, "DeFi", "aggressive", 1.0, ""),
    TokenSpec("FOT", "Fee On Transfer", 18, "DeFi", "aggressive", 1.0, ""),
)

QUOTE = "USDC"

# Target weights in basis points of each chain's vault at launch.
BASKETS: dict[str, dict[str, int]] = {
    "home": {
        "WBTC": 2000, "WETH": 1500, "SOL": 500, "ARB": 500, "UNI": 800, "AAVE": 700,
        "RNDR": 800, "FIL": 600, "HNT": 600, "DIMO": 500, "USDC": 1500,
    },
    "spoke": {"WETH": 3000, "USDC": 2000, "ARB": 1500, "OP": 1500, "UNI": 1000, "POWR": 1000},
}

# Tokens deployed (with a pool) beside the basket, for the audit's risk scan.
PLANTED: dict[str, tuple[str, ...]] = {"home": ("PRXY", "FOT"), "spoke": ()}

CHAINS: dict[str, int] = {"home": 31337, "spoke": 31338}
DEFAULT_PORTS: dict[str, int] = {"home": 8545, "spoke": 8546}

# Liquidity per pool side, in USD: deep enough for the demo's deposits, shallow enough that trades move prices.
POOL_DEPTH_USD = 2_000_000.0

TIER_INDEX = {"conservative": 0, "balanced": 1, "aggressive": 2}


def spec(symbol: str) -> TokenSpec:
    for token in UNIVERSE:
        if token.symbol == symbol:
            return token
    raise KeyError(symbol)
