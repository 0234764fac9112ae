"""Drift of current weights from target weights, and the turnover needed to close it.

Input: one row per (chain, vault, token) with ``current_weight`` and ``target_weight`` (fractions).
A token missing a side (NaN) counts as 0 on that side, e.g. a token still held but no longer
targeted. Per vault, both sides must sum to 1 (within 1e-6).

* drift_i = current_i - target_i (positive: overweight, to sell).
* max absolute drift = max_i |drift_i|.
* one-way turnover = sum of the positive drifts. Since both sides sum to 1, the positive and the
  negative drifts cancel, so this equals half the L1 distance sum_i |drift_i| / 2: the fraction
  of the vault's value that must be sold (and bought) to reach the targets.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.exceptions import AnalyticsInputError, SchemaError, SchemaIssue

DRIFT_COLUMNS: tuple[str, ...] = ("chain", "vault", "token", "current_weight", "target_weight")
SUM_TOLERANCE = 1e-6


def _validated(weights: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(weights, pd.DataFrame):
        raise AnalyticsInputError(f"weights must be a pandas DataFrame, got {type(weights).__name__}")
    missing = [c for c in DRIFT_COLUMNS if c not in weights.columns]
    if missing:
        raise SchemaError([SchemaIssue(None, c, "required column is missing") for c in missing], "drift weights")
    df = weights.reset_index(drop=True).copy()
    issues = []
    for col in ("current_weight", "target_weight"):
        num = pd.to_numeric(df[col], errors="coerce")
        bad_text = num.isna() & df[col].notna()
        for i in np.flatnonzero(bad_text.to_numpy() | (num < 0).to_numpy() | (num > 1).to_numpy()
                                | np.isinf(num.to_numpy(dtype=float))):
            issues.append(SchemaIssue(int(i), col, f"must be a fraction in [0, 1] (or empty), got {df.at[i, col]!r}"))
        df[col] = num.fillna(0.0).astype(float)
    for i in np.flatnonzero(df.duplicated(subset=["chain", "vault", "token"]).to_numpy()):
        issues.append(SchemaIssue(int(i), "token",
                                  f"duplicate token {df.at[i, 'token']!r} in vault {df.at[i, 'vault']!r}"))
    if issues:
        raise SchemaError(issues, "drift weights")
    sums = df.groupby(["chain", "vault"])[["current_weight", "target_weight"]].sum()
    for (chain, vault), row in sums.iterrows():
        for col in ("current_weight", "target_weight"):
            if abs(row[col] - 1.0) > SUM_TOLERANCE:
                raise AnalyticsInputError(f"{col} of vault {vault!r} on {chain!r} sums to {row[col]!r}, not 1")
    return df


def drift_table(weights: pd.DataFrame) -> pd.DataFrame:
    """Per-token drift: the input columns plus ``drift`` = current - target, largest |drift| first per vault."""
    df = _validated(weights)
    df["drift"] = df["current_weight"] - df["target_weight"]
    df["_abs"] = df["drift"].abs()
    df = df.sort_values(["chain", "vault", "_abs", "token"], ascending=[True, True, False, True], kind="stable")
    return df.drop(columns="_abs").reset_index(drop=True)


def drift_summary(weights: pd.DataFrame) -> pd.DataFrame:
    """Per vault: ``chain, vault, max_abs_drift, max_drift_token, turnover`` (one-way, see module doc)."""
    table = drift_table(weights)
    rows = []
    for (chain, vault), g in table.groupby(["chain", "vault"], sort=True):
        worst = g.iloc[0]  # drift_table sorts by |drift| first
        rows.append({"chain": chain, "vault": vault, "max_abs_drift": float(abs(worst["drift"])),
                     "max_drift_token": worst["token"],
                     "turnover": float(g["drift"].clip(lower=0.0).sum())})
    return pd.DataFrame(rows, columns=["chain", "vault", "max_abs_drift", "max_drift_token", "turnover"])


def one_way_turnover(current: dict[str, float], target: dict[str, float]) -> float:
    """Sum of positive (current - target) over the union of tokens; both dicts must sum to 1."""
    for name, w in (("current", current), ("target", target)):
        if abs(sum(w.values()) - 1.0) > SUM_TOLERANCE:
            raise AnalyticsInputError(f"{name} weights sum to {sum(w.values())!r}, not 1")
    tokens = set(current) | set(target)
    return float(sum(max(current.get(t, 0.0) - target.get(t, 0.0), 0.0) for t in tokens))
