"""Random sequences of mint, redeem, transfer, donation and fee accrual by several users.

After every step: the share supply equals the sum of balances, accounted holdings never exceed what the
vault really holds, and nobody has taken out more than they (or whoever sent them shares) put in.
At the end, everyone can exit.
"""

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (RuleBasedStateMachine, initialize, invariant, precondition, rule,
                                 run_state_machine_as_test)

from tests.helpers import deploy_vault, seed_amounts

MAX = 2**256 - 1
DEAD = "0x000000000000000000000000000000000000dEaD"


@pytest.fixture
def machine(project, chain, tokens, owner, alice, bob, whale, attacker, fee_recipient):
    users = [alice, bob, whale]
    for token in tokens:
        for holder in users + [attacker]:
            token.mint(holder, 10**40, sender=holder)
    vault = None  # each example deploys its own vault: no chain snapshots to nest with ape's isolation

    class VaultMachine(RuleBasedStateMachine):
        """Model: for every user, tokens paid in and taken out, and a cost basis that travels with shares."""

        @initialize(units=st.integers(1, 10_000))
        def start(self, units):
            nonlocal vault
            vault = deploy_vault(project, owner, tokens, fee_recipient=fee_recipient, fee_bps=500)  # max fee
            for user in users:
                for token in tokens:
                    token.approve(vault, MAX, sender=user)
            vault.seed(seed_amounts(tokens, units), 1_000 * 10**18, alice, sender=alice)
            n = len(tokens)
            self.basis = {u.address: [Fraction(0)] * n for u in users + [fee_recipient]}
            self.taken = {u.address: [0] * n for u in users + [fee_recipient]}
            self.basis[alice.address] = [Fraction(a) for a in seed_amounts(tokens, units)]

        @rule(user=st.sampled_from(users), shares=st.integers(1, 10**21), wait=st.integers(0, 30 * 86400))
        def mint(self, user, shares, wait):
            chain.pending_timestamp += wait
            before = [t.balanceOf(user) for t in tokens]
            vault.mint(shares, [MAX] * len(tokens), user, sender=user)
            paid = [b - t.balanceOf(user) for b, t in zip(before, tokens)]
            self.basis[user.address] = [b + p for b, p in zip(self.basis[user.address], paid)]

        @precondition(lambda self: hasattr(self, "basis"))
        @rule(index=st.integers(0, 3), permille=st.integers(1, 1000), wait=st.integers(0, 30 * 86400))
        def redeem(self, index, permille, wait):
            user = (users + [fee_recipient])[index]
            shares = vault.balanceOf(user) * permille // 1000  # integers: a float share count can exceed the balance
            if shares == 0:
                return
            chain.pending_timestamp += wait
            before = [t.balanceOf(user) for t in tokens]
            vault.redeem(shares, [0] * len(tokens), user, sender=user)
            got = [t.balanceOf(user) - b for b, t in zip(before, tokens)]
            self.taken[user.address] = [a + g for a, g in zip(self.taken[user.address], got)]

        @precondition(lambda self: hasattr(self, "basis"))
        @rule(sender=st.sampled_from(users), receiver=st.sampled_from(users), permille=st.integers(1, 1000))
        def transfer(self, sender, receiver, permille):
            balance = vault.balanceOf(sender)
            shares = balance * permille // 1000
            if shares == 0 or sender == receiver:
                return
            vault.transfer(receiver, shares, sender=sender)
            # The sender's cost basis (net of what it took out) moves in proportion to the shares sent.
            moved = [(b - t) * Fraction(shares, balance) for b, t in
                     zip(self.basis[sender.address], self.taken[sender.address])]
            self.basis[sender.address] = [b - m for b, m in zip(self.basis[sender.address], moved)]
            self.basis[receiver.address] = [b + m for b, m in zip(self.basis[receiver.address], moved)]

        @precondition(lambda self: hasattr(self, "basis"))
        @rule(index=st.integers(0, 3), amount=st.integers(1, 10**30))
        def donate(self, index, amount):
            tokens[index].transfer(vault, amount, sender=attacker)

        @precondition(lambda self: hasattr(self, "basis"))
        @rule(wait=st.integers(1, 365 * 86400))
        def accrue_fee(self, wait):
            chain.pending_timestamp += wait
            vault.accrueFee(sender=attacker)

        @invariant()
        def supply_is_the_sum_of_balances(self):
            holders = users + [fee_recipient]
            assert vault.totalSupply() == sum(vault.balanceOf(h) for h in holders) + vault.balanceOf(DEAD)

        @invariant()
        def holdings_never_exceed_balances(self):
            for token, held in zip(tokens, vault.holdings()):
                assert held <= token.balanceOf(vault)

        @invariant()
        def nobody_takes_out_more_than_was_put_in(self):
            if not hasattr(self, "basis"):
                return
            for user in users:
                for basis, taken in zip(self.basis[user.address], self.taken[user.address]):
                    # Within a wei or two per transfer of rounding in the model's proportional basis split.
                    assert taken <= basis + 2

    VaultMachine.current_vault = staticmethod(lambda: vault)
    return VaultMachine


def test_vault_state_machine__random_sequences_keep_the_invariants_and_everyone_can_exit(machine, tokens,
                                                                                         alice, bob, whale,
                                                                                         fee_recipient):
    accounts = {a.address: a for a in (alice, bob, whale, fee_recipient)}

    class WithExit(machine):
        def teardown(self):
            if hasattr(self, "basis"):
                vault = machine.current_vault()
                for user in accounts.values():
                    balance = vault.balanceOf(user)
                    if balance:
                        vault.redeem(balance, [0] * len(tokens), user, sender=user)
                        # The fee recipient's redeem accrues a last fee to itself first; everyone else is out.
                        assert vault.balanceOf(user) == 0 or user == fee_recipient
            super().teardown()

    run_state_machine_as_test(WithExit, settings=settings(
        max_examples=8, stateful_step_count=12, deadline=None, derandomize=True,  # reproducible in CI
        suppress_health_check=[HealthCheck.too_slow]))
