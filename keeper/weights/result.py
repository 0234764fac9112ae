"""The outcome of one weight computation, JSON-able and human-readable."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import FrozenInstanceError
from types import MappingProxyType
from typing import Any

import pandas as pd

from keeper.market.prepared import RepairRecord
from keeper.weights.report import Deferred, Exclusion, ReportStep


class WeightResult:
    """Target weights plus everything needed to audit them (immutable).

    @param weights        token -> weight, only held tokens (> 0), ordered by symbol, sum 1
    @param exclusions     tokens left out, with reason, metric, value and threshold
    @param repairs        forward-filled data used (opt-in repair policy)
    @param steps          what each pipeline step did, in order
    @param inputs_hash    sha256 hex of the canonical inputs (see ``hashing.py``)
    @param classification token -> (sector, risk tier) of the held tokens
    @param config         the methodology configuration as a JSON-able dict
    @param zero_weight    eligible, not excluded, but given weight 0 (e.g. by min variance)

    ``exclusions``, ``steps``, ``classification``, ``config`` and ``zero_weight`` may be
    passed as :class:`~keeper.weights.report.Deferred`: the pipeline builds these per-token
    records only when they are first read (``to_dict``, ``render_text``...), which keeps
    thousands of backtest decisions cheap. What they contain does not depend on when.
    """

    __slots__ = ("as_of", "methodology_id", "methodology_version", "engine_version", "inputs_hash", "weights",
                 "repairs", "_exclusions", "_steps", "_classification", "_config", "_zero_weight")

    as_of: str
    methodology_id: str
    methodology_version: str
    engine_version: str
    inputs_hash: str
    weights: Mapping[str, float]
    repairs: tuple[RepairRecord, ...]

    def __init__(self, as_of: str, methodology_id: str, methodology_version: str, engine_version: str,
                 inputs_hash: str, weights: Mapping[str, float], exclusions: tuple[Exclusion, ...] | Deferred,
                 repairs: tuple[RepairRecord, ...], steps: tuple[ReportStep, ...] | Deferred,
                 classification: Mapping[str, tuple[str, str]] | Deferred, config: Mapping[str, Any] | Deferred,
                 zero_weight: tuple[str, ...] | Deferred = ()):
        init = object.__setattr__
        init(self, "as_of", as_of)
        init(self, "methodology_id", methodology_id)
        init(self, "methodology_version", methodology_version)
        init(self, "engine_version", engine_version)
        init(self, "inputs_hash", inputs_hash)
        init(self, "weights", MappingProxyType(dict(weights)))
        init(self, "repairs", repairs)
        init(self, "_exclusions", exclusions)
        init(self, "_steps", steps)
        init(self, "_classification", classification)
        init(self, "_config", config)
        init(self, "_zero_weight", zero_weight)
        if not isinstance(classification, Deferred):
            init(self, "_classification", MappingProxyType(dict(classification)))

    def _resolved(self, slot: str) -> Any:
        value = getattr(self, slot)
        if isinstance(value, Deferred):
            value = value()
            if slot == "_classification":
                value = MappingProxyType(dict(value))
            object.__setattr__(self, slot, value)
        return value

    @property
    def exclusions(self) -> tuple[Exclusion, ...]:
        return self._resolved("_exclusions")

    @property
    def steps(self) -> tuple[ReportStep, ...]:
        return self._resolved("_steps")

    @property
    def classification(self) -> Mapping[str, tuple[str, str]]:
        return self._resolved("_classification")

    @property
    def config(self) -> Mapping[str, Any]:
        return self._resolved("_config")

    @property
    def zero_weight(self) -> tuple[str, ...]:
        return self._resolved("_zero_weight")

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __repr__(self) -> str:
        fields = ("as_of", "methodology_id", "methodology_version", "engine_version", "inputs_hash", "weights",
                  "exclusions", "repairs", "steps", "classification", "config", "zero_weight")
        return "WeightResult(" + ", ".join(f"{f}={getattr(self, f)!r}" for f in fields) + ")"

    @property
    def sector_weights(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for tok, w in self.weights.items():
            sector = self.classification[tok][0]
            out[sector] = out.get(sector, 0.0) + w
        return dict(sorted(out.items()))

    @property
    def tier_weights(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for tok, w in self.weights.items():
            tier = self.classification[tok][1]
            out[tier] = out.get(tier, 0.0) + w
        return dict(sorted(out.items()))

    def weights_series(self) -> pd.Series:
        return pd.Series(dict(self.weights), name="weight", dtype="float64").rename_axis("token")

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dict with every field (weights ordered by symbol)."""
        return {
            "as_of": self.as_of,
            "methodology_id": self.methodology_id,
            "methodology_version": self.methodology_version,
            "engine_version": self.engine_version,
            "inputs_hash": self.inputs_hash,
            "weights": dict(self.weights),
            "sector_weights": self.sector_weights,
            "tier_weights": self.tier_weights,
            "classification": {t: {"sector": s, "risk_tier": r} for t, (s, r) in self.classification.items()},
            "exclusions": [e.to_dict() for e in self.exclusions],
            "zero_weight": list(self.zero_weight),
            "repairs": [r.to_dict() for r in self.repairs],
            "steps": [s.to_dict() for s in self.steps],
            "config": dict(self.config),
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, sort_keys=False, allow_nan=False)

    def render_text(self, max_changes: int = 12) -> str:
        """Readable multi-line report; per step at most ``max_changes`` largest moves."""
        lines = [
            f"Target weights   {self.methodology_id} v{self.methodology_version} (engine {self.engine_version})",
            f"As of            {self.as_of}",
            f"Inputs sha256    {self.inputs_hash}",
            f"Tokens           {len(self.weights)} held, {len(self.exclusions)} excluded, "
            f"{len(self.zero_weight)} at zero weight" + (f" ({', '.join(self.zero_weight)})" if self.zero_weight else ""),
            "",
            "Weights",
            f"  {'token':<10}{'weight':>10}  {'sector':<16}tier",
        ]
        for tok, w in self.weights.items():
            sector, tier = self.classification[tok]
            lines.append(f"  {tok:<10}{w:>10.4%}  {sector:<16}{tier}")
        lines.append("  sectors: " + ", ".join(f"{k} {v:.2%}" for k, v in self.sector_weights.items()))
        lines.append("  tiers:   " + ", ".join(f"{k} {v:.2%}" for k, v in self.tier_weights.items()))
        if self.exclusions:
            lines += ["", "Excluded"]
            for e in self.exclusions:
                lines.append(f"  {e.token:<10}{e.reason:<22}{e.metric} = {_fmt(e.value)} "
                             f"(threshold {_fmt(e.threshold)}){'  ' + e.detail if e.detail else ''}")
        if self.repairs:
            lines += ["", "Data repairs (opt-in forward fill)"]
            for r in self.repairs:
                lines.append(f"  {r.token:<10}{r.first_date}..{r.last_date} ({r.days} day(s)) "
                             f"filled from {r.filled_from}")
        lines += ["", "Steps"]
        for i, step in enumerate(self.steps, start=1):
            lines.append(f"  {i}. {step.name}: {step.description}")
            for note in step.notes:
                lines.append(f"       - {note}")
            if step.changes:
                moved = sorted(step.changes, key=lambda c: (-abs(c.delta), c.token))
                lines.append(f"       {'token':<10}{'before':>10}{'after':>10}{'delta':>11}")
                for c in moved[:max_changes]:
                    lines.append(f"       {c.token:<10}{c.before:>10.4%}{c.after:>10.4%}{c.delta:>+11.4%}")
                if len(moved) > max_changes:
                    lines.append(f"       ... {len(moved) - max_changes} more change(s) (see to_dict())")
        return "\n".join(lines) + "\n"


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)
