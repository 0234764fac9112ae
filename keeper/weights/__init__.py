"""The pure, chain-free strategy core of the keeper.

Entry point: :func:`compute_target_weights` (market table or PreparedMarket + metadata +
:class:`MethodologyConfig` [+ as_of] -> :class:`WeightResult`), then
:func:`weights_to_bps` for the on-chain integers. :func:`compute_weight_vector` is the same
computation answered as a dense vector + inputs hash, for callers making many decisions
on one PreparedMarket (the backtester). The numeric building blocks (covariance,
risk parity, minimum variance, the constraint projection...) are importable on their own.
"""

from keeper.weights.anomaly import AnomalyFinding, screen_anomalies
from keeper.weights.bps import TOTAL_BPS, BpsAllocation, BpsMove, weights_to_bps
from keeper.weights.config import (
                                   METHODOLOGIES,
                                   AnomalyConfig,
                                   ConstraintConfig,
                                   MethodologyConfig,
                                   MomentumConfig,
                                   TierBudget,
)
from keeper.weights.constraints import apply_constraints, bounds_from_config, project, violations
from keeper.weights.covariance import CovarianceEstimate, ledoit_wolf, log_returns
from keeper.weights.equal import equal_weights
from keeper.weights.feasibility import Bounds, check_feasibility
from keeper.weights.hashing import InputsHasher, canonical_json, inputs_hash
from keeper.weights.inverse_vol import inverse_volatility_weights
from keeper.weights.market_cap import market_cap_weights
from keeper.weights.methodology import REGISTRY, Methodology, MethodologyInput, get_methodology
from keeper.weights.min_variance import min_variance_weights
from keeper.weights.momentum import momentum_scores, momentum_tilt, momentum_z
from keeper.weights.pipeline import (
    ENGINE_VERSION,
    WeightVector,
    compute_target_weights,
    compute_weight_vector,
    history_required,
)
from keeper.weights.report import Exclusion, ReportStep, WeightChange
from keeper.weights.result import WeightResult
from keeper.weights.risk_parity import equal_risk_contribution, risk_contributions

__all__ = [
    "AnomalyConfig", "AnomalyFinding", "BpsAllocation", "BpsMove", "Bounds", "ConstraintConfig",
    "CovarianceEstimate", "ENGINE_VERSION", "Exclusion", "InputsHasher", "METHODOLOGIES", "Methodology",
    "MethodologyConfig", "MethodologyInput", "MomentumConfig", "REGISTRY", "ReportStep", "TOTAL_BPS", "TierBudget",
    "WeightChange", "WeightResult", "WeightVector", "apply_constraints", "bounds_from_config", "canonical_json",
    "check_feasibility", "compute_target_weights", "compute_weight_vector", "equal_risk_contribution",
    "equal_weights", "get_methodology", "history_required", "inputs_hash", "inverse_volatility_weights",
    "ledoit_wolf", "log_returns", "market_cap_weights", "min_variance_weights", "momentum_scores", "momentum_tilt",
    "momentum_z", "project", "risk_contributions", "screen_anomalies", "violations", "weights_to_bps",
]
