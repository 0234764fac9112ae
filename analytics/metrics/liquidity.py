"""Exit liquidity: price impact of selling holdings into constant-product (Uniswap V2) pools.

For a pool with reserves (R_in of the token sold, R_out of the token received) and fee f
(0.30% by default), selling x gives

    amount_out = x (1 - f) R_out / (R_in + x (1 - f))

The spot price is R_out / R_in and the execution price amount_out / x, so

    impact = 1 - execution / spot = 1 - (1 - f) R_in / (R_in + x (1 - f))

The impact includes the fee: it tends to f as x -> 0 (that limit is the value reported at
fraction 0 of a curve) and to 1 as x -> infinity. Floats are used throughout: the pool's
integer rounding (997/1000) is below the precision that matters for a risk report.

Positions table: one row per (chain, vault, token) with ``amount`` (token units held, > 0),
``reserve_in`` and ``reserve_out`` of the pool it would be sold into. A position whose
reserves are missing or zero has no pool: its impacts are NaN and ``note`` says "no pool".
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import pandas as pd

from analytics.exceptions import AnalyticsInputError, SchemaError, SchemaIssue

DEFAULT_FEE = 0.003
DEFAULT_FRACTIONS: tuple[float, ...] = (0.1, 0.5, 1.0)
CURVE_STEPS = 20
POSITION_COLUMNS: tuple[str, ...] = ("chain", "vault", "token", "amount", "reserve_in", "reserve_out")


def _check_pool(reserve_in: float, reserve_out: float, fee: float) -> None:
    if not (math.isfinite(reserve_in) and math.isfinite(reserve_out)) or reserve_in <= 0 or reserve_out <= 0:
        raise AnalyticsInputError(f"reserves must be positive, got ({reserve_in!r}, {reserve_out!r})")
    if not 0 <= fee < 1:
        raise AnalyticsInputError(f"fee must be in [0, 1), got {fee!r}")


def amount_out(amount_in: float, reserve_in: float, reserve_out: float, fee: float = DEFAULT_FEE) -> float:
    """What selling ``amount_in`` into the pool returns: x (1 - f) R_out / (R_in + x (1 - f))."""
    _check_pool(reserve_in, reserve_out, fee)
    if not math.isfinite(amount_in) or amount_in < 0:
        raise AnalyticsInputError(f"amount_in must be finite and >= 0, got {amount_in!r}")
    effective = amount_in * (1.0 - fee)
    return effective * reserve_out / (reserve_in + effective)


def price_impact(amount_in: float, reserve_in: float, reserve_out: float, fee: float = DEFAULT_FEE) -> float:
    """1 - execution price / spot price for selling ``amount_in``; the fee f itself when amount_in is 0."""
    _check_pool(reserve_in, reserve_out, fee)
    if not math.isfinite(amount_in) or amount_in < 0:
        raise AnalyticsInputError(f"amount_in must be finite and >= 0, got {amount_in!r}")
    # Closed form of 1 - (out / x) / (R_out / R_in); also well defined at x = 0.
    return 1.0 - (1.0 - fee) * reserve_in / (reserve_in + amount_in * (1.0 - fee))


def _positions(positions: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(positions, pd.DataFrame):
        raise AnalyticsInputError(f"positions must be a pandas DataFrame, got {type(positions).__name__}")
    missing = [c for c in POSITION_COLUMNS if c not in positions.columns]
    if missing:
        raise SchemaError([SchemaIssue(None, c, "required column is missing") for c in missing], "positions")
    df = positions.reset_index(drop=True).copy()
    issues = []
    for col in ("amount", "reserve_in", "reserve_out"):
        num = pd.to_numeric(df[col], errors="coerce")
        for i in np.flatnonzero((num.isna() & df[col].notna()).to_numpy() | (num < 0).to_numpy()
                                | np.isinf(num.to_numpy(dtype=float))):
            issues.append(SchemaIssue(int(i), col, f"must be a finite number >= 0, got {df.at[i, col]!r}"))
        df[col] = num.astype(float)
    for i in np.flatnonzero(df["amount"].isna().to_numpy()):
        issues.append(SchemaIssue(int(i), "amount", "is missing"))
    if issues:
        raise SchemaError(issues, "positions")
    return df


def _has_pool(row: pd.Series) -> bool:
    return bool(row["reserve_in"] > 0 and row["reserve_out"] > 0)


def exit_liquidity_table(positions: pd.DataFrame, fractions: Sequence[float] = DEFAULT_FRACTIONS,
                         fee: float = DEFAULT_FEE) -> pd.DataFrame:
    """One row per position with, for each fraction p (e.g. 0.1 -> suffix ``10pct``):
    ``impact_<p>`` and ``out_<p>`` (quote received for selling p of the amount), plus ``note``.

    Also ``spot_value`` = amount x R_out / R_in, the value at the pool's spot price.
    """
    if not fractions or any(not 0 < p <= 1 for p in fractions):
        raise AnalyticsInputError(f"fractions must be in (0, 1], got {list(fractions)!r}")
    df = _positions(positions)
    out_rows = []
    for _, row in df.iterrows():
        rec = {c: row[c] for c in df.columns}
        pooled = _has_pool(row)
        rec["spot_value"] = row["amount"] * row["reserve_out"] / row["reserve_in"] if pooled else math.nan
        for p in fractions:
            tag = f"{round(p * 100):d}pct"
            x = row["amount"] * p
            rec[f"impact_{tag}"] = price_impact(x, row["reserve_in"], row["reserve_out"], fee) if pooled else math.nan
            rec[f"out_{tag}"] = amount_out(x, row["reserve_in"], row["reserve_out"], fee) if pooled else math.nan
        rec["note"] = "" if pooled else "no pool"
        out_rows.append(rec)
    return pd.DataFrame(out_rows)


def liquidity_curve(amount: float, reserve_in: float, reserve_out: float, fee: float = DEFAULT_FEE,
                    steps: int = CURVE_STEPS) -> list[tuple[float, float]]:
    """``steps + 1`` points (fraction, impact) for fractions 0, 1/steps, ..., 1 of ``amount``."""
    if steps < 1:
        raise AnalyticsInputError(f"steps must be at least 1, got {steps}")
    return [(k / steps, price_impact(amount * k / steps, reserve_in, reserve_out, fee)) for k in range(steps + 1)]


def liquidity_curves(positions: pd.DataFrame, fee: float = DEFAULT_FEE, steps: int = CURVE_STEPS) -> pd.DataFrame:
    """Long table ``chain, vault, token, fraction, impact`` of every pooled position's curve."""
    df = _positions(positions)
    rows = []
    for _, row in df.iterrows():
        if not _has_pool(row):
            continue
        for fraction, impact in liquidity_curve(row["amount"], row["reserve_in"], row["reserve_out"], fee, steps):
            rows.append({"chain": row["chain"], "vault": row["vault"], "token": row["token"],
                         "fraction": fraction, "impact": impact})
    return pd.DataFrame(rows, columns=["chain", "vault", "token", "fraction", "impact"])
