"""Exceptions raised by the keeper.

Every error the keeper raises on purpose derives from :class:`KeeperError`, so callers
(the CLI, the backtester) can catch one type. Subclasses carry structured fields so a
caller can act on them instead of parsing messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class KeeperError(Exception):
    """Base class of every error raised deliberately by the keeper."""


class ConfigError(KeeperError, ValueError):
    """A methodology configuration (or another user-supplied setting) is invalid."""


@dataclass(frozen=True)
class DataIssue:
    """One problem found in market data or token metadata.

    @param kind   short machine-readable code, e.g. ``"missing_days"``, ``"bad_price"``
    @param token  token symbol concerned, or None when the issue is table-wide
    @param date   ISO date concerned (first one for ranges), or None
    @param detail what is wrong, with the offending values
    @param hint   what to do about it
    """

    kind: str
    token: str | None
    date: str | None
    detail: str
    hint: str

    def __str__(self) -> str:
        where = ", ".join(p for p in (self.token, self.date) if p)
        prefix = f"[{self.kind}] {where}: " if where else f"[{self.kind}] "
        return f"{prefix}{self.detail} -> {self.hint}"


class DataValidationError(KeeperError, ValueError):
    """Market data or token metadata failed validation; ``issues`` lists every problem."""

    MAX_LISTED = 25

    def __init__(self, issues: Sequence[DataIssue]):
        self.issues: tuple[DataIssue, ...] = tuple(issues)
        shown = [f"  - {issue}" for issue in self.issues[: self.MAX_LISTED]]
        more = len(self.issues) - len(shown)
        if more > 0:
            shown.append(f"  ... and {more} more issue(s)")
        super().__init__(f"{len(self.issues)} data issue(s):\n" + "\n".join(shown))


class MarketSourceError(KeeperError):
    """A market-data source could not deliver data (I/O, HTTP, decoding)."""


@dataclass(frozen=True)
class Conflict:
    """A set of constraints that cannot hold together.

    @param constraints names of the constraints involved, e.g. ``("tier_floor:conservative",
                       "max_sector_weight:L1", "max_token_weight")``
    @param required    the total weight the constraints demand
    @param available   the most weight the other constraints allow
    @param message     a readable explanation with the numbers
    """

    constraints: tuple[str, ...]
    required: float
    available: float
    message: str

    def __str__(self) -> str:
        return self.message


class ConstraintConflictError(KeeperError):
    """The configured constraints cannot all be satisfied; ``conflicts`` says which."""

    def __init__(self, conflicts: Sequence[Conflict], context: str = ""):
        self.conflicts: tuple[Conflict, ...] = tuple(conflicts)
        head = "constraints conflict" + (f" ({context})" if context else "")
        body = "\n".join(f"  - {c.message}" for c in self.conflicts)
        super().__init__(f"{head}:\n{body}")


class MethodologyError(KeeperError):
    """A methodology cannot produce weights from the given inputs."""


class OptimisationError(MethodologyError):
    """A numerical optimiser did not reach its tolerance."""


class NoEligibleTokensError(KeeperError):
    """No token survived eligibility and the anomaly screen."""


class BpsRoundingError(KeeperError):
    """Weights could not be rounded to basis points without breaking a constraint."""
