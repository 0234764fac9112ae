"""Validated market data in array form, ready for repeated look-ahead-free snapshots.

:func:`prepare_market` validates a long table once and pivots it into dense
``(dates x tokens)`` float matrices over a contiguous daily calendar. A backtester prepares
once and asks for a :class:`MarketSnapshot` at every rebalance date; each snapshot only
sees rows dated on or before its ``as_of`` date and behaves exactly as if the table had
been filtered to those rows first (same weights, same hash).

Market fingerprint
------------------
The market part of the input hash is a SHA-256 chain over calendar days, so a snapshot's
fingerprint is an O(1) lookup instead of re-hashing millions of rows::

    h_0 = sha256(b"keeper.market.v1")
    h_d = sha256(h_{d-1} || int64le(day ordinal) || sha256("\\x1f".join(tokens with a row on d))
                 || float64le[(price, market_cap, volume) of those tokens, token order])

Only raw input rows are hashed (not forward-filled values; the repair policy is part of the
configuration hash). ``-0.0`` is hashed as ``0.0``; extra columns are ignored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from keeper.exceptions import DataIssue, DataValidationError
from keeper.market.schema import TokenMetadata
from keeper.market.validate import RepairPolicy, validate_market_frame

_CHAIN_SEED = b"keeper.market.v1"
_EPOCH = np.datetime64("1970-01-01", "D")
_DERIVED_MAX = 16  # entries of PreparedMarket.derived kept (oldest dropped first)
T = TypeVar("T")


@dataclass(frozen=True)
class RepairRecord:
    """Days of one token that were forward-filled (reported in every result using them)."""

    token: str
    first_date: str
    last_date: str
    days: int
    filled_from: str
    method: str = "forward_fill"

    def to_dict(self) -> dict[str, Any]:
        return {"token": self.token, "first_date": self.first_date, "last_date": self.last_date,
                "days": self.days, "filled_from": self.filled_from, "method": self.method}


@dataclass(frozen=True)
class TokenStatus:
    """Why a token with market data is (not) usable at a snapshot date."""

    token: str
    available_prices: int  # consecutive daily prices ending at as_of (after repair)
    days_since_last_row: int | None  # None when the token has a row on as_of


@dataclass(frozen=True, eq=False)
class MarketSnapshot:
    """Market data as seen on ``as_of``: the trailing ``history`` days of the usable tokens.

    @param as_of          effective date (latest calendar day <= requested as_of)
    @param tokens         tokens with a complete window, sorted
    @param price          (history, len(tokens)) prices, oldest first, no NaN
    @param market_cap     same shape
    @param volume         same shape
    @param repairs        forward-filled days on or before as_of used by this snapshot
    @param market_digest  hex fingerprint of all raw rows dated <= as_of
    @param columns        (len(tokens),) column of each token in the PreparedMarket's ``tokens``
    @param seen_columns   columns of the tokens with any row on or before as_of, ascending
    @param available      (len(seen_columns),) consecutive daily prices ending at as_of
    @param lag            (len(seen_columns),) days since the last row (0: a row on as_of)
    @param market_tokens  the PreparedMarket's ``tokens`` (what the columns index)

    ``statuses`` (one :class:`TokenStatus` per seen token) is built from the arrays on
    first access: a backtest asking for thousands of snapshots rarely needs it.
    """

    as_of: date
    tokens: tuple[str, ...]
    price: np.ndarray
    market_cap: np.ndarray
    volume: np.ndarray
    repairs: tuple[RepairRecord, ...]
    market_digest: str
    columns: np.ndarray
    seen_columns: np.ndarray
    available: np.ndarray
    lag: np.ndarray
    market_tokens: tuple[str, ...]

    @cached_property
    def statuses(self) -> tuple[TokenStatus, ...]:
        """One entry per token with any row on or before as_of, in column (symbol) order."""
        return token_statuses(self.market_tokens, self.seen_columns, self.available, self.lag)


def token_statuses(market_tokens: tuple[str, ...], seen_columns: np.ndarray, available: np.ndarray,
                   lag: np.ndarray) -> tuple[TokenStatus, ...]:
    """:class:`TokenStatus` records from a snapshot's arrays (see :class:`MarketSnapshot`)."""
    return tuple(TokenStatus(market_tokens[c], a, None if d == 0 else d)
                 for c, a, d in zip(seen_columns.tolist(), available.tolist(), lag.tolist()))


