"""Deposit and redeem from a wallet: checked first, nothing sent when something is missing."""

import subprocess
import sys
from pathlib import Path

import pytest
from web3 import Web3

from keeper.chain.errors import PreflightError
from keeper.chain.signer import devnet_account
from keeper.chain.tx import Sender
from keeper.wallet import deposit, parse_shares, redeem

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def home(devnet):
    handles, _ = devnet
    return handles["home"]


def nonce(w3: Web3, role: str) -> int:
    return w3.eth.get_transaction_count(devnet_account(role).address)


def test_deposit__without_tokens__lists_every_shortfall_and_sends_nothing(home):
    w3, sender = home.w3, Sender(home.w3, devnet_account("dave"))
    before = nonce(w3, "dave")
    with pytest.raises(PreflightError) as err:
        deposit(w3, home.deployment, sender, 10**18, approve=True)
    message = str(err.value)
    assert "nothing was sent" in message
    for symbol in ("WBTC", "USDC", "HNT"):
        assert f"{symbol}: balance 0" in message
    assert nonce(w3, "dave") == before


def test_deposit__without_allowance__says_so_unless_approving(home):
    w3, sender = home.w3, Sender(home.w3, devnet_account("alice"))
    before = nonce(w3, "alice")
    with pytest.raises(PreflightError, match="vault allowance"):
        deposit(w3, home.deployment, sender, 10**18)
    assert nonce(w3, "alice") == before
    result = deposit(w3, home.deployment, sender, 10**18, approve=True)
    basket = {home.deployment.token(a).symbol for a in home.vault.functions.basket().call()}
    assert set(result.amounts) == basket and all(result.amounts.values())


def test_deposit__when_minting_is_paused__is_refused_before_sending(home):
    w3 = home.w3
    guardian = Sender(w3, devnet_account("guardian"))
    guardian.send(home.vault.functions.setPaused(True, False), "pause")
    try:
        with pytest.raises(PreflightError, match="paused"):
            deposit(w3, home.deployment, Sender(w3, devnet_account("alice")), 10**18, approve=True)
        # Exit is never blocked.
        result = redeem(w3, home.deployment, Sender(w3, devnet_account("alice")), 10**18)
        assert result.amounts["USDC"] > 0
    finally:
        guardian.send(home.vault.functions.setPaused(False, False), "unpause")


def test_redeem__more_than_held__is_refused_before_sending(home):
    before = nonce(home.w3, "dave")
    with pytest.raises(PreflightError, match="holds 0"):
        redeem(home.w3, home.deployment, Sender(home.w3, devnet_account("dave")), 10**18)
    assert nonce(home.w3, "dave") == before


@pytest.mark.parametrize("text", ["abc", "0", "-1", ""])
def test_parse_shares__refuses_what_is_not_a_positive_number(text):
    with pytest.raises(PreflightError):
        parse_shares(text)


def test_parse_shares__reads_decimals():
    assert parse_shares("2.5") == 25 * 10**17


def run_script(name, *args):
    return subprocess.run([str(Path(sys.executable).parent / "ape"), "run", name, *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_redeem_script__pays_out_through_the_real_entry_point(devnet):
    _, folder = devnet
    done = run_script("redeem", "--chain", "spoke", "--account", "dev:bob", "--shares", "1.5",
                      "--deployments", str(folder))
    assert done.returncode == 0, done.stderr
    assert "redeemed 1.500000 shares on spoke" in done.stdout and "received" in done.stdout


def test_deposit_script__on_an_unknown_chain__exits_with_a_clear_error(devnet):
    _, folder = devnet
    done = run_script("deposit", "--chain", "nowhere", "--account", "dev:bob", "--shares", "1",
                      "--deployments", str(folder))
    assert done.returncode == 2
    assert "no deployments file for chain 'nowhere'" in done.stderr and "known chains: home, spoke" in done.stderr
