"""Keeper-made weight proposals: the file `keeper propose` writes and `keeper verify` recomputes.

The file records everything needed to recompute the weights: where the market data and token metadata
came from, the full methodology configuration and the `as_of` date, plus the result: the inputs hash,
the methodology id and version, the weights and their on-chain basis points. Pure: no chain access here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from keeper.exceptions import KeeperError
from keeper.market import CsvMarketSource, ParquetMarketSource, TokenMetadata
from keeper.weights import MethodologyConfig, WeightResult, compute_target_weights, weights_to_bps

FORMAT = "index-weight-proposal/1"


class ProposalMismatch(KeeperError):
    """A proposal does not match what its inputs give."""


@dataclass(frozen=True)
class Inputs:
    market: Path
    metadata: Path
    config: MethodologyConfig
    as_of: str | None = None


def load_market(path: Path, metadata: TokenMetadata):
    source = (ParquetMarketSource if path.suffix.lower() in (".parquet", ".pq") else CsvMarketSource)(
        path, drop_unlisted_tokens=True)
    return source.load(metadata)


def compute(inputs: Inputs, basket: list[str]) -> tuple[WeightResult, dict[str, int]]:
    """Weights for the `basket` symbols (in that order) from `inputs`, and their basis points.

    Tokens of the basket the methodology leaves out get 0 bps: a proposal always lists the whole basket.
    """
    metadata = TokenMetadata.from_file(inputs.metadata)
    missing = [s for s in basket if s not in metadata]
    if missing:
        raise KeeperError(f"{inputs.metadata} has no metadata for basket token(s) {', '.join(missing)}")
    metadata = metadata.subset(basket)
    result = compute_target_weights(load_market(inputs.market, metadata), metadata, inputs.config, inputs.as_of)
    allocation = weights_to_bps(result.weights, metadata=metadata, constraints=inputs.config.constraints)
    return result, {s: int(allocation.bps.get(s, 0)) for s in basket}


def methodology_label(result: WeightResult) -> str:
    return f"{result.methodology_id}@{result.methodology_version}"


def proposal_document(chain: str, vault: str, inputs: Inputs, result: WeightResult, bps: dict[str, int],
                      base: Path) -> dict[str, Any]:
    """The JSON-able proposal; input paths are stored relative to `base` (the proposal file's folder)."""

    def rel(path: Path) -> str:
        try:
            return str(path.resolve().relative_to(base.resolve()))
        except ValueError:
            return str(path.resolve())

    return {
        "format": FORMAT,
        "chain": chain,
        "vault": vault,
        "as_of": result.as_of,
        "methodology": methodology_label(result),
        "engine_version": result.engine_version,
        "inputs_hash": result.inputs_hash,
        "weights_bps": bps,
        "weights": {k: round(float(v), 12) for k, v in result.weights.items()},
        "inputs": {"market": rel(inputs.market), "metadata": rel(inputs.metadata), "as_of": inputs.as_of,
                   "config": inputs.config.to_dict()},
        "excluded": [{"token": e.token, "reason": str(e)} for e in result.exclusions],
    }


def read_proposal(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text())
    except FileNotFoundError:
        raise KeeperError(f"proposal file {path} does not exist") from None
    except json.JSONDecodeError as exc:
        raise KeeperError(f"{path} is not valid JSON: {exc}") from None
    if document.get("format") != FORMAT:
        raise KeeperError(f"{path} is not a keeper proposal (format {document.get('format')!r}, expected {FORMAT})")
    return document


def inputs_of(document: dict[str, Any], base: Path, market: Path | None = None,
              metadata: Path | None = None) -> Inputs:
    recorded = document["inputs"]
    return Inputs(market=market or base / recorded["market"], metadata=metadata or base / recorded["metadata"],
                  config=MethodologyConfig.from_dict(recorded["config"]), as_of=recorded.get("as_of"))


def differences(document: dict[str, Any], result: WeightResult, bps: dict[str, int]) -> list[str]:
    """What differs between a proposal and a recomputation of it (empty when they match)."""
    found = []
    if document["inputs_hash"] != result.inputs_hash:
        found.append(f"inputs hash: proposal {document['inputs_hash']}, recomputed {result.inputs_hash} "
                     "(the market data, metadata or configuration differ)")
    if document["methodology"] != methodology_label(result):
        found.append(f"methodology: proposal {document['methodology']}, recomputed {methodology_label(result)}")
    for symbol in sorted(set(document["weights_bps"]) | set(bps)):
        proposed, recomputed = document["weights_bps"].get(symbol), bps.get(symbol)
        if proposed != recomputed:
            found.append(f"{symbol}: proposal {proposed} bps, recomputed {recomputed} bps")
    return found
