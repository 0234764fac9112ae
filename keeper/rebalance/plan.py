"""What a rebalance plan is: its parameters (:class:`PlanParams`), its trades (:class:`Trade`), what it
left out (:class:`Skip`) and its summary (:class:`PlanSummary`), bundled as a :class:`Plan`.

Produced by :func:`keeper.rebalance.planner.plan_rebalance`; amounts are raw token units (ints),
values are in quote units at the DAO's reference prices, weights are fractions of NAV.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from keeper.exceptions import ConfigError
from keeper.rebalance.amm import BPS

Mode = Literal["target", "band_edge"]


@dataclass(frozen=True)
class PlanParams:
    """Planner settings (all ``*_bps`` are ints).

    @param band_bps            tolerance band, bps of NAV: a token with ``|w - t| <= band`` needs no trade
    @param max_impact_bps      bound on each hop's price impact (net of fee, see keeper.rebalance.amm)
    @param slippage_bps        ``min_amount_out = floor(expected_out (1 - slippage))``
    @param fee_bps             pool fee (Uniswap V2: 30)
    @param mode                "target": move out-of-band tokens to target; "band_edge": to the band
                               edge on their side, ``edge_margin_bps`` inside it (less turnover)
    @param max_trade_value     cap on one chunk's reference value, quote units (None: no cap)
    @param max_trade_nav_bps   cap on one chunk's reference value, bps of the pre-trade NAV
    @param max_value_loss_bps  the vault's max slippage at reference prices; when set, every chunk's
                               ``min_amount_out`` must already satisfy it (None: not checked)
    @param min_trade_value     smallest chunk worth sending, quote units; smaller gaps are left
    @param max_trades          stop (and say so) after this many chunks
    """

    band_bps: int = 100
    max_impact_bps: int = 50
    slippage_bps: int = 50
    fee_bps: int = 30
    max_trade_value: float | None = None
    max_trade_nav_bps: int | None = None
    max_value_loss_bps: int | None = None
    mode: Mode = "target"
    edge_margin_bps: int = 10
    min_trade_value: float = 1.0
    max_trades: int = 200

    def __post_init__(self) -> None:
        # band_bps is checked before edge_margin_bps, whose range depends on it (dict order)
        ints = {"band_bps": (0, BPS), "max_impact_bps": (1, BPS - 1), "slippage_bps": (0, BPS - 1),
                "fee_bps": (0, BPS - 1), "edge_margin_bps": (0, self.band_bps if self.mode == "band_edge" else BPS),
                "max_trades": (1, 1_000_000), "max_trade_nav_bps": (1, BPS), "max_value_loss_bps": (0, BPS)}
        for name, (lo, hi) in ints.items():
            v = getattr(self, name)
            if v is None and name in ("max_trade_nav_bps", "max_value_loss_bps"):
                continue
            if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
                raise ConfigError(f"plan {name} must be an int in [{lo}, {hi}], got {v!r}")
        for name, optional in (("max_trade_value", True), ("min_trade_value", False)):
            v = getattr(self, name)
            if v is None and optional:
                continue
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not (math.isfinite(v) and v > 0):
                raise ConfigError(f"plan {name} must be a finite number > 0, got {v!r}")
        if self.mode not in ("target", "band_edge"):
            raise ConfigError(f"plan mode must be 'target' or 'band_edge', got {self.mode!r}")


@dataclass(frozen=True)
class Trade:
    """One swap (one on-chain trade). Raw ints for amounts; values in quote units at reference prices.

    ``price_impact`` is the worst hop's, ``hop_impacts`` each hop's; ``fee_cost`` and ``impact_cost``
    are the quote value lost to the pool fee and to the curve, at the pools' pre-trade spot.
    """

    sell_token: str
    buy_token: str
    amount_in: int
    min_amount_out: int
    expected_out: int
    path: tuple[str, ...]
    path_addresses: tuple[str, ...] | None
    expected_value_in: float
    expected_value_out: float
    price_impact: float
    hop_impacts: tuple[float, ...]
    fee_cost: float
    impact_cost: float


@dataclass(frozen=True)
class Skip:
    """A trade the planner wanted but did not make (sell/buy None when it concerns the whole plan)."""

    sell_token: str | None
    buy_token: str | None
    reason: str


@dataclass(frozen=True)
class PlanSummary:
    """What a plan does, by simulation of its trades on the pools.

    ``nav`` is the pre-trade NAV; weights are fractions of NAV; ``turnover`` is one-way (reference value
    sold / pre-trade NAV); ``estimated_cost = fee_cost + impact_cost`` (quote units, at pool spot);
    ``out_of_band_after`` lists tokens the plan leaves outside the band, ``skipped`` says why, and
    ``reason`` is a one-line verdict ("balanced: ...", "N trade(s) bring ...", "partial: ...").
    """

    nav: float
    weights_before: Mapping[str, float]
    weights_after: Mapping[str, float]
    turnover: float
    estimated_cost: float
    fee_cost: float
    impact_cost: float
    out_of_band_after: tuple[str, ...]
    skipped: tuple[Skip, ...]
    reason: str


@dataclass(frozen=True)
class Plan:
    """The trades to send, in order, what they achieve, and the parameters they were planned with."""

    trades: tuple[Trade, ...]
    summary: PlanSummary
    params: PlanParams = field(repr=False)
