"""Exceptions raised by the analytics package.

Everything raised on purpose derives from :class:`AnalyticsError`, so a CLI can catch
one type. Input problems also derive from ``ValueError`` so generic callers still work.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence


class AnalyticsError(Exception):
    """Base class of every error raised deliberately by the analytics package."""


class AnalyticsInputError(AnalyticsError, ValueError):
    """An input (series, table, record, parameter) is invalid; the message says which and why."""


class InsufficientDataError(AnalyticsInputError):
    """There is too little data to compute a metric (e.g. a NAV series with fewer than 2 points)."""


@dataclass(frozen=True)
class SchemaIssue:
    """One problem found in a table.

    @param row     0-based data row (None when the issue is about the whole table)
    @param column  column concerned (None when the issue is about the whole row)
    @param message what is wrong, with the offending value
    """

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return (", ".join(where) + ": " if where else "") + self.message


class SchemaError(AnalyticsInputError):
    """A table failed schema validation; ``issues`` lists every problem, not just the first."""

    MAX_LISTED = 25

    def __init__(self, issues: Sequence[SchemaIssue], source: str = "table"):
        self.issues: tuple[SchemaIssue, ...] = tuple(issues)
        self.source = source
        shown = [f"  - {issue}" for issue in self.issues[: self.MAX_LISTED]]
        if len(self.issues) > self.MAX_LISTED:
            shown.append(f"  ... and {len(self.issues) - self.MAX_LISTED} more issue(s)")
        super().__init__(f"{source}: {len(self.issues)} schema issue(s):\n" + "\n".join(shown))


class ReportError(AnalyticsError):
    """The report or its output files could not be produced (bad audit dict, unwritable directory)."""
