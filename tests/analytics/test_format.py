"""Formatting helpers: missing values never crash, raw amounts stay exact, JSON conversion is strict."""

import datetime as dt
import json

import numpy as np
import pandas as pd

from analytics.report.format import (DASH, fmt_amount, fmt_pct, fmt_token_units, short_address, to_jsonable)


def test_formatters__missing_or_unreadable_values_give_a_dash():
    for value in (None, float("nan"), float("inf"), "abc", True):
        assert fmt_pct(value) == DASH and fmt_amount(value) == DASH


def test_fmt_token_units__exact_for_18_decimals():
    assert fmt_token_units(-800_000_000_000_000_000, 18) == "-0.8"
    assert fmt_token_units(1_234_000_000_000_000_000_001, 18) == "1,234.000000000000000001"
    assert fmt_token_units(5_000_000, 6) == "5" and fmt_token_units(7, 0) == "7"
    assert fmt_token_units(5, None) == DASH


def test_fmt_amount__small_amounts_stay_visible():
    assert fmt_amount(0.00012345) == "0.00012345" and fmt_amount(12345.678) == "12,345.68"


def test_short_address__only_long_hex():
    assert short_address("0x" + "ab" * 20) == "0xabab\u2026abab" and short_address("RNDR") == "RNDR"


def test_to_jsonable__numpy_pandas_and_non_finite_values():
    data = {"a": np.float64(1.5), "b": np.int64(2**62), "c": float("nan"), "d": pd.Timestamp("2024-01-02"),
            "e": pd.Timestamp("2024-01-02 03:04:05", tz="UTC"), "f": (np.bool_(True), pd.NaT),
            "g": dt.date(2024, 1, 3), "h": 10**30}
    out = to_jsonable(data)
    assert out == {"a": 1.5, "b": 2**62, "c": None, "d": "2024-01-02", "e": "2024-01-02T03:04:05+00:00",
                   "f": [True, None], "g": "2024-01-03", "h": 10**30}
    json.dumps(out, allow_nan=False)
