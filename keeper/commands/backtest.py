"""``keeper backtest``: compare methodologies and rebalancing rules on historical or synthetic data.

Examples::

    keeper backtest --synthetic --seed 7 --tokens 24 --days 1095 --presets all
    keeper backtest --csv examples/market/sample_market.csv --metadata examples/market/tokens.json \\
        --config examples/backtest/configs.json --out reports/backtest
    keeper backtest --coingecko wrapped-bitcoin,weth,usd-coin --metadata examples/market/tokens.json \\
        --days 730 --cache .cache/coingecko --presets moderate,market_cap

Prints the comparison table on stdout and the path of the HTML page; progress goes to
stderr. Data, configuration and constraint problems exit with status 2 and one clear message.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from keeper.backtest.loaders import load_coingecko, load_csv, load_metadata, load_synthetic
from keeper.backtest.presets import PRESETS, presets_from_spec
from keeper.backtest.report import format_table, write_report
from keeper.backtest.runner import run_comparison, stderr_progress
from keeper.backtest.strategy import Settings, Strategy, load_strategies
from keeper.backtest.synthetic import SyntheticSpec
from keeper.exceptions import ConfigError
from keeper.market import RepairPolicy
from keeper.rebalance import CostModel


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "backtest", help="compare methodologies and rebalancing rules on historical or synthetic data",
        description="Backtest keeper methodologies with rebalancing triggers, trading costs and a streaming "
                    "management fee; writes a comparison table, charts and an HTML page.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=f"presets: {', '.join(PRESETS)} (append @TRIGGER to change a single-sleeve preset's trigger, "
               "e.g. moderate@drift:0.25)\ntriggers: never, weekly, monthly, quarterly, drift:0.25, band:0.05, "
               "or several joined by '|'")
    data = p.add_mutually_exclusive_group(required=True)
    data.add_argument("--synthetic", action="store_true", help="seeded synthetic market (keeper.backtest.synthetic)")
    data.add_argument("--csv", metavar="PATH", help="long CSV (date,token,price,market_cap,volume) or CoinGecko "
                                                    "per-coin export file(s) (a file or a folder)")
    data.add_argument("--coingecko", metavar="IDS", help="fetch over HTTP: 'all' or comma-separated coingecko ids "
                                                         "or symbols of --metadata")
    p.add_argument("--metadata", metavar="PATH", help="token metadata (.json or .csv); needed with --csv/--coingecko")
    p.add_argument("--seed", type=int, default=7, help="synthetic: random seed (default 7)")
    p.add_argument("--tokens", type=int, default=24, help="synthetic: number of tokens (default 24)")
    p.add_argument("--days", type=int, help="synthetic: days (default 1095); coingecko: history days (default 730)")
    p.add_argument("--cache", metavar="DIR", help="coingecko: on-disk response cache folder")
    p.add_argument("--base-url", default="https://api.coingecko.com/api/v3", help="coingecko: API root or mirror")
    p.add_argument("--min-interval", type=float, default=2.5, help="coingecko: seconds between requests")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--config", metavar="FILE", help="JSON list of configurations (see examples/backtest)")
    which.add_argument("--presets", metavar="LIST", help="'all' (default) or comma-separated preset names")
    p.add_argument("--fee-bps", type=float, default=30.0, help="trading fee per trade, bps (default 30)")
    p.add_argument("--management-fee-bps", type=float, default=100.0, help="management fee per year, bps "
                                                                            "(default 100)")
    p.add_argument("--capital", type=float, default=1_000_000.0, help="starting capital in USD (default 1e6)")
    p.add_argument("--depth-to-volume", type=float, default=1.0,
                   help="pool depth per side as a multiple of daily volume, for slippage (default 1)")
    p.add_argument("--start", metavar="YYYY-MM-DD", help="first decision day (default: when all can decide)")
    p.add_argument("--end", metavar="YYYY-MM-DD", help="last day (default: the last market day)")
    p.add_argument("--out", default="reports/backtest", metavar="DIR", help="output folder (default reports/backtest)")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    p.set_defaults(func=lambda args: run(args))


def _strategies(args: argparse.Namespace) -> list[Strategy]:
    if args.config:
        return load_strategies(args.config)
    return presets_from_spec(args.presets or "all")


def _market(args: argparse.Namespace, repair: RepairPolicy) -> Any:
    if args.synthetic:
        return load_synthetic(SyntheticSpec(tokens=args.tokens, days=args.days or 1095, seed=args.seed), repair)
    if not args.metadata:
        raise ConfigError("--metadata PATH is required with --csv and --coingecko (sectors and risk tiers)")
    metadata = load_metadata(args.metadata)
    if args.csv:
        return load_csv(args.csv, metadata, repair)
    return load_coingecko(metadata, args.coingecko, args.days or 730, args.cache, base_url=args.base_url,
                          min_interval=args.min_interval, repair=repair)


def run(args: argparse.Namespace) -> int:
    strategies = _strategies(args)
    repair = RepairPolicy(max(s.config.repair.max_ffill_days for st in strategies for s in st.sleeves))
    settings = Settings(capital=args.capital, management_fee_bps=args.management_fee_bps,
                        costs=CostModel(fee_bps=args.fee_bps, depth_to_volume=args.depth_to_volume))
    progress = None if args.quiet else stderr_progress
    if progress:
        progress(f"loading market data ({'synthetic' if args.synthetic else args.csv or 'coingecko'}) ...")
    market = _market(args, repair)
    if progress:
        progress(f"market: {market.describe()}; {len(strategies)} strategies")
    comparison = run_comparison(market, strategies, settings, start=args.start, end=args.end, progress=progress)
    files = write_report(args.out, comparison.results, comparison.metrics, comparison.context())
    print(format_table(comparison.metrics))
    print()
    print(f"window: {comparison.context()['window']}")
    print(f"HTML report: {files.html}")
    sys.stdout.flush()
    return 0
