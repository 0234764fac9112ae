"""The outcome of one weight computation, JSON-able and human-readable."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import pandas as pd

from keeper.market.prepared import RepairRecord
from keeper.weights.report import Exclusion, ReportStep


@dataclass(frozen=True, eq=False)
class WeightResult:
    """Target weights plus everything needed to audit them.

    @param weights        token -> weight, only held tokens (> 0), ordered by symbol, sum 1
    @param exclusions     tokens left out, with reason, metric, value and threshold
    @param repairs        forward-filled data used (opt-in repair policy)
    @param steps          what each pipeline step did, in order
    @param inputs_hash    sha256 hex of the canonical inputs (see ``hashing.py``)
    @param classification token -> (sector, risk tier) of the held tokens
    @param config         the methodology configuration as a JSON-able dict
    @param zero_weight    eligible, not excluded, but given weight 0 (e.g. by min variance)
    """

    as_of: str
    methodology_id: str
    methodology_version: str
    engine_version: str
    inputs_hash: str
    weights: Mapping[str, float]
    exclusions: tuple[Exclusion, ...]
    repairs: tuple[RepairRecord, ...]
    steps: tuple[ReportStep, ...]
    classification: Mapping[str, tuple[str, str]]
    config: Mapping[str, Any]
    zero_weight: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "weights", MappingProxyType(dict(self.weights)))
        object.__setattr__(self, "classification", MappingProxyType(dict(self.classification)))

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
