"""NAV metrics against hand computations: nav 100, 110, 99, 108.9 gives returns +10%, -10%, +10%."""

import math

import numpy as np
import pandas as pd
import pytest

from analytics.exceptions import AnalyticsInputError, InsufficientDataError
from analytics.metrics.performance import (compare_to_benchmark, drawdown_series, historical_cvar, historical_var,
                                           performance_metrics, resample_daily, simple_returns)


def series(values, start="2024-01-01"):
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="D"), dtype=float)


@pytest.fixture
def nav():
    return series([100.0, 110.0, 99.0, 108.9])


def test_returns__per_sample(nav):
    assert simple_returns(nav).to_list() == pytest.approx([0.1, -0.1, 0.1])


def test_total_return_and_cagr__hand_computed(nav):
    m = performance_metrics(nav)
    assert m.periods == 3
    assert m.total_return == pytest.approx(0.089)
    assert m.cagr == pytest.approx(1.089 ** (365 / 3) - 1)


def test_volatility__ddof_1_annualised_with_365(nav):
    # mean 1/30; deviations 1/15, -2/15, 1/15 -> variance (1 + 4 + 1) / 225 / 2 = 1/75
    assert performance_metrics(nav).volatility == pytest.approx(math.sqrt(1 / 75) * math.sqrt(365))


def test_sharpe__hand_computed_at_365_periods(nav):
    assert performance_metrics(nav).sharpe == pytest.approx((1 / 30) / math.sqrt(1 / 75) * math.sqrt(365))
    assert performance_metrics(nav).sharpe == pytest.approx(5.5151, abs=1e-4)  # sqrt(75 * 365) / 30


def test_sharpe__annual_risk_free_is_taken_per_period(nav):
    m = performance_metrics(nav, risk_free=0.0365)  # 0.0001 per period
    assert m.sharpe == pytest.approx((1 / 30 - 0.0001) / math.sqrt(1 / 75) * math.sqrt(365))


def test_sortino__downside_deviation_over_all_periods(nav):
    # min(r, 0) = 0, -0.1, 0 -> DD = sqrt(0.01 / 3): the two gains count as zeros
    m = performance_metrics(nav)
    assert m.sortino == pytest.approx((1 / 30) / math.sqrt(0.01 / 3) * math.sqrt(365))
    assert m.downside_deviation == pytest.approx(math.sqrt(0.01 / 3) * math.sqrt(365))


def test_max_drawdown__depth_peak_and_trough(nav):
    m = performance_metrics(nav)
    assert m.max_drawdown == pytest.approx(0.1)
    assert m.peak == pd.Timestamp("2024-01-02") and m.trough == pd.Timestamp("2024-01-03")
    assert m.recovery is None


def test_max_drawdown__recovery_date_and_latest_peak():
    m = performance_metrics(series([100.0, 120.0, 110.0, 120.0, 90.0, 125.0]))
    assert m.max_drawdown == pytest.approx(0.25)
    assert m.peak == pd.Timestamp("2024-01-04")  # the running high was last set on day 4
    assert (m.trough, m.recovery) == (pd.Timestamp("2024-01-05"), pd.Timestamp("2024-01-06"))


def test_max_drawdown__none_when_only_rising():
    m = performance_metrics(series([1.0, 1.1, 1.3]))
    assert (m.max_drawdown, m.peak, m.trough, m.calmar) == (0.0, None, None, None)


def test_calmar__cagr_over_max_drawdown(nav):
    m = performance_metrics(nav)
    assert m.calmar == pytest.approx((1.089 ** (365 / 3) - 1) / 0.1)


def test_var_cvar__hand_computed_linear_quantile():
    r = [0.04, -0.02, 0.01, -0.05, 0.03]
    # sorted: -0.05, -0.02, ...; 5% quantile at position 0.2: -0.05 + 0.2 * 0.03 = -0.044
    assert historical_var(r) == pytest.approx(0.044)
    assert historical_cvar(r) == pytest.approx(0.05)  # only -0.05 is at or below -0.044


def test_var_cvar__ties_in_the_tail():
    r = [-0.1, 0.0, -0.1, 0.1]
    assert historical_var(r) == pytest.approx(0.1)
    assert historical_cvar(r) == pytest.approx(0.1)


