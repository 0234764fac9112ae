"""Roles and pauses: the guardian can stop minting and rebalancing, never redemption, never funds."""

import ape
import pytest

from tests.helpers import fund, seed

MAX = 2**256 - 1


@pytest.fixture
def seeded(vault, tokens, alice):
    return seed(vault, tokens, alice)


def test_guardian__pauses_minting(seeded, vault, tokens, guardian, bob):
    tx = vault.setPaused(True, False, sender=guardian)
    assert vault.mintPaused() and not vault.rebalancePaused()
    assert tx.events.filter(vault.PauseSet)[0].by == guardian.address
    fund(tokens, bob, vault)
    with ape.reverts(vault.IndexVault__MintPaused):
        vault.mint(10**18, [MAX] * 4, bob, sender=bob)


def test_redeem__when_paused__still_pays_out(seeded, vault, tokens, guardian, alice):
    vault.setPaused(True, True, sender=guardian)
    paid = list(vault.previewRedeem(10**18))
    vault.redeem(10**18, [0] * 4, alice, sender=alice)
    assert [t.balanceOf(alice) for t in tokens][0] >= paid[0]


def test_seed__when_paused__reverts(vault, tokens, guardian, alice):
    vault.setPaused(True, False, sender=guardian)
    fund(tokens, alice, vault)
    with ape.reverts(vault.IndexVault__MintPaused):
        vault.seed([10**9] * 4, 10**18, alice, sender=alice)


def test_guardian__unpauses(vault, guardian):
    vault.setPaused(True, True, sender=guardian)
    vault.setPaused(False, False, sender=guardian)
    assert not vault.mintPaused() and not vault.rebalancePaused()


def test_set_paused__by_a_stranger__reverts(vault, attacker):
    with ape.reverts(vault.IndexVault__NotGuardian, caller=attacker.address):
        vault.setPaused(True, True, sender=attacker)


def test_guardian__cannot_move_funds_or_change_anything_else(seeded, vault, tokens, guardian):
    owner_only = [
        lambda: vault.skim(tokens[0], guardian, sender=guardian),
        lambda: vault.setFee(100, guardian, sender=guardian),
        lambda: vault.setKeeper(guardian, sender=guardian),
        lambda: vault.setGuardian(guardian, sender=guardian),
        lambda: vault.removeAsset(tokens[0], sender=guardian),
        lambda: vault.transferOwnership(guardian, sender=guardian),
    ]
    for call in owner_only:
        with ape.reverts(vault.OwnableUnauthorizedAccount, account=guardian.address):
            call()


def test_owner__sets_roles_with_events(vault, owner, bob):
    assert vault.setKeeper(bob, sender=owner).events.filter(vault.KeeperSet)[0].keeper == bob.address
    assert vault.keeper() == bob.address
    assert vault.setGuardian(bob, sender=owner).events.filter(vault.GuardianSet)[0].guardian == bob.address
    assert vault.guardian() == bob.address


def test_owner__can_pause_too(vault, owner):
    vault.setPaused(True, False, sender=owner)
    assert vault.mintPaused()
