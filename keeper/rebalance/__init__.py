"""Rebalancing decisions shared by the live keeper and the backtester.

* :mod:`keeper.rebalance.triggers` -- when to rebalance: :class:`Never`, :class:`Calendar`,
  :class:`RelativeDrift`, :class:`AbsoluteBand`, :class:`AnyOf`, and
  :func:`should_rebalance` returning a :class:`Decision`.
* :mod:`keeper.rebalance.costs` -- what a rebalance costs: :class:`CostModel` (fee bps +
  constant-product slippage with pool depth derived from daily volume), :func:`trade_costs`
  and :func:`rebalance_to` (trade to target weights, paying costs out of the portfolio).
"""

from keeper.rebalance.costs import CostModel, TradeCosts, pool_depth, rebalance_to, slippage, trade_costs
from keeper.rebalance.triggers import (
    PERIODS,
    AbsoluteBand,
    AnyOf,
    Calendar,
    Decision,
    Never,
    RelativeDrift,
    Trigger,
    parse_trigger,
    relative_drift,
    should_rebalance,
    trigger_from_dict,
)

__all__ = [
    "AbsoluteBand", "AnyOf", "Calendar", "CostModel", "Decision", "Never", "PERIODS", "RelativeDrift",
    "TradeCosts", "Trigger", "parse_trigger", "pool_depth", "rebalance_to", "relative_drift", "should_rebalance",
    "slippage", "trade_costs", "trigger_from_dict",
]
