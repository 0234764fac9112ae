"""Deploys one devnet chain: the token universe, WETH, a real Uniswap V2 with seeded pools, and the vault."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from web3 import Web3

from keeper.chain.artifacts import load
from keeper.chain.deployments import ChainDeployment, TokenInfo
from keeper.chain.signer import devnet_account
from keeper.chain.tx import Sender
from keeper.chain.multicall import install_devnet_multicall
from keeper.devnet.universe import BASKETS, PLANTED, POOL_DEPTH_USD, QUOTE, TIER_INDEX, TokenSpec, spec

# The policy our users start from (bps): token <= 30%, sector <= 40%, conservative >= 40%, aggressive <= 30%.
DEFAULT_POLICY = (3000, 4000, (4000, 0, 0), (10000, 10000, 3000))
MANAGEMENT_FEE_BPS = 50  # 0.5% a year
# Governance on the devnet: short delays so the demo runs a full cycle with time travel. A real deployment
# should use days, not seconds (see README, "Governance parameters").
GOVERNANCE = {"voting_delay": 60, "voting_period": 300, "proposal_threshold": 10**18, "quorum_percent": 4,
              "timelock_delay": 120}
# Rebalance bounds (IndexRebalancer.Bounds): band 2%, at most 2.5% of value lost per trade at reference
# prices (two Uniswap V2 hops through USDC cost 0.6% in fees alone), one trade <= 10% of NAV, 10 min
# cooldown, feeds older than 1 h are stale.
REBALANCE_BOUNDS = (200, 250, 1000, 600, 3600)
FEED_DECIMALS = 8
SEED_NAV_USD = 100_000.0
SEED_SHARE_PRICE_USD = 100.0
YEAR = 365 * 24 * 3600


def to_raw(amount: float, decimals: int) -> int:
    return int(round(amount * 10**decimals))


@dataclass
class ChainHandles:
    """Web3 contract handles of one deployed devnet chain."""

    w3: Web3
    deployment: ChainDeployment
    tokens: dict  # symbol -> contract
    vault: object
    router: object
    deployment_dir: Path | None = None  # where the deployments file was written


def _token_contract(sender: Sender, token: TokenSpec, weth):
    if token.symbol == "WETH":
        return weth
    if token.symbol == "FOT":
        return sender.deploy(load("FeeOnTransferToken"), 100)  # burns 1% of every transfer
    if token.symbol == "PRXY":
        implementation = sender.deploy(load("TestToken"), token.name, token.symbol, token.decimals)
        proxy = sender.deploy(load("ProxiedToken"), implementation.address)
        return sender.w3.eth.contract(address=proxy.address, abi=load("TestToken").abi)
    return sender.deploy(load("TestToken"), token.name, token.symbol, token.decimals)


def give(sender: Sender, contract, token: TokenSpec, raw: int) -> None:
    """Gives the sender `raw` units: mints a test token, or wraps ETH for WETH."""
    if token.symbol == "WETH":
        sender.send(contract.functions.deposit(), "wrap ETH", value=raw)
    else:
        sender.send(contract.functions.mint(sender.address, raw), f"mint {token.symbol}")


def deploy_chain(w3: Web3, chain: str, chain_id: int, rpc_url: str, log=print) -> ChainHandles:
    deployer = Sender(w3, devnet_account("deployer"))
    roles = {role: devnet_account(role).address for role in ("guardian", "keeper", "treasury")}
    basket = BASKETS[chain]
    symbols = list(basket) + ([QUOTE] if QUOTE not in basket else []) + list(PLANTED[chain])
    install_devnet_multicall(w3)

    log(f"[{chain}] deploying WETH, {len(symbols)} tokens and Uniswap V2 ...")
    weth = deployer.deploy(load("WETH9"))
    tokens = {s: _token_contract(deployer, spec(s), weth) for s in symbols}
    factory = deployer.deploy(load("UniswapV2Factory"), deployer.address)
    router = deployer.deploy(load("UniswapV2Router02"), factory.address, weth.address)

    quote = spec(QUOTE)
    deadline = w3.eth.get_block("latest")["timestamp"] + 3600
    for symbol in symbols:
        if symbol == QUOTE:
            continue
        token = spec(symbol)
        amount = to_raw(POOL_DEPTH_USD / token.price_usd, token.decimals)
        quote_amount = to_raw(POOL_DEPTH_USD, quote.decimals)
        give(deployer, tokens[symbol], token, amount)
        give(deployer, tokens[QUOTE], quote, quote_amount)
        deployer.send(tokens[symbol].functions.approve(router.address, amount), f"approve {symbol}")
        deployer.send(tokens[QUOTE].functions.approve(router.address, quote_amount), "approve USDC")
        # No minimums: a fee-on-transfer token delivers less than it is asked to send.
        deployer.send(router.functions.addLiquidity(tokens[symbol].address, tokens[QUOTE].address, amount,
                                                    quote_amount, 0, 0, deployer.address, deadline),
                      f"pool {symbol}/USDC")
    log(f"[{chain}] {len(symbols) - 1} pools seeded at ${POOL_DEPTH_USD:,.0f} a side")

    order = list(basket)
    vault = deployer.deploy(
        load("IndexVault"), f"DAO Index ({chain})", "DIDX", deployer.address,
        [tokens[s].address for s in order],
        [spec(s).sector.encode().ljust(32, b"\0") for s in order],
        [TIER_INDEX[spec(s).risk_tier] for s in order],
        DEFAULT_POLICY,
    )
    now = w3.eth.get_block("latest")["timestamp"]
    deployer.send(vault.functions.setTargetWeights([tokens[s].address for s in order], [basket[s] for s in order],
                                                   1, now + YEAR), "set launch weights")
    deployer.send(vault.functions.setGuardian(roles["guardian"]), "set guardian")
    deployer.send(vault.functions.setFee(MANAGEMENT_FEE_BPS, roles["treasury"]), "set fee")

    # Seed at the target weights: SEED_NAV_USD of basket for shares priced at SEED_SHARE_PRICE_USD.
    amounts = [to_raw(SEED_NAV_USD * basket[s] / 10_000 / spec(s).price_usd, spec(s).decimals) for s in order]
    for symbol, amount in zip(order, amounts):
        give(deployer, tokens[symbol], spec(symbol), amount)
        deployer.send(tokens[symbol].functions.approve(vault.address, amount), f"approve {symbol}")
    shares = int(SEED_NAV_USD / SEED_SHARE_PRICE_USD) * 10**18
    deployer.send(vault.functions.seed(amounts, shares, deployer.address), "seed vault")
    log(f"[{chain}] vault {vault.address} seeded with ${SEED_NAV_USD:,.0f} for {shares / 1e18:,.0f} shares")

    rebalancer, feeds = deploy_rebalancer(deployer, vault, router, {s: tokens[s] for s in order}, roles["keeper"])
    log(f"[{chain}] rebalancer {rebalancer.address} with {len(feeds)} price feeds")
    governor, timelock = deploy_governance(deployer, vault, roles["guardian"], extra_owned=[rebalancer])
    log(f"[{chain}] governor {governor.address}; the timelock {timelock.address} now owns the vault")

    deployment = ChainDeployment(
        chain=chain, chain_id=chain_id, rpc_url=rpc_url, quote_token=QUOTE,
        contracts={"vault": vault.address, "weth": weth.address, "uniswap_factory": factory.address,
                   "uniswap_router": router.address, "governor": governor.address, "timelock": timelock.address,
                   "rebalancer": rebalancer.address, **{f"feed:{s}": f.address for s, f in feeds.items()}},
        tokens=tuple(TokenInfo(s, spec(s).name, tokens[s].address, spec(s).decimals, spec(s).sector,
                               spec(s).risk_tier) for s in symbols),
        roles={"deployer": deployer.address, **roles},
    )
    return ChainHandles(w3, deployment, tokens, vault, router)


def deploy_rebalancer(deployer: Sender, vault, router, tokens: dict, keeper: str):
    """IndexRebalancer as the vault's keeper contract, with a devnet price feed per basket token."""
    rebalancer = deployer.deploy(load("IndexRebalancer"), vault.address, deployer.address, keeper, router.address,
                                 REBALANCE_BOUNDS)
    feeds = {}
    for symbol, token in tokens.items():
        answer = int(spec(symbol).price_usd * 10**FEED_DECIMALS)
        feeds[symbol] = deployer.deploy(load("DevnetPriceFeed"), FEED_DECIMALS, f"{symbol} / USD", answer)
        deployer.send(rebalancer.functions.setFeed(token.address, feeds[symbol].address), f"feed {symbol}")
    deployer.send(vault.functions.setKeeper(rebalancer.address), "appoint the rebalancer")
    return rebalancer, feeds


