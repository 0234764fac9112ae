from tests.helpers import seed, fund


def test_mint_then_redeem__returns_what_was_paid(vault, tokens, alice, bob):
    seed(vault, tokens, alice)
    fund(tokens, bob, vault)
    before = [t.balanceOf(bob) for t in tokens]
    paid = vault.previewMint(10**18)
    vault.mint(10**18, [2**256 - 1] * len(tokens), bob, sender=bob)
    assert [before[i] - t.balanceOf(bob) for i, t in enumerate(tokens)] == list(paid)
    vault.redeem(10**18, [0] * len(tokens), bob, sender=bob)
    assert [t.balanceOf(bob) for t in tokens] == before
