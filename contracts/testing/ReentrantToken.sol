// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title ReentrantToken
/// @notice Calls an attacker-chosen target on every transfer (an ERC-777-style hook), to prove the vault
/// cannot be re-entered mid-mint or mid-redeem.
contract ReentrantToken is ERC20 {
    address public hookTarget;
    bytes public hookCalldata;
    bool public hookSucceeded;
    bytes public hookReturnData;
    bool private _inHook;

    constructor() ERC20("Reentrant", "REENT") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Arms the hook: every later transfer calls `target` with `data` once.
    function setHook(address target, bytes calldata data) external {
        hookTarget = target;
        hookCalldata = data;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (hookTarget != address(0) && !_inHook && from != address(0) && to != address(0)) {
            _inHook = true;
            (hookSucceeded, hookReturnData) = hookTarget.call(hookCalldata);
            _inHook = false;
        }
    }
}
