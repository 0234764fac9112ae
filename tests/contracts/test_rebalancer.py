"""Bounded rebalancing: every bound of IndexRebalancer stops a violating trade with a named error.

The vault (30/20/20/30 at launch) is told to go to 30/30/10/30: WETH is overweight, WBTC underweight.
Trades go through a real Uniswap V2 deployed from its published artifacts; reference prices come from
Chainlink-interface feeds.
"""

import json
from pathlib import Path

import ape
import pytest
from ape.contracts import ContractContainer
from ethpm_types import ContractType

from tests.helpers import fund

ROOT = Path(__file__).resolve().parents[2]
PRICES = {"LEAD": 5.0, "WBTC": 60_000.0, "WETH": 3_000.0, "USDC": 1.0}
TARGETS = [3000, 3000, 1000, 3000]
FEED_DECIMALS = 8
BOUNDS = (200, 100, 2500, 3600, 3600)  # band 2%, slippage 1%, trade <= 25% of NAV, 1 h cooldown, 1 h feed age


def uniswap(name, package):
    data = json.loads((ROOT / "node_modules" / "@uniswap" / package / "build" / f"{name}.json").read_text())
    return ContractContainer(ContractType.model_validate(
        {"contractName": name, "abi": data["abi"], "deploymentBytecode": {"bytecode": "0x" + data["bytecode"]}}))


def raw(token, units: float) -> int:
    return int(units * 10 ** token.decimals())


@pytest.fixture(scope="module")
def market(project, owner, vault, tokens, keeper, alice, chain):
    """Deployed once per module (ape reverts the chain to this state after every test)."""
    lead, wbtc, weth, usdc = tokens
    weth9 = uniswap("WETH9", "v2-periphery").deploy(sender=owner)
    factory = uniswap("UniswapV2Factory", "v2-core").deploy(owner, sender=owner)
    router = uniswap("UniswapV2Router02", "v2-periphery").deploy(factory, weth9, sender=owner)
    for token in tokens:
        token.mint(owner, raw(token, 1e12 / PRICES[token.symbol()]), sender=owner)
        token.approve(router, 2**256 - 1, sender=owner)
    for token in (lead, wbtc, weth):  # $200M a side: trades of a few $100k barely move the price
        router.addLiquidity(token, usdc, raw(token, 200e6 / PRICES[token.symbol()]), raw(usdc, 200e6), 0, 0, owner,
                            chain.pending_timestamp + 3600, sender=owner)
    feeds = {}
    for token in tokens:
        feeds[token.symbol()] = project.DevnetPriceFeed.deploy(
            FEED_DECIMALS, f"{token.symbol()} / USD", int(PRICES[token.symbol()] * 10**FEED_DECIMALS), sender=owner)
    rebalancer = project.IndexRebalancer.deploy(vault, owner, keeper, router, BOUNDS, sender=owner)
    for token in tokens:
        rebalancer.setFeed(token, feeds[token.symbol()], sender=owner)
    vault.setKeeper(rebalancer, sender=owner)
    # Seed at 30/20/20/30 of $1M, then approve the new targets.
    fund(tokens, alice, vault, amount_units=10**9)
    amounts = [raw(t, 1e6 * w / PRICES[t.symbol()]) for t, w in zip(tokens, (0.3, 0.2, 0.2, 0.3))]
    vault.seed(amounts, 10_000 * 10**18, alice, sender=alice)
    vault.setTargetWeights([t.address for t in tokens], TARGETS, 1, chain.pending_timestamp + 30 * 86400, sender=owner)
    return {"router": router, "rebalancer": rebalancer, "feeds": feeds, "usdc": usdc, "wbtc": wbtc, "weth": weth,
            "lead": lead}


def trade(m, sell, buy, usd, min_out=0, via_usdc=True):
    path = [m[sell].address, m["usdc"].address, m[buy].address] if via_usdc else [m[sell].address, m[buy].address]
    return (m[sell].address, m[buy].address, raw(m[sell], usd / PRICES[m[sell].symbol()]), min_out, path)


