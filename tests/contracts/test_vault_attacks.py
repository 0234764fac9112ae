"""Attacks that must fail: first-depositor inflation, donations, reentrant and fee-on-transfer tokens."""

import ape
import pytest

from tests.helpers import deploy_vault, fund, seed

MAX = 2**256 - 1


def test_first_depositor_inflation__victim_loses_at_most_rounding(vault, tokens, attacker, bob):
    # The attacker starts the vault as small as it can, then donates a fortune to make a share look expensive.
    fund(tokens, attacker, vault)
    vault.seed([1] * 4, vault.MINIMUM_SHARES() + 1, attacker, sender=attacker)
    donations = [10_000 * 10 ** t.decimals() for t in tokens]
    for token, amount in zip(tokens, donations):
        token.transfer(vault, amount, sender=attacker)

    fund(tokens, bob, vault)
    before = [t.balanceOf(bob) for t in tokens]
    shares = 10**14  # a share is tiny after this seed: ~1 wei per 1,000 shares
    vault.mint(shares, [MAX] * 4, bob, sender=bob)
    assert vault.balanceOf(bob) == shares  # the victim gets exactly the shares asked for
    vault.redeem(shares, [0] * 4, bob, sender=bob)
    lost = [b - t.balanceOf(bob) for b, t in zip(before, tokens)]
    assert all(0 <= x <= 1 for x in lost)

    # The donation is no one's claim: the attacker's single share redeems for dust.
    vault.redeem(vault.balanceOf(attacker), [0] * 4, attacker, sender=attacker)
    assert all(t.balanceOf(vault) >= d for t, d in zip(tokens, donations))


def test_donation__changes_no_share_value(vault, tokens, alice, attacker):
    seed(vault, tokens, alice)
    mint_price, redeem_value = list(vault.previewMint(10**18)), list(vault.previewRedeem(10**18))
    for token in tokens:
        token.mint(attacker, 10**30, sender=attacker)
        token.transfer(vault, 10**30, sender=attacker)
    assert list(vault.previewMint(10**18)) == mint_price
    assert list(vault.previewRedeem(10**18)) == redeem_value
    assert [t.balanceOf(vault) - h for t, h in zip(tokens, vault.holdings())] == [10**30] * 4


@pytest.fixture
def fot_token(project, owner):
    return project.FeeOnTransferToken.deploy(100, sender=owner)  # 1% burnt per transfer


def test_fee_on_transfer_token__is_refused_on_seed(project, owner, tokens, fot_token, alice):
    vault = deploy_vault(project, owner, [fot_token] + tokens[1:])
    fund([fot_token] + tokens[1:], alice, vault)
    amount = 10**20
    with ape.reverts(vault.IndexVault__FeeOnTransfer, token=fot_token.address, expected=amount,
                     received=amount * 99 // 100):
        vault.seed([amount] + [10**9] * 3, 10**18, alice, sender=alice)


@pytest.fixture
def reentrant(project, owner):
    return project.ReentrantToken.deploy(sender=owner)


@pytest.fixture
def reentrant_vault(project, owner, tokens, reentrant, alice):
    vault = deploy_vault(project, owner, [reentrant] + tokens[1:])
    seed(vault, [reentrant] + tokens[1:], alice)
    return vault


@pytest.mark.parametrize("reentry", ["mint", "redeem", "accrueFee", "seed"])
def test_reentrant_token__cannot_reenter_the_vault(reentrant_vault, reentrant, tokens, attacker, reentry):
    vault = reentrant_vault
    basket = [reentrant] + tokens[1:]
    fund(basket, attacker, vault)
    vault.mint(10**18, [MAX] * 4, attacker, sender=attacker)
    calls = {
        "mint": vault.mint.as_transaction(10**18, [MAX] * 4, attacker).data,
        "redeem": vault.redeem.as_transaction(10**17, [0] * 4, attacker).data,
        "accrueFee": vault.accrueFee.as_transaction().data,
        "seed": vault.seed.as_transaction([1] * 4, 10**18, attacker).data,
    }
    reentrant.setHook(vault, calls[reentry], sender=attacker)
    guard_selector = bytes.fromhex("3ee5aeb5")  # ReentrancyGuardReentrantCall()

    vault.redeem(10**17, [0] * 4, attacker, sender=attacker)  # the payout transfer fires the hook
    assert not reentrant.hookSucceeded()
    assert bytes(reentrant.hookReturnData())[:4] == guard_selector
    assert [t.balanceOf(vault) for t in basket] == list(vault.holdings())

    vault.mint(10**18, [MAX] * 4, attacker, sender=attacker)  # so does the pull
    assert not reentrant.hookSucceeded()
    assert [t.balanceOf(vault) for t in basket] == list(vault.holdings())
