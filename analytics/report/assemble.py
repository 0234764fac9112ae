"""Build an ``audit`` dict (see :mod:`analytics.report.schema`) from chain reads, with the metric functions.

:func:`build_audit` is the one place where raw inputs become report sections: every argument is
optional, and a section whose inputs are absent is left out with a reason in ``audit["missing"]``
(a reason passed in ``missing`` wins, e.g. "RPC for spoke timed out"). Errors in inputs that are
given propagate: an audit never silently drops data it was handed.

Compliance is checked on *current* weights (value-based): the contract already refuses target
weights that break the policy, so breaches here come from drift, prices or donations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from numbers import Real
from typing import Any, Mapping, Sequence

import pandas as pd

from analytics.metrics import concentration as conc
from analytics.metrics import depin as depin_m
from analytics.metrics import drift as drift_m
from analytics.metrics import exposure as expo
from analytics.metrics import liquidity as liq
from analytics.metrics import performance as perf
from analytics.metrics.governance import ProposalRecord, summarise_proposals
from analytics.reconcile import BalanceRecord, reconcile
from analytics.report.format import to_jsonable
from analytics.report.schema import SCHEMA_VERSION, Audit


@dataclass(frozen=True)
class GovernanceInput:
    """Governance reads at one block: ``votes`` maps holder -> current votes (raw units)."""

    chain: str
    token: str
    block: int
    votes: Mapping[str, Real]
    total_supply: Real
    delegated_votes: Real | None = None
    proposals: Sequence[ProposalRecord] | None = None
    top_n: int = 10


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return to_jsonable(df.to_dict(orient="records"))


def _drift_input(weights: pd.DataFrame, targets: pd.DataFrame | None) -> pd.DataFrame | None:
    current = weights[["chain", "vault", "token", "weight"]].rename(columns={"weight": "current_weight"})
    if targets is not None:
        tgt = targets[["chain", "vault", "token", "target_weight"]]
    elif "target_weight" in weights.columns and weights["target_weight"].notna().any():
        tgt = weights[["chain", "vault", "token", "target_weight"]]
    else:
        return None
    return current.merge(tgt, on=["chain", "vault", "token"], how="outer")


def _performance_entry(key: tuple[str, str], nav: pd.Series, benchmark: pd.Series | None,
                       benchmark_name: str | None, labels: Mapping[tuple[str, str], str]) -> dict[str, Any]:
    entry: dict[str, Any] = {"chain": key[0], "vault": key[1], "label": labels.get(key, f"{key[0]}:{key[1]}"),
                             "benchmark_name": benchmark_name if benchmark is not None else None,
                             "periods_per_year": perf.PERIODS_PER_YEAR}
    s = perf.validate_nav(nav)
    if benchmark is not None:
        cmp = perf.compare_to_benchmark(s, benchmark)
        entry.update(portfolio=cmp.portfolio.to_dict(), benchmark=cmp.benchmark.to_dict(),
                     relative={k: v for k, v in cmp.to_dict().items() if k not in ("portfolio", "benchmark")})
        b = perf.validate_nav(benchmark, "benchmark").reindex(s.index)
        first = b.first_valid_index()
        rebased = b * (s.loc[first] / b.loc[first]) if first is not None else b
    else:
        entry.update(portfolio=perf.performance_metrics(s).to_dict(), benchmark=None, relative=None)
        rebased = pd.Series(index=s.index, dtype=float)
    dd = perf.drawdown_series(s)
    entry["nav"] = [{"date": d, "nav": v, "benchmark": rebased.get(d)} for d, v in s.items()]
    entry["drawdown"] = [{"date": d, "drawdown": v} for d, v in dd.items()]
    return to_jsonable(entry)


def _governance_section(g: GovernanceInput) -> dict[str, Any]:
    stats = conc.voting_power(g.votes, g.total_supply, g.delegated_votes)
    total = sum(g.votes.values())
    top = sorted(g.votes.items(), key=lambda kv: kv[1], reverse=True)[: g.top_n]
    holders = [{"holder": h, "votes": v, "share": float(v) / float(total) if total else None} for h, v in top]
    return to_jsonable({"chain": g.chain, "token": g.token, "block": g.block, "total_supply": g.total_supply,
                        "voting": stats.to_dict(), "holders": holders,
                        "proposals": None if g.proposals is None else summarise_proposals(g.proposals)})


def build_audit(*, generated_at: str | dt.datetime | None = None, title: str | None = None, quote: str = "USD",
                chains: Sequence[Mapping[str, Any]] | None = None, vaults: Sequence[Mapping[str, Any]] | None = None,
                holdings: pd.DataFrame | None = None, balances: Sequence[BalanceRecord] | None = None,
                policy: expo.PolicyLike | None = None, targets: pd.DataFrame | None = None,
                positions: pd.DataFrame | None = None, fee: float = liq.DEFAULT_FEE,
                risk_flags: Sequence[Mapping[str, Any]] | None = None, tokens_scanned: int | None = None,
                nav: Mapping[tuple[str, str], pd.Series] | None = None,
                benchmark: pd.Series | Mapping[str, pd.Series] | None = None,
                benchmark_name: str | None = None, governance: GovernanceInput | None = None,
                depin_fundamentals: pd.DataFrame | None = None, depin_source: str | None = None,
                missing: Mapping[str, str] | None = None) -> Audit:
    """Compute every section whose inputs are given and return the audit dict.

    @param holdings  holdings table (taxonomy.HOLDINGS_COLUMNS, optionally amount, price, target_weight)
    @param targets   chain, vault, token, target_weight (fractions); else holdings' target_weight column
    @param positions liquidity positions (liquidity.POSITION_COLUMNS)
    @param nav       (chain, vault) -> NAV-per-share series; ``benchmark`` is compared with each
    """
    when = generated_at or dt.datetime.now(dt.timezone.utc)
    if isinstance(when, dt.datetime):
        when = when.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")
    audit: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "generated_at": when, "quote": quote}
    reasons: dict[str, str] = {}
    if title:
        audit["title"] = title
    if chains is not None:
        audit["chains"] = to_jsonable([dict(c) for c in chains])
    if vaults is not None:
        audit["vaults"] = to_jsonable([dict(v) for v in vaults])
    if holdings is not None:
        weights = expo.vault_weights(holdings)
        audit["holdings"] = _records(weights)
        audit["allocation"] = {"sector": _records(expo.exposure_by_sector(weights)),
                               "risk_tier": _records(expo.exposure_by_tier(weights)),
                               "chain": _records(expo.exposure_by_chain(weights))}
        audit["concentration"] = [{"chain": c, "vault": v, **conc.concentration(g["weight"].to_list()).to_dict()}
                                  for (c, v), g in weights.groupby(["chain", "vault"], sort=True)]
        if policy is not None:
            pols = ([{"chain": c, "vault": v, **policy.to_dict()} for c, v in
                     weights[["chain", "vault"]].drop_duplicates().itertuples(index=False)]
                    if isinstance(policy, expo.RiskPolicy)
                    else [{"chain": c, "vault": v, **p.to_dict()} for (c, v), p in policy.items()])
            audit["compliance"] = {"policies": pols,
                                   "breaches": [b.to_dict() for b in expo.check_compliance(weights, policy)]}
        else:
            reasons["compliance"] = "no risk policy given"
        drift_in = _drift_input(weights, targets)
        if drift_in is not None:
            audit["drift"] = {"tokens": _records(drift_m.drift_table(drift_in)),
                              "vaults": _records(drift_m.drift_summary(drift_in))}
        else:
            reasons["drift"] = "no target weights given"
        if depin_fundamentals is not None:
            audit["depin"] = {"source": depin_source or "fundamentals table",
                              "rows": _records(depin_m.depin_fundamentals(depin_fundamentals, weights))}
        else:
            reasons["depin"] = "no DePIN fundamentals file given"
    else:
        for key in ("holdings", "allocation", "concentration", "compliance", "drift", "depin"):
            reasons[key] = "no holdings given"
    if balances is not None:
        audit["reconciliation"] = [ln.to_dict() for ln in reconcile(balances)]
    else:
        reasons["reconciliation"] = "no balance reads given"
    if positions is not None:
        fractions = list(liq.DEFAULT_FRACTIONS)
        audit["liquidity"] = {"fee": fee, "fractions": fractions,
                              "table": _records(liq.exit_liquidity_table(positions, fractions, fee)),
                              "curves": _records(liq.liquidity_curves(positions, fee))}
    else:
        reasons["liquidity"] = "no pool reserves given"
    if risk_flags is not None:
        audit["risk_scan"] = {"tokens_scanned": tokens_scanned, "flags": to_jsonable([dict(f) for f in risk_flags])}
    else:
        reasons["risk_scan"] = "no token risk scan given"
    if nav:
        labels = {(v.get("chain"), v.get("vault")): v.get("name") or f"{v.get('chain')}:{v.get('vault')}"
                  for v in (vaults or [])}
        # A benchmark may be one series, or one per chain (each chain's samples have their own timestamps).
        audit["performance"] = [_performance_entry(k, s, benchmark.get(k[0]) if isinstance(benchmark, Mapping)
                                                   else benchmark, benchmark_name, labels) for k, s in nav.items()]
    else:
        reasons["performance"] = "no NAV history given"
    if governance is not None:
        audit["governance"] = _governance_section(governance)
        if governance.proposals is None:
            reasons["proposals"] = "no proposals read"
    else:
        reasons["governance"] = "no governance reads given"
    reasons.update(missing or {})
    audit["missing"] = reasons
    return audit  # type: ignore[return-value]
