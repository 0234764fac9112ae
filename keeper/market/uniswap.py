"""On-chain spot prices from a deployment's Uniswap V2 pools, as one day of market data.

Each token is priced against the deployment's quote token (a stablecoin, taken as 1 USD) at its pool's
marginal rate, read from the reserves: no fee, no price impact. Market cap is price x the token's total
supply on that chain; volume is not observable from reserves alone and is reported as 0.0. The rows are
dated with the UTC day of the block read, and can be appended to a history from another source
(`history`) so strategies that need a lookback still get one, with today's price from the chain.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd

from keeper.exceptions import MarketSourceError
from keeper.market.schema import TokenMetadata
from keeper.market.source import MarketDataSource

ERC20_SUPPLY_ABI = [{"name": "totalSupply", "type": "function", "stateMutability": "view", "inputs": [],
                     "outputs": [{"name": "", "type": "uint256"}]}]


class UniswapSpotSource(MarketDataSource):
    source_id = "uniswap-v2-spot"

    def __init__(self, w3, deployment, history: MarketDataSource | None = None, block: int | str = "latest"):
        self.w3 = w3
        self.deployment = deployment
        self.history = history
        self.block = block

    def fetch_raw(self, metadata: TokenMetadata) -> pd.DataFrame:
        from keeper.chain.errors import ChainError
        from keeper.chain.vault import price_in_quote

        block = self.w3.eth.get_block(self.block)
        day = datetime.fromtimestamp(block["timestamp"], tz=timezone.utc).strftime("%Y-%m-%d")
        rows = []
        for symbol in metadata.symbols:
            try:
                token = self.deployment.token(symbol)
                price = price_in_quote(self.w3, self.deployment, token)
                supply = self.w3.eth.contract(address=token.address, abi=ERC20_SUPPLY_ABI).functions.totalSupply().call(
                    block_identifier=block["number"])
            except ChainError as exc:
                raise MarketSourceError(f"no on-chain price for {symbol} on {self.deployment.chain}: {exc}") from None
            rows.append({"date": day, "token": symbol, "price": price, "market_cap": price * supply / token.unit,
                         "volume": 0.0})
        today = pd.DataFrame(rows)
        if self.history is None:
            return today
        past = self.history.fetch_raw(metadata)
        past = past[pd.to_datetime(past["date"]) < pd.Timestamp(day)]
        return pd.concat([past, today], ignore_index=True)
