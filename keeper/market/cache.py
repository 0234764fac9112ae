"""On-disk cache of JSON HTTP responses, keyed by URL + query parameters, with a TTL.

Each entry is one JSON file named by the SHA-256 of the canonical request
(``url`` plus sorted parameters), holding the request, the storage time and the body.
Writes are atomic (temporary file + rename) so a crash never leaves a half entry; an
unreadable entry counts as a miss and is overwritten by the next successful fetch.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any


def request_key(url: str, params: Mapping[str, Any] | None) -> str:
    """Stable cache key of a GET request (parameter order does not matter)."""
    canon = json.dumps({"url": url, "params": {str(k): str(v) for k, v in sorted((params or {}).items())}},
                       sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()


class DiskCache:
    """JSON response cache in ``directory`` with entries valid for ``ttl_seconds``.

    @param clock wall-clock seconds (injectable for tests); entries older than the TTL
                 are misses
    """

    def __init__(self, directory: str | Path, ttl_seconds: float, clock: Callable[[], float] = time.time):
        if ttl_seconds < 0:
            raise ValueError("ttl_seconds must be >= 0")
        self.directory = Path(directory)
        self.ttl_seconds = float(ttl_seconds)
        self._clock = clock

    def _path(self, url: str, params: Mapping[str, Any] | None) -> Path:
        return self.directory / f"{request_key(url, params)}.json"

    def get(self, url: str, params: Mapping[str, Any] | None = None) -> Any | None:
        """Cached body, or None when absent, expired or unreadable."""
        path = self._path(url, params)
        try:
            with path.open("r", encoding="utf-8") as fh:
                entry = json.load(fh)
            stored_at = float(entry["stored_at"])
            body = entry["body"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        age = self._clock() - stored_at
        if age < 0 or age > self.ttl_seconds:
            return None
        return body

    def put(self, url: str, params: Mapping[str, Any] | None, body: Any) -> None:
        """Store ``body`` (JSON-able) for the request, replacing any older entry."""
        self.directory.mkdir(parents=True, exist_ok=True)
        entry = {"url": url, "params": {str(k): str(v) for k, v in sorted((params or {}).items())},
                 "stored_at": self._clock(), "body": body}
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(entry, fh, separators=(",", ":"))
            os.replace(tmp, self._path(url, params))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
