"""Compare many strategies over one market in one run, reporting progress on stderr.

All strategies share the market, the settings and the simulated window: the window starts on
the first day every strategy can decide (the largest warm-up; see
:func:`~keeper.backtest.engine.warmup_days`) or a later ``start`` date, so their numbers are
comparable. Keeper calls are memoised across strategies (identical sleeves on the same day
ask the keeper once).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from keeper.backtest.data import MarketData
from keeper.backtest.engine import run_backtest, warmup_days
from keeper.backtest.metrics import BacktestMetrics, compute_metrics
from keeper.backtest.report import slug
from keeper.backtest.result import BacktestResult
from keeper.backtest.strategy import Settings, Strategy
from keeper.backtest.targets import TargetCache
from keeper.exceptions import ConfigError


def stderr_progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


@dataclass(frozen=True, eq=False)
class Comparison:
    """Results and table rows of one comparison, in the order the strategies were given."""

    market: MarketData
    settings: Settings
    results: tuple[BacktestResult, ...]
    metrics: tuple[BacktestMetrics, ...]
    seconds: float

    def context(self) -> dict[str, str]:
        s = self.settings
        first = self.results[0]
        return {"market": self.market.describe(),
                "window": f"{first.dates[0]} .. {first.dates[-1]} (decisions from {first.dates[1]})",
                "capital": f"{s.capital:,.0f}",
                "trading costs": f"fee {s.costs.fee_bps:g} bps + constant-product slippage, pool depth "
                                 f"{s.costs.depth_to_volume:g} x daily volume",
                "management fee": f"{s.management_fee_bps:g} bps / year, streamed daily",
                "run time": f"{self.seconds:.2f} s"}


def _index_of(market: MarketData, day: date | str, what: str) -> int:
    d = np.datetime64(str(day), "D")
    if not market.dates[0] <= d <= market.dates[-1]:
        raise ConfigError(f"{what} {d} is outside the market data ({market.dates[0]}..{market.dates[-1]})")
    return int((d - market.dates[0]).astype(np.int64))


def run_comparison(market: MarketData, strategies: Sequence[Strategy], settings: Settings,
                   start: date | str | None = None, end: date | str | None = None,
                   progress: Callable[[str], None] | None = stderr_progress) -> Comparison:
    """Backtest every strategy over the common window and compute their metrics."""
    if not strategies:
        raise ConfigError("nothing to compare: give at least one strategy")
    names = [s.name for s in strategies]
    if len({slug(n) for n in names}) != len(names):
        raise ConfigError(f"strategy names must be distinct (also as file names): {names}")
    began = time.perf_counter()
    need = max(warmup_days(s) for s in strategies)
    t0 = need if start is None else max(need, _index_of(market, start, "start"))
    t1 = market.days - 1 if end is None else _index_of(market, end, "end")
    if t0 > t1 - 1:
        raise ConfigError(f"the market has {market.days} days but the strategies need {need} days of history "
                          f"before the first decision; load more history or choose shorter lookbacks")
    cache = TargetCache(market)
    results, rows = [], []
    for k, strategy in enumerate(strategies, start=1):
        if progress:
            progress(f"[{k}/{len(strategies)}] {strategy.name} ({strategy.trigger_label}) ...")
        result = run_backtest(market, strategy, settings, start=t0, end=t1, cache=cache, progress=progress)
        metrics = compute_metrics(result)
        if progress:
            skipped = f", {metrics.skipped} skipped" if metrics.skipped else ""
            progress(f"[{k}/{len(strategies)}] {strategy.name}: {result.seconds:.2f} s, {metrics.rebalances} "
                     f"rebalances{skipped}, {result.weight_calls} keeper calls")
        results.append(result)
        rows.append(metrics)
    return Comparison(market, settings, tuple(results), tuple(rows), time.perf_counter() - began)