def deploy_governance(deployer: Sender, vault, guardian: str, params: dict | None = None, extra_owned=()):
    """Timelock + Governor over the vault's shares; the timelock becomes the vault's owner.

    Only the governor may propose, cancel and execute on the timelock; the deployer gives up its admin role,
    so nobody keeps a way around the vote.
    """
    p = {**GOVERNANCE, **(params or {})}
    timelock = deployer.deploy(load("IndexTimelock"), p["timelock_delay"], [], [], deployer.address)
    governor = deployer.deploy(load("IndexGovernor"), vault.address, timelock.address, p["voting_delay"],
                               p["voting_period"], p["proposal_threshold"], p["quorum_percent"], guardian)
    for role in ("PROPOSER_ROLE", "CANCELLER_ROLE", "EXECUTOR_ROLE"):
        role_id = getattr(timelock.functions, role)().call()
        deployer.send(timelock.functions.grantRole(role_id, governor.address), f"grant {role}")
    admin = timelock.functions.DEFAULT_ADMIN_ROLE().call()
    deployer.send(timelock.functions.renounceRole(admin, deployer.address), "renounce timelock admin")
    for owned in (vault, *extra_owned):
        deployer.send(owned.functions.transferOwnership(timelock.address), "hand over to the timelock")
    return governor, timelock


def fund_wallet(handles: ChainHandles, role: str, usd_per_token: float) -> None:
    """Gives a devnet wallet `usd_per_token` worth of every token of the chain (WETH wrapped by the wallet)."""
    wallet = Sender(handles.w3, devnet_account(role))
    minter = Sender(handles.w3, devnet_account("deployer"))
    for symbol, contract in handles.tokens.items():
        token = spec(symbol)
        raw = to_raw(usd_per_token / token.price_usd, token.decimals)
        if symbol == "WETH":
            wallet.send(contract.functions.deposit(), "wrap ETH", value=raw)
        else:
            minter.send(contract.functions.mint(wallet.address, raw), f"mint {symbol}")


def wait_for_chain(w3: Web3, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not w3.is_connected():
        if time.monotonic() > deadline:
            raise TimeoutError("chain did not come up")
        time.sleep(0.05)
