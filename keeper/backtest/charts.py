"""Inline SVG charts of a comparison: equity curves, drawdowns, weights over time.

Line charts reuse :mod:`analytics.report.svg` (same look as the audit report); the stacked
area of weights is drawn here. Long histories are thinned to at most ``MAX_POINTS`` points
per series (every k-th day plus the last; the drawdown chart keeps each bucket's deepest
point so troughs are not lost). Charts are strings holding one ``<svg>`` element, no script.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analytics.report.format import esc, fmt_date, fmt_pct
from analytics.report.svg import FONT, color, empty_chart, line_chart
from keeper.backtest.result import BacktestResult

MAX_POINTS = 600


def _thin(n: int, max_points: int = MAX_POINTS) -> np.ndarray:
    step = max(1, int(np.ceil(n / max_points)))
    idx = np.arange(0, n, step)
    return idx if idx[-1] == n - 1 else np.append(idx, n - 1)


def _iso(dates: np.ndarray) -> list[str]:
    return [str(d) for d in dates.astype("datetime64[D]")]


def equity_chart(results: Sequence[BacktestResult], title: str = "Equity curves (start = 1)") -> str:
    series = []
    for r in results:
        idx = _thin(len(r.nav))
        series.append((r.name, _iso(r.dates[idx]), (r.nav[idx] / r.nav[0]).tolist()))
    return line_chart(series, title=title, width=900, height=340, y_format=lambda v: f"{v:.2f}", legend=True)


def drawdown_chart(results: Sequence[BacktestResult], title: str = "Drawdowns") -> str:
    series = []
    for r in results:
        dd = r.nav / np.maximum.accumulate(r.nav) - 1.0
        step = max(1, int(np.ceil(len(dd) / MAX_POINTS)))
        starts = np.arange(0, len(dd), step)
        deepest = np.array([s + int(np.argmin(dd[s: s + step])) for s in starts])
        series.append((r.name, _iso(r.dates[deepest]), dd[deepest].tolist()))
    return line_chart(series, title=title, width=900, height=300, y_format=fmt_pct, zero_line=True, legend=True)


def _top_columns(weights: pd.DataFrame, top: int) -> pd.DataFrame:
    """The ``top`` tokens by average weight, the rest summed as ``other``, then ``cash``."""
    tokens = weights.drop(columns="cash")
    order = tokens.mean().sort_values(ascending=False, kind="stable").index
    keep = [t for t in order[:top] if tokens[t].max() > 0]
    out = tokens[keep].copy()
    rest = tokens.drop(columns=keep).sum(axis=1)
    if (rest > 1e-12).any():
        out["other"] = rest
    if (weights["cash"] > 1e-12).any():
        out["cash"] = weights["cash"]
    return out


def weights_chart(result: BacktestResult, top: int = 9, width: int = 900, height: int = 300) -> str:
    """Stacked area of the weights held each day: the ``top`` largest tokens, other, cash."""
    title = f"Weights over time: {result.name}"
    frame = result.weights_frame()
    if frame.empty:
        return empty_chart(title, width=width)
    data = _top_columns(frame, top)
    data = data.iloc[_thin(len(data), MAX_POINTS // 2)]  # areas: half the points keep the page light
    left, right, top_pad, legend_w = 48, 10, 10, 150
    bottom = 26
    pw, ph = width - left - right - legend_w, height - top_pad - bottom
    n = len(data)
    xs = left + (np.arange(n) / max(1, n - 1)) * pw
    cum = np.zeros(n)
    parts = [f"<rect x='{left}' y='{top_pad}' width='{pw}' height='{ph}' fill='#fcfcfc' stroke='#ddd'/>"]
    legend = []
    for k, col in enumerate(data.columns):
        lower = cum.copy()
        cum = cum + data[col].to_numpy()
        y_up = top_pad + (1.0 - np.clip(cum, 0, 1)) * ph
        y_lo = top_pad + (1.0 - np.clip(lower, 0, 1)) * ph
        pts = [f"{x:.1f},{y:.1f}" for x, y in zip(xs, y_up)] + \
              [f"{x:.1f},{y:.1f}" for x, y in zip(xs[::-1], y_lo[::-1])]
        fill = "#bbbbbb" if col == "other" else "#e8e2c8" if col == "cash" else color(k)
        parts.append(f"<polygon points='{' '.join(pts)}' fill='{fill}' stroke='none'><title>{esc(col)}</title></polygon>")
        ly = top_pad + 4 + 16 * k
        legend.append(f"<rect x='{left + pw + 12}' y='{ly}' width='11' height='11' fill='{fill}'/>"
                      f"<text x='{left + pw + 28}' y='{ly + 10}' {FONT}>{esc(str(col)[:18])} "
                      f"{fmt_pct(float(data[col].mean()), 1)}</text>")
    for frac in (0.0, 0.5, 1.0):
        y = top_pad + (1.0 - frac) * ph
        parts.append(f"<text x='{left - 4}' y='{y + 4:.1f}' text-anchor='end' {FONT}>{frac:.0%}</text>")
    dates = data.index
    for k, x in ((0, xs[0]), (n - 1, xs[-1])):
        anchor = "start" if k == 0 else "end"
        parts.append(f"<text x='{x:.1f}' y='{top_pad + ph + 16}' text-anchor='{anchor}' {FONT}>"
                     f"{esc(fmt_date(dates[k]))}</text>")
    body = "".join(parts + legend)
    return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' viewBox='0 0 {width} {height}' "
            f"role='img' aria-label='{esc(title)}'><title>{esc(title)}</title>{body}</svg>")
