"""Backtest metrics on hand cases: turnover, costs, rebalance counts; return stats from analytics."""

from __future__ import annotations

import numpy as np
import pytest

from analytics.metrics.performance import performance_metrics
from keeper.backtest.engine import run_backtest
from keeper.backtest.metrics import compute_metrics
from keeper.backtest.strategy import Settings, Sleeve, Strategy
from keeper.rebalance import Calendar, Never
from keeper.weights import AnomalyConfig, MethodologyConfig
from tests.backtest.conftest import hand_market

TOKENS = {"A": ("L1", "conservative"), "B": ("DeFi", "balanced")}
EQUAL = MethodologyConfig("equal", lookback_days=5, anomaly=AnomalyConfig(enabled=False))


def _jump_market(days: int = 70):
    b = np.ones(days)
    b[20:] = 2.0  # B doubles on 2024-01-21
    return hand_market({"A": np.ones(days), "B": b}, TOKENS, volume=1e12)


def test_metrics__one_rebalance_after_a_doubling__turnover_is_one_sixth_per_period():
    result = run_backtest(_jump_market(), Strategy("eq", (Sleeve("main", EQUAL, Calendar("monthly")),)),
                          Settings(management_fee_bps=0))
    m = compute_metrics(result)
    # weights 1/3, 2/3 back to 1/2, 1/2 on Feb 1: one-way turnover (1/6 + 1/6) / 2; March 1 trades nothing
    assert m.rebalances == 1
    assert m.turnover == pytest.approx((1 / 6) / (m.days / 365), rel=1e-3)
    assert m.management_fees == 0.0
    assert m.trading_costs == pytest.approx(result.total_cost(), rel=1e-12)
    assert m.trading_costs_pct == pytest.approx(m.trading_costs / 1e6)
    # 30 bps of everything traded (slippage is negligible against 1e12 of daily volume)
    traded = result.trades_frame()["value"].abs().sum()
    assert traded == pytest.approx(1e6 + 1.5e6 / 3, rel=1e-2)  # 1e6 bought, then 2 x 1/6 of the 1.5e6 NAV
    assert m.trading_costs == pytest.approx(0.003 * traded, rel=1e-3)


def test_metrics__buy_and_hold__has_no_turnover_and_no_rebalance():
    result = run_backtest(_jump_market(), Strategy("bh", (Sleeve("main", EQUAL, Never()),)), Settings())
    m = compute_metrics(result)
    assert m.rebalances == 0 and m.turnover == 0.0 and m.skipped == 0 and m.delistings == 0
    # half the portfolio doubled: total return 50% less costs and fees
    assert m.total_return == pytest.approx(0.5, abs=0.01)


def test_metrics__return_and_risk_figures__are_the_analytics_definitions():
    result = run_backtest(_jump_market(), Strategy("eq", (Sleeve("main", EQUAL, Calendar("weekly")),)), Settings())
    m, perf = compute_metrics(result), performance_metrics(result.nav_series(), periods_per_year=365)
    assert (m.cagr, m.volatility, m.sharpe, m.sortino, m.max_drawdown, m.calmar) == (
        perf.cagr, perf.volatility, perf.sharpe, perf.sortino, perf.max_drawdown, perf.calmar)
    assert m.final_value == result.nav[-1] and m.days == len(result.nav) - 1


def test_metrics__delisting_sale__counts_in_turnover_and_delistings():
    days = 80
    market = hand_market({"A": np.ones(days), "B": np.linspace(1.0, 1.5, days)}, TOKENS, last={"B": 50}, volume=1e12)
    result = run_backtest(market, Strategy("bh", (Sleeve("main", EQUAL, Never()),)), Settings(management_fee_bps=0))
    m = compute_metrics(result)
    # day 51 (held[50]) is B's first day without data: held at its last price, then sold
    share = result.held[50, 1] / (result.held[50].sum() + result.cash_held[50])
    assert m.delistings == 1 and m.rebalances == 0
    assert m.turnover == pytest.approx(share / 2 / (m.days / 365), rel=1e-6)
