"""The streaming management fee: accrues into pending shares before every mint and redeem (the recipient claims
them), hard-capped at 5% a year."""

import ape
import pytest

from tests.helpers import delegate, fund, seed

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
    fee = vault.pendingFeeShares()
    assert fee == expected_fee(supply, 200, YEAR)
    assert abs(fee / (supply + fee) - 0.02) < 1e-12  # the recipient owns 2% of the vault
    assert tx.events.filter(vault.FeeAccrued)[0].shares == fee
    assert vault.balanceOf(fee_recipient) == 0  # pending until claimed


def test_claim_fees__mints_the_pending_shares_to_the_recipient_and_keeps_every_claim(seeded, vault, chain, alice,
                                                                                    bob, fee_recipient):
    chain.pending_timestamp = vault.lastFeeAccrual() + YEAR
    vault.accrueFee(sender=bob)
    owed = vault.pendingFeeShares()
    alice_claim = vault.previewRedeem(vault.balanceOf(alice))
    chain.pending_timestamp = vault.lastFeeAccrual()  # no more fee accrues before the claim
    tx = vault.claimFees(sender=bob)  # anyone may call it; the shares go to the recipient
    assert vault.balanceOf(fee_recipient) == owed and vault.pendingFeeShares() == 0
    assert tx.events.filter(vault.FeesClaimed)[0].shares == owed
    # Claiming moves no value: the pending shares already diluted every unit.
    assert list(vault.previewRedeem(vault.balanceOf(alice))) == list(alice_claim)


def test_claimed_fee_shares__redeem_for_the_recipients_cut(seeded, vault, tokens, chain, fee_recipient):
    chain.pending_timestamp = vault.lastFeeAccrual() + YEAR
    vault.claimFees(sender=fee_recipient)
    fee = vault.balanceOf(fee_recipient)
    held = list(vault.holdings())
    share = fee / vault.totalSupply()
    chain.pending_timestamp = vault.lastFeeAccrual()  # the claim's block: no more fee accrues in between
    vault.redeem(fee, [0] * 4, fee_recipient, sender=fee_recipient)
    for token, h in zip(tokens, held):
        assert abs(token.balanceOf(fee_recipient) - h * share) <= 2


def test_pending_fee_shares__carry_no_votes_until_claimed(seeded, vault, chain, fee_recipient):
    delegate(vault, fee_recipient, fee_recipient)
    chain.pending_timestamp = vault.lastFeeAccrual() + YEAR
    vault.accrueFee(sender=fee_recipient)
    assert vault.pendingFeeShares() > 0 and vault.getVotes(fee_recipient) == 0
    vault.claimFees(sender=fee_recipient)
    assert vault.getVotes(fee_recipient) == vault.balanceOf(fee_recipient) > 0


def test_fee__accrues_before_mint_so_the_minter_pays_the_diluted_price(seeded, vault, tokens, chain, bob,
                                                                       fee_recipient):
    fund(tokens, bob, vault)
    supply = vault.totalSupply()
    chain.pending_timestamp = vault.lastFeeAccrual() + YEAR // 2
    fee = expected_fee(supply, 200, YEAR // 2)
    held = list(vault.holdings())
    before = [t.balanceOf(bob) for t in tokens]
    vault.mint(10**18, [MAX] * 4, bob, sender=bob)
    assert vault.pendingFeeShares() == fee
    paid = [b - t.balanceOf(bob) for b, t in zip(before, tokens)]
    # The minter pays its share of the holdings over the supply *after* the fee: the fee dilutes holders.
    for p, h in zip(paid, held):
        assert abs(p - 10**18 * h / (supply + fee)) <= 2


def test_fee__accrues_before_redeem(seeded, vault, chain, alice, fee_recipient):
    chain.pending_timestamp = vault.lastFeeAccrual() + 1000
    due = expected_fee(vault.totalSupply(), 200, 1000)
    vault.redeem(10**18, [0] * 4, alice, sender=alice)
    assert vault.pendingFeeShares() == due > 0


def test_fee__twice_in_one_block__accrues_once(seeded, vault, chain, fee_recipient):
    chain.pending_timestamp = vault.lastFeeAccrual() + 1000
    vault.accrueFee(sender=fee_recipient)
    first = vault.pendingFeeShares()
    chain.pending_timestamp = vault.lastFeeAccrual()  # same timestamp: nothing more is due
    vault.accrueFee(sender=fee_recipient)
    assert vault.pendingFeeShares() == first


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
    assert vault.balanceOf(fee_recipient) == expected_fee(supply, 200, YEAR)  # claimed by setFee
    assert tx.events.filter(vault.FeeSet)[0].feeBps == 0


def test_set_fee__pays_what_is_pending_to_the_old_recipient(seeded, vault, chain, owner, fee_recipient, bob):
    chain.pending_timestamp = vault.lastFeeAccrual() + YEAR
    vault.setFee(100, bob, sender=owner)
    assert vault.balanceOf(fee_recipient) > 0 and vault.pendingFeeShares() == 0
    chain.pending_timestamp = vault.lastFeeAccrual() + YEAR
    vault.claimFees(sender=bob)
    assert vault.balanceOf(bob) == expected_fee(vault.totalSupply() - vault.balanceOf(bob), 100, YEAR)


def test_preview__includes_the_pending_fee(seeded, vault, chain, fee_recipient):
    chain.pending_timestamp = vault.lastFeeAccrual() + YEAR
    chain.mine(timestamp=vault.lastFeeAccrual() + YEAR)
    supply = vault.totalSupply() + expected_fee(vault.totalSupply(), 200, YEAR)
    held = list(vault.holdings())
    for previewed, h in zip(vault.previewRedeem(10**18), held):
        assert abs(previewed - 10**18 * h / supply) <= 2


def test_past_total_supply__answers_for_the_block_before_the_last_supply_change(seeded, vault, tokens, chain, bob):
    fund(tokens, bob, vault)
    before = vault.totalSupply()
    chain.pending_timestamp += 100
    mint_time = chain.pending_timestamp
    vault.mint(10**18, [MAX] * 4, bob, sender=bob)
    chain.mine(timestamp=mint_time + 10)
    assert vault.getPastTotalSupply(mint_time - 1) == before
    assert vault.getPastTotalSupply(mint_time) == vault.getPastTotalSupply(mint_time + 5) == before + 10**18
    with ape.reverts(vault.IndexVault__SupplyHistoryNotKept, timepoint=mint_time - 2, oldestTimepoint=mint_time - 1):
        vault.getPastTotalSupply(mint_time - 2)


def test_mint__beyond_the_supply_cap__reverts_with_the_cap(seeded, vault, tokens, bob):
    fund(tokens, bob, vault)
    cap = 2**96 - 1
    with ape.reverts(vault.ERC20ExceededSafeSupply, increasedSupply=vault.totalSupply() + cap, cap=cap):
        vault.mint(cap, [MAX] * 4, bob, sender=bob)
