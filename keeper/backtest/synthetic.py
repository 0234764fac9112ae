"""Seeded synthetic crypto market for demos, tests and benchmarks.

:func:`generate_market` returns the keeper's long market table (``date, token, price,
market_cap, volume``; one row per listed token and day) and a matching
:class:`~keeper.market.TokenMetadata`. Same :class:`SyntheticSpec` (seed included) ->
identical output, byte for byte; the regime path and the factor returns depend only on the
seed, the length and ``df`` (not on the number of tokens).

Model (daily log returns, ``t`` = day, ``i`` = token, ``k`` = sector)
--------------------------------------------------------------------
* Regime ``s_t`` in {bull, bear}: a 2-state Markov chain (stay probabilities 0.985 bull,
  0.97 bear; first day bull). Regime parameters (drift, market vol, sector vol, idiosyncratic
  vol multiplier): bull (+0.20 %, 3.0 %, 1.5 %, 1.0), bear (-0.25 %, 4.5 %, 2.2 %, 1.4).
* Factors are multivariate Student-t with ``df`` degrees of freedom: one mixing variable
  ``u_t = sqrt((df - 2) / chi2_df)`` per day scales the Gaussian market shock and every
  sector shock together, so crashes hit all sectors on the same days:
  ``m_t = drift(s_t) + vol(s_t) u_t z_t`` and ``f_kt = sector_vol(s_t) u_t z_kt``.
* Token return: ``r_it = beta_i m_t + gamma_i f_{k(i)t} + sigma_i mult(s_t) e_it`` with
  ``e_it`` an independent unit-variance Student-t(df); ``beta_i ~ U(0.7, 1.5)``,
  ``gamma_i ~ U(0.5, 1.0)``, ``sigma_i = 1.5 % + 4.5 % x smallness_i`` (``smallness``
  ~ U(0, 1) also sets size: initial market cap ``10^(11 - 3.5 smallness)`` USD). Log returns
  are clipped to +-150 %.
* Stablecoins (``stablecoin_share`` of the tokens, at least one): price ``1 + d_t`` with
  AR(1) peg noise ``d_t = 0.7 d_{t-1} + N(0, 2 bp)``.
* Listings: the first 4 tokens (a stablecoin, a large L1, a mid-size L2/DeFi token and a
  DePIN token, so every risk tier exists from day 0) and a random ``1 - late_listing_share``
  of the others are listed on day 0; the rest list on a uniform day in [30, 70 % of the
  history] and are smaller (smallness in [0.4, 1]).
* Delistings: ``delisting_share`` of the non-stable tokens (at least one when there are 8+
  tokens and 200+ days) stop trading on a uniform day between listing + 90 days and 10 days
  before the end; over their last 60 days they lose an extra 1 %/day (dying tokens).
  Their rows simply stop, as in real data.
* Market cap = price x supply, supply growing 0-20 %/year (continuous); volume = market cap x
  turnover (2-15 %/day) x lognormal noise (sigma 0.3) x (1 + 3 |r_t|) (volume follows moves).
* Risk tiers: stablecoins and L1s with smallness < 0.35 conservative; other L1s, L2 and DeFi
  balanced (aggressive when smallness > 0.6); DePIN aggressive.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from keeper.exceptions import ConfigError
from keeper.market import TokenInfo, TokenMetadata

RISKY_SECTORS = ("L1", "L2", "DeFi", "DePIN-compute", "DePIN-storage", "DePIN-wireless", "DePIN-sensors",
                 "DePIN-energy")
_SECTOR_P = np.array([0.20, 0.12, 0.25, 0.10, 0.08, 0.10, 0.08, 0.07])
_PREFIX = {"L1": "L1", "L2": "L2", "DeFi": "DF", "stablecoin": "USD"}
# bull, bear: (drift, market vol, sector vol, idiosyncratic vol multiplier)
REGIMES = ((0.0020, 0.030, 0.015, 1.0), (-0.0025, 0.045, 0.022, 1.4))
STAY = (0.985, 0.97)


@dataclass(frozen=True)
class SyntheticSpec:
    """Size, seed and shape parameters of the generator (model in the module docstring)."""

    tokens: int = 24
    days: int = 1095
    seed: int = 7
    start: str = "2021-01-01"
    df: float = 4.0
    stablecoin_share: float = 0.08
    late_listing_share: float = 0.3
    delisting_share: float = 0.15

    def __post_init__(self) -> None:
        if not 4 <= self.tokens <= 20_000:
            raise ConfigError(f"synthetic tokens must be in [4, 20000], got {self.tokens}")
        if not 30 <= self.days <= 20_000:
            raise ConfigError(f"synthetic days must be in [30, 20000], got {self.days}")
        if not 2.5 <= self.df <= 1000:
            raise ConfigError(f"synthetic df must be in [2.5, 1000], got {self.df}")
        for name in ("stablecoin_share", "late_listing_share", "delisting_share"):
            if not 0.0 <= getattr(self, name) <= 0.9:
                raise ConfigError(f"synthetic {name} must be in [0, 0.9]")


@dataclass(frozen=True, eq=False)
class SyntheticMarket:
    """Generator output: the long table, its metadata, and the hidden state for inspection.

    @param regimes    (days,) 0 = bull, 1 = bear
    @param first_day  (tokens,) index of each token's first row (metadata symbol order)
    @param last_day   (tokens,) index of each token's last row (days - 1 when never delisted)
    """

    frame: pd.DataFrame
    metadata: TokenMetadata
    regimes: np.ndarray
    first_day: np.ndarray
    last_day: np.ndarray

    @property
    def metadata_frame(self) -> pd.DataFrame:
        return self.metadata.to_frame()


def _student_t(rng: np.random.Generator, df: float, size: tuple[int, ...]) -> np.ndarray:
    """Student-t draws rescaled to unit variance."""
    return rng.standard_t(df, size=size) * np.sqrt((df - 2.0) / df)


def _regimes(rng: np.random.Generator, days: int) -> np.ndarray:
    s = np.zeros(days, dtype=np.int8)
    u = rng.random(days)
    for t in range(1, days):
        s[t] = s[t - 1] if u[t] < STAY[s[t - 1]] else 1 - s[t - 1]
    return s


def _universe(rng: np.random.Generator, spec: SyntheticSpec) -> tuple[list[str], np.ndarray]:
    n = spec.tokens
    n_stable = max(1, int(round(spec.stablecoin_share * n)))
    sectors = list(rng.choice(RISKY_SECTORS, size=n, p=_SECTOR_P))
    smallness = rng.random(n)
    sectors[0], sectors[1], sectors[2], sectors[3] = "stablecoin", "L1", "DeFi", "DePIN-compute"
    smallness[:4] = (0.0, 0.05, 0.45, 0.7)
    for i in range(4, 4 + n_stable - 1):
        if i < n:
            sectors[i] = "stablecoin"
    return sectors, smallness


def _tier(sector: str, small: float) -> str:
    if sector == "stablecoin" or (sector == "L1" and small < 0.35):
        return "conservative"
    if sector.startswith("DePIN"):
        return "aggressive"
    return "aggressive" if small > 0.6 and sector != "L1" else "balanced"


def _lifetimes(rng: np.random.Generator, spec: SyntheticSpec, sectors: list[str],
               smallness: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n, days = spec.tokens, spec.days
    first = np.zeros(n, dtype=np.int64)
    last = np.full(n, days - 1, dtype=np.int64)
    others = np.arange(4, n)
    late = others[rng.random(others.size) < spec.late_listing_share]
    hi = max(31, int(0.7 * days))
    first[late] = rng.integers(30, hi, size=late.size) if days > 60 else 0
    smallness[late] = 0.4 + 0.6 * smallness[late]
    risky = np.array([i for i in range(n) if sectors[i] != "stablecoin"])
    n_delist = int(round(spec.delisting_share * risky.size))
    if n >= 8 and days >= 200:
        n_delist = max(1, n_delist)
    order = risky[np.argsort(-smallness[risky] + 0.3 * rng.random(risky.size), kind="stable")]
    for i in order[:n_delist]:
        lo, top = first[i] + 90, days - 11
        if lo < top:
            last[i] = rng.integers(lo, top)
    return first, last


def generate_market(spec: SyntheticSpec = SyntheticSpec()) -> SyntheticMarket:
    """Generate the market described in the module docstring (deterministic in ``spec``)."""
    # independent streams: the regime path and the factors depend on (seed, days, df) only, not on
    # the number of tokens, so one seed tells the same market story for any universe size
    macro, rng = (np.random.default_rng(s) for s in np.random.SeedSequence(spec.seed).spawn(2))
    n, days = spec.tokens, spec.days
    regimes = _regimes(macro, days)
    params = np.array(REGIMES)[regimes]  # (days, 4)
    mix = np.sqrt((spec.df - 2.0) / macro.chisquare(spec.df, size=days))
    market = params[:, 0] + params[:, 1] * mix * macro.standard_normal(days)
    sector_f = params[:, 2:3] * mix[:, None] * macro.standard_normal((days, len(RISKY_SECTORS)))
    sectors, smallness = _universe(rng, spec)
    first, last = _lifetimes(rng, spec, sectors, smallness)
    k = np.array([RISKY_SECTORS.index(s) if s in RISKY_SECTORS else 0 for s in sectors])  # stablecoins: unused
    beta = rng.uniform(0.7, 1.5, n)
    gamma = rng.uniform(0.5, 1.0, n)
    sigma = 0.015 + 0.045 * smallness
    idio = _student_t(rng, spec.df, (days, n)) * sigma * params[:, 3:4]
    r = market[:, None] * beta + sector_f[:, k] * gamma + idio
    t_idx = np.arange(days)[:, None]
    dying = (t_idx > last - 60) & (last < days - 1)
    r = np.clip(r - 0.01 * dying, -1.5, 1.5)
    stable = np.array([s == "stablecoin" for s in sectors])
    r[:, stable] = 0.0
    r[t_idx <= first] = 0.0  # the listing day is the first price
    p0 = 10.0 ** rng.uniform(-2.0, 3.5, n)
    price = p0 * np.exp(np.cumsum(r, axis=0))
    dev = np.zeros((days, int(stable.sum())))
    noise = rng.normal(0.0, 0.0002, dev.shape)
    for t in range(1, days):
        dev[t] = 0.7 * dev[t - 1] + noise[t]
    price[:, stable] = 1.0 + dev
    cap0 = 10.0 ** (11.0 - 3.5 * smallness)
    supply = (cap0 / price[np.maximum(first, 0), np.arange(n)]) * np.exp(
        np.maximum(t_idx - first, 0) * rng.uniform(0.0, 0.2, n) / 365.0)
    mcap = price * supply
    volume = mcap * rng.uniform(0.02, 0.15, n) * np.exp(rng.normal(0.0, 0.3, (days, n))) * (1.0 + 3.0 * np.abs(r))
    symbols = [f"{_PREFIX.get(s, 'DP')}{i:0{max(3, len(str(n - 1)))}d}" for i, s in enumerate(sectors)]
    order = np.argsort(symbols)  # metadata order: columns sorted by symbol
    listed = (t_idx >= first) & (t_idx <= last)
    listed, price, mcap, volume = listed[:, order], price[:, order], mcap[:, order], volume[:, order]
    sym_sorted = np.array(symbols, dtype=object)[order]
    rows, cols = np.nonzero(listed.T)  # token-major, dates ascending
    dates = pd.date_range(spec.start, periods=days, freq="D")
    frame = pd.DataFrame({"date": dates.values[cols], "token": sym_sorted[rows], "price": price[cols, rows],
                          "market_cap": mcap[cols, rows], "volume": volume[cols, rows]})
    metadata = TokenMetadata(TokenInfo(symbol=symbols[i], name=f"Synthetic {sectors[i]} {i}", sector=sectors[i],
                                       risk_tier=_tier(sectors[i], smallness[i]), chains=("home",))
                             for i in range(n))
    return SyntheticMarket(frame=frame, metadata=metadata, regimes=regimes.astype(np.int8),
                           first_day=first[order], last_day=last[order])
