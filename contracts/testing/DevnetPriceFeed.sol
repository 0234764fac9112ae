// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AggregatorV3Interface} from "../interfaces/AggregatorV3Interface.sol";

/// @title DevnetPriceFeed
/// @notice A Chainlink-interface feed whose answers its updater pushes: the devnet keeps it in line with its
/// pools, tests move it at will. Real deployments point the rebalancer at real Chainlink aggregators.
contract DevnetPriceFeed is AggregatorV3Interface {
    error DevnetPriceFeed__NotUpdater(address caller);

    address public immutable updater;
    uint8 public immutable override decimals;
    string public override description;
    uint80 private _round;
    int256 private _answer;
    uint256 private _updatedAt;

    constructor(uint8 decimals_, string memory description_, int256 answer) {
        updater = msg.sender;
        decimals = decimals_;
        description = description_;
        _push(answer, block.timestamp);
    }

    function version() external pure returns (uint256) {
        return 4;
    }

    /// @notice Publishes `answer` as of `updatedAt` (a past time lets tests make the feed stale).
    function setAnswer(int256 answer, uint256 updatedAt) external {
        if (msg.sender != updater) revert DevnetPriceFeed__NotUpdater(msg.sender);
        _push(answer, updatedAt);
    }

    function getRoundData(uint80 roundId) external view returns (uint80, int256, uint256, uint256, uint80) {
        return (roundId, _answer, _updatedAt, _updatedAt, roundId);
    }

    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        return (_round, _answer, _updatedAt, _updatedAt, _round);
    }

    function _push(int256 answer, uint256 updatedAt) private {
        ++_round;
        _answer = answer;
        _updatedAt = updatedAt;
    }
}
