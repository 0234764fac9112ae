"""Rebalancing triggers: when should the portfolio be traded back to its target weights?

Shared by the live keeper and the backtester, so a rule behaves identically in both.
Every trigger is a frozen dataclass with one method::

    trigger.evaluate(today, last_rebalance, current, target, labels=None) -> Decision

* ``today``          -- the day the decision is for (a ``datetime.date``)
* ``last_rebalance`` -- day of the last rebalance, or ``None`` if the portfolio has never
  been allocated: then every trigger (even :class:`Never`) answers "initial allocation"
* ``current``        -- current weights, as fractions of the portfolio's *total* value
  (cash, e.g. proceeds of a delisted token, is the complement and is not passed)
* ``target``         -- the target weights the portfolio was last rebalanced to, same
  order as ``current``; both are 1-D float arrays (or :func:`should_rebalance` aligns two
  ``{token: weight}`` mappings for you)

Rules (``>`` is strict, so a drift exactly at the threshold does not fire; drifts within
``TOLERANCE`` = 1e-12 of it count as exactly at it, so float rounding never decides):

* :class:`Never`                   -- buy and hold after the initial allocation.
* :class:`Calendar`                -- on the first day of a new week (ISO), month or quarter
  relative to ``last_rebalance``.
* :class:`RelativeDrift(t)`        -- when any token has ``|current - target| / target > t``;
  a token held with a zero target counts as infinite drift (it must be sold).
* :class:`AbsoluteBand(b)`         -- when any token has ``|current - target| > b``.
* :class:`AnyOf(triggers)`         -- when any of its triggers fires (e.g. quarterly OR 25%).

Triggers round-trip through dicts (:func:`trigger_from_dict`, ``to_dict``) and short
strings (:func:`parse_trigger`: ``never``, ``weekly``, ``monthly``, ``quarterly``,
``drift:0.25``, ``band:0.05``, ``monthly|drift:0.25``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol, runtime_checkable

import numpy as np

from keeper.exceptions import ConfigError

PERIODS: tuple[str, ...] = ("weekly", "monthly", "quarterly")
TOLERANCE = 1e-12
_UNIT = {"weekly": "ISO week", "monthly": "month", "quarterly": "quarter"}
WeightsLike = Mapping[str, float] | np.ndarray | Sequence[float]


@dataclass(frozen=True)
class Decision:
    """Whether to rebalance today, and why (a one-line human-readable reason)."""

    rebalance: bool
    reason: str


@runtime_checkable
class Trigger(Protocol):
    """The interface every trigger implements (see the module docstring)."""

    label: str

    def evaluate(self, today: date, last_rebalance: date | None, current: np.ndarray, target: np.ndarray,
                 labels: Sequence[str] | None = None) -> Decision: ...

    def to_dict(self) -> dict[str, Any]: ...


_INITIAL = Decision(True, "initial allocation")


def _name(labels: Sequence[str] | None, i: int) -> str:
    return str(labels[i]) if labels is not None else f"#{i}"


@dataclass(frozen=True)
class Never:
    """Buy and hold: only the initial allocation."""

    @property
    def label(self) -> str:
        return "never"

    def evaluate(self, today: date, last_rebalance: date | None, current: np.ndarray, target: np.ndarray,
                 labels: Sequence[str] | None = None) -> Decision:
        return _INITIAL if last_rebalance is None else Decision(False, "buy and hold")

    def to_dict(self) -> dict[str, Any]:
        return {"type": "never"}


def period_key(day: date, period: str) -> tuple[int, int]:
    """(year, period number) of ``day``: ISO week, month (1-12) or quarter (0-3)."""
    if period == "weekly":
        iso = day.isocalendar()
        return iso[0], iso[1]
    if period == "monthly":
        return day.year, day.month
    if period == "quarterly":
        return day.year, (day.month - 1) // 3
    raise ConfigError(f"calendar period must be one of {list(PERIODS)}, got {period!r}")


@dataclass(frozen=True)
class Calendar:
    """Rebalance on the first day of each new calendar period after the last rebalance."""

    period: str = "monthly"

    def __post_init__(self) -> None:
        if self.period not in PERIODS:
            raise ConfigError(f"calendar period must be one of {list(PERIODS)}, got {self.period!r}")

    @property
    def label(self) -> str:
        return self.period

    def evaluate(self, today: date, last_rebalance: date | None, current: np.ndarray, target: np.ndarray,
                 labels: Sequence[str] | None = None) -> Decision:
        if last_rebalance is None:
            return _INITIAL
        if period_key(today, self.period) != period_key(last_rebalance, self.period):
            return Decision(True, f"first day of a new {_UNIT[self.period]} since {last_rebalance}")
        return Decision(False, f"same {self.period} period as {last_rebalance}")

    def to_dict(self) -> dict[str, Any]:
        return {"type": "calendar", "period": self.period}


def _check_fraction(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 < float(value) < 10.0:
        raise ConfigError(f"{what} must be a number in (0, 10), got {value!r}")
    return float(value)


def relative_drift(current: np.ndarray, target: np.ndarray) -> np.ndarray:
    """|current - target| / target per token; inf where the target is 0 and the token is held."""
    c = np.asarray(current, dtype=np.float64)
    t = np.asarray(target, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.abs(c - t) / t
    return np.where(t > 0, rel, np.where(c > 0, np.inf, 0.0))


@dataclass(frozen=True)
class RelativeDrift:
    """Rebalance when any token's drift relative to its own target exceeds ``threshold``."""

    threshold: float = 0.25

    def __post_init__(self) -> None:
        object.__setattr__(self, "threshold", _check_fraction(self.threshold, "relative drift threshold"))

    @property
    def label(self) -> str:
        return f"drift {self.threshold:.0%}"

    def evaluate(self, today: date, last_rebalance: date | None, current: np.ndarray, target: np.ndarray,
                 labels: Sequence[str] | None = None) -> Decision:
        if last_rebalance is None:
            return _INITIAL
        rel = relative_drift(current, target)
        i = int(np.argmax(rel)) if rel.size else 0
        if rel.size and rel[i] > self.threshold + TOLERANCE:
            return Decision(True, f"relative drift {rel[i]:.1%} of {_name(labels, i)} exceeds {self.threshold:.1%}")
        worst = f"{rel[i]:.1%}" if rel.size else "0%"
        return Decision(False, f"largest relative drift {worst} within {self.threshold:.1%}")

    def to_dict(self) -> dict[str, Any]:
        return {"type": "relative_drift", "threshold": self.threshold}


