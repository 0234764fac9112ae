"""Number, date and text formatting shared by the SVG charts, the HTML report and the CSV writer.

Every formatter accepts None / NaN (and values it cannot read) and returns an em dash, so a
partial audit never crashes the renderer. ``esc`` is the one escaping function for text that
goes into HTML or SVG (both element content and attribute values).
"""

from __future__ import annotations

import datetime as dt
import html
import math
from typing import Any

import numpy as np
import pandas as pd

DASH = "\u2014"


def esc(text: Any) -> str:
    """Escape ``text`` for HTML/SVG content and double- or single-quoted attributes."""
    return html.escape("" if text is None else str(text), quote=True)


def as_float(value: Any) -> float | None:
    """``value`` as a finite float, or None (None, NaN, inf, text, bool)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def fmt_pct(value: Any, digits: int = 2) -> str:
    f = as_float(value)
    return DASH if f is None else f"{f * 100:.{digits}f}%"


def fmt_num(value: Any, digits: int = 2) -> str:
    f = as_float(value)
    return DASH if f is None else f"{f:,.{digits}f}"


def fmt_int(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return DASH
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    f = as_float(value)
    return DASH if f is None else f"{f:,.0f}"


def fmt_amount(value: Any) -> str:
    """Token amounts: 6 significant digits below 1,000 (0.00012 WBTC stays visible), 2 decimals above."""
    f = as_float(value)
    if f is None:
        return DASH
    return f"{f:,.2f}" if abs(f) >= 1000 else f"{f:.6g}"


def fmt_token_units(raw: Any, decimals: Any) -> str:
    """A raw integer amount in whole tokens, exactly (no float rounding of 18-decimal amounts)."""
    if isinstance(raw, bool) or not isinstance(raw, int) or isinstance(decimals, bool) \
            or not isinstance(decimals, int) or decimals < 0:
        return DASH
    q, r = divmod(abs(raw), 10**decimals)
    frac = f"{r:0{decimals}d}".rstrip("0") if decimals else ""
    return ("-" if raw < 0 else "") + f"{q:,}" + (f".{frac}" if frac else "")


def fmt_money(value: Any, quote: str = "USD") -> str:
    f = as_float(value)
    if f is None:
        return DASH
    return f"{f:,.2f} {quote}" if quote else f"{f:,.2f}"


def fmt_compact(value: Any) -> str:
    """Short axis labels: 1.2k, 3.4M, 5.6B."""
    f = as_float(value)
    if f is None:
        return DASH
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(f) >= size:
            return f"{f / size:.1f}{suffix}"
    return f"{f:.2f}" if abs(f) < 10 else f"{f:.0f}"


def fmt_date(value: Any) -> str:
    """YYYY-MM-DD for dates and timestamps, the text itself for anything else."""
    if value is None:
        return DASH
    if isinstance(value, (dt.date, pd.Timestamp, np.datetime64)):
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    text = str(value)
    try:
        return pd.Timestamp(text).strftime("%Y-%m-%d")
    except (ValueError, TypeError):
        return text


def fmt_value(value: Any) -> str:
    """Generic cell: ints with separators, floats with 4 significant decimals, text as is."""
    if value is None or isinstance(value, bool):
        return DASH if value is None else str(value).lower()
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        return DASH if not math.isfinite(value) else f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    return str(value)


def short_address(text: Any, keep: int = 6) -> str:
    """0x1234...abcd for long hex addresses; anything else unchanged."""
    s = "" if text is None else str(text)
    if s.startswith("0x") and len(s) > 2 * keep + 2:
        return f"{s[:keep]}\u2026{s[-4:]}"
    return s


def to_jsonable(value: Any) -> Any:
    """Recursively convert numpy / pandas / datetime values to JSON types; NaN and inf become None."""
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if value is None or value is pd.NaT or isinstance(value, str):
        return None if value is pd.NaT else value
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date, np.datetime64)):
        ts = pd.Timestamp(value)
        # Daily NAV dates stay short ("2024-01-31"); real times keep their time and zone.
        if ts.tz is None and ts == ts.normalize():
            return ts.strftime("%Y-%m-%d")
        return ts.isoformat()
    return str(value)
