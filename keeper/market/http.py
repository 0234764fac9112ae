"""Polite JSON-over-HTTP client: timeouts, retries with backoff, rate limit, cache.

* Every attempt passes through a :class:`RateLimiter` (minimum interval between calls).
* 429, 5xx, connection errors and timeouts are retried up to ``RetryPolicy.max_attempts``
  attempts in total. The wait before retry n (n = 1, 2, ...) is
  ``min(backoff_max, backoff_base * backoff_factor ** (n - 1))`` -- deterministic, no
  jitter, so tests and logs are reproducible -- unless the response carries
  ``Retry-After`` (seconds or HTTP date), which is honoured instead (capped at
  ``max_retry_after``).
* Other 4xx answers and undecodable JSON fail at once with
  :class:`~keeper.exceptions.MarketSourceError`.
* Successful bodies are stored in an optional :class:`~keeper.market.cache.DiskCache`;
  a fresh cached entry skips the network (and the rate limiter) entirely.

Clock and sleep are injectable so tests run without real waiting.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import requests

from keeper.exceptions import MarketSourceError
from keeper.market.cache import DiskCache


class RateLimiter:
    """Spaces calls at least ``min_interval`` seconds apart (thread-safe)."""

    def __init__(self, min_interval: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        if min_interval < 0:
            raise ValueError("min_interval must be >= 0")
        self.min_interval = float(min_interval)
        self._clock = clock
        self._sleep = sleep
        self._next_allowed: float | None = None
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Block until a call is allowed; returns the seconds waited."""
        with self._lock:
            now = self._clock()
            wait = 0.0 if self._next_allowed is None else max(0.0, self._next_allowed - now)
            if wait > 0:
                self._sleep(wait)
            self._next_allowed = now + wait + self.min_interval
            return wait


@dataclass(frozen=True)
class RetryPolicy:
    """When and how long to retry (see module docstring for the formula)."""

    max_attempts: int = 5
    backoff_base: float = 1.0
    backoff_factor: float = 2.0
    backoff_max: float = 60.0
    max_retry_after: float = 300.0
    retry_statuses: frozenset[int] = field(default_factory=lambda: frozenset({429, 500, 502, 503, 504}))

    def backoff(self, retry_number: int) -> float:
        """Wait before retry ``retry_number`` (1-based) when no Retry-After is given."""
        return min(self.backoff_max, self.backoff_base * self.backoff_factor ** (retry_number - 1))


@dataclass(frozen=True)
class Attempt:
    """One network attempt, kept for diagnostics (``HttpJsonClient.history``)."""

    url: str
    status: int | None
    error: str | None
    waited_before: float


class HttpJsonClient:
    """GETs JSON documents with retries, backoff, rate limiting and an optional cache.

    @param timeout      (connect, read) seconds passed to requests
    @param min_interval seconds between network calls (ignored if ``rate_limiter`` given)
    @param headers      extra headers (e.g. an API-key header read from the environment
                        by the caller; this module never reads credentials itself)
    @param now          wall clock as aware datetime, to resolve HTTP-date Retry-After
    """

    def __init__(self, *, timeout: tuple[float, float] = (5.0, 30.0), retry: RetryPolicy = RetryPolicy(),
                 min_interval: float = 0.0, rate_limiter: RateLimiter | None = None,
                 cache: DiskCache | None = None, session: requests.Session | None = None,
                 headers: Mapping[str, str] | None = None, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)):
        self.timeout = timeout
        self.retry = retry
        self.cache = cache
        self.session = session or requests.Session()
        self.headers = dict(headers or {})
        self._sleep = sleep
        self._now = now
        self.rate_limiter = rate_limiter or RateLimiter(min_interval, clock=clock, sleep=sleep)
        self.history: list[Attempt] = []

    def get_json(self, url: str, params: Mapping[str, Any] | None = None) -> Any:
        """GET ``url`` with ``params`` and return the decoded JSON body.

        @raises MarketSourceError after the last failed attempt, or at once for
                non-retryable statuses and invalid JSON
        """
        if self.cache is not None:
            cached = self.cache.get(url, params)
            if cached is not None:
                return cached
        waited = 0.0
        last_problem = "no attempt made"
        for attempt in range(1, self.retry.max_attempts + 1):
            self.rate_limiter.acquire()
            retry_after: float | None = None
            try:
                resp = self.session.get(url, params=dict(params or {}), headers=self.headers, timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout) as exc:
                last_problem = f"{type(exc).__name__}: {exc}"
                self.history.append(Attempt(url, None, last_problem, waited))
            else:
                self.history.append(Attempt(url, resp.status_code, None, waited))
                if resp.status_code == 200:
                    body = self._decode(resp, url)
                    if self.cache is not None:
                        self.cache.put(url, params, body)
                    return body
                last_problem = f"HTTP {resp.status_code}: {resp.text[:200]!r}"
                if resp.status_code not in self.retry.retry_statuses:
                    raise MarketSourceError(f"GET {url} params={dict(params or {})} failed: {last_problem}")
                retry_after = self._retry_after(resp.headers.get("Retry-After"))
            if attempt == self.retry.max_attempts:
                break
            waited = retry_after if retry_after is not None else self.retry.backoff(attempt)
            self._sleep(waited)
        raise MarketSourceError(f"GET {url} params={dict(params or {})} failed after "
                                f"{self.retry.max_attempts} attempt(s); last: {last_problem}")

    @staticmethod
    def _decode(resp: requests.Response, url: str) -> Any:
        try:
            return resp.json()
        except ValueError as exc:
            raise MarketSourceError(f"GET {url} returned invalid JSON: {resp.text[:200]!r}") from exc

    def _retry_after(self, value: str | None) -> float | None:
        """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date)."""
        if value is None or not value.strip():
            return None
        value = value.strip()
        try:
            seconds = float(value)
        except ValueError:
            try:
                when = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError):
                return None  # unparseable header: fall back to our own backoff
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            seconds = (when - self._now()).total_seconds()
        return min(self.retry.max_retry_after, max(0.0, seconds))
