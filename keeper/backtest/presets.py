"""Preset portfolios our users know, and the benchmarks, as keeper configurations + triggers.

==================  ===================================================================
``conservative``    tier budgets 70 / 20 / 10 (conservative / balanced / aggressive)
``moderate``        tier budgets 50 / 30 / 20
``aggressive``      tier budgets 30 / 30 / 40
``barbell``         tier budgets 60 / 0 / 40 (safe end + risky end, nothing in between)
``core_satellite``  70 % core (market cap of L1s + stablecoins, rebalanced quarterly) +
                    30 % tactical (the 4 non-core tokens with the best 90-day momentum,
                    rotated monthly); sleeve shares restored quarterly
``risk_parity``     equal risk contribution (Ledoit-Wolf covariance), monthly
``market_cap``      benchmark: market-cap weighted, every token, monthly
``single_asset``    benchmark: the largest non-stablecoin by market cap on the first day, held
==================  ===================================================================

The tier profiles use the keeper's tier *targets* (``TierBudget.target``, floor 0, cap 1):
within a tier tokens are weighted by sqrt(market cap); token cap 40 %, stablecoins together
at most 30 %. When the tokens of a tier cannot absorb its budget under those caps (e.g. a
young market with one conservative token) the keeper relaxes the target and says so in its
report, exactly as it would live. Every preset uses a 90-day lookback so it can start after
about three months of data. ``preset(name, trigger=...)`` swaps the trigger of a
single-sleeve preset (``moderate@drift:0.25`` on the command line).
"""

from __future__ import annotations

from collections.abc import Callable

from keeper.backtest.data import Universe
from keeper.backtest.strategy import Sleeve, Strategy
from keeper.exceptions import ConfigError
from keeper.market import SECTORS
from keeper.rebalance import Calendar, Never, Trigger, parse_trigger
from keeper.weights import ConstraintConfig, MethodologyConfig, MomentumConfig, TierBudget

LOOKBACK = 90
CORE_SECTORS = ("L1", "stablecoin")


def tier_profile_config(conservative: float, balanced: float, aggressive: float) -> MethodologyConfig:
    """sqrt-market-cap weights pinned to the given tier budgets (see module docstring)."""
    budgets = {"conservative": conservative, "balanced": balanced, "aggressive": aggressive}
    tiers = tuple((t, TierBudget(0.0, 1.0, budgets[t])) for t in sorted(budgets))
    constraints = ConstraintConfig(max_token_weight=0.4, sector_caps=(("stablecoin", 0.3),), tiers=tiers)
    return MethodologyConfig("market_cap_sqrt", lookback_days=LOOKBACK, constraints=constraints)


def _single(name: str, config: MethodologyConfig, trigger: Trigger, description: str,
            universe: Universe = Universe()) -> Strategy:
    return Strategy(name, (Sleeve("main", config, trigger, 1.0, universe),), description=description)


def _profile(name: str, budgets: tuple[float, float, float]) -> Callable[[], Strategy]:
    def build() -> Strategy:
        c, b, a = budgets
        return _single(name, tier_profile_config(c, b, a), Calendar("monthly"),
                       f"tier budgets {c:.0%} conservative / {b:.0%} balanced / {a:.0%} aggressive, "
                       "sqrt market cap within tiers, monthly")
    return build


def core_satellite() -> Strategy:
    core = MethodologyConfig("market_cap", lookback_days=LOOKBACK,
                             constraints=ConstraintConfig(max_token_weight=0.5))
    tactical = MethodologyConfig("equal", lookback_days=LOOKBACK,
                                 momentum=MomentumConfig(window_days=90, skip_days=7, strength=1.0, z_clip=2.5),
                                 constraints=ConstraintConfig(max_token_weight=0.5, max_tokens=4))
    satellite_sectors = tuple(s for s in SECTORS if s not in CORE_SECTORS)
    return Strategy("core_satellite", (
        Sleeve("core", core, Calendar("quarterly"), 0.7, Universe(sectors=CORE_SECTORS)),
        Sleeve("tactical", tactical, Calendar("monthly"), 0.3, Universe(sectors=satellite_sectors)),
    ), mix_trigger=Calendar("quarterly"),
        description="70% core (market cap of L1s + stablecoins, quarterly) + 30% tactical (top-4 momentum "
                    "of the other sectors, monthly); shares restored quarterly")


def risk_parity() -> Strategy:
    config = MethodologyConfig("risk_parity", lookback_days=LOOKBACK,
                               constraints=ConstraintConfig(max_token_weight=0.25, sector_caps=(("stablecoin", 0.1),)))
    return _single("risk_parity", config, Calendar("monthly"),
                   "equal risk contribution, token cap 25%, stablecoins at most 10%, monthly")


def market_cap() -> Strategy:
    return _single("market_cap", MethodologyConfig("market_cap", lookback_days=LOOKBACK), Calendar("monthly"),
                   "benchmark: market-cap weighted, every eligible token, monthly")


def single_asset() -> Strategy:
    config = MethodologyConfig("market_cap", lookback_days=LOOKBACK, constraints=ConstraintConfig(max_tokens=1))
    return _single("single_asset", config, Never(),
                   "benchmark: the largest non-stablecoin by market cap at the start, bought and held",
                   Universe(sectors=tuple(s for s in SECTORS if s != "stablecoin")))


PRESETS: dict[str, Callable[[], Strategy]] = {
    "conservative": _profile("conservative", (0.7, 0.2, 0.1)),
    "moderate": _profile("moderate", (0.5, 0.3, 0.2)),
    "aggressive": _profile("aggressive", (0.3, 0.3, 0.4)),
    "barbell": _profile("barbell", (0.6, 0.0, 0.4)),
    "core_satellite": core_satellite,
    "risk_parity": risk_parity,
    "market_cap": market_cap,
    "single_asset": single_asset,
}


def preset(key: str, name: str | None = None, trigger: Trigger | None = None) -> Strategy:
    """The preset ``key``, optionally renamed and with another trigger (single-sleeve presets)."""
    if key not in PRESETS:
        raise ConfigError(f"unknown preset {key!r}; use one of {list(PRESETS)}")
    base = PRESETS[key]()
    if trigger is not None:
        if len(base.sleeves) != 1:
            raise ConfigError(f"preset {key!r} has several sleeves with their own triggers; "
                              "write it out in a --config file to change them")
        sleeve = base.sleeves[0]
        base = Strategy(base.name, (Sleeve(sleeve.name, sleeve.config, trigger, 1.0, sleeve.universe),),
                        description=f"{base.description} (trigger replaced: {trigger.label})")
    if name is not None or trigger is not None:
        base = Strategy(name or f"{key}@{trigger.label if trigger else ''}", base.sleeves, base.mix_trigger,
                        base.description)
    return base


def presets_from_spec(spec: str) -> list[Strategy]:
    """Comma-separated ``name`` / ``name@trigger`` (e.g. ``moderate@drift:0.25``); ``all`` = every preset."""
    items = []
    for part in (p.strip() for p in spec.split(",")):
        items.extend(PRESETS if part == "all" else [part] if part else [])
    if not items:
        raise ConfigError("--presets needs 'all' or at least one preset name")
    out = []
    for item in items:
        key, _, trig = item.partition("@")
        out.append(preset(key, name=item if trig else None, trigger=parse_trigger(trig) if trig else None))
    names = [s.name for s in out]
    if len(set(names)) != len(names):
        raise ConfigError(f"preset list names a strategy twice: {names}")
    return out
