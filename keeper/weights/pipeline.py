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
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from keeper.exceptions import ConfigError, NoEligibleTokensError
from keeper.market.prepared import MarketSnapshot, PreparedMarket, prepare_market
from keeper.market.schema import TokenMetadata
from keeper.weights import anomaly, momentum
from keeper.weights.config import MethodologyConfig
from keeper.weights.constraints import apply_constraints
from keeper.weights.hashing import inputs_hash
from keeper.weights.methodology import MethodologyInput, get_methodology
from keeper.weights.report import Exclusion, ReportStep, weight_changes
from keeper.weights.result import WeightResult

ENGINE_VERSION = "1.0.0"


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
    if isinstance(market, PreparedMarket):
        if market.metadata != metadata:
            raise ConfigError("PreparedMarket was built with different token metadata")
        if market.repair != config.repair:
            raise ConfigError(f"PreparedMarket was built with repair policy {market.repair}, "
                              f"config has {config.repair}")
        prepared = market
    else:
        prepared = prepare_market(market, metadata, config.repair)
    method = get_methodology(config.methodology)
    history = history_required(config)
    snap = prepared.snapshot(as_of, history)

    exclusions = list(_eligibility_exclusions(snap, metadata, history, config.repair.max_ffill_days))
    steps = [ReportStep("eligibility", f"tokens with a row on {snap.as_of} (or filled up to it) and at "
                                       f"least {history} consecutive daily prices",
                        notes=(f"{len(snap.tokens)} of {len(metadata)} metadata token(s) eligible",))]

    findings = anomaly.screen_anomalies(snap.tokens, snap.price, snap.volume, config.anomaly)
    flagged = {f.token for f in findings}
    exclusions += [Exclusion(f.token, "anomaly", f.metric, f.value, f.threshold, f.detail) for f in findings]
    steps.append(ReportStep(
        "anomaly_screen",
        "robust z-score screen of last-day return and volume, and stale prices" if config.anomaly.enabled
        else "disabled by configuration",
        notes=tuple(f"{f.token}: {f.metric} = {f.value:.4g} (threshold {f.threshold:g})" for f in findings),
        details={"findings": [f.to_dict() for f in findings]}))

    keep = [j for j, t in enumerate(snap.tokens) if t not in flagged]
    if not keep:
        raise NoEligibleTokensError(f"no token eligible on {snap.as_of}: " + "; ".join(
            f"{e.token} {e.reason} ({e.metric}={e.value})" for e in exclusions))
    tokens = tuple(snap.tokens[j] for j in keep)
    inp = MethodologyInput(tokens=tokens, prices=snap.price[:, keep], market_caps=snap.market_cap[-1, keep],
                           lookback_days=config.lookback_days, shrinkage=config.shrinkage,
                           max_token_weight=config.constraints.max_token_weight)
    out = method.compute(inp)
    raw = out.weights
    steps.append(ReportStep(f"methodology:{method.id}", method.description,
                            weight_changes(tokens, np.zeros(len(tokens)), raw), out.notes, out.details))

    version = method.version
    if config.momentum is not None:
        m = config.momentum
        scores = momentum.momentum_scores(inp.prices, m.window_days, m.skip_days)
        z = momentum.momentum_z(scores, m.z_clip)
        tilted = momentum.momentum_tilt(raw, z, m.strength)
        steps.append(ReportStep(
            "momentum_tilt", f"weights x exp({m.strength:g} * z) of {m.window_days}-day momentum "
                             f"(skip {m.skip_days}, z clipped at {m.z_clip:g})",
            weight_changes(tokens, raw, tilted),
            details={"score": dict(zip(tokens, scores.tolist())), "z": dict(zip(tokens, z.tolist()))}))
        raw = tilted
        version = f"{method.version}+momentum.{momentum.VERSION}"

    sectors = [metadata[t].sector for t in tokens]
    tiers = [metadata[t].risk_tier for t in tokens]
    outcome = apply_constraints(tokens, raw, sectors, tiers, config.constraints)
    steps.extend(outcome.steps)
    exclusions.extend(outcome.exclusions)

    w = outcome.weights
    held = {t: float(x) for t, x in zip(tokens, w) if x > 0}
    as_of_str = str(snap.as_of)
    digest = inputs_hash(engine_version=ENGINE_VERSION, methodology_id=config.methodology_id,
                         methodology_version=version, config=config, metadata=metadata,
                         market_digest=snap.market_digest, as_of=as_of_str)
    return WeightResult(
        as_of=as_of_str, methodology_id=config.methodology_id, methodology_version=version,
        engine_version=ENGINE_VERSION, inputs_hash=digest, weights=held,
        exclusions=tuple(sorted(exclusions, key=lambda e: (e.token, e.reason, e.metric))),
        repairs=snap.repairs, steps=tuple(steps),
        classification={t: (metadata[t].sector, metadata[t].risk_tier) for t in held},
        config=config.to_dict(),
        zero_weight=tuple(t for t in tokens if t not in held and t not in {e.token for e in outcome.exclusions}))


def _eligibility_exclusions(snap: MarketSnapshot, metadata: TokenMetadata, history: int,
                            max_ffill: int) -> list[Exclusion]:
    out = []
    eligible = set(snap.tokens)
    seen = {s.token: s for s in snap.statuses}
    for sym in metadata.symbols:
        if sym in eligible:
            continue
        st = seen.get(sym)
        if st is None:
            out.append(Exclusion(sym, "no_market_data", "rows_on_or_before_as_of", 0, 1,
                                 f"no market data on or before {snap.as_of}"))
        elif st.days_since_last_row is not None and st.days_since_last_row > max_ffill:
            out.append(Exclusion(sym, "no_data_on_as_of", "days_since_last_row", st.days_since_last_row, max_ffill,
                                 "last row is older than repair.max_ffill_days allows"))
        else:
            out.append(Exclusion(sym, "insufficient_history", "consecutive_daily_prices", st.available_prices,
                                 history, "listed too recently for the lookback/anomaly/momentum windows"))
    return out