def test_var_cvar__of_the_nav_returns(nav):
    m = performance_metrics(nav)
    # returns 0.1, -0.1, 0.1: quantile position 0.1 -> -0.1 + 0.1 * 0.2 = -0.08
    assert m.var_95 == pytest.approx(0.08)
    assert m.cvar_95 == pytest.approx(0.1)


def test_fewer_than_two_points__clear_error():
    with pytest.raises(InsufficientDataError, match="at least 2 points"):
        performance_metrics(series([1.0]))
    with pytest.raises(InsufficientDataError):
        simple_returns(pd.Series([], dtype=float))


def test_two_points__dispersion_metrics_are_none():
    m = performance_metrics(series([1.0, 1.1]))
    assert m.total_return == pytest.approx(0.1)
    assert (m.volatility, m.sharpe, m.sortino) == (None, None, None)


def test_zero_volatility__sharpe_none_not_inf():
    flat = performance_metrics(series([1.0, 1.0, 1.0, 1.0]))
    assert flat.volatility == 0.0 and flat.sharpe is None and flat.sortino is None
    steady = performance_metrics(series([1.01 ** k for k in range(10)]))  # float noise only
    assert steady.sharpe is None and steady.sortino is None


def test_irregular_unsorted_index__sorted_and_per_sample():
    s = pd.Series([110.0, 100.0, 121.0], index=pd.to_datetime(["2024-01-02", "2024-01-01", "2024-01-10"]))
    assert simple_returns(s).to_list() == pytest.approx([0.1, 0.1])
    daily = resample_daily(s)
    assert len(daily) == 10 and daily.loc["2024-01-09"] == 110.0


@pytest.mark.parametrize("bad", [[1.0, 0.0, 1.0], [1.0, -2.0], [1.0, np.nan, 1.2], [1.0, np.inf]])
def test_nav__rejects_non_positive_or_missing_values_naming_the_date(bad):
    with pytest.raises(AnalyticsInputError, match="2024-01-0"):
        performance_metrics(series(bad))


def test_nav__rejects_duplicate_timestamps():
    s = pd.Series([1.0, 1.1], index=pd.to_datetime(["2024-01-01", "2024-01-01"]))
    with pytest.raises(AnalyticsInputError, match="duplicate"):
        performance_metrics(s)


def test_drawdown_series__relative_to_running_high(nav):
    assert drawdown_series(nav).to_list() == pytest.approx([0.0, 0.0, -0.1, -0.01])


def test_compare_to_benchmark__beta_tracking_error_and_excess():
    rb = np.array([0.01, -0.02, 0.03, 0.005])
    bench = series(100 * np.cumprod(np.r_[1.0, 1 + rb]))
    port = series(100 * np.cumprod(np.r_[1.0, 1 + 2 * rb]))
    c = compare_to_benchmark(port, bench)
    assert c.beta == pytest.approx(2.0)
    assert c.tracking_error == pytest.approx(np.std(rb, ddof=1) * math.sqrt(365))
    assert c.excess_return == pytest.approx(c.portfolio.total_return - c.benchmark.total_return)
    assert c.benchmark.total_return == pytest.approx(np.prod(1 + rb) - 1)
    assert c.information_ratio == pytest.approx(np.mean(rb) / np.std(rb, ddof=1) * math.sqrt(365))


def test_compare_to_benchmark__uses_common_dates_only(nav):
    bench = series([50.0, 51.0, 52.0, 53.0, 54.0, 55.0], start="2023-12-30")
    c = compare_to_benchmark(nav, bench)
    assert c.portfolio.periods == c.benchmark.periods == 3
    assert c.benchmark.total_return == pytest.approx(55.0 / 52.0 - 1)


def test_compare_to_benchmark__flat_benchmark_has_no_beta(nav):
    c = compare_to_benchmark(nav, series([1.0] * 4))
    assert c.beta is None and c.benchmark.sharpe is None


def test_compare_to_benchmark__needs_two_common_points(nav):
    with pytest.raises(InsufficientDataError, match="share 1"):
        compare_to_benchmark(nav, series([1.0, 2.0], start="2024-01-04"))
