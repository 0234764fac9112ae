"""The simulation: one strategy over one market, day by day, vectorised over tokens.

Timing (no look-ahead): on day ``t`` each sleeve's trigger looks at the weights at the close
of ``t-1``; if it fires, the target comes from the keeper's
:func:`~keeper.weights.compute_target_weights` computation (via
:func:`~keeper.weights.compute_weight_vector`) with ``as_of = t-1`` and the trades execute
at the close of ``t-1`` (prices and volume of that day), so the new weights earn the returns
of day ``t`` onwards. Between rebalances weights drift with prices.

Costs: every trade pays :func:`keeper.rebalance.rebalance_to`'s fee + slippage out of the
portfolio; the management fee streams daily (``Settings.daily_fee_factor``).

Listings and delistings:

* a token has no weight before its first row: the keeper only targets tokens with enough
  history as of the decision day, and unlisted tokens have a price relative of 1 and no
  holding (no NaN reaches the books);
* a token is recognised as delisted once it has had no row for more than
  ``market.repair.max_ffill_days`` days, i.e. on day ``last row + 1 + max_ffill_days``
  (the first missing day by default); it is then sold at its last price, paying fee and
  slippage against its last known volume, and the proceeds stay in the sleeve's cash until
  its next rebalance redistributes them (the drift triggers see the missing weight).

Sleeves: each sleeve is a sub-portfolio starting with ``share x capital`` in cash, rebalanced
on its own trigger to its own target. On a day when the strategy's ``mix_trigger`` fires
(evaluated on sleeve values / total vs the shares) every sleeve is scaled back to its share,
keeping its current composition unless it also rebalances. All trades of a day are netted
per token and costed once; costs are paid pro rata by the sleeves.

A rebalance the keeper refuses (e.g. no eligible token, conflicting constraints) is skipped
and logged as an event; the sleeve keeps its holdings and retries when its trigger next fires.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

import numpy as np

from keeper.backtest.data import MarketData
from keeper.backtest.result import COST_KINDS, BacktestResult
from keeper.backtest.strategy import Settings, Strategy
from keeper.backtest.targets import Target, TargetCache
from keeper.exceptions import ConfigError, KeeperError
from keeper.rebalance import rebalance_to, trade_costs
from keeper.weights import history_required


def warmup_days(strategy: Strategy) -> int:
    """First day index on which every sleeve can have a target (enough history as of t-1)."""
    return max(1, max(history_required(s.config) for s in strategy.sleeves))


def _relatives(market: MarketData) -> np.ndarray:
    p = market.price
    rel = np.ones_like(p)
    with np.errstate(invalid="ignore", divide="ignore"):
        rel[1:] = np.where(np.isfinite(p[1:]) & np.isfinite(p[:-1]), p[1:] / p[:-1], 1.0)
    return rel


def _exec_volume(market: MarketData) -> np.ndarray:
    """Volume for costing: the last known value (carried past a token's last row), 0 before listing."""
    v = market.volume
    rows = np.arange(v.shape[0])[:, None]
    src = np.maximum.accumulate(np.where(np.isfinite(v), rows, 0), axis=0)
    out = v[src, np.arange(v.shape[1])[None, :]]
    return np.nan_to_num(out, nan=0.0)


def _delistings(market: MarketData) -> dict[int, np.ndarray]:
    day = market.last_idx + 1 + market.repair.max_ffill_days
    out: dict[int, list[int]] = {}
    for j in np.flatnonzero(day < market.days):
        out.setdefault(int(day[j]), []).append(int(j))
    return {d: np.array(js) for d, js in out.items()}


def run_backtest(market: MarketData, strategy: Strategy, settings: Settings, start: int | None = None,
                 end: int | None = None, cache: TargetCache | None = None,
                 progress: Callable[[str], None] | None = None) -> BacktestResult:
    """Simulate ``strategy`` from day index ``start`` (default: its warm-up) through ``end``.

    @param cache    share keeper calls between strategies of one comparison (optional)
    @param progress called with a short line at most every few seconds of long runs
    """
    t0 = warmup_days(strategy) if start is None else int(start)
    t_end = market.days - 1 if end is None else int(end)
    if not 1 <= t0 <= t_end < market.days:
        raise ConfigError(f"backtest window [{t0}, {t_end}] does not fit the {market.days} market days "
                          f"(strategy {strategy.name!r} needs {warmup_days(strategy)} days of history first)")
    return _Simulation(market, strategy, settings, cache or TargetCache(market), t0, t_end).run(progress)


class _Simulation:
    """State of one run: per-sleeve holdings (USD, sleeves x tokens) and cash, plus the books."""

    def __init__(self, market: MarketData, strategy: Strategy, settings: Settings, cache: TargetCache,
                 t0: int, t_end: int):
        self.market, self.strategy, self.settings, self.cache = market, strategy, settings, cache
        self.t0, self.t_end = t0, t_end
        self.rel, self.vol, self.delist = _relatives(market), _exec_volume(market), _delistings(market)
        S, N, L = len(strategy.sleeves), len(market.tokens), t_end - t0 + 1
        self.shares = np.array([s.share for s in strategy.sleeves])
        self.H = np.zeros((S, N))
        self.cash = self.shares * settings.capital
        self.targets: list[np.ndarray | None] = [None] * S
        self.last: list[date | None] = [None] * S
        self.last_mix: date | None = None
        self.nav = np.empty(L + 1)
        self.nav[0] = settings.capital
        self.held, self.cash_held = np.empty((L, N)), np.empty(L)
        self.costs = {k: np.zeros(L) for k in COST_KINDS}
        self.turnover, self.rebalanced = np.zeros(L), np.zeros(L, dtype=bool)
        self.events: list[dict] = []
        self.trades: list[tuple[int, str, np.ndarray, np.ndarray]] = []

    def run(self, progress: Callable[[str], None] | None) -> BacktestResult:
        started = time.perf_counter()
        calls0, secs0 = self.cache.calls, self.cache.seconds
        next_report = started + 5.0
        for i, t in enumerate(range(self.t0, self.t_end + 1)):
            today = self.market.date(t)
            fresh, mix = self._decide(t, today)
            if fresh or mix:
                self._trade(i, t, today, fresh, mix)
            self._close(i, t, today)
            if progress is not None and time.perf_counter() > next_report:
                progress(f"{self.strategy.name}: {today} ({i + 1}/{self.nav.size - 1} days)")
                next_report = time.perf_counter() + 5.0
        return BacktestResult(
            strategy=self.strategy, settings=self.settings, dates=self.market.dates[self.t0 - 1: self.t_end + 1],
            tokens=self.market.tokens, nav=self.nav, held=self.held, cash_held=self.cash_held, costs=self.costs,
            turnover=self.turnover, rebalance_days=self.rebalanced, events=self.events, trades=self.trades,
            seconds=time.perf_counter() - started, weight_calls=self.cache.calls - calls0,
            weight_seconds=self.cache.seconds - secs0)

    def _event(self, t: int, today: date, kind: str, sleeve: str, reason: str, **extra: object) -> None:
        self.events.append({"date": str(today), "day_index": t, "kind": kind, "sleeve": sleeve, "reason": reason,
                            **extra})

    def _decide(self, t: int, today: date) -> tuple[dict[int, tuple[Target, str]], bool]:
        """Which sleeves rebalance today (with their keeper target), and whether the mix is restored."""
        values = self.H.sum(axis=1) + self.cash
        fresh: dict[int, tuple[Target, str]] = {}
        for s, sleeve in enumerate(self.strategy.sleeves):
            current = self.H[s] / values[s] if values[s] > 0 else np.zeros_like(self.H[s])
            ref = self.targets[s] if self.targets[s] is not None else np.zeros_like(current)
            decision = sleeve.trigger.evaluate(today, self.last[s], current, ref, self.market.tokens)
            if not decision.rebalance:
                continue
            try:
                fresh[s] = (self.cache.target(sleeve, t - 1), decision.reason)  # data up to yesterday only
            except KeeperError as exc:
                self._event(t, today, "skipped", sleeve.name,
                            f"{decision.reason}; keeper refused: {str(exc).splitlines()[0]}")
        mix = False
        if len(self.shares) > 1 and self.last_mix is not None and values.sum() > 0:
            names = [s.name for s in self.strategy.sleeves]
            decision = self.strategy.mix_trigger.evaluate(today, self.last_mix, values / values.sum(), self.shares,
                                                          names)
            mix = decision.rebalance
            if mix:
                self._event(t, today, "mix", "*", decision.reason)
        return fresh, mix

    def _trade(self, i: int, t: int, today: date, fresh: dict[int, tuple[Target, str]], mix: bool) -> None:
        """Net every sleeve's move into one trade at yesterday's close, paying costs pro rata."""
        values = self.H.sum(axis=1) + self.cash
        value = float(values.sum())
        frac = self.shares.copy() if mix else values / value
        safe = np.where(values > 0, values, 1.0)
        W = np.where(values[:, None] > 0, self.H / safe[:, None], 0.0)  # each sleeve's weights, kept by default
        cash_w = np.where(values > 0, self.cash / safe, 1.0)
        for s, (target, _) in fresh.items():
            W[s], cash_w[s] = target.weights, max(0.0, 1.0 - float(target.weights.sum()))
        x, v_post, tc = rebalance_to(self.H.sum(axis=0), float(self.cash.sum()), frac @ W, self.vol[t - 1],
                                     self.settings.costs)
        fee = float(tc.fee.sum())
        self.costs["trading_fee"][i], self.costs["slippage"][i] = fee, value - v_post - fee  # exact books
        self.H, self.cash = frac[:, None] * W * v_post, frac * cash_w * v_post
        moved = np.flatnonzero(np.abs(x) > 1e-12 * value)
        self.trades.append((i + 1, "rebalance", moved, x[moved]))
        one_way = float(np.abs(x).sum()) / (2.0 * value)
        if not any(self.last[s] is None for s in fresh):
            # a trigger firing on a portfolio already at target trades nothing: not a rebalance
            self.turnover[i], self.rebalanced[i] = one_way, one_way > 1e-9
        for s, (target, reason) in fresh.items():
            self._event(t, today, "initial" if self.last[s] is None else "rebalance", self.strategy.sleeves[s].name,
                        reason, as_of=target.as_of, turnover=one_way, fee=fee, slippage=value - v_post - fee,
                        tokens=int(np.count_nonzero(target.weights)), inputs_hash=target.inputs_hash)
            self.targets[s], self.last[s] = target.weights, today
        if self.last_mix is None or mix:
            self.last_mix = today

    def _close(self, i: int, t: int, today: date) -> None:
        """The day's market move, management fee and delisting sales; records the close."""
        self.held[i], self.cash_held[i] = self.H.sum(axis=0), self.cash.sum()
        self.H *= self.rel[t]
        phi = self.settings.daily_fee_factor
        self.costs["management_fee"][i] = float(self.H.sum() + self.cash.sum()) * (1.0 - phi)
        self.H *= phi
        self.cash *= phi
        gone = self.delist.get(t)
        if gone is not None and self.H[:, gone].any():
            sold = _sell_delisted(self.H, self.cash, gone, self.vol[t], self.settings, self.costs, i)
            self.trades.append((i + 1, "delisting", gone, -sold))
            for j, amount in zip(gone, sold):
                if amount > 0:
                    last_row = self.market.date(int(self.market.last_idx[j]))
                    self._event(t, today, "delisting", "*", f"{self.market.tokens[j]} has no data after {last_row}; "
                                                            f"sold {amount:,.2f} at its last price")
        self.nav[i + 1] = self.H.sum() + self.cash.sum()


def _sell_delisted(H: np.ndarray, cash: np.ndarray, gone: np.ndarray, volume: np.ndarray, settings: Settings,
                   costs: dict[str, np.ndarray], i: int) -> np.ndarray:
    """Move delisted holdings to cash net of fee and slippage (costs shared pro rata by sleeves);
    returns the USD value sold per token."""
    per_sleeve = H[:, gone]
    sold = per_sleeve.sum(axis=0)
    tc = trade_costs(-sold, volume[gone], settings.costs)
    cost = tc.fee + tc.slippage
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(sold > 0, per_sleeve / np.where(sold > 0, sold, 1.0), 0.0)
    cash += (per_sleeve - share * cost).sum(axis=1)
    costs["delisting_fee"][i] += float(tc.fee.sum())
    costs["delisting_slippage"][i] += float(tc.slippage.sum())
    H[:, gone] = 0.0
    return sold
