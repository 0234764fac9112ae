// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ITradeCallback
/// @notice What the vault calls on its keeper contract during `executeTrade`, after sending it `amountIn` of
/// `sell`: swap it and deliver at least `minAmountOut` of `buy` to the vault before returning.
interface ITradeCallback {
    function onTrade(address sell, address buy, uint256 amountIn, uint256 minAmountOut, bytes calldata data)
        external;
}
