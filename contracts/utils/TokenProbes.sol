// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title TokenProbes
/// @notice Code the audit places with `eth_call` state overrides, never deployed: it lets one read-only call
/// inspect many token contracts at a pinned block.
/// - As a token's code (`SlotReader`): reads that token's own storage slots (EIP-1967 proxy slots).
/// - As a token holder's code (`TransferProbe`, e.g. at a Uniswap pair holding the token): simulates a
///   transfer out of that holder and measures what arrives, revealing fee-on-transfer tokens.
/// - Anywhere (`CodeReader`): returns contracts' runtime code, to look for admin powers in it.
contract SlotReader {
    function readSlots(bytes32[] calldata slots) external view returns (bytes32[] memory values) {
        values = new bytes32[](slots.length);
        for (uint256 i; i < slots.length; ++i) {
            bytes32 slot = slots[i];
            bytes32 value;
            assembly ("memory-safe") {
                value := sload(slot)
            }
            values[i] = value;
        }
    }
}

contract TransferProbe {
    /// @return sent whether the transfer succeeded
    /// @return received what `to` gained from sending it `amount` of `token`
    function probe(address token, uint256 amount, address to) external returns (bool sent, uint256 received) {
        uint256 before = IERC20(token).balanceOf(to);
        (bool ok, bytes memory data) = token.call(abi.encodeCall(IERC20.transfer, (to, amount)));
        sent = ok && (data.length == 0 || abi.decode(data, (bool)));
        if (sent) received = IERC20(token).balanceOf(to) - before;
    }
}

contract CodeReader {
    function codes(address[] calldata accounts) external view returns (bytes[] memory result) {
        result = new bytes[](accounts.length);
        for (uint256 i; i < accounts.length; ++i) {
            result[i] = accounts[i].code;
        }
    }
}
