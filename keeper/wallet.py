"""Wallet flows of a holder: deposit (mint shares in kind) and redeem, checked before anything is sent.

Every check runs first; when one fails, a PreflightError lists everything that is missing and nothing is
sent. Amounts are bounded on chain by the holder's own limits (max to pay, min to receive).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from web3 import Web3
from web3.logs import DISCARD

from keeper.chain.artifacts import load
from keeper.chain.deployments import ChainDeployment
from keeper.chain.errors import PreflightError
from keeper.chain.tx import Sender
from keeper.chain.vault import vault_contract

SHARE_DECIMALS = 18
# Room between the previewed and the bounded amounts. In-kind prices only move by rounding and by the
# fee accrued between preview and inclusion, so a small margin is enough.
DEFAULT_TOLERANCE_BPS = 10


def parse_shares(text: str) -> int:
    """'12.5' whole shares -> raw share units; refuses what is not a positive number."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise PreflightError(f"shares must be a number like 10 or 2.5, got {text!r}") from None
    raw = int(value * 10**SHARE_DECIMALS)
    if raw <= 0:
        raise PreflightError(f"shares must be positive, got {text!r}")
    return raw


def fmt(amount: int, decimals: int) -> str:
    return f"{Decimal(amount) / Decimal(10**decimals):,.{min(decimals, 6)}f}"


@dataclass(frozen=True)
class FlowResult:
    action: str
    shares: int
    amounts: dict[str, int]
    tx_hash: str


def deposit(w3: Web3, deployment: ChainDeployment, sender: Sender, shares: int, approve: bool = False,
            tolerance_bps: int = DEFAULT_TOLERANCE_BPS) -> FlowResult:
    """Mints `shares` to the sender, paying the basket in kind. With `approve`, sends the exact approvals
    that are missing first; without it, a missing allowance is reported like a missing balance."""
    vault = vault_contract(w3, deployment)
    if vault.functions.mintPaused().call():
        raise PreflightError(f"{deployment.chain}: minting is paused by the guardian; redemption still works")
    basket = vault.functions.basket().call()
    needed = vault.functions.previewMint(shares).call()
    maxima = [n + n * tolerance_bps // 10_000 + (1 if n else 0) for n in needed]
    erc20 = load("TestToken").abi
    problems, approvals = [], []
    for address, amount, maximum in zip(basket, needed, maxima):
        token = deployment.token(address)
        c = w3.eth.contract(address=address, abi=erc20)
        balance = c.functions.balanceOf(sender.address).call()
        if balance < maximum:
            problems.append(f"{token.symbol}: balance {fmt(balance, token.decimals)}, needs up to "
                            f"{fmt(maximum, token.decimals)} (short {fmt(maximum - balance, token.decimals)})")
        allowance = c.functions.allowance(sender.address, vault.address).call()
        if allowance < maximum:
            approvals.append((token, c, maximum))
            if not approve:
                problems.append(f"{token.symbol}: vault allowance {fmt(allowance, token.decimals)}, needs "
                                f"{fmt(maximum, token.decimals)} (rerun with --approve, or approve it yourself)")
    if problems:
        raise PreflightError(
            f"cannot deposit {fmt(shares, SHARE_DECIMALS)} shares on {deployment.chain} from {sender.address}; "
            "nothing was sent:\n  " + "\n  ".join(problems))
    # Approvals go out only once every check above has passed.
    for token, c, maximum in approvals:
        sender.send(c.functions.approve(vault.address, maximum), f"approve {token.symbol}")
    receipt = sender.send(vault.functions.mint(shares, maxima, sender.address), "mint")
    event = vault.events.Minted().process_receipt(receipt, errors=DISCARD)[0]
    return FlowResult("deposit", shares, _by_symbol(deployment, basket, event.args.amounts),
                      receipt["transactionHash"].hex())


def redeem(w3: Web3, deployment: ChainDeployment, sender: Sender, shares: int,
           tolerance_bps: int = DEFAULT_TOLERANCE_BPS) -> FlowResult:
    """Burns `shares` of the sender for its pro-rata part of every basket token. Works even when paused."""
    vault = vault_contract(w3, deployment)
    balance = vault.functions.balanceOf(sender.address).call()
    if balance < shares:
        raise PreflightError(f"cannot redeem {fmt(shares, SHARE_DECIMALS)} shares on {deployment.chain}: "
                             f"{sender.address} holds {fmt(balance, SHARE_DECIMALS)}; nothing was sent")
    basket = vault.functions.basket().call()
    expected = vault.functions.previewRedeem(shares).call()
    minima = [e - e * tolerance_bps // 10_000 for e in expected]
    receipt = sender.send(vault.functions.redeem(shares, minima, sender.address), "redeem")
    event = vault.events.Redeemed().process_receipt(receipt, errors=DISCARD)[0]
    return FlowResult("redeem", shares, _by_symbol(deployment, basket, event.args.amounts),
                      receipt["transactionHash"].hex())


def _by_symbol(deployment: ChainDeployment, basket: list[str], amounts: list[int]) -> dict[str, int]:
    return {deployment.token(a).symbol: amount for a, amount in zip(basket, amounts)}
