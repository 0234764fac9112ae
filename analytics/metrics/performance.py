"""Return and risk metrics of a NAV-per-share series, alone or against a benchmark.

Conventions (read these before comparing numbers with another tool)
-------------------------------------------------------------------
* Input: a ``pd.Series`` of NAV per share, indexed by timestamp or date, possibly irregular.
  It is sorted by index; duplicates, NaN, non-finite and non-positive values are errors.
* Returns are *per sample*: r_t = NAV_t / NAV_{t-1} - 1 between consecutive observations,
  whatever the time between them. Annualisation multiplies by ``periods_per_year`` (default
  365, i.e. daily samples); resample irregular data first (:func:`resample_daily`) when the
  gaps matter.
* total return = NAV_last / NAV_first - 1; CAGR = (1 + total return)^(periods_per_year / n) - 1,
  with n the number of returns.
* volatility = std(r, ddof=1) * sqrt(periods_per_year).
* ``risk_free`` and ``target`` are *annual* rates, used per period as rate / periods_per_year.
* Sharpe = mean(r - rf_p) / std(r, ddof=1) * sqrt(periods_per_year).
* Sortino = mean(r - t_p) / DD * sqrt(periods_per_year) with the downside deviation
  DD = sqrt(mean(min(r - t_p, 0)^2)) taken over ALL periods (periods above the target count as
  zeros), not only the losing ones.
* A standard deviation (or DD) below 1e-12 per period is treated as zero: the ratio is None,
  never inf.
* Drawdown_t = NAV_t / max(NAV_0..t) - 1 (<= 0); max drawdown is reported as a positive
  fraction, with the peak (latest date the running high was set before the trough), the trough
  and the recovery (first date back at or above the peak; None if not recovered).
* Calmar = CAGR / max drawdown (None when there was no drawdown).
* Historical VaR at 95% = -quantile(r, 5%) (numpy's default linear interpolation);
  CVaR = -mean(r[r <= -VaR]). Both are positive loss fractions; a negative VaR means even the
  5% worst period was a gain.
* Metrics needing a standard deviation need at least 2 returns; with a single return they are None.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from analytics.exceptions import AnalyticsInputError, InsufficientDataError

PERIODS_PER_YEAR = 365
ZERO_DISPERSION = 1e-12


def validate_nav(nav: pd.Series, name: str = "nav") -> pd.Series:
    """Return ``nav`` as a float series sorted by index, or raise naming the offending entry."""
    if not isinstance(nav, pd.Series):
        raise AnalyticsInputError(f"{name} must be a pandas Series, got {type(nav).__name__}")
    if len(nav) < 2:
        raise InsufficientDataError(f"{name} needs at least 2 points to compute returns, got {len(nav)}")
    if nav.index.has_duplicates:
        dup = nav.index[nav.index.duplicated()][0]
        raise AnalyticsInputError(f"{name} has duplicate index entries, e.g. {dup!r}")
    values = pd.to_numeric(nav, errors="coerce").astype(float)
    bad = values[~np.isfinite(values) | (values <= 0)]
    if len(bad):
        label = bad.index[0]
        raise AnalyticsInputError(f"{name} must be finite and positive; at {label!r} got {nav.loc[label]!r}")
    return values.sort_index()


def simple_returns(nav: pd.Series) -> pd.Series:
    """Per-sample simple returns NAV_t / NAV_{t-1} - 1, indexed by the later observation."""
    s = validate_nav(nav)
    return (s / s.shift(1) - 1.0).iloc[1:]


def resample_daily(nav: pd.Series) -> pd.Series:
    """Last NAV of each calendar day, forward-filled over days without an observation."""
    s = validate_nav(nav)
    s.index = pd.DatetimeIndex(pd.to_datetime(s.index))
    return s.resample("D").last().ffill()


def drawdown_series(nav: pd.Series) -> pd.Series:
    """Drawdown at each observation: NAV_t / running max - 1 (0 at new highs, negative below)."""
    s = validate_nav(nav)
    return s / s.cummax() - 1.0


def _as_returns(returns: Any) -> np.ndarray:
    arr = np.asarray(returns if isinstance(returns, (np.ndarray, pd.Series)) else list(returns), dtype=float)
    if arr.size == 0:
        raise InsufficientDataError("no returns given")
    if not np.all(np.isfinite(arr)):
        raise AnalyticsInputError("returns must be finite")
    return arr


def historical_var(returns: Any, confidence: float = 0.95) -> float:
    """Historical value at risk: -quantile(returns, 1 - confidence), linear interpolation."""
    if not 0 < confidence < 1:
        raise AnalyticsInputError(f"confidence must be in (0, 1), got {confidence}")
    return float(-np.quantile(_as_returns(returns), 1.0 - confidence))


def historical_cvar(returns: Any, confidence: float = 0.95) -> float:
    """Historical conditional VaR: -mean of the returns at or below -VaR."""
    arr = _as_returns(returns)
    cutoff = -historical_var(arr, confidence)
    # The interpolated quantile lies between min(arr) and max(arr), so the tail is never empty.
    return float(-arr[arr <= cutoff].mean())


@dataclass(frozen=True)
class PerformanceMetrics:
    """Metrics of one NAV series; see the module docstring for every formula."""

    start: Any
    end: Any
    periods: int
    total_return: float
    cagr: float
    volatility: float | None
    sharpe: float | None
    sortino: float | None
    downside_deviation: float | None
    max_drawdown: float
    peak: Any | None
    trough: Any | None
    recovery: Any | None
    calmar: float | None
    var_95: float
    cvar_95: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _max_drawdown(s: pd.Series) -> tuple[float, Any, Any, Any]:
    dd = s / s.cummax() - 1.0
    trough_pos = int(np.argmin(dd.to_numpy()))
    depth = float(-dd.iloc[trough_pos])
    if depth <= 0:
        return 0.0, None, None, None
    before = s.iloc[: trough_pos + 1]
    peak_value = before.max()
    peak_pos = int(np.flatnonzero(before.to_numpy() == peak_value)[-1])
    after = s.iloc[trough_pos + 1:]
    recovered = after[after >= peak_value]
    recovery = recovered.index[0] if len(recovered) else None
    return depth, s.index[peak_pos], s.index[trough_pos], recovery


def performance_metrics(nav: pd.Series, *, periods_per_year: int = PERIODS_PER_YEAR, risk_free: float = 0.0,
                        target: float = 0.0) -> PerformanceMetrics:
    """Every metric of the module docstring for one NAV-per-share series."""
    if periods_per_year <= 0:
        raise AnalyticsInputError(f"periods_per_year must be positive, got {periods_per_year}")
    s = validate_nav(nav)
    r = (s / s.shift(1) - 1.0).iloc[1:].to_numpy()
    n = r.size
    total = float(s.iloc[-1] / s.iloc[0] - 1.0)
    cagr = float((1.0 + total) ** (periods_per_year / n) - 1.0)
    root = math.sqrt(periods_per_year)
    vol = sharpe = sortino = dd_ann = None
    if n >= 2:
        std = float(np.std(r, ddof=1))
        vol = std * root
        if std > ZERO_DISPERSION:
            sharpe = float(np.mean(r - risk_free / periods_per_year)) / std * root
        below = np.minimum(r - target / periods_per_year, 0.0)
        downside = math.sqrt(float(np.mean(below * below)))
        dd_ann = downside * root
        if downside > ZERO_DISPERSION:
            sortino = float(np.mean(r - target / periods_per_year)) / downside * root
    depth, peak, trough, recovery = _max_drawdown(s)
    return PerformanceMetrics(
        start=s.index[0], end=s.index[-1], periods=n, total_return=total, cagr=cagr, volatility=vol,
        sharpe=sharpe, sortino=sortino, downside_deviation=dd_ann, max_drawdown=depth, peak=peak,
        trough=trough, recovery=recovery, calmar=cagr / depth if depth > 0 else None,
        var_95=historical_var(r), cvar_95=historical_cvar(r))


@dataclass(frozen=True)
class BenchmarkComparison:
    """A portfolio against a benchmark over their common observations.

    @param tracking_error    std(r_p - r_b, ddof=1) * sqrt(periods_per_year) (None with < 2 returns)
    @param beta              cov(r_p, r_b) / var(r_b), ddof=1 (None when the benchmark is flat)
    @param excess_return     total return of the portfolio minus the benchmark's
    @param excess_cagr       CAGR of the portfolio minus the benchmark's
    @param information_ratio mean(r_p - r_b) / std(r_p - r_b) * sqrt(periods_per_year), or None
    """

    portfolio: PerformanceMetrics
    benchmark: PerformanceMetrics
    tracking_error: float | None
    beta: float | None
    excess_return: float
    excess_cagr: float
    information_ratio: float | None

    def to_dict(self) -> dict[str, Any]:
        return {"portfolio": self.portfolio.to_dict(), "benchmark": self.benchmark.to_dict(),
                "tracking_error": self.tracking_error, "beta": self.beta, "excess_return": self.excess_return,
                "excess_cagr": self.excess_cagr, "information_ratio": self.information_ratio}


def compare_to_benchmark(nav: pd.Series, benchmark: pd.Series, *, periods_per_year: int = PERIODS_PER_YEAR,
                         risk_free: float = 0.0, target: float = 0.0) -> BenchmarkComparison:
    """Metrics of ``nav`` and ``benchmark`` on their common index, plus relative metrics.

    Both series are restricted to the timestamps they share, so both sets of metrics cover the
    same periods; fewer than 2 common points is an error.
    """
    p = validate_nav(nav, "nav")
    b = validate_nav(benchmark, "benchmark")
    common = p.index.intersection(b.index)
    if len(common) < 2:
        raise InsufficientDataError(f"nav and benchmark share {len(common)} timestamp(s); at least 2 are needed")
    p, b = p.loc[common].sort_index(), b.loc[common].sort_index()
    kwargs = dict(periods_per_year=periods_per_year, risk_free=risk_free, target=target)
    mp, mb = performance_metrics(p, **kwargs), performance_metrics(b, **kwargs)
    rp = (p / p.shift(1) - 1.0).iloc[1:].to_numpy()
    rb = (b / b.shift(1) - 1.0).iloc[1:].to_numpy()
    te = beta = ir = None
    if rp.size >= 2:
        active = rp - rb
        te_p = float(np.std(active, ddof=1))
        te = te_p * math.sqrt(periods_per_year)
        if te_p > ZERO_DISPERSION:
            ir = float(np.mean(active)) / te_p * math.sqrt(periods_per_year)
        var_b = float(np.var(rb, ddof=1))
        if var_b > ZERO_DISPERSION ** 2:
            beta = float(np.cov(rp, rb, ddof=1)[0, 1]) / var_b
    return BenchmarkComparison(portfolio=mp, benchmark=mb, tracking_error=te, beta=beta,
                               excess_return=mp.total_return - mb.total_return,
                               excess_cagr=mp.cagr - mb.cagr, information_ratio=ir)
