"""Validation of long-format market data, and the opt-in repair policy.

:func:`validate_market_frame` is the gate every table passes before a strategy sees it.
It either returns a normalised copy (columns ``date, token, price, market_cap, volume``;
``date`` as midnight ``datetime64[ns]``; floats; sorted by token then date; extra columns
dropped) or raises :class:`~keeper.exceptions.DataValidationError` listing every problem
with the token, the date and what to do.

Checked: required columns; parseable daily dates without a time part; non-empty token
symbols known to the metadata; no duplicated (token, date); prices finite and > 0;
market caps and volumes finite and >= 0; no missing days inside a token's own date range.

The only repair is explicit and opt-in: ``RepairPolicy(max_ffill_days=N)`` accepts gaps of
at most N consecutive days; they are forward-filled later (see ``keeper.market.prepared``)
and every filled day is reported. Everything else is an error, never a silent fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from keeper.exceptions import ConfigError, DataIssue, DataValidationError
from keeper.market.schema import MARKET_COLUMNS, TokenMetadata

# Beyond this many rows of one kind the listing is summarised: the caller needs to see the
# pattern, not a million lines.
_MAX_ROWS_PER_KIND = 20
_DAY_NS = np.int64(86_400 * 10**9)


@dataclass(frozen=True)
class RepairPolicy:
    """Opt-in data repair.

    @param max_ffill_days longest run of consecutive missing days per token that may be
                          forward-filled (price, market cap and volume carried from the last
                          observed day). 0 (default) disables repair: any gap is an error.
                          A token whose data stops at most this many days before the
                          rebalance date is also filled up to that date.
    """

    max_ffill_days: int = 0

    def __post_init__(self) -> None:
        if isinstance(self.max_ffill_days, bool) or not isinstance(self.max_ffill_days, int) \
                or not 0 <= self.max_ffill_days <= 31:
            raise ConfigError(f"repair.max_ffill_days must be an int in [0, 31], got {self.max_ffill_days!r}")

    def to_dict(self) -> dict[str, Any]:
        return {"max_ffill_days": self.max_ffill_days}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RepairPolicy:
        unknown = set(data) - {"max_ffill_days"}
        if unknown:
            raise ConfigError(f"unknown repair key(s) {sorted(unknown)}; allowed: ['max_ffill_days']")
        return cls(**dict(data))


def validate_market_frame(frame: pd.DataFrame, metadata: TokenMetadata,
                          repair: RepairPolicy = RepairPolicy()) -> pd.DataFrame:
    """Validate and normalise a long-format market table.

    @param frame    rows of ``date, token, price, market_cap, volume`` (any row order)
    @param metadata known tokens; rows of other tokens are an error
    @param repair   gaps up to ``repair.max_ffill_days`` days are accepted (filled later)
    @return normalised copy, sorted by (token, date)
    @raises DataValidationError listing every issue found
    """
    if not isinstance(frame, pd.DataFrame):
        raise DataValidationError([DataIssue("not_a_table", None, None,
                                             f"expected a pandas DataFrame, got {type(frame).__name__}",
                                             "load the data with a MarketDataSource")])
    missing = [c for c in MARKET_COLUMNS if c not in frame.columns]
    if missing:
        raise DataValidationError([DataIssue("missing_columns", None, None,
                                             f"missing column(s) {missing}; have {list(frame.columns)}",
                                             f"provide columns {list(MARKET_COLUMNS)}")])
    if len(frame) == 0:
        raise DataValidationError([DataIssue("empty", None, None, "market table has no rows",
                                             "load at least one day of data")])

    issues: list[DataIssue] = []
    # Work on distinct values (a few thousand) rather than on millions of row strings.
    raw_codes, raw_uniques = pd.factorize(frame["token"], use_na_sentinel=False)
    clean = np.array([str(u).strip() for u in raw_uniques], dtype=object)
    uniques, remap = np.unique(clean, return_inverse=True)  # sorted symbols
    codes = remap[raw_codes]
    tokens = uniques[codes]
    dates_ns = _parse_dates(frame["date"], tokens, issues)
    values = {c: pd.to_numeric(frame[c], errors="coerce").to_numpy(dtype=np.float64)
              for c in ("price", "market_cap", "volume")}
    if issues:  # unparseable dates make every later check unreliable
        raise DataValidationError(issues)

    date_str = lambda ns: str(np.datetime64(int(ns), "ns").astype("datetime64[D]"))  # noqa: E731

    empty = (uniques == "")[codes]
    if empty.any():
        rows = np.flatnonzero(empty)
        issues.append(DataIssue("empty_token", None, date_str(dates_ns[rows[0]]),
                                f"{rows.size} row(s) with an empty token symbol (first at row {rows[0]})",
                                "fill in the token symbol or drop those rows"))
    unknown = sorted(set(tokens[~empty]) - set(metadata.symbols))
    for tok in unknown:
        issues.append(DataIssue("unknown_token", tok, None,
                                f"token not in metadata ({int(np.sum(codes == np.searchsorted(uniques, tok)))} rows)",
                                "add it to the token metadata (sector, risk_tier, chains) or drop its rows"))

    _value_issues(values["price"], "price", lambda v: ~np.isfinite(v) | (v <= 0), "NaN, infinite, zero or negative",
                  tokens, dates_ns, date_str, issues,
                  "fix the source; to skip the day drop the row and enable repair.max_ffill_days")
    for col in ("market_cap", "volume"):
        _value_issues(values[col], col, lambda v: ~np.isfinite(v) | (v < 0), "NaN, infinite or negative",
                      tokens, dates_ns, date_str, issues,
                      "fix the source (0 is allowed when truly unknown); to skip the day drop the row "
                      "and enable repair.max_ffill_days")

    order = np.lexsort((dates_ns, codes))
    s_codes, s_dates = codes[order], dates_ns[order]
    same_token = s_codes[1:] == s_codes[:-1]
    step = np.diff(s_dates)
    dup = same_token & (step == 0)
    if dup.any():
        where = np.flatnonzero(dup)
        for i in where[:_MAX_ROWS_PER_KIND]:
            issues.append(DataIssue("duplicate_date", str(uniques[s_codes[i]]), date_str(s_dates[i]),
                                    "two or more rows for the same token and date",
                                    "keep exactly one row per (token, date)"))
        _summarise(issues, "duplicate_date", where.size)
    gap_days = np.where(same_token, step // _DAY_NS - 1, 0)
    too_long = gap_days > repair.max_ffill_days
    if too_long.any():
        where = np.flatnonzero(too_long)
        for i in where[:_MAX_ROWS_PER_KIND]:
            n = int(gap_days[i])
            first = date_str(s_dates[i] + _DAY_NS)
            last = date_str(s_dates[i + 1] - _DAY_NS)
            issues.append(DataIssue(
                "missing_days", str(uniques[s_codes[i]]), first,
                f"{n} missing day(s) {first}..{last} (repair.max_ffill_days={repair.max_ffill_days})",
                f"supply the rows, or opt in to forward-fill with repair.max_ffill_days >= {n}"))
        _summarise(issues, "missing_days", where.size)
    if issues:
        raise DataValidationError(issues)

    out = pd.DataFrame({
        "date": pd.to_datetime(s_dates, unit="ns"),
        "token": tokens[order],
        "price": values["price"][order],
        "market_cap": values["market_cap"][order],
        "volume": values["volume"][order],
    })
    return out


def _parse_dates(column: pd.Series, tokens: np.ndarray, issues: list[DataIssue]) -> np.ndarray:
    """Dates as int64 nanoseconds at midnight UTC; records issues for bad ones."""
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        parsed = pd.to_datetime(column, utc=True)
    else:
        codes, uniques = pd.factorize(column, use_na_sentinel=False)
        text = pd.Series([str(u).strip() for u in uniques], dtype=object)
        parsed_u = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce", utc=True)
        bad = parsed_u.isna().to_numpy()[codes]
        if bad.any():
            rows = np.flatnonzero(bad)
            for r in rows[:_MAX_ROWS_PER_KIND]:
                issues.append(DataIssue("bad_date", str(tokens[r]), None,
                                        f"row {r}: date {column.iloc[r]!r} is not YYYY-MM-DD",
                                        "write dates as YYYY-MM-DD (UTC days)"))
            _summarise(issues, "bad_date", rows.size)
            return np.zeros(len(column), dtype=np.int64)
        return parsed_u.dt.tz_convert(None).to_numpy().astype("datetime64[ns]").astype(np.int64)[codes]
    if parsed.isna().any():
        rows = np.flatnonzero(parsed.isna().to_numpy())
        issues.append(DataIssue("bad_date", str(tokens[rows[0]]), None,
                                f"{rows.size} missing date(s) (first at row {rows[0]})", "give every row a date"))
        return np.zeros(len(column), dtype=np.int64)
    ns = parsed.dt.tz_convert(None).to_numpy().astype("datetime64[ns]").astype(np.int64)
    off_midnight = ns % _DAY_NS != 0
    if off_midnight.any():
        rows = np.flatnonzero(off_midnight)
        issues.append(DataIssue("not_daily", str(tokens[rows[0]]), str(parsed.iloc[rows[0]]),
                                f"{rows.size} timestamp(s) are not at 00:00 UTC",
                                "aggregate to one row per UTC day and give the date only"))
    return ns


def _value_issues(values: np.ndarray, name: str, is_bad: Any, what: str, tokens: np.ndarray,
                  dates_ns: np.ndarray, date_str: Any, issues: list[DataIssue], hint: str) -> None:
    with np.errstate(invalid="ignore"):
        bad = is_bad(values)
    if not bad.any():
        return
    rows = np.flatnonzero(bad)
    for r in rows[:_MAX_ROWS_PER_KIND]:
        issues.append(DataIssue(f"bad_{name}", str(tokens[r]), date_str(dates_ns[r]),
                                f"{name} is {values[r]!r} ({what} is not allowed)", hint))
    _summarise(issues, f"bad_{name}", rows.size)


def _summarise(issues: list[DataIssue], kind: str, total: int) -> None:
    if total > _MAX_ROWS_PER_KIND:
        issues.append(DataIssue(kind, None, None, f"{total - _MAX_ROWS_PER_KIND} more row(s) of this kind",
                                "see the rows listed above for the pattern"))
