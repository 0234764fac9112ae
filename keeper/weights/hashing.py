"""Canonical serialisation and the SHA-256 fingerprint of a weight computation's inputs.

``inputs_hash = sha256(canonical_json({engine, methodology id + version, config,
metadata, market fingerprint, as_of}))`` where canonical JSON has sorted keys, no
whitespace, ASCII only, no NaN, and floats in Python's shortest round-trip repr. The market
fingerprint (``keeper.market.prepared``) covers every raw row dated on or before as_of;
the configuration includes the repair policy, so forward-filled values are covered too.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from keeper.market.schema import TokenMetadata
from keeper.weights.config import MethodologyConfig


def canonical_json(obj: Any) -> str:
    """Deterministic compact JSON (sorted keys, no NaN/inf)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)


def inputs_hash(*, engine_version: str, methodology_id: str, methodology_version: str,
                config: MethodologyConfig, metadata: TokenMetadata, market_digest: str, as_of: str) -> str:
    """SHA-256 hex digest of everything that determines the weights."""
    doc = {
        "engine_version": engine_version,
        "methodology": {"id": methodology_id, "version": methodology_version},
        "config": config.to_dict(),
        "metadata": metadata.to_records(),
        "market": market_digest,
        "as_of": as_of,
    }
    return hashlib.sha256(canonical_json(doc).encode("ascii")).hexdigest()