@dataclass(frozen=True)
class AbsoluteBand:
    """Rebalance when any token's weight is more than ``band`` away from its target."""

    band: float = 0.05

    def __post_init__(self) -> None:
        object.__setattr__(self, "band", _check_fraction(self.band, "absolute band"))

    @property
    def label(self) -> str:
        return f"band {self.band:.1%}".replace(".0%", "%")

    def evaluate(self, today: date, last_rebalance: date | None, current: np.ndarray, target: np.ndarray,
                 labels: Sequence[str] | None = None) -> Decision:
        if last_rebalance is None:
            return _INITIAL
        gap = np.abs(np.asarray(current, dtype=np.float64) - np.asarray(target, dtype=np.float64))
        i = int(np.argmax(gap)) if gap.size else 0
        if gap.size and gap[i] > self.band + TOLERANCE:
            return Decision(True, f"weight of {_name(labels, i)} is {gap[i]:.2%} from target, band {self.band:.2%}")
        return Decision(False, f"every weight within {self.band:.2%} of target")

    def to_dict(self) -> dict[str, Any]:
        return {"type": "absolute_band", "band": self.band}


@dataclass(frozen=True)
class AnyOf:
    """Fires when any member fires; the reason lists every member that fired."""

    triggers: tuple[Trigger, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "triggers", tuple(self.triggers))
        if not self.triggers:
            raise ConfigError("AnyOf needs at least one trigger")

    @property
    def label(self) -> str:
        return " | ".join(t.label for t in self.triggers)

    def evaluate(self, today: date, last_rebalance: date | None, current: np.ndarray, target: np.ndarray,
                 labels: Sequence[str] | None = None) -> Decision:
        if last_rebalance is None:
            return _INITIAL
        decisions = [t.evaluate(today, last_rebalance, current, target, labels) for t in self.triggers]
        fired = [d.reason for d in decisions if d.rebalance]
        if fired:
            return Decision(True, "; ".join(fired))
        return Decision(False, "; ".join(d.reason for d in decisions))

    def to_dict(self) -> dict[str, Any]:
        return {"type": "any", "triggers": [t.to_dict() for t in self.triggers]}


