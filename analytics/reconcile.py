"""Reconciliation of a vault's accounted holdings against its actual token balances.

The vault only counts what came in through ``seed``/``mint`` (its accounted ``holdings``);
``balanceOf(vault)`` can differ. Each (chain, vault, token) read at the pinned block is classified:

* ``ok``                   -- accounted == actual (a non-basket token with a zero balance is ok too);
* ``rounding_dust``        -- actual exceeds accounted by no more than the vault's rounding can leave
  behind (every mint rounds up, every redeem down, in the vault's favour): at most ``DUST_FLOOR`` raw
  units or ``DUST_FRACTION`` of the balance, whichever is larger. Severity "ok";
* ``unaccounted_donation`` -- actual > accounted beyond dust: tokens sent outside mint/seed (skimmable). Severity
  "warning": shares have no claim on them, but they move what a naive balance-based NAV shows;
* ``shortfall``            -- actual < accounted: the vault owes more than it holds. Severity
  "critical": redemptions could fail or be paid by other holders;
* ``unknown_token``        -- a non-zero balance of a token that is not in the vault's basket.
  Severity "warning".

Amounts are raw integer token units, compared exactly (no float rounding of 18-decimal amounts).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Iterable

import pandas as pd

from analytics.exceptions import AnalyticsInputError

STATUSES: tuple[str, ...] = ("ok", "rounding_dust", "unaccounted_donation", "shortfall", "unknown_token")
SEVERITY: dict[str, str] = {"ok": "ok", "rounding_dust": "ok", "unaccounted_donation": "warning",
                            "shortfall": "critical", "unknown_token": "warning"}
DUST_FLOOR = 1_000
DUST_FRACTION = 1e-9


@dataclass(frozen=True)
class BalanceRecord:
    """One token balance of one vault at the pinned block.

    @param token     token address (or symbol when no address exists, e.g. in tests)
    @param accounted the vault's accounted holdings (raw units); must be 0 when ``in_basket`` is False
    @param actual    ``balanceOf(vault)`` (raw units)
    @param in_basket whether the token is in the vault's basket
    @param symbol    display symbol; @param decimals token decimals, for display only
    """

    chain: str
    vault: str
    token: str
    accounted: int
    actual: int
    in_basket: bool = True
    symbol: str | None = None
    decimals: int | None = None

    def __post_init__(self) -> None:
        for name in ("accounted", "actual"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise AnalyticsInputError(f"{self.token} in {self.vault}: {name} must be an integer >= 0 "
                                          f"(raw units), got {v!r}")
        if not self.in_basket and self.accounted != 0:
            raise AnalyticsInputError(f"{self.token} in {self.vault}: a token outside the basket cannot have "
                                      f"accounted holdings ({self.accounted})")


@dataclass(frozen=True)
class ReconciliationLine:
    """The verdict on one :class:`BalanceRecord`; ``difference`` = actual - accounted (raw units)."""

    chain: str
    vault: str
    token: str
    symbol: str | None
    accounted: int
    actual: int
    difference: int
    status: str
    severity: str
    decimals: int | None = None

    @property
    def is_exception(self) -> bool:
        return SEVERITY[self.status] != "ok"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def classify(record: BalanceRecord) -> str:
    """The status of one record (see the module docstring)."""
    if not record.in_basket:
        return "unknown_token" if record.actual > 0 else "ok"
    if record.actual > record.accounted:
        surplus = record.actual - record.accounted
        return "rounding_dust" if surplus <= max(DUST_FLOOR, record.actual * DUST_FRACTION) else "unaccounted_donation"
    if record.actual < record.accounted:
        return "shortfall"
    return "ok"


def reconcile(records: Iterable[BalanceRecord]) -> list[ReconciliationLine]:
    """Classify every record; two records for the same (chain, vault, token) are an error.

    Lines come out sorted: critical first, then warnings, then ok; within a severity by chain,
    vault and token.
    """
    seen: set[tuple[str, str, str]] = set()
    lines = []
    for r in records:
        if not isinstance(r, BalanceRecord):
            raise AnalyticsInputError(f"reconcile() takes BalanceRecord items, got {type(r).__name__}")
        key = (r.chain, r.vault, r.token.lower())
        if key in seen:
            raise AnalyticsInputError(f"duplicate balance record for {r.token} in vault {r.vault} on {r.chain}")
        seen.add(key)
        status = classify(r)
        lines.append(ReconciliationLine(chain=r.chain, vault=r.vault, token=r.token, symbol=r.symbol,
                                        accounted=r.accounted, actual=r.actual, difference=r.actual - r.accounted,
                                        status=status, severity=SEVERITY[status], decimals=r.decimals))
    rank = {"critical": 0, "warning": 1, "ok": 2}
    return sorted(lines, key=lambda ln: (rank[ln.severity], ln.chain, ln.vault, ln.token))


def exceptions_only(lines: Iterable[ReconciliationLine]) -> list[ReconciliationLine]:
    """The lines whose status is not ``ok``."""
    return [ln for ln in lines if ln.is_exception]


def to_frame(lines: Iterable[ReconciliationLine]) -> pd.DataFrame:
    """The lines as a DataFrame (raw-unit integers kept as Python ints, object dtype)."""
    lines = list(lines)
    cols = list(ReconciliationLine.__dataclass_fields__)
    df = pd.DataFrame([ln.to_dict() for ln in lines], columns=cols)
    for col in ("accounted", "actual", "difference"):
        # int64 overflows above ~9.2 whole tokens of an 18-decimal token; keep exact Python ints.
        df[col] = pd.Series([getattr(ln, col) for ln in lines], dtype=object)
    return df
