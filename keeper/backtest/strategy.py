"""What a backtest runs: strategies (one or more sleeves) and the run-wide settings.

A :class:`Sleeve` is one keeper methodology (:class:`~keeper.weights.MethodologyConfig`)
applied to a :class:`~keeper.backtest.data.Universe` of tokens with its own rebalancing
:class:`~keeper.rebalance.Trigger`. A :class:`Strategy` is one sleeve, or several with
nominal shares (e.g. core 70 % + tactical 30 %) and a ``mix_trigger`` that restores the
shares. Configuration files hold a JSON list of strategy objects::

    {"name": "rp-drift", "methodology": {...} | "path/to/methodology.json",
     "trigger": "monthly" | {"type": "relative_drift", "threshold": 0.25},
     "universe": {"sectors": ["L1", "stablecoin"]}}
    {"name": "mod-q", "preset": "moderate", "trigger": "quarterly"}
    {"name": "cs", "sleeves": [{"name": "core", "share": 0.7, "methodology": {...}, ...}, ...],
     "mix_trigger": "quarterly"}

Relative methodology paths are resolved against the configuration file's folder.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from keeper.backtest.data import Universe
from keeper.exceptions import ConfigError
from keeper.rebalance import CostModel, Never, Trigger, parse_trigger
from keeper.weights import MethodologyConfig


@dataclass(frozen=True)
class Sleeve:
    """One methodology on one universe, rebalanced by its own trigger."""

    name: str
    config: MethodologyConfig
    trigger: Trigger
    share: float = 1.0
    universe: Universe = field(default_factory=Universe)

    def __post_init__(self) -> None:
        if not 0.0 < self.share <= 1.0:
            raise ConfigError(f"sleeve {self.name!r}: share must be in (0, 1], got {self.share!r}")

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "share": self.share, "methodology": self.config.to_dict(),
                "trigger": self.trigger.to_dict(), "universe": self.universe.to_dict()}


@dataclass(frozen=True)
class Strategy:
    """A named portfolio: sleeves whose shares sum to 1, plus the trigger restoring the shares."""

    name: str
    sleeves: tuple[Sleeve, ...]
    mix_trigger: Trigger = field(default_factory=Never)
    description: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "sleeves", tuple(self.sleeves))
        if not self.name or not self.sleeves:
            raise ConfigError("a strategy needs a name and at least one sleeve")
        if abs(sum(s.share for s in self.sleeves) - 1.0) > 1e-9:
            raise ConfigError(f"strategy {self.name!r}: sleeve shares must sum to 1")
        if len({s.name for s in self.sleeves}) != len(self.sleeves):
            raise ConfigError(f"strategy {self.name!r}: sleeve names must be distinct")

    @property
    def trigger_label(self) -> str:
        if len(self.sleeves) == 1:
            return self.sleeves[0].trigger.label
        return ", ".join(f"{s.name} {s.trigger.label}" for s in self.sleeves) + f"; mix {self.mix_trigger.label}"

    @property
    def methodology_label(self) -> str:
        return " + ".join(f"{s.share:.0%} {s.config.methodology_id}" if len(self.sleeves) > 1
                          else s.config.methodology_id for s in self.sleeves)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description, "sleeves": [s.to_dict() for s in self.sleeves],
                "mix_trigger": self.mix_trigger.to_dict()}


@dataclass(frozen=True)
class Settings:
    """Run-wide assumptions shared by every strategy of a comparison.

    @param capital            starting value (USD): slippage depends on trade size vs liquidity
    @param costs              fee bps + slippage model of every trade
    @param management_fee_bps streaming fee per year, accrued daily: NAV x (1 - fee)^(1/365)
    """

    capital: float = 1_000_000.0
    costs: CostModel = field(default_factory=CostModel)
    management_fee_bps: float = 100.0

    def __post_init__(self) -> None:
        if not self.capital > 0:
            raise ConfigError(f"capital must be positive, got {self.capital!r}")
        if not 0.0 <= self.management_fee_bps < 10_000.0:
            raise ConfigError(f"management fee must be in [0, 10000) bps, got {self.management_fee_bps!r}")

    @property
    def daily_fee_factor(self) -> float:
        """NAV multiplier per day; over 365 days the fee takes exactly management_fee_bps."""
        return (1.0 - self.management_fee_bps / 10_000.0) ** (1.0 / 365.0)

    def to_dict(self) -> dict[str, Any]:
        return {"capital": self.capital, "costs": self.costs.to_dict(),
                "management_fee_bps": self.management_fee_bps}


def _methodology(value: Any, base_dir: Path, where: str) -> MethodologyConfig:
    if isinstance(value, str):
        path = Path(value) if Path(value).is_absolute() else base_dir / value
        if not path.is_file():
            raise ConfigError(f"{where}: methodology file {path} not found")
        return MethodologyConfig.from_json_file(path)
    if isinstance(value, Mapping):
        try:
            return MethodologyConfig.from_dict(value)
        except ConfigError as exc:
            raise ConfigError(f"{where}: {exc}") from exc
    raise ConfigError(f"{where}: 'methodology' must be an object or a path to a JSON file")


def _sleeve(data: Mapping[str, Any], base_dir: Path, where: str, default_name: str) -> Sleeve:
    allowed = {"name", "share", "methodology", "trigger", "universe"}
    if not isinstance(data, Mapping) or set(data) - allowed or "methodology" not in data:
        raise ConfigError(f"{where}: a sleeve needs 'methodology' and may have {sorted(allowed - {'methodology'})}")
    share = data.get("share", 1.0)
    if isinstance(share, bool) or not isinstance(share, (int, float)):
        raise ConfigError(f"{where}: 'share' must be a number, got {share!r}")
    return Sleeve(name=str(data.get("name", default_name)), share=float(share),
                  config=_methodology(data["methodology"], base_dir, where),
                  trigger=parse_trigger(data.get("trigger", "monthly")),
                  universe=Universe.from_dict(data.get("universe")))


def strategy_from_dict(data: Mapping[str, Any], base_dir: Path = Path(".")) -> Strategy:
    """One entry of a configuration file (formats in the module docstring)."""
    from keeper.backtest.presets import preset  # presets build Strategies: import late to avoid a cycle

    if not isinstance(data, Mapping) or "name" not in data:
        raise ConfigError(f"every configuration needs a 'name', got {data!r}")
    name = str(data["name"])
    where = f"configuration {name!r}"
    if "preset" in data:
        extra = set(data) - {"name", "preset", "trigger", "description"}
        if extra:
            raise ConfigError(f"{where}: a preset entry takes only 'trigger' besides name/preset, got {sorted(extra)}")
        trig = data.get("trigger")
        return preset(str(data["preset"]), name=name, trigger=None if trig is None else parse_trigger(trig))
    if "sleeves" in data:
        extra = set(data) - {"name", "sleeves", "mix_trigger", "description"}
        if extra or not isinstance(data["sleeves"], list):
            raise ConfigError(f"{where}: expected 'sleeves' (a list), 'mix_trigger', 'description'")
        sleeves = tuple(_sleeve(s, base_dir, f"{where} sleeve {i}", f"sleeve{i}") for i, s in enumerate(data["sleeves"]))
        return Strategy(name, sleeves, parse_trigger(data.get("mix_trigger", "never")),
                        str(data.get("description", "")))
    body = {k: v for k, v in data.items() if k not in ("name", "description")}
    return Strategy(name, (_sleeve({"name": "main", **body}, base_dir, where, "main"),),
                    description=str(data.get("description", "")))


def load_strategies(path: str | Path) -> list[Strategy]:
    """Strategies from a JSON file holding a list of configuration objects."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read configurations {path}: {exc}") from exc
    if not isinstance(data, list) or not data:
        raise ConfigError(f"{path}: expected a non-empty JSON list of configurations")
    strategies = [strategy_from_dict(d, path.parent) for d in data]
    names = [s.name for s in strategies]
    if len(set(names)) != len(names):
        raise ConfigError(f"{path}: configuration names must be distinct, got {names}")
    return strategies