def _align(current: WeightsLike, target: WeightsLike) -> tuple[np.ndarray, np.ndarray, list[str] | None]:
    if isinstance(current, Mapping) != isinstance(target, Mapping):
        raise TypeError("current and target must both be mappings or both be arrays")
    if isinstance(current, Mapping) and isinstance(target, Mapping):
        keys = sorted(set(current) | set(target))
        return (np.array([float(current.get(k, 0.0)) for k in keys]),
                np.array([float(target.get(k, 0.0)) for k in keys]), keys)
    c, t = np.asarray(current, dtype=np.float64), np.asarray(target, dtype=np.float64)
    if c.shape != t.shape or c.ndim != 1:
        raise ValueError(f"current and target must be 1-D arrays of one shape, got {c.shape} and {t.shape}")
    return c, t, None


def should_rebalance(trigger: Trigger, today: date, last_rebalance: date | None,
                     current_weights: WeightsLike, target_weights: WeightsLike) -> Decision:
    """Decide for ``today``; weights are ``{token: weight}`` mappings (a missing token is 0)
    or two aligned arrays. See the module docstring for each rule."""
    c, t, labels = _align(current_weights, target_weights)
    return trigger.evaluate(today, last_rebalance, c, t, labels)


def trigger_from_dict(data: Mapping[str, Any]) -> Trigger:
    """Inverse of ``to_dict``: ``{"type": "calendar", "period": "monthly"}`` etc."""
    if not isinstance(data, Mapping) or "type" not in data:
        raise ConfigError(f"a trigger must be an object with a 'type', got {data!r}")
    kind, rest = data["type"], {k: v for k, v in data.items() if k != "type"}
    makers: dict[str, Any] = {"never": Never, "calendar": Calendar, "relative_drift": RelativeDrift,
                              "absolute_band": AbsoluteBand}
    if kind == "any":
        members = rest.pop("triggers", None)
        if rest or not isinstance(members, list):
            raise ConfigError("an 'any' trigger takes exactly a 'triggers' list")
        return AnyOf(tuple(trigger_from_dict(m) for m in members))
    if kind not in makers:
        raise ConfigError(f"unknown trigger type {kind!r}; use one of {sorted([*makers, 'any'])}")
    try:
        return makers[kind](**rest)
    except TypeError as exc:
        raise ConfigError(f"trigger {kind!r}: {exc}") from exc


def parse_trigger(spec: str | Mapping[str, Any]) -> Trigger:
    """A trigger from a short string (see module docstring) or a dict."""
    if isinstance(spec, Mapping):
        return trigger_from_dict(spec)
    if not isinstance(spec, str) or not spec.strip():
        raise ConfigError(f"trigger must be a string or an object, got {spec!r}")
    parts = [p.strip().lower() for p in spec.split("|")]
    if len(parts) > 1:
        return AnyOf(tuple(parse_trigger(p) for p in parts))
    word = parts[0]
    if word == "never":
        return Never()
    if word in PERIODS:
        return Calendar(word)
    kind, _, value = word.partition(":")
    if kind in ("drift", "band") and value:
        try:
            number = float(value.rstrip("%")) / (100.0 if value.endswith("%") else 1.0)
        except ValueError:
            raise ConfigError(f"trigger {spec!r}: {value!r} is not a number") from None
        return RelativeDrift(number) if kind == "drift" else AbsoluteBand(number)
    raise ConfigError(f"unknown trigger {spec!r}; use never, weekly, monthly, quarterly, drift:0.25, band:0.05 "
                      "or several joined by '|'")