def weights(m, vault):
    nav, values = m["rebalancer"].valuation()
    return [v / nav for v in values]


def test_rebalance__moves_both_tokens_toward_target_with_exact_accounting(market, vault, tokens, keeper):
    m = market
    before = weights(m, vault)
    tx = m["rebalancer"].rebalance([trade(m, "weth", "wbtc", 90_000)], sender=keeper)
    after = weights(m, vault)
    assert after[2] < before[2] and after[1] > before[1]  # WETH sold down, WBTC bought up
    assert abs(after[2] - 0.11) < 0.005 and abs(after[1] - 0.29) < 0.005
    event = tx.events.filter(m["rebalancer"].Rebalanced)[0]
    assert event.valueOut >= event.valueIn * 0.99
    for token, held in zip(tokens, vault.holdings()):
        assert 0 <= token.balanceOf(vault) - held <= 10  # accounted holdings follow the real balances


def test_rebalance__redemption_after_a_trade_pays_the_new_basket(market, vault, tokens, keeper, alice):
    market["rebalancer"].rebalance([trade(market, "weth", "wbtc", 90_000)], sender=keeper)
    expected = list(vault.previewRedeem(10**18))
    vault.redeem(10**18, expected, alice, sender=alice)


def test_rebalance__by_anyone_but_the_keeper__reverts(market, attacker):
    with ape.reverts(market["rebalancer"].IndexRebalancer__NotKeeper, caller=attacker.address):
        market["rebalancer"].rebalance([trade(market, "weth", "wbtc", 10_000)], sender=attacker)


def test_execute_trade__called_directly_by_the_keeper_bot__reverts(market, vault, keeper):
    with ape.reverts(vault.IndexVault__NotKeeper, caller=keeper.address):
        vault.executeTrade(market["weth"], market["wbtc"], 10**18, 0, b"", sender=keeper)


def test_on_trade__called_by_anyone_but_the_vault__reverts(market, attacker):
    with ape.reverts(market["rebalancer"].IndexRebalancer__NotVault):
        market["rebalancer"].onTrade(market["weth"], market["wbtc"], 1, 0, b"", sender=attacker)


def test_rebalance__selling_an_underweight_token__reverts(market, keeper):
    with ape.reverts(market["rebalancer"].IndexRebalancer__TradeAwayFromTarget, token=market["wbtc"].address):
        market["rebalancer"].rebalance([trade(market, "wbtc", "weth", 10_000)], sender=keeper)


def test_rebalance__buying_a_token_already_at_target__reverts(market, keeper):
    with ape.reverts(market["rebalancer"].IndexRebalancer__TradeAwayFromTarget, token=market["lead"].address):
        market["rebalancer"].rebalance([trade(market, "weth", "lead", 10_000)], sender=keeper)


def test_rebalance__overshooting_the_band__reverts(market, keeper):
    # Selling 18% of NAV of WETH would leave it at 2%, far below 10% - 2%.
    with ape.reverts(market["rebalancer"].IndexRebalancer__Overshoots, token=market["weth"].address):
        market["rebalancer"].rebalance([trade(market, "weth", "wbtc", 180_000)], sender=keeper)


def test_rebalance__above_the_size_cap__reverts(market, owner, keeper):
    market["rebalancer"].setBounds((200, 100, 500, 3600, 3600), sender=owner)  # at most 5% of NAV per trade
    with ape.reverts(market["rebalancer"].IndexRebalancer__TradeTooLarge, token=market["weth"].address):
        market["rebalancer"].rebalance([trade(market, "weth", "wbtc", 90_000)], sender=keeper)


