"""Benchmark: wall time of a 1,000-token, 5-year daily backtest (monthly and 25 % drift).

Market: the seeded synthetic generator (``keeper.backtest.synthetic``; 1,000 tokens,
1,826 days, listings and delistings included). Strategy: ``market_cap`` weights with a 5 %
token cap and the anomaly screen disabled (the cheapest keeper configuration at this size:
the screen roughly doubles each keeper call), trading costs 30 bps + constant-product
slippage, 1 %/year management fee, $1M capital. Two runs, each with a fresh keeper-call
cache: ``monthly`` (``Calendar("monthly")``) and ``threshold_25`` (``RelativeDrift(0.25)``).

Timed: :func:`keeper.backtest.engine.run_backtest` (daily loop vectorised over tokens + the
keeper's weight computation on rebalance days only: ``compute_weight_vector``, i.e.
``compute_target_weights`` without building the per-token report), best of ``--repeats``. The
one-off preparation (generation, validation and pivoting, the keeper's PreparedMarket) is
timed separately, as are the keeper's share of each run and the rebalance counts.

Writes (merging into an existing file, other keys kept) ``bench/results/backtest.json``::

    {"seconds": {"monthly": s, "threshold_25": s}, "tokens": 1000, "days": 1826,
     "methodology": {...}, "prepare_seconds": {...}, "rebalances": {...},
     "keeper_calls": {...}, "keeper_seconds": {...}, "simulation_seconds": {...}, "meta": {...}}

Run from the repository root:  ``.venv/bin/python bench/bench_backtest.py``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from keeper.backtest.data import MarketData, Universe  # noqa: E402
from keeper.backtest.engine import run_backtest  # noqa: E402
from keeper.backtest.strategy import Settings, Sleeve, Strategy  # noqa: E402
from keeper.backtest.synthetic import SyntheticSpec, generate_market  # noqa: E402
from keeper.backtest.targets import TargetCache  # noqa: E402
from keeper.rebalance import Calendar, RelativeDrift  # noqa: E402
from keeper.weights import MethodologyConfig  # noqa: E402

METHODOLOGY = {"methodology": "market_cap", "constraints": {"max_token_weight": 0.05},
               "anomaly": {"enabled": False}}
RUNS = {"monthly": Calendar("monthly"), "threshold_25": RelativeDrift(0.25)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tokens", type=int, default=1000)
    ap.add_argument("--days", type=int, default=1826)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "backtest.json")
    args = ap.parse_args()

    prep: dict[str, float] = {}
    t = time.perf_counter()
    synthetic = generate_market(SyntheticSpec(tokens=args.tokens, days=args.days, seed=args.seed))
    prep["generate"] = time.perf_counter() - t
    t = time.perf_counter()
    market = MarketData(synthetic.frame, synthetic.metadata, source="synthetic")
    prep["validate_and_pivot"] = time.perf_counter() - t
    config = MethodologyConfig.from_dict(METHODOLOGY)
    t = time.perf_counter()
    market.prepared(Universe(), config.repair)
    prep["keeper_prepare_market"] = time.perf_counter() - t

    seconds, rebalances, calls, keeper_s, sim_s = {}, {}, {}, {}, {}
    for name, trigger in RUNS.items():
        strategy = Strategy(name, (Sleeve("main", config, trigger),))
        best = None
        for _ in range(args.repeats):
            t = time.perf_counter()
            result = run_backtest(market, strategy, Settings(), cache=TargetCache(market))
            wall = time.perf_counter() - t
            if best is None or wall < best[0]:
                best = (wall, result)
        wall, result = best
        seconds[name] = round(wall, 3)
        rebalances[name] = result.rebalances
        calls[name] = result.weight_calls
        keeper_s[name] = round(result.weight_seconds, 3)
        sim_s[name] = round(wall - result.weight_seconds, 3)
        print(f"{name:>13}: {wall:.3f} s  ({result.rebalances} rebalances, {result.weight_calls} keeper calls "
              f"= {result.weight_seconds:.3f} s, simulation {wall - result.weight_seconds:.3f} s)", flush=True)

    out = json.loads(args.out.read_text()) if args.out.exists() else {}
    out.update({
        "seconds": seconds, "tokens": args.tokens, "days": args.days,
        "methodology": {**METHODOLOGY, "note": "market_cap, 5% token cap, anomaly screen off, every token eligible"},
        "prepare_seconds": {k: round(v, 3) for k, v in prep.items()},
        "rebalances": rebalances, "keeper_calls": calls, "keeper_seconds": keeper_s, "simulation_seconds": sim_s,
        "meta": {"timing": f"best of {args.repeats}; fresh keeper-call cache per run; preparation excluded",
                 "seed": args.seed, "python": platform.python_version(), "machine": platform.machine(),
                 "cpus": os.cpu_count()},
    })
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n")
    print(f"prepare: {', '.join(f'{k} {v:.2f} s' for k, v in prep.items())}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
