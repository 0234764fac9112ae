"""Batched reads: many contract calls in one `eth_call` through Multicall3, at a pinned block.

`Batch` collects calls (a web3 contract function bound to its arguments), runs them in one request and
decodes each result with its own ABI. A call that fails does not fail the batch: its result is a
`CallFailed` carrying the decoded revert reason. `state_override` lets a batch run with code placed at
chosen addresses (see contracts/utils/TokenProbes.sol).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_abi import decode
from web3 import Web3

from keeper.chain.artifacts import load
from keeper.chain.tx import decode_revert

CANONICAL_ADDRESS = "0xcA11bde05977b3631167028862bE2a173976CA11"


@dataclass(frozen=True)
class CallFailed:
    reason: str

    def __bool__(self) -> bool:
        return False


def _output_types(fn) -> list[str]:
    def canonical(item: dict) -> str:
        if item["type"].startswith("tuple"):
            inner = ",".join(canonical(c) for c in item["components"])
            return f"({inner}){item['type'][5:]}"
        return item["type"]

    return [canonical(o) for o in fn.abi["outputs"]]


class Batch:
    """Calls to run together; `run()` returns their decoded results in order."""

    def __init__(self, w3: Web3, block: int | str = "latest", address: str = CANONICAL_ADDRESS):
        self.w3 = w3
        self.block = block
        self.multicall = w3.eth.contract(address=Web3.to_checksum_address(address), abi=load("Multicall3").abi)
        self._calls: list[tuple[str, bytes, Any]] = []

    def add(self, fn, target: str | None = None) -> int:
        """Queues the bound contract function `fn`; returns its index in the results."""
        data = bytes.fromhex(fn._encode_transaction_data()[2:])
        self._calls.append((target or fn.address, data, fn))
        return len(self._calls) - 1

    def add_raw(self, target: str, data: bytes, output_types: list[str]) -> int:
        self._calls.append((target, data, output_types))
        return len(self._calls) - 1

    def __len__(self) -> int:
        return len(self._calls)

    def run(self, state_override: dict | None = None) -> list[Any]:
        if not self._calls:
            return []
        payload = [(target, True, data) for target, data, _ in self._calls]
        fn = self.multicall.functions.aggregate3(payload)
        if state_override:
            raw = self.w3.eth.call({"to": self.multicall.address, "data": fn._encode_transaction_data()},
                                   self.block, state_override)
            (results,) = decode(["(bool,bytes)[]"], raw)
        else:
            results = fn.call(block_identifier=self.block)
        return self.decode_results(results)

    def decode_results(self, results) -> list[Any]:
        """Decodes aggregate3's (success, data) pairs with each queued call's ABI."""
        decoded = []
        for (success, data), (_, _, spec) in zip(results, self._calls):
            if not success:
                decoded.append(CallFailed(decode_revert(data)))
                continue
            types = spec if isinstance(spec, list) else _output_types(spec)
            try:
                values = decode(types, data)
            except Exception as exc:  # a non-conforming contract (e.g. no return value): report, don't crash
                decoded.append(CallFailed(f"undecodable return data ({exc.__class__.__name__})"))
                continue
            decoded.append(values[0] if len(values) == 1 else values)
        return decoded


def install_devnet_multicall(w3: Web3) -> None:
    """Places our Multicall3 runtime at the canonical address on an anvil chain (`anvil_setCode`)."""
    w3.provider.make_request("anvil_setCode", [CANONICAL_ADDRESS, load("Multicall3").runtime])