def test_rebalance__through_a_manipulated_pool__is_stopped_by_the_oracle_bound(market, keeper, attacker, chain):
    m = market
    # The pool's WBTC price is pushed up ~20% (e.g. by a sandwiching keeper); the feed still says $60k.
    m["usdc"].mint(attacker, raw(m["usdc"], 20e6), sender=attacker)
    m["usdc"].approve(m["router"], 2**256 - 1, sender=attacker)
    m["router"].swapExactTokensForTokens(raw(m["usdc"], 20e6), 0, [m["usdc"].address, m["wbtc"].address], attacker,
                                         chain.pending_timestamp + 60, sender=attacker)
    with ape.reverts(m["rebalancer"].IndexRebalancer__SlippageTooHigh):
        m["rebalancer"].rebalance([trade(m, "weth", "wbtc", 90_000, min_out=0)], sender=keeper)


def test_rebalance__with_a_stale_feed__reverts(market, keeper, owner, chain):
    feed = market["feeds"]["WBTC"]
    feed.setAnswer(60_000 * 10**FEED_DECIMALS, chain.pending_timestamp - 7200, sender=owner)
    with ape.reverts(market["rebalancer"].IndexRebalancer__StalePrice, token=market["wbtc"].address):
        market["rebalancer"].rebalance([trade(market, "weth", "wbtc", 90_000)], sender=keeper)


def test_rebalance__within_the_cooldown__reverts(market, keeper):
    market["rebalancer"].rebalance([trade(market, "weth", "wbtc", 40_000)], sender=keeper)
    with ape.reverts(market["rebalancer"].IndexRebalancer__Cooldown):
        market["rebalancer"].rebalance([trade(market, "weth", "wbtc", 40_000)], sender=keeper)


def test_rebalance__after_the_decision_deadline__reverts(market, vault, keeper, chain):
    chain.pending_timestamp = vault.decisionDeadline() + 1
    for feed in market["feeds"].values():  # fresh prices, so only the deadline can stop the trade
        feed.setAnswer(feed.latestRoundData()[1], chain.pending_timestamp, sender=feed.updater())
    with ape.reverts(market["rebalancer"].IndexRebalancer__DecisionExpired):
        market["rebalancer"].rebalance([trade(market, "weth", "wbtc", 90_000)], sender=keeper)


def test_rebalance__when_paused_by_the_guardian__reverts(market, vault, guardian, keeper):
    vault.setPaused(False, True, sender=guardian)
    with ape.reverts(vault.IndexVault__RebalancePaused):
        market["rebalancer"].rebalance([trade(market, "weth", "wbtc", 90_000)], sender=keeper)


def test_rebalance__with_a_path_that_does_not_match__reverts(market, keeper):
    bad = list(trade(market, "weth", "wbtc", 10_000))
    bad[4] = [market["weth"].address, market["usdc"].address]
    with ape.reverts(market["rebalancer"].IndexRebalancer__BadPath):
        market["rebalancer"].rebalance([tuple(bad)], sender=keeper)


def test_rebalance__selling_more_than_the_vault_accounts__reverts(market, vault, owner, keeper):
    market["rebalancer"].setBounds((200, 100, 10_000, 3600, 3600), sender=owner)
    held = vault.holdings()[2]
    t = list(trade(market, "weth", "wbtc", 0))
    t[2] = held + 1
    with ape.reverts(vault.IndexVault__TradeExceedsHoldings, token=market["weth"].address, amount=held + 1, held=held):
        market["rebalancer"].rebalance([tuple(t)], sender=keeper)


def test_rebalance__below_the_bots_own_min_out__reverts(market, vault, keeper):
    with ape.reverts():
        market["rebalancer"].rebalance([trade(market, "weth", "wbtc", 90_000, min_out=10**30)], sender=keeper)


def test_set_bounds__by_a_stranger_or_out_of_range__reverts(market, owner, attacker):
    with ape.reverts(market["rebalancer"].OwnableUnauthorizedAccount):
        market["rebalancer"].setBounds(BOUNDS, sender=attacker)
    with ape.reverts(market["rebalancer"].IndexRebalancer__InvalidBounds):
        market["rebalancer"].setBounds((200, 5000, 2500, 3600, 3600), sender=owner)
