"""Records of what each pipeline step did: exclusions and per-token weight changes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class ReportStep:
    """One step of the pipeline: what it is, what it changed, and notes with numbers."""

    name: str
    description: str
    changes: tuple[WeightChange, ...] = ()
    notes: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description,
                "changes": [c.to_dict() for c in self.changes], "notes": list(self.notes),
                "details": _jsonable(self.details)}


CHANGE_EPS = 1e-12


def weight_changes(tokens: Sequence[str], before: np.ndarray, after: np.ndarray) -> tuple[WeightChange, ...]:
    """Per-token changes, only for tokens that moved by more than rounding noise (1e-12)."""
    return tuple(WeightChange(t, float(b), float(a)) for t, b, a in zip(tokens, before, after)
                 if abs(a - b) > CHANGE_EPS)


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
