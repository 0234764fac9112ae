"""Basket membership (governance) and skimming what was sent to the vault outside mint."""

import ape
import pytest

from tests.helpers import CONSERVATIVE, fund, seed, sector

MAX = 2**256 - 1


@pytest.fixture
def seeded(vault, tokens, alice):
    return seed(vault, tokens, alice)


@pytest.fixture
def extra_token(project, owner):
    return project.TestToken.deploy("Extra", "XTR", 18, sender=owner)


def test_add_asset__joins_with_zero_holdings_and_weight(seeded, vault, tokens, owner, bob, extra_token):
    tx = vault.addAsset(extra_token, sector(b"DeFi"), 1, sender=owner)
    assert tx.events.filter(vault.AssetAdded)[0].token == extra_token.address
    assert list(vault.basket()) == [t.address for t in tokens] + [extra_token.address]
    added = vault.assets()[-1]
    assert (added.holdings, added.targetWeightBps, added.tier) == (0, 0, 1)
    fund(tokens + [extra_token], bob, vault)
    amounts = vault.mint(10**18, [MAX] * 5, bob, sender=bob).return_value
    assert amounts[-1] == 0


def test_add_asset__twice__reverts(vault, tokens, owner):
    with ape.reverts(vault.IndexVault__DuplicateToken, token=tokens[0].address):
        vault.addAsset(tokens[0], sector(b"L1"), CONSERVATIVE, sender=owner)


def test_add_asset__zero_address_or_the_vault_itself__reverts(vault, owner):
    for bad in ("0x0000000000000000000000000000000000000000", vault.address):
        with ape.reverts(vault.IndexVault__UnknownToken):
            vault.addAsset(bad, sector(b"L1"), CONSERVATIVE, sender=owner)


def test_remove_asset__while_held__reverts_with_holdings(seeded, vault, tokens, owner):
    with ape.reverts(vault.IndexVault__AssetStillHeld, token=tokens[1].address, holdings=seeded.amounts[1]):
        vault.removeAsset(tokens[1], sender=owner)


def test_remove_asset__unknown__reverts(vault, owner, extra_token):
    with ape.reverts(vault.IndexVault__UnknownToken, token=extra_token.address):
        vault.removeAsset(extra_token, sender=owner)


def test_remove_asset__empty_last_asset__leaves_the_rest_untouched(seeded, vault, tokens, owner, extra_token):
    vault.addAsset(extra_token, sector(b"DeFi"), 1, sender=owner)
    before = {a.token: a for a in vault.assets()}
    tx = vault.removeAsset(extra_token, sender=owner)
    assert tx.events.filter(vault.AssetRemoved)[0].token == extra_token.address
    assert list(vault.basket()) == [t.address for t in tokens]
    after = {a.token: a for a in vault.assets()}
    assert all(after[t.address].holdings == before[t.address].holdings for t in tokens)


def test_remove_asset__from_the_middle__moves_the_last_asset_into_its_place(seeded, project, vault, tokens, owner,
                                                                           extra_token):
    last = project.TestToken.deploy("Last", "LST", 6, sender=owner)
    vault.addAsset(extra_token, sector(b"DeFi"), 1, sender=owner)
    vault.addAsset(last, sector(b"L2"), 2, sender=owner)
    vault.removeAsset(extra_token, sender=owner)
    assert list(vault.basket()) == [t.address for t in tokens] + [last.address]
    moved = vault.assets()[-1]
    assert (moved.token, moved.sector, moved.tier, moved.holdings) == (last.address, sector(b"L2"), 2, 0)
    assert list(vault.holdings())[:4] == seeded.amounts


def test_skim__sends_only_the_unaccounted_surplus(seeded, vault, tokens, owner, attacker, whale):
    donation = 5 * 10 ** tokens[0].decimals()
    tokens[0].mint(attacker, donation, sender=attacker)
    tokens[0].transfer(vault, donation, sender=attacker)
    tx = vault.skim(tokens[0], whale, sender=owner)
    assert tokens[0].balanceOf(whale) == donation
    assert tx.events.filter(vault.Skimmed)[0].amount == donation
    assert tokens[0].balanceOf(vault) == vault.holdings()[0]


def test_skim__with_nothing_extra__reverts(seeded, vault, tokens, owner, whale):
    with ape.reverts(vault.IndexVault__NothingToSkim, token=tokens[0].address):
        vault.skim(tokens[0], whale, sender=owner)


def test_skim__a_token_outside_the_basket__sends_all_of_it(seeded, vault, owner, whale, extra_token, attacker):
    extra_token.mint(vault, 123, sender=attacker)
    vault.skim(extra_token, whale, sender=owner)
    assert extra_token.balanceOf(whale) == 123
