"""Anomaly screen: exclude tokens whose latest behaviour is far outside their own history.

Each metric compares the as-of day with the token's previous ``window_days`` days using a
robust z-score, ``z = (x_last - median(history)) / (1.4826 * MAD(history))`` (1.4826 makes
the MAD consistent with a normal standard deviation; a zero MAD gives z = 0 when the last
value equals the median and +-inf otherwise):

* ``last_return_robust_z``  -- last daily log return (crash, pump, bad print);
* ``last_volume_robust_z``  -- last log(1 + volume) (wash trading, broken feed, delisting);
* ``stale_price_days``      -- trailing days with an exactly unchanged price (dead feed,
  halted market; forward-filled days count too).

A token is excluded when |z| exceeds its threshold or the stale count reaches
``max_stale_days``; every finding is reported with token, metric, value and threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from keeper.weights.config import AnomalyConfig

_MAD_TO_SIGMA = 1.4826


@dataclass(frozen=True)
class AnomalyFinding:
    token: str
    metric: str
    value: float
    threshold: float
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"token": self.token, "metric": self.metric, "value": _json_float(self.value),
                "threshold": self.threshold, "detail": self.detail}


def _json_float(v: float) -> float | str:
    return v if np.isfinite(v) else ("inf" if v > 0 else "-inf")


def history_needed(cfg: AnomalyConfig) -> int:
    """Daily prices a token needs for the screen: window returns plus the last one."""
    return cfg.window_days + 2 if cfg.enabled else 1


def robust_z(history: np.ndarray, last: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Column-wise robust z of ``last`` against ``history`` (rows = days); also median, MAD."""
    med = np.median(history, axis=0)
    mad = np.median(np.abs(history - med), axis=0)
    dev = last - med
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(mad > 0, dev / (_MAD_TO_SIGMA * mad), np.where(dev == 0, 0.0, np.sign(dev) * np.inf))
    return z, med, mad


def stale_days(prices: np.ndarray) -> np.ndarray:
    """Per column: number of trailing days whose price equals the previous day's."""
    unchanged = np.diff(prices, axis=0) == 0
    # count trailing True values: position of the last change from the end
    changed_rev = ~unchanged[::-1]
    first_change = np.argmax(changed_rev, axis=0)
    return np.where(changed_rev.any(axis=0), first_change, unchanged.shape[0])


def screen_anomalies(tokens: Sequence[str], prices: np.ndarray, volumes: np.ndarray,
                     cfg: AnomalyConfig) -> tuple[AnomalyFinding, ...]:
    """Findings for the trailing window (rows = days, last row = as-of day), token order.

    @param prices, volumes (H, N) with H >= history_needed(cfg)
    """
    if not cfg.enabled or len(tokens) == 0:
        return ()
    w = cfg.window_days
    p = prices[-(w + 2):]
    rets = np.diff(np.log(p), axis=0)
    rz, rmed, rmad = robust_z(rets[:-1], rets[-1])
    lv = np.log1p(volumes[-(w + 1):])
    vz, vmed, vmad = robust_z(lv[:-1], lv[-1])
    stale = stale_days(prices[-(w + 1):])
    findings: list[AnomalyFinding] = []
    flag_r = np.abs(rz) > cfg.max_return_z
    flag_v = np.abs(vz) > cfg.max_volume_z
    flag_s = stale >= cfg.max_stale_days
    for j in np.flatnonzero(flag_r | flag_v | flag_s).tolist():  # token order, as the report lists them
        tok = tokens[j]
        if flag_r[j]:
            findings.append(AnomalyFinding(tok, "last_return_robust_z", float(rz[j]), cfg.max_return_z,
                                           f"last log return {rets[-1, j]:+.4g} vs median {rmed[j]:+.4g}, "
                                           f"MAD {rmad[j]:.4g} over {w} days"))
        if flag_v[j]:
            findings.append(AnomalyFinding(tok, "last_volume_robust_z", float(vz[j]), cfg.max_volume_z,
                                           f"last volume {volumes[-1, j]:.4g} vs median {np.expm1(vmed[j]):.4g} "
                                           f"(log MAD {vmad[j]:.4g}) over {w} days"))
        if flag_s[j]:
            findings.append(AnomalyFinding(tok, "stale_price_days", float(stale[j]), float(cfg.max_stale_days),
                                           f"price unchanged at {prices[-1, j]:.6g} for {int(stale[j])} day(s)"))
    return tuple(findings)
