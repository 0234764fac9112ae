"""Contract artifacts: ABIs and bytecode of our contracts (ape's build output) and of Uniswap V2 (npm)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from keeper.chain.errors import ArtifactError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
BUILD_MANIFEST = PROJECT_ROOT / ".build" / "__local__.json"
UNISWAP_BUILDS = {
    "UniswapV2Factory": "@uniswap/v2-core/build/UniswapV2Factory.json",
    "UniswapV2Pair": "@uniswap/v2-core/build/UniswapV2Pair.json",
    "UniswapV2Router02": "@uniswap/v2-periphery/build/UniswapV2Router02.json",
    "WETH9": "@uniswap/v2-periphery/build/WETH9.json",
}


@dataclass(frozen=True)
class Artifact:
    name: str
    abi: list[dict]
    bytecode: str  # 0x-prefixed creation code
    runtime: str = "0x"  # 0x-prefixed runtime code (ours only), for eth_call state overrides


@lru_cache(maxsize=None)
def _manifest() -> dict:
    if not BUILD_MANIFEST.exists():
        raise ArtifactError(f"{BUILD_MANIFEST} is missing: run `make install` (or `ape compile`) first")
    return json.loads(BUILD_MANIFEST.read_text())["contractTypes"]


@lru_cache(maxsize=None)
def load(name: str) -> Artifact:
    """The artifact of contract `name`, ours or Uniswap's."""
    if name in UNISWAP_BUILDS:
        path = PROJECT_ROOT / "node_modules" / UNISWAP_BUILDS[name]
        if not path.exists():
            raise ArtifactError(f"{path} is missing: run `make install` (npm ci) first")
        data = json.loads(path.read_text())
        code = data["bytecode"]
        return Artifact(name, data["abi"], code if code.startswith("0x") else "0x" + code)
    types = _manifest()
    if name not in types:
        raise ArtifactError(f"no compiled contract named {name!r}; known: {', '.join(sorted(types))}")
    contract = types[name]
    return Artifact(name, contract["abi"], contract.get("deploymentBytecode", {}).get("bytecode", "0x"),
                    contract.get("runtimeBytecode", {}).get("bytecode", "0x"))


def all_error_abis() -> list[dict]:
    """Every custom error of our contracts, to decode revert data from any of them."""
    seen: dict[str, dict] = {}
    for contract in _manifest().values():
        for item in contract["abi"]:
            if item.get("type") == "error":
                signature = f"{item['name']}({','.join(i['type'] for i in item['inputs'])})"
                seen.setdefault(signature, item)
    return list(seen.values())
