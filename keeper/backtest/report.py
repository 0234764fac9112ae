"""Writing a comparison: text table, CSV, JSON, SVG charts and one self-contained HTML page.

Files written into the output folder by :func:`write_report`:

* ``summary.csv`` / ``summary.json`` -- one row per strategy (:mod:`keeper.backtest.metrics`
  fields); the JSON also holds the market, the settings and each strategy's full configuration;
* ``nav.csv``            -- daily NAV of every strategy (columns), USD;
* ``equity.svg``, ``drawdowns.svg`` -- all strategies together;
* ``<name>/weights.svg`` -- stacked weights over time; ``<name>/weights.csv`` -- daily weights
  of every token ever held plus cash; ``<name>/events.csv`` -- rebalances (with the keeper's
  inputs hash), skipped rebalances, delistings; ``<name>/costs.csv`` -- daily costs by kind;
* ``index.html`` -- table, charts and per-strategy details, inline CSS and SVG only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analytics.report.format import esc, fmt_num, fmt_pct, to_jsonable
from analytics.report.html import CSS, kv_table, table
from keeper.backtest.charts import drawdown_chart, equity_chart, weights_chart
from keeper.backtest.metrics import TABLE_COLUMNS, BacktestMetrics
from keeper.backtest.result import BacktestResult

_FMT = {"pct": lambda v: fmt_pct(v, 1), "num": lambda v: fmt_num(v, 2), "int": lambda v: f"{int(v):d}"}


def slug(name: str) -> str:
    """A file-system-safe folder name for a strategy."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "strategy"


def format_table(rows: Sequence[BacktestMetrics]) -> str:
    """The comparison as aligned plain text (one line per strategy)."""
    headers = ["Strategy", "Trigger"] + [h for _, h, _ in TABLE_COLUMNS]
    body = []
    for m in rows:
        cells = [m.name, m.trigger]
        for key, _, kind in TABLE_COLUMNS:
            v = getattr(m, key)
            cells.append("-" if v is None else _FMT[kind](v))
        body.append(cells)
    widths = [max(len(str(r[i])) for r in [headers, *body]) for i in range(len(headers))]
    widths[1] = min(widths[1], 28)
    line = lambda cells: "  ".join(  # noqa: E731
        (str(c)[: widths[i]].ljust(widths[i]) if i < 2 else str(c).rjust(widths[i])) for i, c in enumerate(cells))
    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in body)])


@dataclass(frozen=True)
class ReportFiles:
    folder: Path
    html: Path
    summary_csv: Path
    summary_json: Path


def _nav_frame(results: Sequence[BacktestResult]) -> pd.DataFrame:
    return pd.concat([r.nav_series() for r in results], axis=1)


def _strategy_files(folder: Path, result: BacktestResult) -> str:
    sub = folder / slug(result.name)
    sub.mkdir(parents=True, exist_ok=True)
    weights = result.weights_frame()
    held = [c for c in weights.columns if c == "cash" or weights[c].max() > 0]
    weights[held].to_csv(sub / "weights.csv", float_format="%.8g")
    result.events_frame().to_csv(sub / "events.csv", index=False)
    result.costs_frame().to_csv(sub / "costs.csv", float_format="%.6f")
    svg = weights_chart(result)
    (sub / "weights.svg").write_text(svg, encoding="utf-8")
    return svg


