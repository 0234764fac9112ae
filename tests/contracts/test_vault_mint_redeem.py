"""Seeding, minting and redeeming in kind: pro-rata amounts, rounding direction, caller bounds."""

import ape
import pytest

from tests.helpers import fund, seed, seed_amounts

MAX = 2**256 - 1


@pytest.fixture
def seeded(vault, tokens, alice):
    return seed(vault, tokens, alice)


def test_seed__mints_shares_and_locks_the_minimum(vault, tokens, alice):
    s = seed(vault, tokens, alice)
    assert vault.totalSupply() == s.shares
    assert vault.balanceOf(alice) == s.shares - vault.MINIMUM_SHARES()
    assert vault.balanceOf("0x000000000000000000000000000000000000dEaD") == vault.MINIMUM_SHARES()
    assert list(vault.holdings()) == s.amounts
    assert [t.balanceOf(vault) for t in tokens] == s.amounts


def test_seed__when_already_seeded__reverts_with_supply(vault, tokens, alice, bob):
    s = seed(vault, tokens, alice)
    fund(tokens, bob, vault)
    with ape.reverts(vault.IndexVault__AlreadySeeded, totalSupply=s.shares):
        vault.seed(s.amounts, 10**18, bob, sender=bob)


def test_seed__with_a_zero_amount__reverts_naming_the_token(vault, tokens, alice):
    fund(tokens, alice, vault)
    amounts = seed_amounts(tokens)
    amounts[2] = 0
    with ape.reverts(vault.IndexVault__SeedAmountZero, token=tokens[2].address):
        vault.seed(amounts, 10**18, alice, sender=alice)


def test_seed__at_or_below_the_minimum_shares__reverts(vault, tokens, alice):
    fund(tokens, alice, vault)
    with ape.reverts(vault.IndexVault__SeedTooSmall, shares=1000, minimum=1000):
        vault.seed(seed_amounts(tokens), 1000, alice, sender=alice)


def test_seed__with_wrong_amounts_length__reverts(vault, tokens, alice):
    fund(tokens, alice, vault)
    with ape.reverts(vault.IndexVault__LengthMismatch, expected=4, actual=3):
        vault.seed(seed_amounts(tokens)[:3], 10**18, alice, sender=alice)


def test_mint__before_seed__reverts(vault, tokens, alice):
    fund(tokens, alice, vault)
    with ape.reverts(vault.IndexVault__NotSeeded):
        vault.mint(10**18, [MAX] * 4, alice, sender=alice)


def test_mint__pulls_pro_rata_amounts_rounded_up(seeded, vault, tokens, bob):
    fund(tokens, bob, vault)
    shares = 3 * 10**17 + 1  # an awkward amount, so every token's division has a remainder
    supply, held = vault.totalSupply(), list(vault.holdings())
    preview = list(vault.previewMint(shares))
    before = [t.balanceOf(bob) for t in tokens]
    tx = vault.mint(shares, [MAX] * 4, bob, sender=bob)
    paid = [b - t.balanceOf(bob) for b, t in zip(before, tokens)]
    assert paid == preview
    for p, h in zip(paid, held):
        # Pro rata, rounded up: never less than the exact share of the holdings.
        assert shares * h <= p * supply and p - shares * h // supply <= 2
    assert vault.balanceOf(bob) == shares
    assert all(0 <= (h + p) - a <= 1 for h, p, a in zip(held, paid, vault.holdings()))
    event = tx.events.filter(vault.Minted)[0]
    assert event.shares == shares and list(event.amounts) == paid


def test_mint__above_a_max_amount__reverts_with_the_amount(seeded, vault, tokens, bob):
    fund(tokens, bob, vault)
    needed = list(vault.previewMint(10**18))
    maxes = [MAX] * 4
    maxes[1] = needed[1] - 1
    with ape.reverts(vault.IndexVault__AmountAboveMax, token=tokens[1].address, amount=needed[1], max=needed[1] - 1):
        vault.mint(10**18, maxes, bob, sender=bob)


def test_mint__zero_shares_or_zero_receiver__reverts(seeded, vault, tokens, bob):
    with ape.reverts(vault.IndexVault__ZeroShares):
        vault.mint(0, [MAX] * 4, bob, sender=bob)
    with ape.reverts(vault.IndexVault__ZeroAddress):
        vault.mint(1, [MAX] * 4, "0x0000000000000000000000000000000000000000", sender=bob)


def test_mint__with_wrong_bounds_length__reverts(seeded, vault, bob):
    with ape.reverts(vault.IndexVault__LengthMismatch, expected=4, actual=5):
        vault.mint(10**18, [MAX] * 5, bob, sender=bob)


def test_mint__without_allowance__reverts_and_moves_nothing(seeded, vault, tokens, bob):
    for t in tokens:
        t.mint(bob, 10**30, sender=bob)
    with ape.reverts():
        vault.mint(10**18, [MAX] * 4, bob, sender=bob)
    assert vault.balanceOf(bob) == 0


def test_redeem__pays_pro_rata_amounts_rounded_down(seeded, vault, tokens, alice, bob):
    shares = 10**18 + 7
    supply, held = vault.totalSupply(), list(vault.holdings())
    preview = list(vault.previewRedeem(shares))
    tx = vault.redeem(shares, preview, bob, sender=alice)
    paid = [t.balanceOf(bob) for t in tokens]
    assert paid == preview
    for p, h in zip(paid, held):
        # Pro rata, rounded down: never more than the exact share of the holdings.
        assert p * supply <= shares * (h + 1) and shares * h // supply - p <= 1
    assert vault.totalSupply() == supply - shares
    assert all(abs((h - p) - a) <= 1 for h, p, a in zip(held, paid, vault.holdings()))
    assert tx.events.filter(vault.Redeemed)[0].receiver == bob.address


def test_redeem__below_a_min_amount__reverts_with_the_amount(seeded, vault, tokens, alice):
    paid = list(vault.previewRedeem(10**18))
    mins = [0, 0, paid[2] + 1, 0]
    with ape.reverts(vault.IndexVault__AmountBelowMin, token=tokens[2].address, amount=paid[2], min=paid[2] + 1):
        vault.redeem(10**18, mins, alice, sender=alice)


def test_redeem__more_than_balance__reverts(seeded, vault, bob):
    fund_shares = 1
    with ape.reverts():
        vault.redeem(fund_shares, [0] * 4, bob, sender=bob)


def test_redeem__zero_shares__reverts(seeded, vault, alice):
    with ape.reverts(vault.IndexVault__ZeroShares):
        vault.redeem(0, [0] * 4, alice, sender=alice)


def test_mint_then_redeem__never_returns_more_than_was_paid(seeded, vault, tokens, bob):
    fund(tokens, bob, vault)
    before = [t.balanceOf(bob) for t in tokens]
    for shares in (1, 10**6 + 3, 10**18 + 11):
        vault.mint(shares, [MAX] * 4, bob, sender=bob)
        vault.redeem(shares, [0] * 4, bob, sender=bob)
    after = [t.balanceOf(bob) for t in tokens]
    assert all(a <= b for a, b in zip(after, before))
    assert all(b - a <= 3 for a, b in zip(after, before))  # at most one unit of rounding per round trip
