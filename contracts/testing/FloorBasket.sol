// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title FloorBasket
/// @notice The physical minimum of an in-kind basket mint and redeem, for the gas benchmark: the bare token
/// transfers plus one ERC-20 mint or burn. No accounting, no checks, no votes, no fee: never use it for real.
contract FloorBasket is ERC20 {
    constructor() ERC20("Floor", "FLOOR") {}

    function mint(address[] calldata tokens, uint256[] calldata amounts, uint256 shares) external {
        for (uint256 i; i < tokens.length; ++i) {
            IERC20(tokens[i]).transferFrom(msg.sender, address(this), amounts[i]);
        }
        _mint(msg.sender, shares);
    }

    function redeem(address[] calldata tokens, uint256[] calldata amounts, uint256 shares) external {
        _burn(msg.sender, shares);
        for (uint256 i; i < tokens.length; ++i) {
            IERC20(tokens[i]).transfer(msg.sender, amounts[i]);
        }
    }
}
