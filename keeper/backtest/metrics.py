"""The comparison table's numbers for one backtest.

Return and risk figures come from :func:`analytics.metrics.performance.performance_metrics`
(the project's single definition; see its module docstring) on the daily NAV, 365 periods a
year, risk-free rate 0: CAGR, annualised volatility, Sharpe, Sortino (downside deviation over
all days), max drawdown (positive fraction) and Calmar (CAGR / max drawdown).

Added here, from the backtest's books:

* ``turnover``  -- one-way turnover per year: sum over trades of |value| / (2 x NAV before
  the trades), divided by the years simulated (days / 365); the initial allocation is
  excluded, delisting sales are included (a sale of 10 % of NAV counts 5 %);
* ``trading_costs`` -- fees + slippage of every trade (delisting sales included), and
  ``management_fees``; both in USD and as a fraction of the starting capital;
* ``rebalances`` -- days with rebalance trades, the initial allocation excluded;
  ``skipped`` -- rebalances the keeper refused (see the events).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from analytics.metrics.performance import performance_metrics
from keeper.backtest.result import BacktestResult

TABLE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    # (field, header, format: pct | num | int)
    ("cagr", "CAGR", "pct"),
    ("volatility", "Vol", "pct"),
    ("sharpe", "Sharpe", "num"),
    ("sortino", "Sortino", "num"),
    ("max_drawdown", "MaxDD", "pct"),
    ("calmar", "Calmar", "num"),
    ("turnover", "Turnover/y", "pct"),
    ("trading_costs_pct", "Costs", "pct"),
    ("management_fees_pct", "Mgmt fee", "pct"),
    ("rebalances", "Rebal", "int"),
)


@dataclass(frozen=True)
class BacktestMetrics:
    """One row of the comparison table (fractions, not percent)."""

    name: str
    methodology: str
    trigger: str
    start: str
    end: str
    days: int
    final_value: float
    total_return: float
    cagr: float
    volatility: float | None
    sharpe: float | None
    sortino: float | None
    max_drawdown: float
    calmar: float | None
    turnover: float
    trading_costs: float
    trading_costs_pct: float
    management_fees: float
    management_fees_pct: float
    rebalances: int
    skipped: int
    delistings: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def compute_metrics(result: BacktestResult) -> BacktestMetrics:
    """Every figure of the module docstring for ``result``."""
    perf = performance_metrics(result.nav_series(), periods_per_year=365)
    days = len(result.nav) - 1
    years = days / 365.0
    fills = sum(1 for e in result.events if e["kind"] == "delisting")
    sale_costs = result.costs["delisting_fee"] + result.costs["delisting_slippage"]
    # NAV just before a sale = the close after it plus what the sale cost
    delisting_turnover = sum(float(abs(v).sum()) / (2.0 * (result.nav[pos] + sale_costs[pos - 1]))
                             for pos, kind, _, v in result.trades if kind == "delisting")
    trading = result.total_cost(("trading_fee", "slippage", "delisting_fee", "delisting_slippage"))
    mgmt = result.total_cost(("management_fee",))
    capital = result.settings.capital
    return BacktestMetrics(
        name=result.name, methodology=result.strategy.methodology_label, trigger=result.strategy.trigger_label,
        start=str(result.dates[0]), end=str(result.dates[-1]), days=days, final_value=float(result.nav[-1]),
        total_return=perf.total_return, cagr=perf.cagr, volatility=perf.volatility, sharpe=perf.sharpe,
        sortino=perf.sortino, max_drawdown=perf.max_drawdown, calmar=perf.calmar,
        turnover=(float(result.turnover.sum()) + delisting_turnover) / years,
        trading_costs=trading, trading_costs_pct=trading / capital, management_fees=mgmt,
        management_fees_pct=mgmt / capital, rebalances=result.rebalances,
        skipped=sum(1 for e in result.events if e["kind"] == "skipped"), delistings=fills)
