"""Methodology configuration: a frozen dataclass tree that round-trips through JSON.

``MethodologyConfig.from_dict`` is strict: unknown keys, wrong types and out-of-range
values raise :class:`~keeper.exceptions.ConfigError` naming the key. ``to_dict`` always
writes every field (defaults included), so the canonical JSON used in the input hash is
the same whether a default was written out or omitted.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from keeper.exceptions import ConfigError
from keeper.market.schema import RISK_TIERS, SECTORS
from keeper.market.validate import RepairPolicy

METHODOLOGIES: tuple[str, ...] = ("market_cap", "market_cap_sqrt", "equal", "inverse_vol",
                                  "risk_parity", "min_variance")


def _num(value: Any, key: str, lo: float, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError(f"{key} must be a finite number, got {value!r}")
    if not lo <= value <= hi:
        raise ConfigError(f"{key} must be in [{lo}, {hi}], got {value!r}")
    return float(value)


def _set_float(obj: Any, name: str, key: str, lo: float, hi: float) -> None:
    """Validate a float field and store it as float, so 1 and 1.0 serialise (and hash) alike."""
    object.__setattr__(obj, name, _num(getattr(obj, name), key, lo, hi))


def _int(value: Any, key: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ConfigError(f"{key} must be an integer in [{lo}, {hi}], got {value!r}")
    return value


def _keys(data: Any, allowed: set[str], where: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where} must be an object, got {type(data).__name__}")
    unknown = set(data) - allowed
    if unknown:
        raise ConfigError(f"unknown key(s) {sorted(unknown)} in {where}; allowed: {sorted(allowed)}")
    return data


@dataclass(frozen=True)
class TierBudget:
    """Budget of one risk tier as fractions of the portfolio.

    ``floor`` and ``cap`` are hard; ``target`` (optional) is pursued exactly when the
    other constraints allow it, otherwise the result stays within [floor, cap] and the
    report says why the target was relaxed.
    """

    floor: float = 0.0
    cap: float = 1.0
    target: float | None = None

    def __post_init__(self) -> None:
        _set_float(self, "floor", "tier floor", 0.0, 1.0)
        _set_float(self, "cap", "tier cap", 0.0, 1.0)
        if self.floor > self.cap:
            raise ConfigError(f"tier floor {self.floor} exceeds tier cap {self.cap}")
        if self.target is not None:
            _set_float(self, "target", "tier target", self.floor, self.cap)

    def to_dict(self) -> dict[str, Any]:
        return {"floor": self.floor, "cap": self.cap, "target": self.target}


@dataclass(frozen=True)
class ConstraintConfig:
    """Constraints applied by the shared projection to every methodology.

    @param max_token_weight  cap per token
    @param max_sector_weight default cap per sector
    @param sector_caps       per-sector overrides of ``max_sector_weight`` (sorted pairs)
    @param tiers             budget per risk tier (sorted pairs, every tier present)
    @param min_weight        tokens that would end below this are excluded (weight 0)
    @param max_tokens        keep at most this many tokens (largest raw weights), or None
    """

    max_token_weight: float = 1.0
    max_sector_weight: float = 1.0
    sector_caps: tuple[tuple[str, float], ...] = ()
    tiers: tuple[tuple[str, TierBudget], ...] = field(
        default_factory=lambda: tuple((t, TierBudget()) for t in sorted(RISK_TIERS)))
    min_weight: float = 0.0
    max_tokens: int | None = None

    def __post_init__(self) -> None:
        _set_float(self, "max_token_weight", "constraints.max_token_weight", 1e-6, 1.0)
        _set_float(self, "max_sector_weight", "constraints.max_sector_weight", 0.0, 1.0)
        _set_float(self, "min_weight", "constraints.min_weight", 0.0, 1.0)
        if self.min_weight > self.max_token_weight:
            raise ConfigError(f"constraints.min_weight {self.min_weight} exceeds max_token_weight "
                              f"{self.max_token_weight}")
        if self.max_tokens is not None:
            _int(self.max_tokens, "constraints.max_tokens", 1, 1_000_000)
        caps = []
        for sector, cap in self.sector_caps:
            if sector not in SECTORS:
                raise ConfigError(f"constraints.sector_caps: unknown sector {sector!r}; use one of {list(SECTORS)}")
            caps.append((sector, _num(cap, f"constraints.sector_caps.{sector}", 0.0, 1.0)))
        object.__setattr__(self, "sector_caps", tuple(sorted(caps)))
        if [t for t, _ in self.tiers] != sorted(RISK_TIERS):
            raise ConfigError(f"constraints.tiers must cover exactly {sorted(RISK_TIERS)}")
        targets = [b.target for _, b in self.tiers]
        if any(t is not None for t in targets):
            if any(t is None for t in targets):
                raise ConfigError("tier targets: give a target for every tier or for none")
            if abs(sum(targets) - 1.0) > 1e-9:  # type: ignore[arg-type]
                raise ConfigError(f"tier targets must sum to 1, got {sum(targets)}")  # type: ignore[arg-type]
        if sum(b.floor for _, b in self.tiers) > 1.0 + 1e-12:
            raise ConfigError("tier floors sum to more than 1")

    def sector_cap(self, sector: str) -> float:
        return dict(self.sector_caps).get(sector, self.max_sector_weight)

    def tier(self, tier: str) -> TierBudget:
        return dict(self.tiers)[tier]

    @property
    def has_tier_targets(self) -> bool:
        return self.tiers[0][1].target is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "max_token_weight": self.max_token_weight,
            "max_sector_weight": self.max_sector_weight,
            "sector_caps": {s: c for s, c in self.sector_caps},
            "tiers": {t: b.to_dict() for t, b in self.tiers},
            "min_weight": self.min_weight,
            "max_tokens": self.max_tokens,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ConstraintConfig:
        d = dict(_keys(data, {"max_token_weight", "max_sector_weight", "sector_caps", "tiers",
                              "min_weight", "max_tokens"}, "constraints"))
        caps = _keys(d.pop("sector_caps", {}) or {}, set(SECTORS), "constraints.sector_caps")
        tiers_in = _keys(d.pop("tiers", {}) or {}, set(RISK_TIERS), "constraints.tiers")
        tiers = []
        for t in sorted(RISK_TIERS):
            spec = _keys(tiers_in.get(t, {}) or {}, {"floor", "cap", "target"}, f"constraints.tiers.{t}")
            try:
                tiers.append((t, TierBudget(**dict(spec))))
            except ConfigError as exc:
                raise ConfigError(f"constraints.tiers.{t}: {exc}") from exc
        return cls(sector_caps=tuple(sorted(caps.items())), tiers=tuple(tiers), **d)


@dataclass(frozen=True)
class MomentumConfig:
    """Momentum tilt applied to the base methodology's weights.

    score = log(P[t-skip] / P[t-skip-window]); z = cross-sectional z-score of the scores,
    clipped to +-``z_clip``; tilted weight ~ base weight * exp(strength * z).
    """

    window_days: int = 90
    skip_days: int = 0
    strength: float = 0.5
    z_clip: float = 3.0

    def __post_init__(self) -> None:
        _int(self.window_days, "momentum.window_days", 2, 3650)
        _int(self.skip_days, "momentum.skip_days", 0, 365)
        _set_float(self, "strength", "momentum.strength", 0.0, 5.0)
        _set_float(self, "z_clip", "momentum.z_clip", 0.1, 10.0)

    def to_dict(self) -> dict[str, Any]:
        return {"window_days": self.window_days, "skip_days": self.skip_days,
                "strength": self.strength, "z_clip": self.z_clip}


@dataclass(frozen=True)
class AnomalyConfig:
    """Thresholds of the anomaly screen (see ``keeper.weights.anomaly``).

    @param window_days    history (days of returns) the last day is compared with
    @param max_return_z   |robust z| of the last log return above which a token is excluded
    @param max_volume_z   |robust z| of the last log(1+volume) above which it is excluded
    @param max_stale_days exclude when the price was unchanged for this many trailing days
    """

    enabled: bool = True
    window_days: int = 90
    max_return_z: float = 10.0
    max_volume_z: float = 10.0
    max_stale_days: int = 3

    def __post_init__(self) -> None:
        if not isinstance(self.enabled, bool):
            raise ConfigError("anomaly.enabled must be true or false")
        _int(self.window_days, "anomaly.window_days", 10, 3650)
        _set_float(self, "max_return_z", "anomaly.max_return_z", 1.0, 1e6)
        _set_float(self, "max_volume_z", "anomaly.max_volume_z", 1.0, 1e6)
        _int(self.max_stale_days, "anomaly.max_stale_days", 1, 365)

    def to_dict(self) -> dict[str, Any]:
        return {"enabled": self.enabled, "window_days": self.window_days, "max_return_z": self.max_return_z,
                "max_volume_z": self.max_volume_z, "max_stale_days": self.max_stale_days}


@dataclass(frozen=True)
class MethodologyConfig:
    """Everything that determines target weights besides the data.

    @param methodology   one of :data:`METHODOLOGIES`
    @param lookback_days days of returns for volatility/covariance (and history required)
    @param shrinkage     Ledoit-Wolf intensity in [0, 1], or None for the data-driven one
    """

    methodology: str
    lookback_days: int = 180
    shrinkage: float | None = None
    momentum: MomentumConfig | None = None
    constraints: ConstraintConfig = field(default_factory=ConstraintConfig)
    anomaly: AnomalyConfig = field(default_factory=AnomalyConfig)
    repair: RepairPolicy = field(default_factory=RepairPolicy)

    def __post_init__(self) -> None:
        if self.methodology not in METHODOLOGIES:
            raise ConfigError(f"unknown methodology {self.methodology!r}; use one of {list(METHODOLOGIES)}")
        _int(self.lookback_days, "lookback_days", 2, 3650)
        if self.shrinkage is not None:
            _set_float(self, "shrinkage", "shrinkage", 0.0, 1.0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "methodology": self.methodology,
            "lookback_days": self.lookback_days,
            "shrinkage": "auto" if self.shrinkage is None else self.shrinkage,
            "momentum": None if self.momentum is None else self.momentum.to_dict(),
            "constraints": self.constraints.to_dict(),
            "anomaly": self.anomaly.to_dict(),
            "repair": self.repair.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MethodologyConfig:
        d = dict(_keys(data, {"methodology", "lookback_days", "shrinkage", "momentum", "constraints",
                              "anomaly", "repair"}, "config"))
        if "methodology" not in d:
            raise ConfigError("config needs a 'methodology'")
        shrink = d.pop("shrinkage", "auto")
        if shrink == "auto":
            shrink = None
        mom = d.pop("momentum", None)
        if mom is not None:
            mom = MomentumConfig(**dict(_keys(mom, {"window_days", "skip_days", "strength", "z_clip"}, "momentum")))
        anomaly = AnomalyConfig(**dict(_keys(d.pop("anomaly", {}) or {},
                                             {"enabled", "window_days", "max_return_z", "max_volume_z",
                                              "max_stale_days"}, "anomaly")))
        repair = RepairPolicy.from_dict(_keys(d.pop("repair", {}) or {}, {"max_ffill_days"}, "repair"))
        constraints = ConstraintConfig.from_dict(d.pop("constraints", {}) or {})
        return cls(shrinkage=shrink, momentum=mom, anomaly=anomaly, repair=repair, constraints=constraints, **d)

    @classmethod
    def from_json_file(cls, path: str | Path) -> MethodologyConfig:
        with Path(path).open("r", encoding="utf-8") as fh:
            try:
                data = json.load(fh)
            except ValueError as exc:
                raise ConfigError(f"{path}: invalid JSON: {exc}") from exc
        return cls.from_dict(data)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)

    @property
    def methodology_id(self) -> str:
        return self.methodology + ("+momentum" if self.momentum is not None else "")
