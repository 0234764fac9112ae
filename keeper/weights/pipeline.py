"""The single entry point: market data + metadata + configuration -> target weights.

Steps, in order, each recorded in ``WeightResult.steps``:

1. ``eligibility``    -- data as of ``as_of`` only (no look-ahead); tokens need a row on the
   as-of day (or an opt-in forward fill) and enough consecutive history.
2. ``anomaly_screen`` -- robust z-score screen (``anomaly.py``).
3. ``methodology``    -- raw weights of the configured methodology (``methodology.py``).
4. ``momentum_tilt``  -- optional tilt of the raw weights (``momentum.py``).
5. shared constraints (``constraints.py``): ``max_tokens``, ``tier_targets``,
   ``constraints``, ``min_weight``.

The function is pure: same inputs, same weights and same ``inputs_hash``, byte for byte.
For repeated calls on one history (backtests) pass a :class:`PreparedMarket` built once
with :func:`keeper.market.prepare_market`; results are identical to passing the table.
What never changes between such calls (the hash's serialised configuration and metadata,
sector/tier indices, constraint bounds) is derived once per PreparedMarket and (metadata,
config) pair of objects, and the per-token parts of the report (weight changes, exclusion
records, token statuses) are built only when the result's ``steps``/``exclusions``/... are
first read (from compact arrays; the price windows are not kept).
:func:`compute_weight_vector` runs the very same computation for a caller that only needs
the weights as a vector and the inputs hash (a backtester), without building the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import compress

import numpy as np
import pandas as pd

from keeper.exceptions import ConfigError, NoEligibleTokensError
from keeper.market.prepared import PreparedMarket, RepairRecord, TokenStatus, prepare_market, token_statuses
from keeper.market.schema import RISK_TIERS, SECTORS, TokenMetadata
from keeper.weights import anomaly, momentum
from keeper.weights.anomaly import AnomalyFinding
from keeper.weights.config import MethodologyConfig
from keeper.weights.constraints import ConstraintOutcome, ConstraintPlan, apply_constraints_indexed
from keeper.weights.hashing import InputsHasher
from keeper.weights.methodology import Methodology, MethodologyInput, get_methodology
from keeper.weights.report import Deferred, Exclusion, ReportStep, weight_changes
from keeper.weights.result import WeightResult

ENGINE_VERSION = "1.0.0"
_TIERS = tuple(sorted(RISK_TIERS))


def history_required(config: MethodologyConfig) -> int:
    """Consecutive daily prices (ending on as_of) a token needs to be eligible."""
    need = get_methodology(config.methodology).history_days(config.lookback_days)
    need = max(need, anomaly.history_needed(config.anomaly))
    if config.momentum is not None:
        need = max(need, config.momentum.window_days + config.momentum.skip_days + 1)
    return need


def compute_target_weights(market: pd.DataFrame | PreparedMarket, metadata: TokenMetadata,
                           config: MethodologyConfig, as_of: date | str | None = None) -> WeightResult:
    """Compute target weights.

    @param market   long table (``date, token, price, market_cap, volume``) or a
                    PreparedMarket built from it with the same metadata and repair policy
    @param metadata sector / risk tier / chains of the tokens
    @param config   methodology, parameters and constraints
    @param as_of    use only rows dated <= as_of (default: all); the result's ``as_of`` is
                    the latest market day not after it
    @raises DataValidationError, ConstraintConflictError, NoEligibleTokensError,
            MethodologyError, ConfigError (all KeeperError)
    """
    return _compute(market, metadata, config, as_of).result()


class WeightVector:
    """Target weights as a dense vector over a PreparedMarket's tokens, plus the inputs hash.

    @param tokens   the PreparedMarket's ``tokens`` (symbol order)
    @param weights  (len(tokens),) read-only; the result's weights, 0.0 for tokens not held
    @param inputs_hash, as_of as in the :class:`WeightResult` (:meth:`result` builds it)
    """

    __slots__ = ("as_of", "inputs_hash", "tokens", "weights", "_computation", "_result")

    def __init__(self, computation: _Computation):
        c = computation
        dense = np.zeros(len(c.market_tokens))
        dense[c.columns[c.held]] = c.weights[c.held]
        dense.setflags(write=False)
        self.as_of, self.inputs_hash, self.tokens, self.weights = c.as_of, c.inputs_hash, c.market_tokens, dense
        self._computation = c
        self._result: WeightResult | None = None

    def result(self) -> WeightResult:
        """The full :class:`WeightResult` of this computation (what compute_target_weights returns)."""
        if self._result is None:
            self._result = self._computation.result()
        return self._result


def compute_weight_vector(prepared: PreparedMarket, metadata: TokenMetadata, config: MethodologyConfig,
                          as_of: date | str | None = None) -> WeightVector:
    """:func:`compute_target_weights` on a PreparedMarket, answered as a :class:`WeightVector`.

    The same computation (same weights, same inputs hash, same errors); only the
    :class:`WeightResult` and its per-token records are not built unless asked for.
    """
    if not isinstance(prepared, PreparedMarket):
        raise TypeError("compute_weight_vector needs a PreparedMarket (see keeper.market.prepare_market)")
    return WeightVector(_compute(prepared, metadata, config, as_of))


@dataclass(frozen=True, eq=False)
class _Setup:
    """What never changes between calls on one PreparedMarket + metadata + config."""

    metadata: TokenMetadata
    config: MethodologyConfig
    method: Methodology
    history: int
    version: str
    hasher: InputsHasher
    sector_of: np.ndarray  # per PreparedMarket column: index into SECTORS
    tier_of: np.ndarray  # per column: index into the sorted RISK_TIERS
    plan: ConstraintPlan


def _setup(prepared: PreparedMarket, metadata: TokenMetadata, config: MethodologyConfig) -> _Setup:
    # Keyed by identity: the entry holds both objects, so their ids cannot be reused while it exists.
    setup = prepared.derived(("keeper.weights.pipeline", id(metadata), id(config)),
                             lambda: _build_setup(prepared, metadata, config))
    if setup.metadata is not metadata or setup.config is not config:  # pragma: no cover - defensive
        setup = _build_setup(prepared, metadata, config)
    return setup


def _build_setup(prepared: PreparedMarket, metadata: TokenMetadata, config: MethodologyConfig) -> _Setup:
    method = get_methodology(config.methodology)
    history = history_required(config)
    version = method.version
    if config.momentum is not None:
        version = f"{method.version}+momentum.{momentum.VERSION}"
    hasher = InputsHasher(engine_version=ENGINE_VERSION, methodology_id=config.methodology_id,
                          methodology_version=version, config=config, metadata=metadata)
    sector_of = np.array([SECTORS.index(metadata[t].sector) for t in prepared.tokens], dtype=np.intp)
    tier_of = np.array([_TIERS.index(metadata[t].risk_tier) for t in prepared.tokens], dtype=np.intp)
    for a in (sector_of, tier_of):
        a.setflags(write=False)
    return _Setup(metadata, config, method, history, version, hasher, sector_of, tier_of,
                  ConstraintPlan.of(config.constraints))


@dataclass(frozen=True, eq=False)
class _Eligibility:
    """Who was eligible at the snapshot, and the status arrays of every token seen by then."""

    as_of: date
    tokens: tuple[str, ...]
    market_tokens: tuple[str, ...]
    seen_columns: np.ndarray
    available: np.ndarray
    lag: np.ndarray

    def statuses(self) -> tuple[TokenStatus, ...]:
        return token_statuses(self.market_tokens, self.seen_columns, self.available, self.lag)


@dataclass(frozen=True, eq=False)
class _Computation:
    """One weight computation in compact form; :meth:`result` builds the WeightResult.

    Holds per-token vectors only (no price windows), so results are cheap to keep.
    """

    setup: _Setup
    market_tokens: tuple[str, ...]
    eligibility: _Eligibility
    repairs: tuple[RepairRecord, ...]
    findings: tuple[AnomalyFinding, ...]
    tokens: tuple[str, ...]
    columns: np.ndarray  # PreparedMarket column of each token
    steps: tuple[ReportStep, ...]
    outcome: ConstraintOutcome
    weights: np.ndarray
    held: np.ndarray
    inputs_hash: str
    as_of: str

    def result(self) -> WeightResult:
        setup = self.setup
        config = setup.config
        return WeightResult(
            as_of=self.as_of, methodology_id=config.methodology_id, methodology_version=setup.version,
            engine_version=ENGINE_VERSION, inputs_hash=self.inputs_hash,
            weights=dict(zip(compress(self.tokens, self.held.tolist()), self.weights[self.held].tolist())),
            exclusions=Deferred(_sorted_exclusions, setup, self.eligibility, self.findings, self.outcome),
            repairs=self.repairs, steps=self.steps,
            classification=Deferred(_classification, setup.metadata, self.tokens, self.held),
            config=Deferred(config.to_dict), zero_weight=Deferred(_zero_weight, self.tokens, self.held,
                                                                  self.outcome.excluded))


def _compute(market: pd.DataFrame | PreparedMarket, metadata: TokenMetadata, config: MethodologyConfig,
             as_of: date | str | None) -> _Computation:
    if isinstance(market, PreparedMarket):
        if market.metadata is not metadata and market.metadata != metadata:
            raise ConfigError("PreparedMarket was built with different token metadata")
        if market.repair != config.repair:
            raise ConfigError(f"PreparedMarket was built with repair policy {market.repair}, "
                              f"config has {config.repair}")
        prepared = market
    else:
        prepared = prepare_market(market, metadata, config.repair)
    setup = _setup(prepared, metadata, config)
    method, history = setup.method, setup.history
    snap = prepared.snapshot(as_of, history)

    steps = [ReportStep("eligibility", f"tokens with a row on {snap.as_of} (or filled up to it) and at "
                                       f"least {history} consecutive daily prices",
                        notes=(f"{len(snap.tokens)} of {len(metadata)} metadata token(s) eligible",))]

    findings = anomaly.screen_anomalies(snap.tokens, snap.price, snap.volume, config.anomaly)
    steps.append(ReportStep(
        "anomaly_screen",
        "robust z-score screen of last-day return and volume, and stale prices" if config.anomaly.enabled
        else "disabled by configuration",
        notes=tuple(f"{f.token}: {f.metric} = {f.value:.4g} (threshold {f.threshold:g})" for f in findings),
        details={"findings": [f.to_dict() for f in findings]}))

    if findings:
        flagged = {f.token for f in findings}
        keep = np.array([j for j, t in enumerate(snap.tokens) if t not in flagged], dtype=np.intp)
    else:
        keep = np.arange(len(snap.tokens))
    eligibility = _Eligibility(snap.as_of, snap.tokens, prepared.tokens, snap.seen_columns, snap.available, snap.lag)
    if not keep.size:
        exclusions = _eligibility_exclusions(eligibility, metadata, history, config.repair.max_ffill_days)
        exclusions += _anomaly_exclusions(findings)
        raise NoEligibleTokensError(f"no token eligible on {snap.as_of}: " + "; ".join(
            f"{e.token} {e.reason} ({e.metric}={e.value})" for e in exclusions))
    tokens = snap.tokens if not findings else tuple(snap.tokens[j] for j in keep.tolist())
    columns = snap.columns if not findings else snap.columns[keep]
    inp = MethodologyInput(tokens=tokens, prices=snap.price[:, keep], market_caps=snap.market_cap[-1, keep],
                           lookback_days=config.lookback_days, shrinkage=config.shrinkage,
                           max_token_weight=config.constraints.max_token_weight)
    out = method.compute(inp)
    raw = out.weights
    steps.append(ReportStep(f"methodology:{method.id}", method.description,
                            Deferred(_changes_from_zero, tokens, raw), out.notes, out.details))

    if config.momentum is not None:
        m = config.momentum
        scores = momentum.momentum_scores(inp.prices, m.window_days, m.skip_days)
        z = momentum.momentum_z(scores, m.z_clip)
        tilted = momentum.momentum_tilt(raw, z, m.strength)
        steps.append(ReportStep(
            "momentum_tilt", f"weights x exp({m.strength:g} * z) of {m.window_days}-day momentum "
                             f"(skip {m.skip_days}, z clipped at {m.z_clip:g})",
            Deferred(weight_changes, tokens, raw, tilted), details=Deferred(_momentum_details, tokens, scores, z)))
        raw = tilted

    outcome = apply_constraints_indexed(tokens, raw, setup.sector_of[columns], setup.tier_of[columns], setup.plan)
    steps.extend(outcome.steps)

    w = outcome.weights
    as_of_str = str(snap.as_of)
    digest = setup.hasher(market_digest=snap.market_digest, as_of=as_of_str)
    return _Computation(setup, prepared.tokens, eligibility, snap.repairs, findings, tokens, columns, tuple(steps),
                        outcome, w, w > 0, digest, as_of_str)


def _changes_from_zero(tokens: tuple[str, ...], raw: np.ndarray) -> tuple:
    return weight_changes(tokens, np.zeros(len(tokens)), raw)


def _momentum_details(tokens: tuple[str, ...], scores: np.ndarray, z: np.ndarray) -> dict:
    return {"score": dict(zip(tokens, scores.tolist())), "z": dict(zip(tokens, z.tolist()))}


def _anomaly_exclusions(findings: tuple[AnomalyFinding, ...]) -> list[Exclusion]:
    return [Exclusion(f.token, "anomaly", f.metric, f.value, f.threshold, f.detail) for f in findings]


def _sorted_exclusions(setup: _Setup, eligibility: _Eligibility, findings: tuple[AnomalyFinding, ...],
                       outcome: ConstraintOutcome) -> tuple[Exclusion, ...]:
    exclusions = _eligibility_exclusions(eligibility, setup.metadata, setup.history,
                                         setup.config.repair.max_ffill_days)
    exclusions += _anomaly_exclusions(findings)
    exclusions.extend(outcome.exclusions)
    return tuple(sorted(exclusions, key=lambda e: (e.token, e.reason, e.metric)))


def _classification(metadata: TokenMetadata, tokens: tuple[str, ...], held: np.ndarray
                    ) -> dict[str, tuple[str, str]]:
    return {t: (metadata[t].sector, metadata[t].risk_tier) for t in compress(tokens, held.tolist())}


def _zero_weight(tokens: tuple[str, ...], held: np.ndarray, excluded: np.ndarray) -> tuple[str, ...]:
    return tuple(compress(tokens, (~held & ~excluded).tolist()))


def _eligibility_exclusions(at: _Eligibility, metadata: TokenMetadata, history: int,
                            max_ffill: int) -> list[Exclusion]:
    out = []
    eligible = set(at.tokens)
    seen = {s.token: s for s in at.statuses()}
    for sym in metadata.symbols:
        if sym in eligible:
            continue
        st = seen.get(sym)
        if st is None:
            out.append(Exclusion(sym, "no_market_data", "rows_on_or_before_as_of", 0, 1,
                                 f"no market data on or before {at.as_of}"))
        elif st.days_since_last_row is not None and st.days_since_last_row > max_ffill:
            out.append(Exclusion(sym, "no_data_on_as_of", "days_since_last_row", st.days_since_last_row, max_ffill,
                                 "last row is older than repair.max_ffill_days allows"))
        else:
            out.append(Exclusion(sym, "insufficient_history", "consecutive_daily_prices", st.available_prices,
                                 history, "listed too recently for the lookback/anomaly/momentum windows"))
    return out

