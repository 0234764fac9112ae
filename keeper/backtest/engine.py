"""The simulation: one strategy over one market, day by day, vectorised over tokens.

Timing (no look-ahead): on day ``t`` each sleeve's trigger looks at the weights at the close
of ``t-1``; if it fires, the target comes from the keeper's
:func:`~keeper.weights.compute_target_weights` with ``as_of = t-1`` and the trades execute
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
    started = time.perf_counter()
    cache = cache or TargetCache(market)
    calls0, secs0 = cache.calls, cache.seconds
    t0 = warmup_days(strategy) if start is None else int(start)
    t_end = market.days - 1 if end is None else int(end)
    if not 1 <= t0 <= t_end < market.days:
        raise ConfigError(f"backtest window [{t0}, {t_end}] does not fit the {market.days} market days "
                          f"(strategy {strategy.name!r} needs {warmup_days(strategy)} days of history first)")
    rel, vol = _relatives(market), _exec_volume(market)
    delist = _delistings(market)
    sleeves, S, N = strategy.sleeves, len(strategy.sleeves), len(market.tokens)
    shares = np.array([s.share for s in sleeves])
    H = np.zeros((S, N))
    cash = shares * settings.capital
    targets: list[np.ndarray | None] = [None] * S
    last: list = [None] * S
    last_mix = None
    phi = settings.daily_fee_factor
    L = t_end - t0 + 1
    nav = np.empty(L + 1)
    nav[0] = settings.capital
    held, cash_held = np.empty((L, N)), np.empty(L)
    costs = {k: np.zeros(L) for k in COST_KINDS}
    turnover, rebalanced = np.zeros(L), np.zeros(L, dtype=bool)
    events: list[dict] = []
    trades: list[tuple[int, str, np.ndarray, np.ndarray]] = []
    labels = market.tokens
    next_report = started + 5.0
    for i, t in enumerate(range(t0, t_end + 1)):
        today = market.date(t)
        v_s = H.sum(axis=1) + cash
        fresh: dict[int, tuple[Target, str]] = {}
        for s, sleeve in enumerate(sleeves):
            cur = H[s] / v_s[s] if v_s[s] > 0 else np.zeros(N)
            ref = targets[s] if targets[s] is not None else np.zeros(N)
            decision = sleeve.trigger.evaluate(today, last[s], cur, ref, labels)
            if not decision.rebalance:
                continue
            try:
                fresh[s] = (cache.target(sleeve, t - 1), decision.reason)
            except KeeperError as exc:
                events.append({"date": str(today), "day_index": t, "kind": "skipped", "sleeve": sleeve.name,
                               "reason": f"{decision.reason}; keeper refused: {str(exc).splitlines()[0]}"})
        mix = False
        if S > 1 and last_mix is not None:
            d = strategy.mix_trigger.evaluate(today, last_mix, v_s / v_s.sum(), shares, [s.name for s in sleeves])
            mix = d.rebalance
            if mix:
                events.append({"date": str(today), "day_index": t, "kind": "mix", "sleeve": "*", "reason": d.reason})
        if fresh or mix:
            initial = any(last[s] is None for s in fresh)
            value = float(v_s.sum())
            frac = shares.copy() if mix else v_s / value
            W = np.where(v_s[:, None] > 0, H / np.where(v_s > 0, v_s, 1.0)[:, None], 0.0)
            cw = np.where(v_s > 0, cash / np.where(v_s > 0, v_s, 1.0), 1.0)
            for s, (tg, _) in fresh.items():
                W[s], cw[s] = tg.weights, max(0.0, 1.0 - float(tg.weights.sum()))
            x, v_post, tc = rebalance_to(H.sum(axis=0), float(cash.sum()), frac @ W, vol[t - 1], settings.costs)
            paid = value - v_post
            costs["trading_fee"][i] = float(tc.fee.sum())
            costs["slippage"][i] = paid - costs["trading_fee"][i]
            H, cash = frac[:, None] * W * v_post, frac * cw * v_post
            moved = np.flatnonzero(np.abs(x) > 1e-12 * value)
            trades.append((i + 1, "rebalance", moved, x[moved]))
            one_way = float(np.abs(x).sum()) / (2.0 * value)
            if not initial:
                turnover[i], rebalanced[i] = one_way, True
            for s, (tg, reason) in fresh.items():
                events.append({"date": str(today), "day_index": t, "kind": "initial" if last[s] is None else
                               "rebalance", "sleeve": sleeves[s].name, "reason": reason, "as_of": tg.as_of,
                               "turnover": one_way, "fee": costs["trading_fee"][i], "slippage": costs["slippage"][i],
                               "tokens": int(np.count_nonzero(tg.weights)), "inputs_hash": tg.inputs_hash})
                targets[s], last[s] = tg.weights, today
            if last_mix is None or mix:
                last_mix = today
        held[i], cash_held[i] = H.sum(axis=0), cash.sum()
        H *= rel[t]
        total = float(H.sum() + cash.sum())
        costs["management_fee"][i] = total * (1.0 - phi)
        H *= phi
        cash *= phi
        gone = delist.get(t)
        if gone is not None and H[:, gone].any():
            sold = _sell_delisted(H, cash, gone, vol[t], settings, costs, i)
            trades.append((i + 1, "delisting", gone, -sold))
            for j, amount in zip(gone, sold):
                if amount > 0:
                    events.append({"date": str(today), "day_index": t, "kind": "delisting", "sleeve": "*",
                                   "reason": f"{labels[j]} has no data after {market.date(int(market.last_idx[j]))}; "
                                             f"sold {amount:,.2f} at its last price"})
        nav[i + 1] = H.sum() + cash.sum()
        if progress is not None and time.perf_counter() > next_report:
            progress(f"{strategy.name}: {today} ({i + 1}/{L} days)")
            next_report = time.perf_counter() + 5.0
    return BacktestResult(strategy=strategy, settings=settings, dates=market.dates[t0 - 1: t_end + 1],
                          tokens=market.tokens, nav=nav, held=held, cash_held=cash_held, costs=costs,
                          turnover=turnover, rebalance_days=rebalanced, events=events, trades=trades,
                          seconds=time.perf_counter() - started, weight_calls=cache.calls - calls0,
                          weight_seconds=cache.seconds - secs0)


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
