"""Signers: ape keyfile accounts by alias, or the devnet's well-known accounts by role name.

Keys stay in memory only; nothing here ever prints or logs them.
"""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount

from keeper.chain.anvil import DEV_MNEMONIC
from keeper.chain.errors import SignerError

Account.enable_unaudited_hdwallet_features()

# Roles of the devnet's accounts (indices of anvil's default mnemonic): `dev:<role>` selects one.
DEVNET_ROLES = {
    "deployer": 0, "guardian": 1, "keeper": 2, "treasury": 3,
    "alice": 4, "bob": 5, "carol": 6, "dave": 7, "attacker": 8, "whale": 9,
}


def devnet_account(role: str) -> LocalAccount:
    """A devnet account by role (see DEVNET_ROLES) or index. Never use these keys on a real network."""
    index = DEVNET_ROLES.get(role)
    if index is None:
        if not role.isdigit():
            raise SignerError(f"unknown devnet account {role!r}; use one of {', '.join(DEVNET_ROLES)} or an index")
        index = int(role)
    return Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")


def ape_data_folder() -> Path:
    return Path(os.environ.get("APE_DATA_FOLDER", Path.home() / ".ape"))


def load_signer(alias: str) -> LocalAccount:
    """`dev:<role>` for a devnet account, otherwise an ape account alias (`ape accounts generate <alias>`).

    The passphrase of an ape account comes from APE_ACCOUNTS_<alias>_PASSPHRASE (ape's own convention), or
    from a prompt when a terminal is attached.
    """
    if alias.startswith("dev:"):
        return devnet_account(alias[4:])
    keyfile = ape_data_folder() / "accounts" / f"{alias}.json"
    if not keyfile.exists():
        raise SignerError(
            f"no ape account {alias!r} (looked for {keyfile}); create one with `ape accounts generate {alias}` "
            f"or `ape accounts import {alias}`, or use dev:<role> on the devnet"
        )
    passphrase = os.environ.get(f"APE_ACCOUNTS_{alias}_PASSPHRASE")
    if passphrase is None:
        if not os.isatty(0):
            raise SignerError(f"account {alias!r} is locked: set APE_ACCOUNTS_{alias}_PASSPHRASE")
        passphrase = getpass.getpass(f"passphrase for {alias}: ")
    try:
        key = Account.decrypt(json.loads(keyfile.read_text()), passphrase)
    except ValueError as exc:
        raise SignerError(f"could not unlock {alias!r}: wrong passphrase?") from exc
    return Account.from_key(key)