def _details(result: BacktestResult, metrics: BacktestMetrics, svg: str) -> str:
    s = result.strategy
    facts = [("methodology", s.methodology_label), ("trigger", s.trigger_label),
             ("period", f"{metrics.start} .. {metrics.end} ({metrics.days} days)"),
             ("final value", f"{metrics.final_value:,.2f}"), ("total return", fmt_pct(metrics.total_return)),
             ("trading costs", f"{metrics.trading_costs:,.2f} ({fmt_pct(metrics.trading_costs_pct)})"),
             ("management fees", f"{metrics.management_fees:,.2f} ({fmt_pct(metrics.management_fees_pct)})"),
             ("rebalances / skipped / delistings", f"{metrics.rebalances} / {metrics.skipped} / {metrics.delistings}"),
             ("keeper calls", f"{result.weight_calls} ({result.weight_seconds:.2f} s of {result.seconds:.2f} s)")]
    events = result.events
    shown = events[:40]
    cols = [("date", "date", str), ("kind", "kind", str), ("sleeve", "sleeve", str), ("reason", "reason", str),
            ("turnover", "turnover", lambda v: fmt_pct(v, 2)), ("tokens", "tokens", str)]
    more = f"<p>{len(events) - 40} more event(s) in {esc(slug(result.name))}/events.csv</p>" if len(events) > 40 else ""
    config = esc(json.dumps(s.to_dict(), indent=2))
    return (f"<section id='{esc(slug(result.name))}'><h2>{esc(result.name)}</h2><p>{esc(s.description)}</p>"
            f"{kv_table(facts)}{svg}<h3>Events</h3>{table(shown, cols)}{more}"
            f"<details><summary>configuration</summary><pre>{config}</pre></details></section>")


def render_html(results: Sequence[BacktestResult], metrics: Sequence[BacktestMetrics], context: dict[str, Any],
                weight_svgs: Sequence[str]) -> str:
    rows = [m.to_dict() for m in metrics]
    cols = [("name", "Strategy", str), ("trigger", "Trigger", str)] + \
           [(k, h, _FMT[kind]) for k, h, kind in TABLE_COLUMNS]
    ctx = kv_table([(k, str(v)) for k, v in context.items()])
    links = "".join(f"<a href='#{esc(slug(r.name))}'>{esc(r.name)}</a>" for r in results)
    body = (f"<section><h2>Comparison</h2>{ctx}{table(rows, cols)}"
            "<p>CAGR, volatility, Sharpe and Sortino on daily NAV with 365 periods a year and a zero risk-free "
            "rate; turnover is one-way per year; costs and fees as a fraction of the starting capital.</p>"
            f"</section><section><h2>Equity and drawdowns</h2><div class='charts'>{equity_chart(results)}"
            f"{drawdown_chart(results)}</div></section>"
            + "".join(_details(r, m, svg) for r, m, svg in zip(results, metrics, weight_svgs)))
    title = "Methodology lab: backtest comparison"
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{esc(title)}</title><style>{CSS}pre{{font-size:11px;background:#f6f6f6;padding:8px}}"
            f"</style></head><body><header><h1>{esc(title)}</h1><p>{esc(context.get('market', ''))}</p></header>"
            f"<nav>{links}</nav><main>{body}</main></body></html>")


def write_report(folder: str | Path, results: Sequence[BacktestResult], metrics: Sequence[BacktestMetrics],
                 context: dict[str, Any]) -> ReportFiles:
    """Write every file of the module docstring into ``folder`` (created if needed)."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    summary = pd.DataFrame([m.to_dict() for m in metrics])
    summary.to_csv(out / "summary.csv", index=False, float_format="%.10g")
    payload = {"context": context, "settings": results[0].settings.to_dict() if results else None,
               "strategies": [{"metrics": m.to_dict(), "config": r.strategy.to_dict(),
                               "keeper_calls": r.weight_calls} for r, m in zip(results, metrics)]}
    (out / "summary.json").write_text(json.dumps(to_jsonable(payload), indent=2), encoding="utf-8")
    _nav_frame(results).to_csv(out / "nav.csv", float_format="%.6f")
    (out / "equity.svg").write_text(equity_chart(results), encoding="utf-8")
    (out / "drawdowns.svg").write_text(drawdown_chart(results), encoding="utf-8")
    svgs = [_strategy_files(out, r) for r in results]
    html = out / "index.html"
    html.write_text(render_html(results, metrics, context, svgs), encoding="utf-8")
    return ReportFiles(out, html, out / "summary.csv", out / "summary.json")
