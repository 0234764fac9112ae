"""Moving the devnet's market: swaps that shift pool prices, and feeds that follow the pools."""

from __future__ import annotations

from keeper.chain.artifacts import load
from keeper.chain.signer import devnet_account
from keeper.chain.tx import Sender
from keeper.chain.vault import price_in_quote
from keeper.devnet.deploy import FEED_DECIMALS, ChainHandles


def sync_feeds(handles: ChainHandles) -> dict[str, float]:
    """Pushes every feed to its pool's current spot price (as a price oracle network would); returns them."""
    d = handles.deployment
    updater = Sender(handles.w3, devnet_account("deployer"))
    now = handles.w3.eth.get_block("latest")["timestamp"]
    prices = {}
    for name, address in d.contracts.items():
        if not name.startswith("feed:"):
            continue
        symbol = name.split(":", 1)[1]
        prices[symbol] = price_in_quote(handles.w3, d, d.token(symbol))
        feed = handles.w3.eth.contract(address=address, abi=load("DevnetPriceFeed").abi)
        updater.send(feed.functions.setAnswer(int(prices[symbol] * 10**FEED_DECIMALS), now), f"feed {symbol}")
    return prices


def move_market(handles: ChainHandles, moves: dict[str, float]) -> None:
    """Buys (positive) or sells (negative) `moves[symbol]` USD of each token against USDC in its pool."""
    d = handles.deployment
    trader = Sender(handles.w3, devnet_account("whale"))
    minter = Sender(handles.w3, devnet_account("deployer"))
    router = handles.router
    usdc = handles.tokens[d.quote_token]
    deadline = handles.w3.eth.get_block("latest")["timestamp"] + 600
    for symbol, usd in moves.items():
        token = handles.tokens[symbol]
        info = d.token(symbol)
        if usd > 0:
            amount, path, source = int(usd * 10**d.token(d.quote_token).decimals), [usdc.address, token.address], usdc
            minter.send(usdc.functions.mint(trader.address, amount), "mint USDC")
        else:
            price = price_in_quote(handles.w3, d, info)
            amount, path, source = int(-usd / price * info.unit), [token.address, usdc.address], token
            if symbol == "WETH":
                trader.send(token.functions.deposit(), "wrap ETH", value=amount)
            else:
                minter.send(token.functions.mint(trader.address, amount), f"mint {symbol}")
        trader.send(source.functions.approve(router.address, amount), "approve")
        trader.send(router.functions.swapExactTokensForTokens(amount, 0, path, trader.address, deadline),
                    f"move {symbol}")
