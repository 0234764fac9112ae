// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Multicall3
/// @notice Batches read calls into one `eth_call`, with the same ABI as the canonical Multicall3 deployed at
/// 0xcA11bde05977b3631167028862bE2a173976CA11 on most EVM chains (only the functions our tools use).
/// @dev The devnet places this code at the canonical address, so the tools read every chain the same way.
contract Multicall3 {
    struct Call3 {
        address target;
        bool allowFailure;
        bytes callData;
    }

    struct Result {
        bool success;
        bytes returnData;
    }

    /// @notice A call that was not allowed to fail failed: `index` in the batch.
    error Multicall3__CallFailed(uint256 index);

    /// @notice Runs every call in order and returns each success flag and its return data.
    function aggregate3(Call3[] calldata calls) external payable returns (Result[] memory results) {
        results = new Result[](calls.length);
        for (uint256 i; i < calls.length; ++i) {
            (bool success, bytes memory data) = calls[i].target.call(calls[i].callData);
            if (!success && !calls[i].allowFailure) revert Multicall3__CallFailed(i);
            results[i] = Result(success, data);
        }
    }

    function getBlockNumber() external view returns (uint256) {
        return block.number;
    }

    function getCurrentBlockTimestamp() external view returns (uint256) {
        return block.timestamp;
    }
}
