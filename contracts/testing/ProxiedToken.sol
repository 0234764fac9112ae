// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";

/// @title ProxiedToken
/// @notice An upgradeable-proxy token (EIP-1967 implementation slot set), planted on the devnet so the
/// audit's risk scan has a proxy to flag. The implementation is any token, e.g. a TestToken.
contract ProxiedToken is ERC1967Proxy {
    /// @dev OpenZeppelin's proxy wants initialisation data; a harmless view call stands in for it.
    constructor(address implementation) ERC1967Proxy(implementation, abi.encodeWithSignature("totalSupply()")) {}
}
