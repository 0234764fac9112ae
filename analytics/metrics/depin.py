"""DePIN fundamentals: is a network's revenue paying for its token issuance?

Fundamentals file (CSV, UTF-8, header row, one row per token, comma-separated)
-------------------------------------------------------------------------------
=================== ======================================================== =============
column              meaning                                                  rule
=================== ======================================================== =============
token               token symbol, matched case-insensitively to holdings     non-empty, unique
period_days         length of the measurement period, in days                number > 0
revenue_usd         protocol revenue over the period (USD)                   number >= 0
issuance_tokens     new tokens issued over the period (emissions, rewards)   number >= 0
price_usd           token price at the end of the period (USD)               number > 0
circulating_supply  circulating supply at the end of the period (tokens)     number > 0
market_cap_usd      market capitalisation at the end of the period (USD)     number > 0
=================== ======================================================== =============

Exactly these columns, in any order. Rows are numbered from 0 (the first data row, i.e. CSV line
2) in errors, and every bad cell is listed.

Metrics per held DePIN token
----------------------------
* issuance_usd = issuance_tokens x price_usd
* issuance_coverage = revenue_usd / issuance_usd (undefined when nothing was issued)
* annualised_dilution = issuance_tokens / circulating_supply x 365 / period_days
* revenue_multiple = market_cap_usd / (revenue_usd x 365 / period_days) (undefined without revenue)

An undefined ratio is NaN in the returned frame (None in the audit dict), never inf.

Tokens of the file that are not held are ignored; held DePIN tokens missing from the file come
out with ``status`` "no data".
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from analytics.exceptions import AnalyticsInputError, SchemaError, SchemaIssue
from analytics.metrics.exposure import validate_holdings
from analytics.metrics.taxonomy import is_depin

FUNDAMENTALS_COLUMNS: tuple[str, ...] = ("token", "period_days", "revenue_usd", "issuance_tokens", "price_usd",
                                         "circulating_supply", "market_cap_usd")
_POSITIVE = ("period_days", "price_usd", "circulating_supply", "market_cap_usd")
_NON_NEGATIVE = ("revenue_usd", "issuance_tokens")
OUTPUT_COLUMNS: tuple[str, ...] = ("token", "sector", "held_value", "vaults", "status", "period_days",
                                   "revenue_usd", "issuance_usd", "issuance_coverage", "annualised_dilution",
                                   "revenue_multiple")


def validate_fundamentals(table: pd.DataFrame, source: str = "DePIN fundamentals") -> pd.DataFrame:
    """Check ``table`` against the schema above; raise :class:`SchemaError` listing every problem."""
    if not isinstance(table, pd.DataFrame):
        raise AnalyticsInputError(f"{source} must be a pandas DataFrame, got {type(table).__name__}")
    cols = [str(c).strip() for c in table.columns]
    issues = [SchemaIssue(None, c, "required column is missing") for c in FUNDAMENTALS_COLUMNS if c not in cols]
    issues += [SchemaIssue(None, c, f"unknown column; expected exactly {list(FUNDAMENTALS_COLUMNS)}")
               for c in cols if c not in FUNDAMENTALS_COLUMNS]
    if issues:
        raise SchemaError(issues, source)
    df = table.copy()
    df.columns = cols
    df = df.reset_index(drop=True)
    seen: dict[str, int] = {}
    for i, tok in enumerate(df["token"]):
        if not isinstance(tok, str) or not tok.strip():
            issues.append(SchemaIssue(i, "token", f"must be a non-empty symbol, got {tok!r}"))
            continue
        key = tok.strip().upper()
        if key in seen:
            issues.append(SchemaIssue(i, "token", f"duplicate token {tok!r} (first at row {seen[key]})"))
        seen.setdefault(key, i)
    for col in _POSITIVE + _NON_NEGATIVE:
        numbers = pd.to_numeric(df[col], errors="coerce")
        for i, (raw, v) in enumerate(zip(df[col], numbers)):
            ok = math.isfinite(v) and (v > 0 if col in _POSITIVE else v >= 0)
            if not ok:
                rule = "> 0" if col in _POSITIVE else ">= 0"
                issues.append(SchemaIssue(i, col, f"must be a number {rule}, got {raw!r}"))
        df[col] = numbers.astype(float)
    if issues:
        raise SchemaError(issues, source)
    df["token"] = df["token"].str.strip()
    return df


def load_fundamentals(path: str | Path) -> pd.DataFrame:
    """Read and validate a fundamentals CSV file (see the module docstring for the schema)."""
    p = Path(path)
    try:
        # dtype=str: validation converts numbers itself, so errors can quote the raw cell.
        raw = pd.read_csv(p, dtype=str, keep_default_na=False, skipinitialspace=True)
    except FileNotFoundError as exc:
        raise AnalyticsInputError(f"DePIN fundamentals file not found: {p}") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise AnalyticsInputError(f"DePIN fundamentals file {p} is not a readable CSV: {exc}") from exc
    raw = raw.apply(lambda c: c.str.strip())
    return validate_fundamentals(raw, source=str(p))


def _ratio(num: float, den: float) -> float | None:
    return num / den if den > 0 else None


def depin_fundamentals(fundamentals: pd.DataFrame, holdings: pd.DataFrame) -> pd.DataFrame:
    """One row per held DePIN token (value > 0 in any vault) with the metrics of the module docstring.

    ``held_value`` sums the token's value over every vault and chain; ``vaults`` counts the
    vaults holding it. Columns: :data:`OUTPUT_COLUMNS`. Undefined metrics ("no data" rows, zero
    issuance or revenue) are NaN in the frame and become None in the audit dict.
    """
    fund = validate_fundamentals(fundamentals)
    by_symbol = {t.upper(): row for t, (_, row) in zip(fund["token"], fund.iterrows())}
    held = validate_holdings(holdings)
    held = held[held["sector"].map(is_depin) & (held["value"] > 0)]
    rows = []
    # Symbols are matched case-insensitively, so "rndr" on one chain and "RNDR" on another are one token.
    for key, g in held.groupby(held["token"].str.strip().str.upper(), sort=True):
        base = {"token": g["token"].iloc[0].strip(), "sector": g["sector"].iloc[0],
                "held_value": float(g["value"].sum()), "vaults": int(g[["chain", "vault"]].drop_duplicates().shape[0])}
        f = by_symbol.get(key)
        if f is None:
            rows.append({**base, "status": "no data", "period_days": None, "revenue_usd": None,
                         "issuance_usd": None, "issuance_coverage": None, "annualised_dilution": None,
                         "revenue_multiple": None})
            continue
        issuance_usd = f["issuance_tokens"] * f["price_usd"]
        annual_revenue = f["revenue_usd"] * 365.0 / f["period_days"]
        rows.append({**base, "status": "ok", "period_days": f["period_days"], "revenue_usd": f["revenue_usd"],
                     "issuance_usd": issuance_usd, "issuance_coverage": _ratio(f["revenue_usd"], issuance_usd),
                     "annualised_dilution": f["issuance_tokens"] / f["circulating_supply"] * 365.0 / f["period_days"],
                     "revenue_multiple": _ratio(f["market_cap_usd"], annual_revenue)})
    return pd.DataFrame(rows, columns=list(OUTPUT_COLUMNS))
