"""The methodology lab: backtest keeper methodologies with rebalancing triggers, costs and fees.

Every rebalance decision is the keeper's own :func:`keeper.weights.compute_target_weights`
computation (as of the day before the trade; called as :func:`keeper.weights.compute_weight_vector`,
which skips the per-token audit report) and :mod:`keeper.rebalance` (triggers, cost model), so
what is tested here is what the live keeper runs.

* :mod:`~keeper.backtest.synthetic` -- seeded synthetic market (documented model);
* :mod:`~keeper.backtest.loaders`   -- long CSV, CoinGecko CSV exports, the HTTP source;
* :mod:`~keeper.backtest.data`      -- :class:`MarketData` (validated arrays + prepared markets),
  :class:`Universe`;
* :mod:`~keeper.backtest.strategy`  -- :class:`Strategy` / :class:`Sleeve` / :class:`Settings`,
  configuration files;
* :mod:`~keeper.backtest.presets`   -- tier profiles, barbell, core-satellite, risk parity,
  benchmarks;
* :mod:`~keeper.backtest.engine`    -- :func:`run_backtest` (timing, costs, listings rules);
* :mod:`~keeper.backtest.metrics`, :mod:`~keeper.backtest.report`, :mod:`~keeper.backtest.runner`
  -- the comparison table, files and HTML page; ``keeper backtest`` is the command.
"""

from keeper.backtest.data import MarketData, Universe
from keeper.backtest.engine import run_backtest, warmup_days
from keeper.backtest.loaders import load_coingecko, load_csv, load_metadata, load_synthetic
from keeper.backtest.metrics import BacktestMetrics, compute_metrics
from keeper.backtest.presets import PRESETS, preset, presets_from_spec
from keeper.backtest.report import format_table, write_report
from keeper.backtest.result import BacktestResult
from keeper.backtest.runner import Comparison, run_comparison
from keeper.backtest.strategy import Settings, Sleeve, Strategy, load_strategies, strategy_from_dict
from keeper.backtest.synthetic import SyntheticMarket, SyntheticSpec, generate_market

__all__ = [
    "BacktestMetrics", "BacktestResult", "Comparison", "MarketData", "PRESETS", "Settings", "Sleeve", "Strategy",
    "SyntheticMarket", "SyntheticSpec", "Universe", "compute_metrics", "format_table", "generate_market",
    "load_coingecko", "load_csv", "load_metadata", "load_strategies", "load_synthetic", "preset",
    "presets_from_spec", "run_backtest", "run_comparison", "strategy_from_dict", "warmup_days", "write_report",
]
