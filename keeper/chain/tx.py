"""Sending transactions with a local signer, and turning revert data into readable custom errors."""

from __future__ import annotations

from typing import Any

from eth_abi import decode
from eth_utils import keccak, to_checksum_address
from web3 import Web3
from web3.contract import Contract
from web3.exceptions import ContractCustomError, ContractLogicError, ContractPanicError

from keeper.chain.artifacts import Artifact, all_error_abis
from keeper.chain.errors import ChainError, TransactionReverted

# Headroom over the estimate: a mint or redeem that lands a second later than it was estimated may accrue
# the management fee (more storage writes) where the estimate did not.
GAS_MULTIPLIER = 1.25
GAS_HEADROOM = 40_000


def _format(value: Any, abi_type: str, labels: dict[str, str]) -> str:
    if abi_type == "address":
        address = to_checksum_address(value)
        return f"{labels[address]} ({address})" if address in labels else address
    if abi_type.startswith("bytes") and isinstance(value, bytes):
        text = value.rstrip(b"\0")
        return text.decode() if text and all(32 <= c < 127 for c in text) else "0x" + value.hex()
    return str(value)


def decode_revert(data: bytes | str | None, labels: dict[str, str] | None = None) -> str:
    """`Name(arg=value, ...)` for a custom error of our contracts, or a description of unknown data.

    `labels` names known addresses (checksummed address -> e.g. token symbol) in the message.
    """
    labels = labels or {}
    if isinstance(data, str):
        data = bytes.fromhex(data.removeprefix("0x"))
    if not data:
        return "reverted without a reason"
    for err in all_error_abis():
        types = [i["type"] if i["type"] != "tuple" else None for i in err["inputs"]]
        if None in types:
            continue
        signature = f"{err['name']}({','.join(types)})"
        if keccak(text=signature)[:4] == data[:4]:
            values = decode(types, data[4:]) if types else ()
            args = ", ".join(f"{i['name']}={_format(v, i['type'], labels)}" for i, v in zip(err["inputs"], values))
            return f"{err['name']}({args})"
    if data[:4] == keccak(text="Error(string)")[:4]:
        return decode(["string"], data[4:])[0]
    return f"unknown revert data 0x{data.hex()}"


def _revert_data(exc: Exception) -> bytes | None:
    data = getattr(exc, "data", None)
    if isinstance(data, str) and data.startswith("0x"):
        return bytes.fromhex(data[2:])
    if isinstance(data, (bytes, bytearray)):
        return bytes(data)
    return None


class Sender:
    """Signs and sends transactions for one account on one chain; every failure names its reason."""

    def __init__(self, w3: Web3, account):
        self.w3 = w3
        self.account = account
        self.address = account.address

    def simulate(self, fn, action: str, value: int = 0) -> Any:
        """Runs `fn` as an eth_call from this account; raises TransactionReverted with the decoded reason."""
        try:
            return fn.call({"from": self.address, "value": value})
        except (ContractCustomError, ContractLogicError, ContractPanicError) as exc:
            data = _revert_data(exc)
            raise TransactionReverted(action, decode_revert(data) if data else str(exc), data) from None

    def send(self, fn, action: str, value: int = 0, gas: int | None = None) -> dict:
        """Simulates, then signs and sends `fn`, waits for the receipt and checks it succeeded."""
        params: dict[str, Any] = {"from": self.address, "value": value,
                                  "nonce": self.w3.eth.get_transaction_count(self.address, "pending")}
        try:
            if gas is None:
                estimate = fn.estimate_gas({"from": self.address, "value": value})
                params["gas"] = int(estimate * GAS_MULTIPLIER) + GAS_HEADROOM
            else:
                params["gas"] = gas
            tx = fn.build_transaction(params)
        except (ContractCustomError, ContractLogicError, ContractPanicError) as exc:
            data = _revert_data(exc)
            raise TransactionReverted(action, decode_revert(data) if data else str(exc), data) from None
        return self._sign_and_wait(tx, action)

    def deploy(self, artifact: Artifact, *args) -> Contract:
        factory = self.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
        params = {"from": self.address, "nonce": self.w3.eth.get_transaction_count(self.address, "pending")}
        try:
            tx = factory.constructor(*args).build_transaction(params)
        except (ContractCustomError, ContractLogicError, ContractPanicError) as exc:
            data = _revert_data(exc)
            raise TransactionReverted(f"deploy {artifact.name}", decode_revert(data) if data else str(exc),
                                      data) from None
        receipt = self._sign_and_wait(tx, f"deploy {artifact.name}")
        return self.w3.eth.contract(address=receipt["contractAddress"], abi=artifact.abi)

    def _sign_and_wait(self, tx: dict, action: str) -> dict:
        signed = self.account.sign_transaction(tx)
        tx_hash = self.w3.eth.send_raw_transaction(signed.raw_transaction)
        receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=120)
        if receipt["status"] != 1:
            raise TransactionReverted(action, f"mined but failed (tx {tx_hash.hex()})")
        return receipt


def contract(w3: Web3, address: str, artifact: Artifact) -> Contract:
    if not w3.eth.get_code(to_checksum_address(address)):
        raise ChainError(f"no contract at {address} on chain {w3.eth.chain_id}: is the deployments file current?")
    return w3.eth.contract(address=to_checksum_address(address), abi=artifact.abi)
