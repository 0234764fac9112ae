"""Deployment files: what is deployed on each chain, read by every tool (wallet flows, keeper, analytics).

One JSON file per chain, `deployments/<chain>.json` by default (or under $INDEX_DEPLOYMENTS):

    {"chain": "home", "chain_id": 31337, "rpc_url": "http://127.0.0.1:8545", "quote_token": "USDC",
     "contracts": {"vault": "0x...", "uniswap_router": "0x...", ...},
     "roles": {"guardian": "0x...", "keeper": "0x...", ...},
     "tokens": [{"symbol": "WBTC", "name": "Wrapped Bitcoin", "address": "0x...", "decimals": 8,
                 "sector": "L1", "risk_tier": "conservative"}, ...]}

To point the tools at a real network, write such a file with that network's RPC URL and addresses.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from eth_utils import is_address, to_checksum_address

from keeper.chain.artifacts import PROJECT_ROOT
from keeper.chain.errors import DeploymentError
from keeper.market.schema import RISK_TIERS, SECTORS



def deployments_dir() -> Path:
    return Path(os.environ.get("INDEX_DEPLOYMENTS", PROJECT_ROOT / "deployments"))


@dataclass(frozen=True)
class TokenInfo:
    symbol: str
    name: str
    address: str
    decimals: int
    sector: str
    risk_tier: str

    @property
    def unit(self) -> int:
        return 10**self.decimals


@dataclass(frozen=True)
class ChainDeployment:
    chain: str
    chain_id: int
    rpc_url: str
    quote_token: str
    contracts: dict[str, str]
    tokens: tuple[TokenInfo, ...]
    roles: dict[str, str] = field(default_factory=dict)

    def token(self, key: str) -> TokenInfo:
        """A token by symbol or address."""
        for token in self.tokens:
            if key.upper() == token.symbol.upper() or key.lower() == token.address.lower():
                return token
        raise DeploymentError(f"{self.chain}: no token {key!r}; known: {', '.join(t.symbol for t in self.tokens)}")

    @property
    def vaults(self) -> dict[str, str]:
        """Every vault of the chain: the `vault` entry and any `vault:<name>` entries, by name."""
        return {name: address for name, address in self.contracts.items()
                if name == "vault" or name.startswith("vault:")}

    def address(self, contract: str) -> str:
        if contract not in self.contracts:
            raise DeploymentError(f"{self.chain}: no {contract!r} in the deployments file "
                                  f"(has {', '.join(sorted(self.contracts))})")
        return self.contracts[contract]

    def to_dict(self) -> dict:
        data = asdict(self)
        data["tokens"] = [asdict(t) for t in self.tokens]
        return data

    @classmethod
    def from_dict(cls, data: dict, source: str = "deployment") -> "ChainDeployment":
        problems = []
        for key in ("chain", "chain_id", "rpc_url", "quote_token", "contracts", "tokens"):
            if key not in data:
                problems.append(f"missing key {key!r}")
        if problems:
            raise DeploymentError(f"{source}: " + "; ".join(problems))
        tokens = []
        for raw in data["tokens"]:
            try:
                token = TokenInfo(**raw)
            except TypeError as exc:
                raise DeploymentError(f"{source}: bad token entry {raw}: {exc}") from None
            if not is_address(token.address):
                problems.append(f"token {token.symbol}: {token.address!r} is not an address")
                continue
            if token.sector not in SECTORS:
                problems.append(f"token {token.symbol}: unknown sector {token.sector!r} (use one of {SECTORS})")
            if token.risk_tier not in RISK_TIERS:
                problems.append(f"token {token.symbol}: unknown risk tier {token.risk_tier!r} (use {RISK_TIERS})")
            tokens.append(TokenInfo(**{**raw, "address": to_checksum_address(token.address)}))
        for name, address in {**data["contracts"], **data.get("roles", {})}.items():
            if not is_address(address):
                problems.append(f"{name}: {address!r} is not an address")
        if problems:
            raise DeploymentError(f"{source}: " + "; ".join(problems))
        return cls(
            chain=data["chain"], chain_id=int(data["chain_id"]), rpc_url=data["rpc_url"],
            quote_token=data["quote_token"],
            contracts={k: to_checksum_address(v) for k, v in data["contracts"].items()},
            tokens=tuple(tokens),
            roles={k: to_checksum_address(v) for k, v in data.get("roles", {}).items()},
        )


def load_deployment(chain: str, directory: Path | None = None) -> ChainDeployment:
    directory = directory or deployments_dir()
    path = directory / f"{chain}.json"
    if not path.exists():
        known = sorted(p.stem for p in directory.glob("*.json")) if directory.exists() else []
        hint = f"known chains: {', '.join(known)}" if known else "start the devnet with `make devnet` first"
        raise DeploymentError(f"no deployments file for chain {chain!r} at {path} ({hint})")
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise DeploymentError(f"{path} is not valid JSON: {exc}") from None
    return ChainDeployment.from_dict(data, source=str(path))


def load_all(directory: Path | None = None) -> list[ChainDeployment]:
    directory = directory or deployments_dir()
    paths = sorted(directory.glob("*.json")) if directory.exists() else []
    if not paths:
        raise DeploymentError(f"no deployments files in {directory}: start the devnet with `make devnet` first")
    return [load_deployment(p.stem, directory) for p in paths]


def save_deployment(deployment: ChainDeployment, directory: Path | None = None) -> Path:
    directory = directory or deployments_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{deployment.chain}.json"
    path.write_text(json.dumps(deployment.to_dict(), indent=2) + "\n")
    return path
