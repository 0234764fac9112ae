"""Deployment and funding helpers for the contract tests (plain functions, so fixtures stay one-liners)."""

from __future__ import annotations

from dataclasses import dataclass

CONSERVATIVE, BALANCED, AGGRESSIVE = 0, 1, 2

# The policy our users start from: no token over 30%, no sector over 40%,
# conservative tier at least 40%, aggressive tier at most 30%.
DEFAULT_POLICY = (3000, 4000, (4000, 0, 0), (10000, 10000, 3000))

# Sector and tier of the test basket, by position, with weights (bps) that satisfy DEFAULT_POLICY.
BASKET_META = [
    (b"DePIN-compute", AGGRESSIVE, 3000),
    (b"L1", CONSERVATIVE, 2000),
    (b"L1", CONSERVATIVE, 2000),
    (b"stablecoin", CONSERVATIVE, 3000),
]


def sector(label: bytes) -> bytes:
    return label.ljust(32, b"\0")


def unit(token) -> int:
    return 10 ** token.decimals()


def deploy_vault(project, owner, tokens, *, guardian=None, keeper=None, fee_recipient=None, fee_bps=0,
                 policy=DEFAULT_POLICY, meta=None):
    meta = meta or BASKET_META[: len(tokens)]
    vault = project.IndexVault.deploy(
        "Test Index", "TIDX", owner,
        [t.address for t in tokens],
        [sector(m[0]) for m in meta],
        [m[1] for m in meta],
        policy,
        sender=owner,
    )
    if guardian is not None:
        vault.setGuardian(guardian, sender=owner)
    if keeper is not None:
        vault.setKeeper(keeper, sender=owner)
    if fee_recipient is not None and fee_bps:
        vault.setFee(fee_bps, fee_recipient, sender=owner)
    return vault


def fund(tokens, account, vault, amount_units: int = 1_000_000):
    """Give `account` `amount_units` whole units of every token and approve the vault for all of it."""
    for token in tokens:
        token.mint(account, amount_units * unit(token), sender=account)
        token.approve(vault, 2**256 - 1, sender=account)


def seed_amounts(tokens, units: int = 1_000) -> list[int]:
    return [units * unit(t) for t in tokens]


@dataclass
class Seeded:
    vault: object
    tokens: list
    amounts: list[int]
    shares: int


def seed(vault, tokens, seeder, units: int = 1_000, shares: int = 1_000 * 10**18) -> Seeded:
    fund(tokens, seeder, vault)
    amounts = seed_amounts(tokens, units)
    vault.seed(amounts, shares, seeder, sender=seeder)
    return Seeded(vault, tokens, amounts, shares)


def reason_of(vault, tokens, weights):
    """Decodes `checkWeights`' answer into (error name, arguments), or None when the weights are accepted."""
    from eth_abi import decode
    from eth_utils import keccak

    data = bytes(vault.checkWeights(tokens, weights))
    if not data:
        return None
    for err in vault.contract_type.errors:
        if keccak(text=err.selector)[:4] == data[:4]:
            return err.name, decode([i.canonical_type for i in err.inputs], data[4:])
    raise AssertionError(f"checkWeights returned undecodable data {data.hex()}")


def delegate(vault, holder, to=None):
    """`vault.delegate(to)` from `holder`. (ape's own `delegate` property hides the contract method.)"""
    return vault.invoke_transaction("delegate", to or holder, sender=holder)
