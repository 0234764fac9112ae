"""Tiny dependency-free SVG charts for the HTML report: bars, donut, stacked bar, line charts.

Every helper returns one ``<svg>`` element as a string with a fixed width and height (and a
matching viewBox), a ``<title>`` for accessibility, and every label escaped with
:func:`~analytics.report.format.esc`. No script, no external resources. Empty input gives a
placeholder chart saying "no data" rather than an error, so a report always renders.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import pandas as pd

from analytics.report.format import as_float, esc, fmt_compact, fmt_date, fmt_pct

PALETTE: tuple[str, ...] = ("#3b6fb6", "#e07b39", "#4a9d5b", "#c4453c", "#8064a8", "#8c6d4f",
                            "#d36fb0", "#6f7a87", "#b5a632", "#3aa5b5")
FONT = "font-family='system-ui,sans-serif' font-size='11'"
Formatter = Callable[[Any], str]


def color(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def _svg(width: int, height: int, title: str, body: str) -> str:
    return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
            f"viewBox='0 0 {width} {height}' role='img' aria-label='{esc(title)}'>"
            f"<title>{esc(title)}</title>{body}</svg>")


def _text(x: float, y: float, text: Any, anchor: str = "start", extra: str = "") -> str:
    return f"<text x='{x:.1f}' y='{y:.1f}' text-anchor='{anchor}' {FONT} {extra}>{esc(text)}</text>"


def _clip(label: Any, n: int) -> str:
    s = str(label)
    return s if len(s) <= n else s[: n - 1] + "\u2026"


def empty_chart(title: str, message: str = "no data", width: int = 640, height: int = 80) -> str:
    """A placeholder with ``message`` centred."""
    body = (f"<rect x='0.5' y='0.5' width='{width - 1}' height='{height - 1}' fill='#fafafa' stroke='#ddd'/>"
            + _text(width / 2, height / 2 + 4, message, "middle", "fill='#777'"))
    return _svg(width, height, title, body)


def _clean(labels: Sequence[Any], values: Sequence[Any]) -> list[tuple[str, float]]:
    return [(str(lab), f) for lab, v in zip(labels, values) if (f := as_float(v)) is not None]


def bar_chart(labels: Sequence[Any], values: Sequence[Any], *, title: str, horizontal: bool = True,
              width: int = 640, height: int | None = None, value_format: Formatter = fmt_pct) -> str:
    """Bars from a zero baseline (negative values go left / down), each labelled with its value."""
    data = _clean(labels, values)
    if not data:
        return empty_chart(title, width=width)
    lo, hi = min(0.0, *(v for _, v in data)), max(0.0, *(v for _, v in data))
    span = (hi - lo) or 1.0
    parts = []
    if horizontal:
        row, label_w, pad = 22, 150, 70
        # Value labels sit beyond the bar ends: keep room for them on the side(s) bars can reach.
        left = label_w + (pad if lo < 0 else 0)
        height = height or row * len(data) + 16
        plot_w = width - left - (pad if hi > 0 else 0) - 10
        x0 = left + (0 - lo) / span * plot_w
        for i, (lab, v) in enumerate(data):
            y = 8 + i * row
            x1 = left + (v - lo) / span * plot_w
            parts.append(_text(label_w - 6, y + 14, _clip(lab, 24), "end"))
            parts.append(f"<rect x='{min(x0, x1):.1f}' y='{y + 3}' width='{max(abs(x1 - x0), 0.5):.1f}' "
                         f"height='{row - 6}' fill='{color(0 if v >= 0 else 3)}'/>")
            tx, anchor = (x1 + 4, "start") if v >= 0 else (x1 - 4, "end")
            parts.append(_text(tx, y + 14, value_format(v), anchor))
        parts.append(f"<line x1='{x0:.1f}' y1='4' x2='{x0:.1f}' y2='{height - 4}' stroke='#555'/>")
    else:
        height = height or 240
        top, bottom, left = 18, 40, 10
        plot_h = height - top - bottom
        slot = (width - 2 * left) / len(data)
        y0 = top + (hi - 0) / span * plot_h
        for i, (lab, v) in enumerate(data):
            x = left + i * slot
            y1 = top + (hi - v) / span * plot_h
            parts.append(f"<rect x='{x + slot * 0.15:.1f}' y='{min(y0, y1):.1f}' width='{slot * 0.7:.1f}' "
                         f"height='{max(abs(y1 - y0), 0.5):.1f}' fill='{color(0 if v >= 0 else 3)}'/>")
            ty = y1 - 4 if v >= 0 else y1 + 12
            parts.append(_text(x + slot / 2, ty, value_format(v), "middle"))
            parts.append(_text(x + slot / 2, height - bottom + 14, _clip(lab, max(4, int(slot / 7))), "middle"))
        parts.append(f"<line x1='{left}' y1='{y0:.1f}' x2='{width - left}' y2='{y0:.1f}' stroke='#555'/>")
    return _svg(width, height, title, "".join(parts))


def _legend(items: Sequence[tuple[str, float]], x: float, y: float, value_format: Formatter) -> str:
    out = []
    for i, (lab, v) in enumerate(items):
        yy = y + i * 18
        out.append(f"<rect x='{x:.1f}' y='{yy:.1f}' width='11' height='11' fill='{color(i)}'/>")
        out.append(_text(x + 16, yy + 10, f"{_clip(lab, 28)}  {value_format(v)}"))
    return "".join(out)


def donut_chart(labels: Sequence[Any], values: Sequence[Any], *, title: str, width: int = 420,
                height: int = 200, value_format: Formatter = fmt_pct) -> str:
    """Share of each (non-negative) value in the total, as a donut with a legend on the right."""
    data = [(lab, v) for lab, v in _clean(labels, values) if v > 0]
    total = sum(v for _, v in data)
    if not data or total <= 0:
        return empty_chart(title, width=width)
    cx, cy, r_out, r_in = height / 2, height / 2, height / 2 - 10, height / 4
    parts, angle = [], -math.pi / 2
    for i, (_, v) in enumerate(data):
        sweep = v / total * 2 * math.pi
        if sweep >= 2 * math.pi - 1e-9:  # one slice: an arc from a point to itself draws nothing
            parts.append(f"<circle cx='{cx}' cy='{cy}' r='{(r_out + r_in) / 2}' fill='none' "
                         f"stroke='{color(i)}' stroke-width='{r_out - r_in}'/>")
            break
        a0, a1 = angle, angle + sweep
        large = 1 if sweep > math.pi else 0
        corners = ((r_out, a0), (r_out, a1), (r_in, a1), (r_in, a0))
        p = [(cx + r * math.cos(a), cy + r * math.sin(a)) for r, a in corners]
        parts.append(f"<path d='M{p[0][0]:.2f},{p[0][1]:.2f} A{r_out},{r_out} 0 {large} 1 {p[1][0]:.2f},{p[1][1]:.2f} "
                     f"L{p[2][0]:.2f},{p[2][1]:.2f} A{r_in},{r_in} 0 {large} 0 {p[3][0]:.2f},{p[3][1]:.2f} Z' "
                     f"fill='{color(i)}'/>")
        angle = a1
    shares = [(lab, v / total) for lab, v in data]
    parts.append(_legend(shares, height + 10, 16, value_format))
    return _svg(width, max(height, 24 + 18 * len(data)), title, "".join(parts))


def stacked_bar(labels: Sequence[Any], values: Sequence[Any], *, title: str, width: int = 640,
                value_format: Formatter = fmt_pct) -> str:
    """One 100% horizontal bar split by share of the total, with a legend below."""
    data = [(lab, v) for lab, v in _clean(labels, values) if v > 0]
    total = sum(v for _, v in data)
    if not data or total <= 0:
        return empty_chart(title, width=width)
    parts, x = [], 10.0
    for i, (_, v) in enumerate(data):
        w = v / total * (width - 20)
        parts.append(f"<rect x='{x:.2f}' y='8' width='{w:.2f}' height='24' fill='{color(i)}'/>")
        x += w
    parts.append(_legend([(lab, v / total) for lab, v in data], 10, 44, value_format))
    return _svg(width, 50 + 18 * len(data), title, "".join(parts))


def _x_number(x: Any, is_date: bool) -> float | None:
    if not is_date:
        return as_float(x)
    try:
        return pd.Timestamp(x).value / 1e9
    except (ValueError, TypeError):
        return None


def line_chart(series: Sequence[tuple[str, Sequence[Any], Sequence[Any]]], *, title: str, x_is_date: bool = True,
               width: int = 640, height: int = 260, y_format: Formatter = fmt_compact,
               x_format: Formatter | None = None, zero_line: bool = False, legend: bool | None = None) -> str:
    """Lines for ``series`` = [(name, xs, ys), ...]; xs are dates (ISO strings, Timestamps) or numbers.

    Points with an unreadable x or y are skipped. The legend is drawn when ``legend`` is True, or
    by default when there are 2+ series.
    """
    clean = []
    for name, xs, ys in series:
        pts = [(fx, fy) for x, y in zip(xs, ys)
               if (fx := _x_number(x, x_is_date)) is not None and (fy := as_float(y)) is not None]
        if pts:
            clean.append((name, sorted(pts)))
    if not clean:
        return empty_chart(title, width=width)
    show_legend = len(clean) > 1 if legend is None else legend
    x_fmt = x_format or ((lambda v: fmt_date(pd.Timestamp(v * 1e9))) if x_is_date else fmt_pct)
    xs = [p[0] for _, pts in clean for p in pts]
    ys = [p[1] for _, pts in clean for p in pts] + ([0.0] if zero_line else [])
    x_lo, x_hi, y_lo, y_hi = min(xs), max(xs), min(ys), max(ys)
    if y_hi == y_lo:
        y_lo, y_hi = y_lo - 0.5 * (abs(y_lo) or 1), y_hi + 0.5 * (abs(y_hi) or 1)
    x_span = (x_hi - x_lo) or 1.0
    left, right, top = 60, 12, 12
    bottom = 34 + (16 * ((len(clean) + 2) // 3) if show_legend else 0)
    pw, ph = width - left - right, height - top - bottom

    def px(x: float) -> float:
        return left + (x - x_lo) / x_span * pw

    def py(y: float) -> float:
        return top + (y_hi - y) / (y_hi - y_lo) * ph

    parts = [f"<rect x='{left}' y='{top}' width='{pw}' height='{ph}' fill='#fcfcfc' stroke='#ddd'/>"]
    for k in range(5):
        yv = y_lo + (y_hi - y_lo) * k / 4
        parts.append(f"<line x1='{left}' y1='{py(yv):.1f}' x2='{left + pw}' y2='{py(yv):.1f}' stroke='#eee'/>")
        parts.append(_text(left - 4, py(yv) + 4, y_format(yv), "end"))
    for k in range(4 if x_hi > x_lo else 1):
        xv = x_lo + x_span * k / 3
        parts.append(_text(px(xv), top + ph + 14, x_fmt(xv), ("start", "middle", "middle", "end")[k]))
    if zero_line and y_lo < 0 < y_hi:
        parts.append(f"<line x1='{left}' y1='{py(0):.1f}' x2='{left + pw}' y2='{py(0):.1f}' stroke='#888'/>")
    for i, (name, pts) in enumerate(clean):
        d = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in pts)
        parts.append(f"<polyline points='{d}' fill='none' stroke='{color(i)}' stroke-width='1.8'/>")
        if len(pts) == 1:
            parts.append(f"<circle cx='{px(pts[0][0]):.1f}' cy='{py(pts[0][1]):.1f}' r='2.5' fill='{color(i)}'/>")
    if show_legend:
        for i, (name, _) in enumerate(clean):
            lx, ly = left + (i % 3) * (pw / 3), top + ph + 26 + (i // 3) * 16
            parts.append(f"<rect x='{lx:.1f}' y='{ly:.1f}' width='11' height='3' fill='{color(i)}'/>")
            parts.append(_text(lx + 15, ly + 5, _clip(name, 30)))
    return _svg(width, height, title, "".join(parts))


def multi_line_chart(series: Sequence[tuple[str, Sequence[float], Sequence[float]]], *, title: str,
                     width: int = 640, height: int = 280, x_format: Formatter = fmt_pct,
                     y_format: Formatter = fmt_pct) -> str:
    """Several numeric-x curves (e.g. price impact against the fraction sold), with a legend."""
    return line_chart(series, title=title, x_is_date=False, width=width, height=height,
                      x_format=x_format, y_format=y_format, legend=True)
