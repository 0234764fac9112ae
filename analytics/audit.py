"""The audit: every chain of a deployments folder read at one pinned block each, turned into the report.

    run_audit(deployments, out_dir) -> AuditRun(paths, requests per chain, audit dict)

Per chain, whatever the number of vaults and tokens: chain id, the pinned block, one Multicall3 snapshot,
one eth_getLogs and one Multicall3 call for governance, two eth_calls for the risk scan, and one JSON-RPC
batch for the NAV history: 8 HTTP requests.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analytics.metrics.depin import load_fundamentals
from analytics.metrics.exposure import RiskPolicy
from analytics.onchain.governance import read_governance
from analytics.onchain.history import nav_history
from analytics.onchain.risk_scan import scan
from keeper.chain.snapshot import ChainSnapshot, read_snapshot
from analytics.reconcile import BalanceRecord
from analytics.report import build_audit, write_outputs
from keeper.chain.deployments import ChainDeployment
from keeper.chain.rpc import connect

STALE_AFTER_SECONDS = 24 * 3600


@dataclass(frozen=True)
class AuditRun:
    paths: dict[str, Path]
    requests_per_chain: dict[str, int]
    audit: dict


def _progress(message: str) -> None:
    print(f"[audit] {message}", file=sys.stderr, flush=True)


def _holdings_rows(s: ChainSnapshot) -> list[dict]:
    rows = []
    for vault in s.vaults:
        for asset in vault.assets:
            t = asset.token
            price = s.prices.get(t.symbol)
            pool = s.pools.get(t.symbol)
            age = s.timestamp - pool.last_update if pool else 0
            rows.append({
                "chain": s.deployment.chain, "vault": vault.address, "token": t.symbol, "sector": t.sector,
                "risk_tier": t.risk_tier, "amount": asset.accounted / t.unit, "price": price,
                "value": asset.accounted / t.unit * (price or 0.0), "target_weight": asset.target_bps / 10_000,
                "price_source": s.price_source(t.symbol), "price_timestamp": pool.last_update if pool else s.timestamp,
                "stale": bool(price is None or age > STALE_AFTER_SECONDS)})
    return rows


def run_audit(deployments: list[ChainDeployment], out_dir: Path, depin_file: Path | None = None,
              history_samples: int = 24, benchmark: str = "WETH") -> AuditRun:
    chains, vaults, rows, balances, policies, positions, flags = [], [], [], [], {}, [], []
    navs, bench, governance, requests = {}, {}, None, {}
    scanned = 0
    for deployment in deployments:
        _progress(f"{deployment.chain}: connecting to {deployment.rpc_url}")
        w3 = connect(deployment)
        block = w3.eth.block_number
        snapshot = read_snapshot(w3, deployment, block)
        _progress(f"{deployment.chain}: block {block}, {len(snapshot.vaults)} vault(s), "
                  f"{len(deployment.tokens)} token(s) read")
        chains.append({"name": deployment.chain, "chain_id": deployment.chain_id, "block": block,
                       "block_timestamp": dt.datetime.fromtimestamp(snapshot.timestamp, dt.timezone.utc).isoformat()})
        chain_rows = _holdings_rows(snapshot)
        rows += chain_rows
        for vault in snapshot.vaults:
            nav = sum(r["value"] for r in chain_rows if r["vault"] == vault.address)
            vaults.append({"chain": deployment.chain, "vault": vault.address, "name": vault.name,
                           "symbol": vault.symbol, "nav": nav, "total_supply": vault.total_supply / 1e18,
                           "nav_per_share": nav / (vault.shares_outstanding / 1e18) if vault.total_supply else None})
            max_token, max_sector, tier_min, tier_max = vault.policy
            policies[(deployment.chain, vault.address)] = RiskPolicy.from_bps(max_token, max_sector, tuple(tier_min),
                                                                              tuple(tier_max))
            for asset in vault.assets:
                t = asset.token
                balances.append(BalanceRecord(deployment.chain, vault.address, t.symbol, asset.accounted,
                                              asset.actual, True, t.symbol, t.decimals))
                pool = snapshot.pools.get(t.symbol)
                positions.append({"chain": deployment.chain, "vault": vault.address, "token": t.symbol,
                                  "amount": asset.accounted / t.unit,
                                  "reserve_in": pool.reserve_token / t.unit if pool else None,
                                  "reserve_out": pool.reserve_quote / deployment.token(deployment.quote_token).unit
                                  if pool else None})
            for symbol, amount in vault.stray.items():
                t = deployment.token(symbol)
                balances.append(BalanceRecord(deployment.chain, vault.address, symbol, 0, amount, False, symbol,
                                              t.decimals))
        flags += scan(w3, snapshot)
        scanned += len(deployment.tokens)
        _progress(f"{deployment.chain}: risk scan done")
        if governance is None:
            governance = read_governance(w3, snapshot)
        series, bench_series = nav_history(w3, snapshot, samples=history_samples, benchmark=benchmark)
        navs.update({(deployment.chain, next(v.address for v in snapshot.vaults if v.name == name)): s
                     for name, s in series.items()})
        if bench_series is not None:
            bench[deployment.chain] = bench_series
        _progress(f"{deployment.chain}: NAV history at {history_samples} blocks read")
        requests[deployment.chain] = w3.provider.requests

    holdings = pd.DataFrame(rows)
    # A vault that has no executed weight decision yet has no targets to drift from.
    targets = None
    if len(holdings):
        with_targets = holdings.groupby(["chain", "vault"])["target_weight"].transform("sum") > 0
        if with_targets.any():
            targets = holdings.loc[with_targets, ["chain", "vault", "token", "target_weight"]]
    audit = build_audit(
        generated_at=dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        title="Index vault audit", quote=deployments[0].quote_token if deployments else "USD",
        chains=chains, vaults=vaults, holdings=holdings, balances=balances, policy=policies,
        targets=targets,
        positions=pd.DataFrame(positions) if positions else None, risk_flags=flags, tokens_scanned=scanned,
        nav=navs or None, benchmark=bench or None, benchmark_name=benchmark if bench else None,
        governance=governance,
        depin_fundamentals=load_fundamentals(depin_file) if depin_file else None,
        depin_source=str(depin_file) if depin_file else None,
        missing={**({} if depin_file else {"depin": "no DePIN fundamentals file given (--depin)"}),
                 **({} if targets is not None else {"drift": "no vault has executed a weight decision yet"})})
    paths = write_outputs(audit, out_dir)
    return AuditRun(paths, requests, audit)
