// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title ProRata
/// @notice Share <-> basket conversions and the streaming fee, every rounding in the vault's favour.
library ProRata {
    uint256 internal constant YEAR = 365 days;
    uint256 internal constant BPS = 10_000;

    /// @notice What minting `shares` costs of a token held at `held` per `perShares` shares: rounded up, so a
    /// minter never gets a claim for less than it pays.
    function mintAmount(uint256 held, uint256 shares, uint256 perShares) internal pure returns (uint256) {
        return Math.mulDiv(held, shares, perShares, Math.Rounding.Ceil);
    }

    /// @notice What redeeming `shares` pays of a token held at `held` per `perShares` shares: rounded down, so
    /// a redeemer never takes out more than its claim.
    function redeemAmount(uint256 held, uint256 shares, uint256 perShares) internal pure returns (uint256) {
        return Math.mulDiv(held, shares, perShares);
    }

    /// @notice Fee shares for `elapsed` seconds at `feeBps` a year on `supply`: the fee recipient ends up owning
    /// the fraction r = feeBps * elapsed / (BPS * YEAR) of the vault, so it mints supply * r / (1 - r).
    /// @dev Rounded down. `elapsed` is capped at ten years so the denominator stays positive for any fee up
    /// to the 5% cap; a vault untouched that long undercharges, which favours holders.
    function feeShares(uint256 supply, uint256 feeBps, uint256 elapsed) internal pure returns (uint256) {
        if (elapsed > 10 * YEAR) elapsed = 10 * YEAR;
        uint256 accrued = feeBps * elapsed;
        return Math.mulDiv(supply, accrued, BPS * YEAR - accrued);
    }
}
