"""Canonical serialisation and the SHA-256 fingerprint of a weight computation's inputs.

``inputs_hash = sha256(canonical_json({engine, methodology id + version, config,
metadata, market fingerprint, as_of}))`` where canonical JSON has sorted keys, no
whitespace, ASCII only, no NaN, and floats in Python's shortest round-trip repr. The market
fingerprint (``keeper.market.prepared``) covers every raw row dated on or before as_of;
the configuration includes the repair policy, so forward-filled values are covered too.

Repeated hashes over one history (a backtest) differ only in the market fingerprint and
as_of: :class:`InputsHasher` serialises the other members once. The canonical JSON of an
object is ``{`` + ``"key":value`` pairs in key order joined by ``,`` + ``}``, so pasting
members serialised on their own gives the very bytes of serialising the whole document
(``canonical_json(inputs_document(...))``).
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


_VARYING = ("market", "as_of")


class InputsHasher:
    """``inputs_hash`` for one engine/methodology/config/metadata and any (market, as_of).

    The configuration and the metadata (the bulk of the document: one record per token)
    are serialised once, at construction.
    """

    __slots__ = ("_parts",)

    def __init__(self, *, engine_version: str, methodology_id: str, methodology_version: str,
                 config: MethodologyConfig, metadata: TokenMetadata):
        fixed = {
            "engine_version": canonical_json(engine_version),
            "methodology": canonical_json({"id": methodology_id, "version": methodology_version}),
            "config": canonical_json(config.to_dict()),
            "metadata": canonical_json(metadata.to_records()),
        }
        # the document's canonical JSON as constant byte strings around the varying members' slots
        parts: list[bytes | str] = []
        text = ""
        for i, key in enumerate(sorted([*fixed, *_VARYING])):
            text += ("{" if i == 0 else ",") + canonical_json(key) + ":"
            if key in fixed:
                text += fixed[key]
            else:
                parts += [text.encode("ascii"), key]
                text = ""
        parts.append((text + "}").encode("ascii"))
        self._parts = tuple(parts)

    def __call__(self, *, market_digest: str, as_of: str) -> str:
        """SHA-256 hex digest of the canonical document with these market and as_of members."""
        values = {"market": canonical_json(market_digest).encode("ascii"),
                  "as_of": canonical_json(as_of).encode("ascii")}  # the _VARYING members
        h = hashlib.sha256()
        for part in self._parts:
            h.update(part if isinstance(part, bytes) else values[part])
        return h.hexdigest()


def inputs_hash(*, engine_version: str, methodology_id: str, methodology_version: str,
                config: MethodologyConfig, metadata: TokenMetadata, market_digest: str, as_of: str) -> str:
    """SHA-256 hex digest of everything that determines the weights."""
    return InputsHasher(engine_version=engine_version, methodology_id=methodology_id,
                        methodology_version=methodology_version, config=config,
                        metadata=metadata)(market_digest=market_digest, as_of=as_of)


def inputs_document(*, engine_version: str, methodology_id: str, methodology_version: str,
                    config: MethodologyConfig, metadata: TokenMetadata, market_digest: str,
                    as_of: str) -> dict[str, Any]:
    """The document whose canonical JSON :func:`inputs_hash` digests (for audits and tests)."""
    return {
        "engine_version": engine_version,
        "methodology": {"id": methodology_id, "version": methodology_version},
        "config": config.to_dict(),
        "metadata": metadata.to_records(),
        "market": market_digest,
        "as_of": as_of,
    }
