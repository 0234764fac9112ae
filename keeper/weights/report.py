"""Records of what each pipeline step did: exclusions and per-token weight changes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import FrozenInstanceError, dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Exclusion:
    """A token left out of the weights, and why.

    @param reason    ``no_market_data`` | ``no_data_on_as_of`` | ``insufficient_history`` |
                     ``anomaly`` | ``max_tokens`` | ``below_min_weight``
    @param metric    what was measured (e.g. ``last_return_robust_z``)
    @param value     the measurement; @param threshold the limit it broke
    """

    token: str
    reason: str
    metric: str
    value: float | str | None
    threshold: float | str | None
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"token": self.token, "reason": self.reason, "metric": self.metric,
                "value": _jsonable(self.value), "threshold": _jsonable(self.threshold), "detail": self.detail}


@dataclass(frozen=True)
class WeightChange:
    token: str
    before: float
    after: float

    @property
    def delta(self) -> float:
        return self.after - self.before

    def to_dict(self) -> dict[str, Any]:
        return {"token": self.token, "before": self.before, "after": self.after, "delta": self.after - self.before}


class Deferred:
    """A value computed on first use: ``fn(*args)`` (pure; the args must not change)."""

    __slots__ = ("fn", "args")

    def __init__(self, fn: Callable[..., Any], *args: Any):
        self.fn, self.args = fn, args

    def __call__(self) -> Any:
        return self.fn(*self.args)


def resolve(value: Any) -> Any:
    """``value``, or what it stands for when it is :class:`Deferred`."""
    return value() if isinstance(value, Deferred) else value


class ReportStep:
    """One step of the pipeline: what it is, what it changed, and notes with numbers.

    Immutable. ``changes`` and ``details`` may be given as :class:`Deferred` (e.g.
    ``Deferred(weight_changes, tokens, before, after)``): they are built on first access,
    so a caller that never reads the report (a backtest) does not pay for per-token rows.
    """

    __slots__ = ("name", "description", "notes", "_changes", "_details")

    def __init__(self, name: str, description: str, changes: tuple[WeightChange, ...] | Deferred = (),
                 notes: tuple[str, ...] = (), details: dict[str, Any] | Deferred | None = None):
        for attr, value in (("name", name), ("description", description), ("notes", notes),
                            ("_changes", changes), ("_details", {} if details is None else details)):
            object.__setattr__(self, attr, value)

    @property
    def changes(self) -> tuple[WeightChange, ...]:
        value = self._changes
        if isinstance(value, Deferred):
            value = tuple(value())
            object.__setattr__(self, "_changes", value)
        return value

    @property
    def details(self) -> dict[str, Any]:
        value = self._details
        if isinstance(value, Deferred):
            value = value()
            object.__setattr__(self, "_details", value)
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def _fields(self) -> tuple[Any, ...]:
        return self.name, self.description, self.changes, self.notes, self.details

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._fields() == other._fields()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # details is a dict

    def __repr__(self) -> str:
        return (f"ReportStep(name={self.name!r}, description={self.description!r}, changes={self.changes!r}, "
                f"notes={self.notes!r}, details={self.details!r})")

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description,
                "changes": [c.to_dict() for c in self.changes], "notes": list(self.notes),
                "details": _jsonable(self.details)}


CHANGE_EPS = 1e-12


def weight_changes(tokens: Sequence[str], before: np.ndarray, after: np.ndarray) -> tuple[WeightChange, ...]:
    """Per-token changes, only for tokens that moved by more than rounding noise (1e-12)."""
    b = np.asarray(before, dtype=np.float64)
    a = np.asarray(after, dtype=np.float64)
    moved = np.flatnonzero(np.abs(a - b) > CHANGE_EPS).tolist()
    return tuple(WeightChange(tokens[i], x, y) for i, x, y in zip(moved, b[moved].tolist(), a[moved].tolist()))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (np.floating, float)):
        v = float(value)
        return v if np.isfinite(v) else ("inf" if v > 0 else ("-inf" if v < 0 else "nan"))
    if isinstance(value, np.integer):
        return int(value)
    return value
