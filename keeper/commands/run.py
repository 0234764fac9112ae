"""`keeper run`: the rebalancing bot, on every chain of the deployments.

    keeper run --account dev:keeper --once              # one cycle: read, decide, plan, simulate, send
    keeper run --account dev:keeper --dry-run --once    # simulate only, send nothing
    keeper run --account KEEPER_ALIAS --interval 300 --metrics-port 9464   # long-lived

Keys come from an ape account (passphrase from APE_ACCOUNTS_<alias>_PASSPHRASE) and are never logged.
Logs are JSON lines on stderr; Prometheus metrics on http://127.0.0.1:<port>/metrics; SIGTERM stops the
loop after the current cycle. The journal (default .keeper/journal.sqlite) makes restarts safe.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path

from keeper.bot.cycle import ChainReport, Keeper, Policy
from keeper.bot.journal import Journal
from keeper.bot.metrics import Metrics
from keeper.chain.deployments import load_all, load_deployment
from keeper.chain.signer import load_signer
from keeper.rebalance.triggers import parse_trigger


def add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--account", required=True, help="the keeper's ape account alias, or dev:keeper on the devnet")
    p.add_argument("--chains", default=None, help="comma-separated chain names (default: every deployments file)")
    p.add_argument("--deployments", type=Path, default=None)
    p.add_argument("--journal", type=Path, default=Path(".keeper/journal.sqlite"))
    p.add_argument("--trigger", default=None,
                   help="e.g. band:0.02, drift:0.25, monthly, 'quarterly|drift:0.25' (default: the on-chain band)")
    p.add_argument("--max-cost-bps", type=float, default=150.0, help="skip when costs exceed this share of value traded")


def register(subparsers) -> None:
    p = subparsers.add_parser("run", help="run the rebalancing bot", description=__doc__,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common(p)
    p.add_argument("--once", action="store_true", help="one cycle, then exit")
    p.add_argument("--dry-run", action="store_true", help="simulate, never send")
    p.add_argument("--interval", type=float, default=300.0, help="seconds between cycles")
    p.add_argument("--metrics-port", type=int, default=None)
    p.set_defaults(func=run)


def build_keeper(args: argparse.Namespace) -> Keeper:
    deployments = ([load_deployment(c.strip(), args.deployments) for c in args.chains.split(",")] if args.chains
                   else load_all(args.deployments))
    policy = Policy(trigger=parse_trigger(args.trigger) if args.trigger else None, max_cost_bps=args.max_cost_bps)
    return Keeper(deployments, load_signer(args.account), Journal(args.journal), Metrics(), policy)


def print_reports(reports: list[ChainReport]) -> None:
    for r in reports:
        head = f"[{r.chain}] {r.status}" + (f" at block {r.block}" if r.block else "")
        print(head + (f": {r.reason}" if r.reason else ""))
        if r.plan and r.plan.trades:
            s = r.plan.summary
            print(f"  NAV {s.nav:,.2f}, one-way turnover {s.turnover:.2%}, estimated cost {s.estimated_cost:,.2f}")
            for t in r.plan.trades:
                print(f"  sell {t.sell_token} -> buy {t.buy_token}: value {t.expected_value_in:,.2f} -> "
                      f"{t.expected_value_out:,.2f}, impact {t.price_impact:.3%}")
        if r.tx_hash:
            print(f"  tx {r.tx_hash}, gas {r.gas_used:,}")
        if r.executed:
            value_in = sum(e[2] for e in r.executed)
            value_out = sum(e[3] for e in r.executed)
            print(f"  executed {len(r.executed)} trade(s): {value_in:,.2f} sold for {value_out:,.2f} at reference "
                  f"prices, {1 - value_out / value_in:.3%} paid in fees and slippage")


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    keeper = build_keeper(args)
    if args.metrics_port is not None:
        keeper.metrics.serve(args.metrics_port)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    mode = "dry-run" if args.dry_run else "run"
    while True:
        print_reports(keeper.cycle(mode))
        if args.once or stop.wait(args.interval):
            return 0
