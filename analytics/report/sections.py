"""Renderers of the report's sections: each takes the audit dict and returns the section's inner HTML.

One function per entry of :data:`~analytics.report.schema.SECTION_HEADINGS`, registered in
:data:`RENDERERS`. Each one handles its own absent data (``no data: <reason>``) so that every
heading is always present.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Callable, Mapping

from analytics.report import svg
from analytics.report.format import (esc, fmt_amount, fmt_compact, fmt_date, fmt_int, fmt_money, fmt_num,
                                     fmt_pct, fmt_token_units, fmt_value, short_address)
from analytics.report.html import badge, kv_table, no_data, note, table
from analytics.report.schema import missing_reason

Audit = Mapping[str, Any]


def _absent(audit: Audit, key: str) -> bool:
    return audit.get(key) is None


def _severity_class(row: Mapping[str, Any]) -> str:
    sev = row.get("severity")
    return sev if sev in ("critical", "warning", "info") else ""


def _vault_label(row: Mapping[str, Any]) -> str:
    return f"{row.get('chain', '?')}:{short_address(row.get('vault', '?'))}"


def summary(audit: Audit) -> str:
    if _absent(audit, "chains") and _absent(audit, "vaults"):
        return no_data(missing_reason(audit, "summary"))
    quote = audit.get("quote") or "USD"
    money = partial(fmt_money, quote=quote)
    pairs = [("generated", str(audit.get("generated_at") or "unknown")), ("quote currency", quote)]
    # Headline counts, so a reader sees at once whether anything below needs attention.
    if audit.get("reconciliation") is not None:
        pairs.append(("reconciliation exceptions",
                      str(sum(r.get("severity", "ok") != "ok" for r in audit["reconciliation"]))))
    if audit.get("compliance") is not None:
        pairs.append(("policy breaches", str(len(audit["compliance"].get("breaches") or []))))
    if audit.get("risk_scan") is not None:
        flags = audit["risk_scan"].get("flags") or []
        pairs.append(("critical risk flags", str(sum(f.get("severity") == "critical" for f in flags))))
    out = [kv_table(pairs)]
    out.append("<h3>Chains and pinned blocks</h3>")
    out.append(no_data(missing_reason(audit, "chains")) if _absent(audit, "chains") else table(
        audit["chains"], [("name", "chain", str), ("chain_id", "chain id", fmt_int), ("block", "pinned block", fmt_int),
                          ("block_timestamp", "block time", str)]))
    out.append("<h3>NAV per vault</h3>")
    out.append(no_data(missing_reason(audit, "vaults")) if _absent(audit, "vaults") else table(
        audit["vaults"], [("chain", "chain", str), ("vault", "vault", str), ("name", "name", str),
                          ("symbol", "symbol", str), ("nav", "NAV", money), ("total_supply", "shares", fmt_num),
                          ("nav_per_share", "NAV / share", partial(fmt_num, digits=6))]))
    return "".join(out)


def holdings(audit: Audit) -> str:
    quote = audit.get("quote") or "USD"
    out = ["<h3>Holdings</h3>"]
    if _absent(audit, "holdings"):
        out.append(no_data(missing_reason(audit, "holdings")))
    else:
        out.append(table(audit["holdings"], [
            ("chain", "chain", str), ("vault", "vault", short_address), ("token", "token", str),
            ("sector", "sector", str), ("risk_tier", "tier", str), ("amount", "amount", fmt_amount),
            ("price", f"price ({quote})", partial(fmt_num, digits=4)), ("value", f"value ({quote})", fmt_num),
            ("weight", "weight", fmt_pct), ("target_weight", "target", fmt_pct)]))
    out.append("<h3>Reconciliation (accounted vs actual balances)</h3>")
    if _absent(audit, "reconciliation"):
        out.append(no_data(missing_reason(audit, "reconciliation")))
        return "".join(out)
    rows = audit["reconciliation"]
    # Rounding dust (the vault's own rounding in its favour) has severity "ok": it is not an exception.
    exceptions = [r for r in rows if r.get("severity", "ok") != "ok"]
    critical = sum(1 for r in exceptions if r.get("severity") == "critical")
    dust = sum(1 for r in rows if r.get("status") == "rounding_dust")
    if not exceptions:
        note = f", {dust} with rounding dust" if dust else ""
        out.append(f"<p>{badge('all balances reconcile', 'ok')} {len(rows)} balance(s) checked{note}.</p>")
    else:
        level = "critical" if critical else "warning"
        out.append(f"<p>{badge(f'{len(exceptions)} exception(s), {critical} critical', level)} "
                   f"of {len(rows)} balance(s) checked.</p>")
    shown = [{**r, "units": fmt_token_units(r.get("difference"), r.get("decimals"))} for r in rows]
    out.append(table(shown, [("status", "status", str), ("chain", "chain", str), ("vault", "vault", short_address),
                             ("symbol", "symbol", str), ("token", "token", short_address),
                             ("accounted", "accounted (raw)", fmt_int), ("actual", "actual (raw)", fmt_int),
                             ("difference", "difference (raw)", fmt_int), ("units", "difference (tokens)", str)],
                     _severity_class))
    return "".join(out)


def allocation(audit: Audit) -> str:
    if _absent(audit, "allocation"):
        return no_data(missing_reason(audit, "allocation"))
    alloc, out = audit["allocation"], ["<div class='charts'>"]
    charts = (("sector", "By sector", svg.donut_chart), ("chain", "By chain", svg.donut_chart),
              ("risk_tier", "By risk tier", svg.stacked_bar))
    for key, title, chart in charts:
        rows = alloc.get(key)
        body = svg.empty_chart(title, "no data", width=420) if not rows else chart(
            [r["key"] for r in rows], [r["value"] for r in rows], title=title)
        out.append(f"<div><h3>{title}</h3>{body}</div>")
    out.append("</div>")
    return "".join(out)


def concentration(audit: Audit) -> str:
    out = ["<h3>Concentration per vault</h3>"]
    if _absent(audit, "concentration"):
        out.append(no_data(missing_reason(audit, "concentration")))
    else:
        out.append(table(audit["concentration"], [
            ("chain", "chain", str), ("vault", "vault", short_address), ("n", "holdings", fmt_int),
            ("hhi", "HHI", partial(fmt_num, digits=4)), ("effective_n", "effective N", fmt_num),
            ("top1", "top-1", fmt_pct), ("top3", "top-3", fmt_pct)]))
    out.append("<h3>Risk-policy compliance</h3>")
    if _absent(audit, "compliance"):
        out.append(no_data(missing_reason(audit, "compliance")))
        return "".join(out)
    comp = audit["compliance"]
    breaches = comp.get("breaches") or []
    if breaches:
        out.append(f"<p>{badge(f'{len(breaches)} breach(es)', 'critical')}</p>")
        out.append(table(breaches, [("chain", "chain", str), ("vault", "vault", short_address), ("kind", "breach", str),
                                    ("subject", "subject", str), ("value", "weight", fmt_pct),
                                    ("limit", "limit", fmt_pct)], lambda r: "critical"))
    else:
        out.append(f"<p>{badge('no breach', 'ok')} every vault is within its risk policy.</p>")
    policies = comp.get("policies") or []
    if policies:
        flat = [{"vault": _vault_label(p), "max token": fmt_pct(p.get("max_token_weight")),
                 "max sector": fmt_pct(p.get("max_sector_weight")),
                 "tier floors": ", ".join(f"{t} {fmt_pct(v)}" for t, v in (p.get("tier_floors") or {}).items()),
                 "tier caps": ", ".join(f"{t} {fmt_pct(v)}" for t, v in (p.get("tier_caps") or {}).items())}
                for p in policies]
        out.append("<h3>Policies</h3>" + table(flat))
    return "".join(out)


def drift(audit: Audit) -> str:
    if _absent(audit, "drift"):
        return no_data(missing_reason(audit, "drift"))
    d = audit["drift"]
    vaults, tokens = d.get("vaults") or [], d.get("tokens") or []
    out = []
    if vaults:
        out.append(svg.bar_chart([_vault_label(v) for v in vaults], [v.get("turnover") for v in vaults],
                                 title="One-way turnover to reach targets", horizontal=False, height=200))
        out.append(table(vaults, [("chain", "chain", str), ("vault", "vault", short_address),
                                  ("max_abs_drift", "max |drift|", fmt_pct), ("max_drift_token", "token", str),
                                  ("turnover", "one-way turnover", fmt_pct)]))
    for v in vaults:
        rows = [t for t in tokens if t.get("chain") == v.get("chain") and t.get("vault") == v.get("vault")]
        if rows:
            out.append(f"<h3>Drift by token, {_vault_label(v)}</h3>")
            out.append(svg.bar_chart([r["token"] for r in rows], [r.get("drift") for r in rows],
                                     title=f"Drift (current - target), {_vault_label(v)}"))
    if tokens:
        out.append(table(tokens, [("chain", "chain", str), ("vault", "vault", short_address), ("token", "token", str),
                                  ("current_weight", "current", fmt_pct), ("target_weight", "target", fmt_pct),
                                  ("drift", "drift", fmt_pct)]))
    return "".join(out) or no_data("the drift section is empty")


def liquidity(audit: Audit) -> str:
    if _absent(audit, "liquidity"):
        return no_data(missing_reason(audit, "liquidity"))
    liq = audit["liquidity"]
    rows, curves = liq.get("table") or [], liq.get("curves") or []
    fractions = liq.get("fractions") or [0.1, 0.5, 1.0]
    out = [note(f"Price impact of selling part of each holding into its constant-product pool "
                f"(fee {fmt_pct(liq.get('fee', 0.003))}, included in the impact).")]
    cols = [("chain", "chain", str), ("vault", "vault", short_address), ("token", "token", str),
            ("amount", "amount", fmt_amount), ("spot_value", "spot value", fmt_num)]
    for p in fractions:
        cols.append((f"impact_{round(p * 100):d}pct", f"impact {fmt_pct(p, 0)}", fmt_pct))
    cols.append(("note", "note", str))
    out.append(table(rows, cols, lambda r: "warning" if r.get("note") else ""))
    groups: dict[tuple[str, str], dict[str, tuple[list, list]]] = {}
    for c in curves:
        series = groups.setdefault((c["chain"], c["vault"]), {}).setdefault(c["token"], ([], []))
        series[0].append(c["fraction"])
        series[1].append(c["impact"])
    for (chain, vault), by_token in groups.items():
        label = _vault_label({"chain": chain, "vault": vault})
        out.append(f"<h3>Impact curves, {label}</h3>")
        out.append(svg.multi_line_chart([(tok, xs, ys) for tok, (xs, ys) in by_token.items()],
                                        title=f"Price impact vs fraction sold, {label}"))
    return "".join(out)


def risk_scan(audit: Audit) -> str:
    if _absent(audit, "risk_scan"):
        return no_data(missing_reason(audit, "risk_scan"))
    scan = audit["risk_scan"]
    flags = scan.get("flags") or []
    scanned = scan.get("tokens_scanned")
    head = f"{fmt_int(scanned)} token(s) scanned, " if scanned is not None else ""
    if not flags:
        return f"<p>{badge('no flags', 'ok')} {head}nothing flagged.</p>"
    order = {"critical": 0, "warning": 1, "info": 2}
    flags = sorted(flags, key=lambda f: order.get(f.get("severity"), 3))
    return (f"<p>{head}{len(flags)} flag(s).</p>"
            + table(flags, [("severity", "severity", str), ("chain", "chain", str), ("symbol", "symbol", str),
                            ("token", "token", short_address), ("flag", "flag", str), ("detail", "detail", str)],
                    _severity_class))


_METRICS: tuple[tuple[str, str, Callable[[Any], str]], ...] = (
    ("start", "start", fmt_date), ("end", "end", fmt_date), ("periods", "periods (returns)", fmt_int),
    ("total_return", "total return", fmt_pct), ("cagr", "CAGR", fmt_pct), ("volatility", "volatility (ann.)", fmt_pct),
    ("sharpe", "Sharpe", fmt_num), ("sortino", "Sortino", fmt_num), ("max_drawdown", "max drawdown", fmt_pct),
    ("peak", "drawdown peak", fmt_date), ("trough", "drawdown trough", fmt_date),
    ("recovery", "recovered on", fmt_date), ("calmar", "Calmar", fmt_num), ("var_95", "VaR 95% (1 period)", fmt_pct),
    ("cvar_95", "CVaR 95% (1 period)", fmt_pct))


def performance(audit: Audit) -> str:
    if _absent(audit, "performance") or not audit["performance"]:
        return no_data(missing_reason(audit, "performance"))
    out = []
    for entry in audit["performance"]:
        label = entry.get("label") or _vault_label(entry)
        bench_name = entry.get("benchmark_name") or "benchmark"
        port, bench = entry.get("portfolio") or {}, entry.get("benchmark")
        rows = [{"metric": name, "portfolio": fmt(port.get(key)),
                 bench_name: fmt(bench.get(key)) if bench else "\u2014"} for key, name, fmt in _METRICS]
        rel = entry.get("relative") or {}
        for key, name, fmt in (("excess_return", "excess return", fmt_pct), ("excess_cagr", "excess CAGR", fmt_pct),
                               ("tracking_error", "tracking error", fmt_pct), ("beta", "beta", fmt_num),
                               ("information_ratio", "information ratio", fmt_num)):
            if rel:
                rows.append({"metric": name, "portfolio": fmt(rel.get(key)), bench_name: ""})
        out.append(f"<h3>{esc(label)}</h3>")
        out.append(note(f"Per-sample returns annualised with {entry.get('periods_per_year', 365)} periods a year."))
        out.append(table(rows, [("metric", "metric", str), ("portfolio", "portfolio", str),
                                (bench_name, bench_name, str)]))
        nav = entry.get("nav") or []
        series = [("NAV / share", [p["date"] for p in nav], [p.get("nav") for p in nav])]
        if any(p.get("benchmark") is not None for p in nav):
            series.append((f"{bench_name} (rebased)", [p["date"] for p in nav], [p.get("benchmark") for p in nav]))
        dd = entry.get("drawdown") or []
        out.append("<div class='charts'>"
                   + svg.line_chart(series, title=f"NAV per share, {label}", width=560, y_format=fmt_compact)
                   + svg.line_chart([("drawdown", [p["date"] for p in dd], [p.get("drawdown") for p in dd])],
                                    title=f"Drawdown, {label}", width=560, y_format=partial(fmt_pct, digits=0),
                                    zero_line=True)
                   + "</div>")
    return "".join(out)


def governance(audit: Audit) -> str:
    if _absent(audit, "governance"):
        return no_data(missing_reason(audit, "governance"))
    g = audit["governance"]
    v = g.get("voting") or {}
    out = [kv_table([("token", str(g.get("token") or "\u2014")), ("chain / block", f"{g.get('chain', '?')} #"
                                                                                    f"{g.get('block', '?')}"),
                     ("holders with votes", fmt_int(v.get("holders"))),
                     ("Nakamoto coefficient", fmt_int(v.get("nakamoto"))),
                     ("HHI of voting power", fmt_num(v.get("hhi"), 4)),
                     ("largest holder", fmt_pct(v.get("top_share"))),
                     ("share of supply delegated", fmt_pct(v.get("delegated_share")))])]
    holders = g.get("holders") or []
    if holders:
        out.append("<h3>Voting power, largest holders</h3>")
        out.append(svg.bar_chart([short_address(h.get("holder")) for h in holders], [h.get("share") for h in holders],
                                 title="Share of votes by holder"))
    out.append("<h3>Proposals</h3>")
    proposals = g.get("proposals")
    if proposals is None:
        out.append(no_data(missing_reason(audit, "proposals")))
    elif not proposals:
        out.append(note("no proposals yet"))
    else:
        out.append(table(proposals, [("proposal_id", "id", lambda x: short_address(x, 8)), ("title", "title", str),
                                     ("for_votes", "for", fmt_int), ("against_votes", "against", fmt_int),
                                     ("abstain_votes", "abstain", fmt_int), ("turnout", "turnout", fmt_pct),
                                     ("quorum_reached", "quorum reached", fmt_value), ("outcome", "outcome", str)]))
    return "".join(out)


def depin(audit: Audit) -> str:
    if _absent(audit, "depin"):
        return no_data(missing_reason(audit, "depin"))
    d = audit["depin"]
    rows = d.get("rows") or []
    out = [note(f"Source: {d.get('source') or 'unknown'}. Coverage = revenue / issuance in USD; dilution is "
                "annualised; revenue multiple = market cap / annualised revenue.")]
    if not rows:
        out.append(no_data("no DePIN token is held"))
        return "".join(out)
    out.append(table(rows, [("token", "token", str), ("sector", "sector", str), ("held_value", "held value", fmt_num),
                            ("status", "status", str), ("period_days", "period (days)", fmt_num),
                            ("revenue_usd", "revenue (USD)", fmt_num), ("issuance_usd", "issuance (USD)", fmt_num),
                            ("issuance_coverage", "coverage", partial(fmt_num, digits=3)),
                            ("annualised_dilution", "dilution (ann.)", fmt_pct),
                            ("revenue_multiple", "revenue multiple", fmt_num)],
                     lambda r: "warning" if r.get("status") != "ok" else ""))
    return "".join(out)


RENDERERS: dict[str, Callable[[Audit], str]] = {
    "summary": summary, "holdings": holdings, "allocation": allocation, "concentration": concentration,
    "drift": drift, "liquidity": liquidity, "risk_scan": risk_scan, "performance": performance,
    "governance": governance, "depin": depin,
}
