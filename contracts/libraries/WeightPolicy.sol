// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IIndexVault} from "../interfaces/IIndexVault.sol";

/// @title WeightPolicy
/// @notice Checks a target-weight set against a risk policy. Pure, so the vault's `checkWeights` view and its
/// `setTargetWeights` share one code path, and a refusal is always the same custom error.
/// @dev A refusal is returned as ABI-encoded custom error data (empty when accepted) rather than reverted, so
/// that a view can report it and off-chain tools can decode it with the vault's ABI.
library WeightPolicy {
    uint256 internal constant TOTAL_BPS = 10_000;
    uint256 private constant TIERS = 3;

    /// @notice Why `policy` is inconsistent, or empty when it is usable.
    function validatePolicy(IIndexVault.RiskPolicy memory policy) internal pure returns (bytes memory reason) {
        if (policy.maxTokenWeightBps == 0 || policy.maxTokenWeightBps > TOTAL_BPS) {
            return _invalid("token cap not in 1..10000");
        }
        if (policy.maxSectorWeightBps == 0 || policy.maxSectorWeightBps > TOTAL_BPS) {
            return _invalid("sector cap not in 1..10000");
        }
        uint256 floors;
        for (uint256 t; t < TIERS; ++t) {
            if (policy.tierMaxBps[t] > TOTAL_BPS) return _invalid("tier cap above 10000");
            if (policy.tierMinBps[t] > policy.tierMaxBps[t]) return _invalid("tier floor above its cap");
            floors += policy.tierMinBps[t];
        }
        if (floors > TOTAL_BPS) return _invalid("tier floors above 10000");
    }

    /// @notice Why `weightsBps` (basket order) breaks `policy`, or empty when it respects it.
    /// @param basket the basket tokens
    /// @param sectors each basket token's sector
    /// @param tiers each basket token's risk tier
    function check(
        address[] memory basket,
        bytes32[] memory sectors,
        IIndexVault.RiskTier[] memory tiers,
        uint16[] memory weightsBps,
        IIndexVault.RiskPolicy memory policy
    ) internal pure returns (bytes memory reason) {
        uint256 n = basket.length;
        uint256 sum;
        uint256[TIERS] memory tierSums;
        for (uint256 i; i < n; ++i) {
            uint256 w = weightsBps[i];
            sum += w;
            tierSums[uint8(tiers[i])] += w;
            if (w > policy.maxTokenWeightBps) {
                return abi.encodeWithSelector(
                    IIndexVault.IndexVault__TokenWeightAboveCap.selector, basket[i], w, policy.maxTokenWeightBps
                );
            }
        }
        if (sum != TOTAL_BPS) return abi.encodeWithSelector(IIndexVault.IndexVault__WeightsSumNot100.selector, sum);

        // Sector sums: quadratic in basket size, but this runs only in governance calls and views.
        for (uint256 i; i < n; ++i) {
            bool seenBefore;
            for (uint256 j; j < i; ++j) {
                if (sectors[j] == sectors[i]) {
                    seenBefore = true;
                    break;
                }
            }
            if (seenBefore) continue;
            uint256 sectorSum;
            for (uint256 j = i; j < n; ++j) {
                if (sectors[j] == sectors[i]) sectorSum += weightsBps[j];
            }
            if (sectorSum > policy.maxSectorWeightBps) {
                return abi.encodeWithSelector(
                    IIndexVault.IndexVault__SectorWeightAboveCap.selector, sectors[i], sectorSum, policy.maxSectorWeightBps
                );
            }
        }

        for (uint256 t; t < TIERS; ++t) {
            if (tierSums[t] < policy.tierMinBps[t]) {
                return abi.encodeWithSelector(
                    IIndexVault.IndexVault__TierWeightBelowFloor.selector, t, tierSums[t], policy.tierMinBps[t]
                );
            }
            if (tierSums[t] > policy.tierMaxBps[t]) {
                return abi.encodeWithSelector(
                    IIndexVault.IndexVault__TierWeightAboveCap.selector, t, tierSums[t], policy.tierMaxBps[t]
                );
            }
        }
    }

    function _invalid(string memory why) private pure returns (bytes memory) {
        return abi.encodeWithSelector(IIndexVault.IndexVault__InvalidPolicy.selector, why);
    }
}
