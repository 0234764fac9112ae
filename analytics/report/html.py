"""The self-contained HTML report: one page, inline CSS and inline SVG, no script, no external resource.

:func:`render_report` renders every section of :data:`~analytics.report.schema.SECTION_HEADINGS`
in order. A section without data says "no data" with the reason from ``audit["missing"]``; a
section whose data cannot be read shows an error box naming the problem, and the rest of the
report still renders. The small building blocks (tables, notes, badges) live here too, and are
used by :mod:`analytics.report.sections`.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

from analytics.report.format import DASH, esc, fmt_value
from analytics.report.schema import SECTION_HEADINGS

Column = tuple[str, str, Callable[[Any], str]]  # (key, header, formatter)

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:0;color:#222;background:#f4f5f7}
header{background:#1f2d3d;color:#fff;padding:18px 28px}header h1{margin:0 0 4px;font-size:22px}
header p{margin:0;color:#c9d3de;font-size:13px}nav{padding:8px 28px;background:#e8ebef;font-size:13px}
nav a{margin-right:14px;color:#1f4f8a;text-decoration:none}main{padding:8px 28px 40px;max-width:1180px}
section{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:14px 18px;margin:16px 0}
h2{font-size:18px;margin:0 0 10px}h3{font-size:14px;margin:14px 0 6px;color:#444}
table{border-collapse:collapse;font-size:12px;margin:6px 0 10px}th,td{padding:4px 8px;border-bottom:1px solid #eee;
text-align:left;white-space:nowrap}th{background:#f0f2f5}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.critical td{background:#fde2e1}tr.warning td{background:#fff4d6}tr.info td{background:#e8f1fb}
.nodata{color:#777;font-style:italic;padding:6px 0}.error{background:#fde2e1;border:1px solid #e5a3a0;padding:8px}
.badge{display:inline-block;padding:1px 7px;border-radius:9px;font-size:11px;font-weight:600}
.badge.ok{background:#dcf2e1;color:#1d6b35}.badge.warning{background:#fff0c2;color:#7a5a00}
.badge.critical{background:#f8cfcc;color:#8d1f18}.kv td:first-child{color:#555}
.charts{display:flex;flex-wrap:wrap;gap:14px}
.scroll{overflow-x:auto}
"""


def no_data(reason: str) -> str:
    return f"<p class='nodata'>no data: {esc(reason)}</p>"


def note(text: str) -> str:
    return f"<p>{esc(text)}</p>"


def badge(text: str, level: str) -> str:
    return f"<span class='badge {esc(level)}'>{esc(text)}</span>"


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def table(rows: Sequence[Mapping[str, Any]], columns: Sequence[Column] | None = None,
          row_class: Callable[[Mapping[str, Any]], str] | None = None) -> str:
    """An HTML table of ``rows``; without ``columns``, every key of the first row with :func:`fmt_value`."""
    if not rows:
        return "<p class='nodata'>(empty)</p>"
    cols = list(columns) if columns else [(k, k, fmt_value) for k in rows[0]]
    head = "".join(f"<th>{esc(h)}</th>" for _, h, _ in cols)
    body = []
    for r in rows:
        cls = row_class(r) if row_class else ""
        cells = []
        for key, _, fmt in cols:
            v = r.get(key)
            text = fmt(v) if v is not None else DASH
            cells.append(f"<td class='num'>{esc(text)}</td>" if _is_number(v) else f"<td>{esc(text)}</td>")
        body.append(f"<tr class='{esc(cls)}'>{''.join(cells)}</tr>" if cls else f"<tr>{''.join(cells)}</tr>")
    return f"<div class='scroll'><table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"


def kv_table(pairs: Sequence[tuple[str, str]]) -> str:
    """A two-column label/value table (values already formatted)."""
    rows = "".join(f"<tr><td>{esc(k)}</td><td class='num'>{esc(v)}</td></tr>" for k, v in pairs)
    return f"<table class='kv'><tbody>{rows}</tbody></table>"


def _section(key: str, body: str) -> str:
    return f"<section id='{esc(key)}'><h2>{esc(SECTION_HEADINGS[key])}</h2>{body}</section>"


def render_report(audit: Mapping[str, Any]) -> str:
    """One self-contained HTML page for ``audit`` (see :mod:`analytics.report.schema`)."""
    from analytics.report.sections import RENDERERS  # sections imports this module's helpers

    title = audit.get("title") or "Index vault audit"
    generated = audit.get("generated_at") or "unknown time"
    chains = audit.get("chains") or []
    blocks = ", ".join(f"{c.get('name', '?')} #{c.get('block', '?')}" for c in chains if isinstance(c, Mapping))
    sections = []
    for key in SECTION_HEADINGS:
        try:
            body = RENDERERS[key](audit)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError, ZeroDivisionError) as exc:
            body = (f"<div class='error'>this section could not be rendered: {esc(type(exc).__name__)}: "
                    f"{esc(exc)}</div>")
        sections.append(_section(key, body))
    links = "".join(f"<a href='#{esc(k)}'>{esc(h)}</a>" for k, h in SECTION_HEADINGS.items())
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
            f"<header><h1>{esc(title)}</h1><p>generated {esc(generated)}"
            f"{' &middot; pinned blocks ' + esc(blocks) if blocks else ''}</p></header>"
            f"<nav>{links}</nav><main>{''.join(sections)}</main></body></html>")
