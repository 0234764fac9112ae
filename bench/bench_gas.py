"""Gas of IndexVault mint and redeem against the physical floor, for baskets of 1, 10, 50 and 100 tokens.

Run: `make bench-gas` (writes bench/results/gas.json). Both contracts are deployed on the same anvil chain
and measured with the same tokens, user and approvals, so the ratios need no noise control: gas is exact.

Scenario (a holder adding to a position): the user already holds shares and token balances, approvals are
unlimited, the vault charges a 1% management fee and each call lands in a later block than the vault's last
one, so the fee accrues and the supply at the block's start is recorded, as in real use. The floor does the
same transfers and one ERC-20 mint or burn, compiled with the same settings.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ape import accounts, chain, networks, project

from keeper.chain.anvil import free_port

SIZES = (1, 10, 50, 100)
MAX = 2**256 - 1
RESULTS = Path(__file__).parent / "results" / "gas.json"
PERMISSIVE_POLICY = (10000, 10000, (0, 0, 0), (10000, 10000, 10000))


def measure(size: int, owner, user, fee_bps: int) -> dict[str, int]:
    """Gas of one mint and one redeem of 1 share, for the vault and the floor, on a `size`-token basket."""
    tokens = [project.TestToken.deploy(f"T{i}", f"T{i}", 18, sender=owner) for i in range(size)]
    vault = project.IndexVault.deploy(
        "Bench", "BNCH", owner, tokens,
        [f"S{i}".encode().ljust(32, b"\0") for i in range(size)], [1] * size, PERMISSIVE_POLICY, sender=owner,
    )
    floor = project.FloorBasket.deploy(sender=owner)
    for token in tokens:
        token.mint(user, 10**30, sender=user)
        token.approve(vault, MAX, sender=user)
        token.approve(floor, MAX, sender=user)
    if fee_bps:
        vault.setFee(fee_bps, owner, sender=owner)
    vault.seed([10**21] * size, 10**21, user, sender=user)
    floor.mint(tokens, [10**21] * size, 10**21, sender=user)

    shares = 10**18
    amounts = [10**18] * size
    # Warm-up round in an earlier block: the fee recipient and the floor already hold a balance.
    chain.pending_timestamp += 3600
    vault.mint(shares, [MAX] * size, user, sender=user)
    vault.redeem(shares, [0] * size, user, sender=user)
    chain.pending_timestamp += 3600
    minted = vault.mint(shares, [MAX] * size, user, sender=user)
    floor_minted = floor.mint(tokens, amounts, shares, sender=user)
    chain.pending_timestamp += 3600
    redeemed = vault.redeem(shares, [0] * size, user, sender=user)
    floor_redeemed = floor.redeem(tokens, amounts, shares, sender=user)
    return {
        "vault_runtime_bytes": len(chain.provider.get_code(vault.address)),
        "mint": minted.gas_used, "redeem": redeemed.gas_used,
        "floor_mint": floor_minted.gas_used, "floor_redeem": floor_redeemed.gas_used,
    }


def main() -> int:
    results: dict[str, dict[str, int]] = {"mint": {}, "redeem": {}, "floor_mint": {}, "floor_redeem": {}}
    # Its own anvil on a free port: never the test suite's (18545) nor the devnet's (8545).
    host = f"http://127.0.0.1:{free_port()}"
    with networks.ethereum.local.use_provider("foundry", provider_settings={"host": host}):
        owner, user = accounts.test_accounts[0], accounts.test_accounts[1]
        for size in SIZES:
            print(f"measuring a {size}-token basket ...", flush=True)
            measured = measure(size, owner, user, fee_bps=100)
            code_size = measured.pop("vault_runtime_bytes")
            for key, gas in measured.items():
                results[key][str(size)] = gas
            # The same without a management fee: no fee shares to accrue, no multiplier to update.
            for key, gas in measure(size, owner, user, fee_bps=0).items():
                if key in ("mint", "redeem"):
                    results.setdefault(f"{key}_without_fee", {})[str(size)] = gas
    ratios = {
        kind: {s: round(results[kind][s] / results[f"floor_{kind.split('_')[0]}"][s], 3) for s in results[kind]}
        for kind in ("mint", "redeem", "mint_without_fee", "redeem_without_fee")
    }
    report = {
        **results,
        "ratio_to_floor": ratios,
        "mint_100_over_mint_10": round(results["mint"]["100"] / results["mint"]["10"], 2),
        "vault_runtime_bytes": code_size,
        "eip170_limit_bytes": 24_576,
        "scenario": __doc__.split("Scenario ")[1].split("\n\n")[0].replace("\n", " "),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
