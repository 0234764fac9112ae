"""Benchmark: wall time of capped risk-parity and minimum-variance target weights.

For 100, 500 and 2,000 synthetic tokens over 1,095 days (3 years) of daily data, times
``keeper.weights.compute_target_weights`` on a PreparedMarket (prepared once, as a
backtester would), i.e. snapshot + anomaly screen + Ledoit-Wolf covariance over the full
3-year window + optimisation + shared constraints (5% token cap, which binds because the
universe contains a few low-volatility stablecoins) + input hash. Best of 3 runs.

Results are merged into ``bench/results/keeper.json`` (other keys in that file are kept)::

    {"weights_seconds": {"risk_parity": {"100": s, "500": s, "2000": s}, "min_variance": {...}},
     "weights_prepare_seconds": {...}, "weights_meta": {"timing": "best of 3 ...", ...},
     "weights_reference": {...}}

Optional reference: if a separate virtualenv with PyPortfolioOpt exists (default
``bench/.venv-ref``; create it with ``python3 -m venv bench/.venv-ref &&
bench/.venv-ref/bin/pip install numpy pandas pyportfolioopt``), the same capped
minimum-variance problems (same covariance matrices) are solved there in a subprocess and
compared: seconds, ratio (reference / keeper optimiser) and max |weight difference|.
PyPortfolioOpt has no equal-risk-contribution solver, so risk parity has no reference.

Run from the repository root:  ``.venv/bin/python bench/bench_keeper_weights.py``
Options: ``--sizes 100 500 2000``, ``--ref-python PATH`` (or ``none``), ``--out PATH``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DAYS = 1095
CAP = 0.05
SEED = 7
REPEATS = 3


def synthetic_market(n_tokens: int, days: int = DAYS, seed: int = SEED):
    """Long table + metadata: market and sector factors, 3 near-pegged stablecoins."""
    import numpy as np
    import pandas as pd

    from keeper.market import SECTORS, TokenMetadata

    rng = np.random.default_rng(seed + n_tokens)
    risky_sectors = [s for s in SECTORS if s != "stablecoin"]
    market = rng.normal(0.0003, 0.03, size=days)
    sector_f = rng.normal(0.0, 0.015, size=(days, len(risky_sectors)))
    symbols = [f"T{i:04d}" for i in range(n_tokens)]
    n_stable = 3
    returns = np.empty((days, n_tokens))
    records = []
    for j, sym in enumerate(symbols):
        if j < n_stable:
            returns[:, j] = rng.normal(0.0, 0.0002, size=days)
            sector, tier = "stablecoin", "conservative"
        else:
            k = j % len(risky_sectors)
            beta = rng.uniform(0.6, 1.6)
            returns[:, j] = beta * market + sector_f[:, k] + rng.normal(0.0, rng.uniform(0.01, 0.06), size=days)
            sector = risky_sectors[k]
            tier = ("conservative", "balanced", "aggressive")[j % 3]
        records.append({"symbol": sym, "name": sym, "sector": sector, "risk_tier": tier, "chains": ["home"]})
    returns[0] = 0.0
    prices = 10.0 * np.exp(np.cumsum(returns, axis=0))
    supply = rng.uniform(1e6, 1e9, size=n_tokens)
    volume = prices * supply * 0.05 * np.exp(rng.normal(0.0, 0.25, size=(days, n_tokens)))
    dates = pd.date_range("2022-01-01", periods=days, freq="D").strftime("%Y-%m-%d")
    frame = pd.DataFrame({
        "date": np.repeat(dates.to_numpy(), n_tokens), "token": np.tile(symbols, days),
        "price": prices.ravel(), "market_cap": (prices * supply).ravel(), "volume": volume.ravel()})
    return frame, TokenMetadata.from_records(records)


def config_for(methodology: str):
    from keeper.weights import MethodologyConfig

    return MethodologyConfig.from_dict({"methodology": methodology, "lookback_days": DAYS - 1,
                                        "constraints": {"max_token_weight": CAP}})


def best_of(fn, repeats: int = REPEATS) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def run_keeper(sizes: list[int]) -> tuple[dict, dict, dict, dict]:
    import numpy as np

    from keeper.market import prepare_market
    from keeper.weights import compute_target_weights, min_variance_weights
    from keeper.weights.methodology import MethodologyInput

    seconds: dict = {"risk_parity": {}, "min_variance": {}}
    prepare: dict = {}
    info: dict = {"risk_parity": {}, "min_variance": {}}
    problems: dict = {}
    for n in sizes:
        frame, metadata = synthetic_market(n)
        t0 = time.perf_counter()
        prepared = prepare_market(frame, metadata)
        prepare[str(n)] = round(time.perf_counter() - t0, 4)
        for meth in ("risk_parity", "min_variance"):
            cfg = config_for(meth)
            secs, result = best_of(lambda p=prepared, m=metadata, c=cfg: compute_target_weights(p, m, c))
            w = np.array(list(result.weights.values()))
            seconds[meth][str(n)] = round(secs, 4)
            info[meth][str(n)] = {"held": int(w.size), "at_cap": int(np.sum(w >= CAP - 1e-9)),
                                  "excluded": len(result.exclusions)}
            print(f"{meth:>13} n={n:>5}: {secs:.3f}s (held {w.size}, at cap {info[meth][str(n)]['at_cap']})",
                  flush=True)
        # the exact min-variance problem of the pipeline, for the reference comparison
        snap = prepared.snapshot(None, DAYS)
        inp = MethodologyInput(snap.tokens, snap.price, snap.market_cap[-1], DAYS - 1, None, CAP)
        cov = inp.covariance.matrix
        opt_secs, w_ours = best_of(lambda c=cov: min_variance_weights(c, CAP))
        problems[str(n)] = {"cov": cov, "ours": w_ours, "ours_seconds": opt_secs}
    return seconds, prepare, info, problems


def run_reference(ref_python: str, problems: dict) -> dict:
    import numpy as np

    with tempfile.TemporaryDirectory() as tmp:
        npz = Path(tmp) / "problems.npz"
        np.savez(npz, **{f"cov_{n}": p["cov"] for n, p in problems.items()})
        out = Path(tmp) / "ref.json"
        cmd = [ref_python, str(Path(__file__).resolve()), "--reference-worker", str(npz), str(out), str(CAP)]
        subprocess.run(cmd, check=True, timeout=3600)
        ref = json.loads(out.read_text())
    seconds = {n: round(r["seconds"], 4) for n, r in ref["results"].items()}
    ours = {n: round(problems[n]["ours_seconds"], 4) for n in ref["results"]}
    diff = {n: float(np.max(np.abs(np.array(r["weights"]) - problems[n]["ours"]))) for n, r in ref["results"].items()}
    return {"min_variance": {
        "library": ref["library"], "solver": ref["solver"], "problem": f"long-only min variance, cap {CAP}, "
        "same Ledoit-Wolf covariance as the keeper pipeline; optimiser time only",
        "seconds": seconds, "keeper_optimiser_seconds": ours,
        "ratio": {n: round(seconds[n] / max(ours[n], 1e-9), 2) for n in seconds},
        "max_abs_weight_diff": {n: float(f"{d:.3g}") for n, d in diff.items()}},
        "risk_parity": {"library": ref["library"], "available": False,
                        "note": "PyPortfolioOpt has no equal-risk-contribution optimiser"}}


def reference_worker(npz_path: str, out_path: str, cap: float) -> None:
    """Runs inside the reference virtualenv: solve each problem with PyPortfolioOpt."""
    import numpy as np
    import pypfopt
    from pypfopt import EfficientFrontier

    data = np.load(npz_path)
    results = {}
    solver = None
    for key in sorted(data.files, key=lambda k: int(k.split("_")[1])):
        cov = data[key]
        best, weights = float("inf"), None
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            ef = EfficientFrontier(None, cov, weight_bounds=(0.0, cap))
            raw = ef.min_volatility()
            best = min(best, time.perf_counter() - t0)
            weights = [raw[i] for i in range(cov.shape[0])]
            solver = getattr(ef, "_solver", None) or "cvxpy default"
        results[key.split("_")[1]] = {"seconds": best, "weights": weights}
        print(f"  reference n={key.split('_')[1]}: {best:.3f}s", flush=True)
    Path(out_path).write_text(json.dumps({"library": f"PyPortfolioOpt {pypfopt.__version__}",
                                          "solver": str(solver), "results": results}))


def merge_results(path: Path, update: dict) -> None:
    existing = {}
    if path.exists():
        try:
            existing = json.loads(path.read_text())
        except ValueError:
            existing = {}
    existing.update(update)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(existing, indent=2, sort_keys=True) + "\n")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--reference-worker":
        reference_worker(sys.argv[2], sys.argv[3], float(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 2000])
    parser.add_argument("--ref-python", default=str(ROOT / "bench" / ".venv-ref" / "bin" / "python"))
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "keeper.json"))
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    import numpy as np

    seconds, prepare, info, problems = run_keeper(args.sizes)
    update = {
        "weights_seconds": seconds,
        "weights_prepare_seconds": prepare,
        "weights_meta": {"timing": f"best of {REPEATS} runs, wall clock, compute_target_weights on a prepared "
                                   "market (covariance + optimisation + constraints + anomaly screen + hash); "
                                   "weights_prepare_seconds is the one-off validation + pivot + hash chain",
                         "days": DAYS, "lookback_days": DAYS - 1, "max_token_weight": CAP,
                         "numpy": np.__version__, "python": platform.python_version(),
                         "cpus": os.cpu_count(), "result_shape": info},
    }
    if args.ref_python != "none" and Path(args.ref_python).exists():
        try:
            update["weights_reference"] = run_reference(args.ref_python, problems)
        except (subprocess.SubprocessError, OSError, ValueError, KeyError) as exc:
            update["weights_reference"] = {"error": f"reference run failed: {exc}"}
    else:
        update["weights_reference"] = {"available": False,
                                       "note": f"no reference interpreter at {args.ref_python}"}
    merge_results(Path(args.out), update)
    print(json.dumps(update, indent=2))


if __name__ == "__main__":
    main()
