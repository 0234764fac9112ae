// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title IndexTimelock
/// @notice OpenZeppelin's TimelockController under its own name, so deployments and ABIs say what it is.
/// It owns the vault: every governance change waits `minDelay` seconds after the vote before it runs.
contract IndexTimelock is TimelockController {
    constructor(uint256 minDelay, address[] memory proposers, address[] memory executors, address admin)
        TimelockController(minDelay, proposers, executors, admin)
    {}
}
