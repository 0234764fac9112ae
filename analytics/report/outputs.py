"""Writing an audit to disk: ``audit.json``, one CSV per table, and ``report.html``.

CSV files (UTF-8, header row, empty cell for missing values, raw integers kept exact) are
written for every section present in the audit, even when its table is empty (header only: "we
looked, found nothing"), and not written when the section is absent. A CSV of ours left over from
an earlier run into the same directory whose section is now absent is removed, so the directory
never mixes two audits; no other file is touched.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from analytics.exceptions import ReportError
from analytics.report.format import to_jsonable
from analytics.report.html import render_report
from analytics.report.schema import validate_audit

Rows = list[Mapping[str, Any]]

_METRIC_KEYS = ("start", "end", "periods", "total_return", "cagr", "volatility", "sharpe", "sortino",
                "downside_deviation", "max_drawdown", "peak", "trough", "recovery", "calmar", "var_95", "cvar_95")
_RELATIVE_KEYS = ("excess_return", "excess_cagr", "tracking_error", "beta", "information_ratio")


def _performance_rows(entries: Sequence[Mapping[str, Any]]) -> Rows:
    rows = []
    for e in entries:
        base = {"chain": e.get("chain"), "vault": e.get("vault"), "label": e.get("label")}
        port, bench = e.get("portfolio") or {}, e.get("benchmark") or {}
        for key in _METRIC_KEYS:
            rows.append({**base, "metric": key, "portfolio": port.get(key), "benchmark": bench.get(key)})
        for key in _RELATIVE_KEYS:
            if e.get("relative"):
                rows.append({**base, "metric": key, "portfolio": e["relative"].get(key), "benchmark": None})
    return rows


def _nav_rows(entries: Sequence[Mapping[str, Any]]) -> Rows:
    rows = []
    for e in entries:
        dd = {p.get("date"): p.get("drawdown") for p in e.get("drawdown") or []}
        for p in e.get("nav") or []:
            rows.append({"chain": e.get("chain"), "vault": e.get("vault"), "date": p.get("date"),
                         "nav": p.get("nav"), "benchmark": p.get("benchmark"), "drawdown": dd.get(p.get("date"))})
    return rows


def _sub(section: str, key: str) -> Callable[[Mapping[str, Any]], Rows | None]:
    def get(audit: Mapping[str, Any]) -> Rows | None:
        value = audit.get(section)
        return None if value is None else list(value.get(key) or [])
    return get


def _top(section: str) -> Callable[[Mapping[str, Any]], Rows | None]:
    return lambda audit: None if audit.get(section) is None else list(audit[section])


def _performance(kind: str) -> Callable[[Mapping[str, Any]], Rows | None]:
    def get(audit: Mapping[str, Any]) -> Rows | None:
        entries = audit.get("performance")
        if entries is None:
            return None
        return _performance_rows(entries) if kind == "metrics" else _nav_rows(entries)
    return get


def _governance(key: str) -> Callable[[Mapping[str, Any]], Rows | None]:
    def get(audit: Mapping[str, Any]) -> Rows | None:
        g = audit.get("governance")
        return None if g is None or g.get(key) is None else list(g[key])
    return get


# file name -> (rows getter, header used when the table is empty)
CSV_TABLES: dict[str, tuple[Callable[[Mapping[str, Any]], Rows | None], tuple[str, ...]]] = {
    "holdings.csv": (_top("holdings"), ("chain", "vault", "token", "sector", "risk_tier", "value")),
    "reconciliation.csv": (_top("reconciliation"), ("chain", "vault", "token", "symbol", "accounted", "actual",
                                                    "difference", "status", "severity", "decimals")),
    "exposure_sector.csv": (_sub("allocation", "sector"), ("key", "value", "weight")),
    "exposure_tier.csv": (_sub("allocation", "risk_tier"), ("key", "value", "weight")),
    "exposure_chain.csv": (_sub("allocation", "chain"), ("key", "value", "weight")),
    "concentration.csv": (_top("concentration"), ("chain", "vault", "n", "hhi", "effective_n", "top1", "top3")),
    "compliance.csv": (_sub("compliance", "breaches"), ("chain", "vault", "kind", "subject", "value", "limit")),
    "drift.csv": (_sub("drift", "tokens"), ("chain", "vault", "token", "current_weight", "target_weight", "drift")),
    "drift_vaults.csv": (_sub("drift", "vaults"), ("chain", "vault", "max_abs_drift", "max_drift_token", "turnover")),
    "liquidity.csv": (_sub("liquidity", "table"), ("chain", "vault", "token", "amount", "reserve_in", "reserve_out")),
    "liquidity_curves.csv": (_sub("liquidity", "curves"), ("chain", "vault", "token", "fraction", "impact")),
    "risk_scan.csv": (_sub("risk_scan", "flags"), ("chain", "token", "symbol", "flag", "severity", "detail")),
    "performance.csv": (_performance("metrics"), ("chain", "vault", "label", "metric", "portfolio", "benchmark")),
    "nav.csv": (_performance("nav"), ("chain", "vault", "date", "nav", "benchmark", "drawdown")),
    "governance.csv": (_governance("holders"), ("holder", "votes", "share")),
    "proposals.csv": (_governance("proposals"), ("proposal_id", "title", "for_votes", "against_votes",
                                                 "abstain_votes", "turnout", "quorum", "quorum_reached", "outcome")),
    "depin.csv": (_sub("depin", "rows"), ("token", "sector", "held_value", "vaults", "status")),
}


def _write_csv(path: Path, rows: Rows, default_header: Sequence[str]) -> None:
    header: list[str] = []
    for r in rows:  # union of keys, first-seen order: rows of one table may differ in optional keys
        header.extend(k for k in r if k not in header)
    header = header or list(default_header)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        for r in rows:
            writer.writerow({k: ("" if (v := to_jsonable(r.get(k))) is None else v) for k in header})


def write_outputs(audit: Mapping[str, Any], out_dir: str | Path) -> dict[str, Path]:
    """Write ``audit.json``, the CSV tables of :data:`CSV_TABLES` and ``report.html`` into ``out_dir``.

    The audit is validated first (:func:`~analytics.report.schema.validate_audit`). Returns file
    name -> path, in writing order.
    """
    validate_audit(audit)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ReportError(f"output path {out} exists and is not a directory")
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    try:
        path = out / "audit.json"
        path.write_text(json.dumps(to_jsonable(dict(audit)), indent=2, allow_nan=False) + "\n", encoding="utf-8")
        written["audit.json"] = path
        for name, (getter, header) in CSV_TABLES.items():
            rows = getter(audit)
            path = out / name
            if rows is None:
                path.unlink(missing_ok=True)
                continue
            _write_csv(path, rows, header)
            written[name] = path
        path = out / "report.html"
        path.write_text(render_report(audit), encoding="utf-8")
        written["report.html"] = path
    except OSError as exc:
        raise ReportError(f"could not write the audit outputs to {out}: {exc}") from exc
    return written
