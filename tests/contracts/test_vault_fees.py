"""The streaming management fee: accrues as shares before every mint and redeem, hard-capped at 5% a year."""

import ape
import pytest

from tests.helpers import fund, seed

YEAR = 365 * 24 * 3600
MAX = 2**256 - 1


@pytest.fixture
def seeded(vault, tokens, alice, owner, fee_recipient):
    s = seed(vault, tokens, alice)
    vault.setFee(200, fee_recipient, sender=owner)  # 2% a year
    return s


def expected_fee(supply, fee_bps, elapsed):
    accrued = fee_bps * elapsed
    return supply * accrued // (10_000 * YEAR - accrued)


def test_fee__after_a_year__gives_the_recipient_the_annual_rate(seeded, vault, chain, fee_recipient):
    supply = vault.totalSupply()
    start = vault.lastFeeAccrual()
    chain.pending_timestamp = start + YEAR
    tx = vault.accrueFee(sender=fee_recipient)
    fee = vault.balanceOf(fee_recipient)
    assert fee == expected_fee(supply, 200, YEAR)
    assert abs(fee / (supply + fee) - 0.02) < 1e-12  # the recipient owns 2% of the vault
    assert tx.events.filter(vault.FeeAccrued)[0].shares == fee


def test_fee__accrues_before_mint_so_the_minter_pays_the_diluted_price(seeded, vault, tokens, chain, bob,
                                                                       fee_recipient):
    fund(tokens, bob, vault)
    supply = vault.totalSupply()
    chain.pending_timestamp = vault.lastFeeAccrual() + YEAR // 2
    fee = expected_fee(supply, 200, YEAR // 2)
    held = list(vault.holdings())
    before = [t.balanceOf(bob) for t in tokens]
    vault.mint(10**18, [MAX] * 4, bob, sender=bob)
    assert vault.balanceOf(fee_recipient) == fee
    paid = [b - t.balanceOf(bob) for b, t in zip(before, tokens)]
    # The minter pays its share of the holdings over the supply *after* the fee: the fee dilutes holders.
    for p, h in zip(paid, held):
        assert abs(p - 10**18 * h / (supply + fee)) <= 2


def test_fee__accrues_before_redeem(seeded, vault, chain, alice, fee_recipient):
    chain.pending_timestamp = vault.lastFeeAccrual() + 1000
    vault.redeem(10**18, [0] * 4, alice, sender=alice)
    assert vault.balanceOf(fee_recipient) > 0


def test_fee__twice_in_one_block__accrues_once(seeded, vault, chain, fee_recipient):
    chain.pending_timestamp = vault.lastFeeAccrual() + 1000
    vault.accrueFee(sender=fee_recipient)
    first = vault.balanceOf(fee_recipient)
    chain.pending_timestamp = vault.lastFeeAccrual()  # same timestamp: nothing more is due
    vault.accrueFee(sender=fee_recipient)
    assert vault.balanceOf(fee_recipient) == first


def test_set_fee__above_the_cap__reverts(vault, owner, fee_recipient):
    with ape.reverts(vault.IndexVault__FeeAboveCap, feeBps=501, capBps=500):
        vault.setFee(501, fee_recipient, sender=owner)


def test_set_fee__to_zero_address_recipient__reverts(vault, owner):
    with ape.reverts(vault.IndexVault__ZeroAddress):
        vault.setFee(100, "0x0000000000000000000000000000000000000000", sender=owner)


def test_set_fee__charges_the_past_at_the_old_rate(seeded, vault, chain, owner, fee_recipient):
    supply = vault.totalSupply()
    chain.pending_timestamp = vault.lastFeeAccrual() + YEAR
    tx = vault.setFee(0, fee_recipient, sender=owner)
    assert vault.balanceOf(fee_recipient) == expected_fee(supply, 200, YEAR)
    assert tx.events.filter(vault.FeeSet)[0].feeBps == 0


def test_preview__includes_the_pending_fee(seeded, vault, chain, fee_recipient):
    chain.pending_timestamp = vault.lastFeeAccrual() + YEAR
    chain.mine(timestamp=vault.lastFeeAccrual() + YEAR)
    supply = vault.totalSupply() + expected_fee(vault.totalSupply(), 200, YEAR)
    held = list(vault.holdings())
    for previewed, h in zip(vault.previewRedeem(10**18), held):
        assert abs(previewed - 10**18 * h / supply) <= 2