class PreparedMarket:
    """Validated, pivoted market data (immutable). Build it with :func:`prepare_market`.

    :meth:`derived` keeps values that callers derive from this market once (e.g. the weight
    pipeline's per-configuration constants) so repeated snapshots do not recompute them.
    """

    def __init__(self, frame: pd.DataFrame, metadata: TokenMetadata, repair: RepairPolicy):
        self.metadata = metadata
        self.repair = repair
        days = frame["date"].to_numpy().astype("datetime64[D]")
        codes, uniques = pd.factorize(frame["token"].to_numpy(), sort=True)
        self.tokens: tuple[str, ...] = tuple(str(u) for u in uniques)
        start, end = days.min(), days.max()
        self.dates = np.arange(start, end + np.timedelta64(1, "D"), dtype="datetime64[D]")
        t_idx = (days - start).astype(np.int64)
        shape = (self.dates.size, len(self.tokens))
        raw = {}
        for col in ("price", "market_cap", "volume"):
            m = np.full(shape, np.nan)
            m[t_idx, codes] = frame[col].to_numpy(dtype=np.float64) + 0.0  # +0.0 turns -0.0 into 0.0
            raw[col] = m
        present = np.zeros(shape, dtype=bool)
        present[t_idx, codes] = True
        self.first_idx = np.argmax(present, axis=0)
        self.last_idx = shape[0] - 1 - np.argmax(present[::-1], axis=0)
        self._digests = self._digest_chain(raw, present)
        # Forward-fill internal gaps only; validation guaranteed each is <= max_ffill_days.
        rows = np.arange(shape[0])[:, None]
        last_seen = np.maximum.accumulate(np.where(present, rows, -1), axis=0)
        # last_seen[k, c]: latest day <= k with a raw row of token c (-1 before its first row)
        self._last_seen = last_seen.astype(np.int32 if shape[0] < 2**31 else np.int64)
        self._token_array = np.array(self.tokens, dtype=object)
        self._tokens_memo: tuple[bytes, tuple[str, ...]] = (b"", ())
        self._derived: dict[Hashable, Any] = {}
        inside = (rows >= self.first_idx) & (rows <= self.last_idx)
        src = np.where(inside, last_seen, 0)
        cols = np.arange(shape[1])[None, :]
        self._filled = {}
        for col, m in raw.items():
            f = np.where(inside, m[src, cols], np.nan)
            f.setflags(write=False)
            self._filled[col] = f
        self._gaps = self._find_gaps(present, inside, last_seen)

    # --- public -----------------------------------------------------------------
    def derived(self, key: Hashable, build: Callable[[], T]) -> T:
        """``build()`` computed once per ``key`` for this market (a few recent keys kept)."""
        try:
            return self._derived[key]
        except KeyError:
            pass
        value = build()
        if len(self._derived) >= _DERIVED_MAX:
            self._derived.pop(next(iter(self._derived), None), None)
        self._derived[key] = value
        return value

    def index_for(self, as_of: date | str | None) -> int:
        """Calendar index of the latest day <= as_of (last day when None)."""
        if as_of is None:
            return self.dates.size - 1
        day = np.datetime64(pd.Timestamp(as_of).date(), "D")
        if day < self.dates[0]:
            raise DataValidationError([DataIssue("as_of_before_data", None, str(day),
                                                 f"as_of is before the first market day {self.dates[0]}",
                                                 "choose a later as_of or load older data")])
        return int(min(self.dates.size - 1, (day - self.dates[0]).astype(np.int64)))

    def snapshot(self, as_of: date | str | None, history: int) -> MarketSnapshot:
        """Trailing ``history`` days ending at ``as_of`` for every token that has them.

        A token whose last row is at most ``repair.max_ffill_days`` days before as_of is
        forward-filled up to as_of (and reported); tokens with fewer than ``history``
        consecutive prices are left out of the windows (see ``statuses``).
        """
        if history < 1:
            raise ValueError("history must be >= 1")
        k = self.index_for(as_of)
        seen = self.first_idx <= k
        last_row = self._last_seen[k].astype(np.int64)  # -1 where not seen
        lag = k - last_row
        fill_tail = seen & (lag > 0) & (lag <= self.repair.max_ffill_days)
        # A token with data on as_of (or filled up to it) has a contiguous run from first_idx.
        alive = seen & ((lag == 0) | fill_tail)
        available = np.where(alive, k - self.first_idx + 1, 0)
        usable = alive & (available >= history)
        cols = np.flatnonzero(usable)
        lo = k - history + 1
        windows = {}
        tails = fill_tail[cols]
        for col, f in self._filled.items():
            w = np.take(f[lo: k + 1], cols, axis=1)  # a C-ordered copy
            if tails.any():
                # filled matrix stops at last_idx <= k for these tokens: carry the last row
                for j in np.flatnonzero(tails):
                    c = cols[j]
                    start = last_row[c] - lo + 1
                    w[start:, j] = f[last_row[c], c]
            w.setflags(write=False)
            windows[col] = w
        seen_cols = np.flatnonzero(seen)
        repairs = self._repairs_until(k, fill_tail, last_row)
        cols.setflags(write=False)
        return MarketSnapshot(
            as_of=self.dates[k].astype(object), tokens=self._tokens_at(cols),
            price=windows["price"], market_cap=windows["market_cap"], volume=windows["volume"],
            repairs=repairs, market_digest=self._digests[k].hex(), columns=cols, seen_columns=seen_cols,
            available=available[seen_cols], lag=lag[seen_cols], market_tokens=self.tokens)

    # --- internals ----------------------------------------------------------------
    def _tokens_at(self, cols: np.ndarray) -> tuple[str, ...]:
        """Symbols of ``cols``; the last answer is reused (the usable set rarely changes day to day)."""
        key = cols.tobytes()
        if key != self._tokens_memo[0]:
            self._tokens_memo = (key, tuple(self._token_array[cols].tolist()))
        return self._tokens_memo[1]

    def _digest_chain(self, raw: dict[str, np.ndarray], present: np.ndarray) -> list[bytes]:
        values = np.stack([raw["price"], raw["market_cap"], raw["volume"]], axis=2).astype("<f8")
        ordinals = (self.dates - _EPOCH).astype("<i8")
        token_bytes = [t.encode("utf-8") for t in self.tokens]
        h = hashlib.sha256(_CHAIN_SEED).digest()
        out: list[bytes] = []
        prev_mask: bytes | None = None
        set_digest = b""
        for t in range(self.dates.size):
            mask = present[t]
            mask_key = mask.tobytes()
            if mask_key != prev_mask:
                names = b"\x1f".join(token_bytes[i] for i in np.flatnonzero(mask))
                set_digest = hashlib.sha256(names).digest()
                prev_mask = mask_key
            block = hashlib.sha256(h)
            block.update(ordinals[t].tobytes())
            block.update(set_digest)
            block.update(np.ascontiguousarray(values[t][mask]).tobytes())
            h = block.digest()
            out.append(h)
        return out

    def _find_gaps(self, present: np.ndarray, inside: np.ndarray,
                   last_seen: np.ndarray) -> list[tuple[int, int, int, int]]:
        """(token col, first missing idx, last missing idx, source idx) of internal gaps."""
        missing = inside & ~present
        gaps = []
        for c in np.flatnonzero(missing.any(axis=0)):
            idx = np.flatnonzero(missing[:, c])
            breaks = np.flatnonzero(np.diff(idx) > 1)
            starts = np.concatenate([[idx[0]], idx[breaks + 1]])
            ends = np.concatenate([idx[breaks], [idx[-1]]])
            for s, e in zip(starts, ends):
                gaps.append((int(c), int(s), int(e), int(last_seen[s, c])))
        return gaps

    def _repairs_until(self, k: int, fill_tail: np.ndarray, last_row: np.ndarray) -> tuple[RepairRecord, ...]:
        d = lambda i: str(self.dates[i])  # noqa: E731
        recs = []
        for c, s, e, src in self._gaps:
            if s <= k:
                e = min(e, k)
                recs.append(RepairRecord(self.tokens[c], d(s), d(e), e - s + 1, d(src)))
        for c in np.flatnonzero(fill_tail):
            if self.last_idx[c] > k:  # already reported as (part of) an internal gap above
                continue
            s = int(last_row[c]) + 1
            recs.append(RepairRecord(self.tokens[c], d(s), d(k), k - s + 1, d(int(last_row[c]))))
        return tuple(sorted(recs, key=lambda r: (r.token, r.first_date)))


def prepare_market(frame: pd.DataFrame, metadata: TokenMetadata,
                   repair: RepairPolicy = RepairPolicy()) -> PreparedMarket:
    """Validate ``frame`` (see :func:`validate_market_frame`) and pivot it for snapshots.

    @raises DataValidationError when the data is bad
    """
    return PreparedMarket(validate_market_frame(frame, metadata, repair), metadata, repair)
