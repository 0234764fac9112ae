// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title AddressListStore
/// @notice Keeps a rarely-changing list of addresses in the code of a data contract (the SSTORE2 pattern).
/// @dev Why: `mint` and `redeem` read the whole basket on every call. One EXTCODECOPY costs about
/// 2,600 gas plus 3 gas a word for the whole list, where one cold SLOAD per token costs 2,100 each.
/// A new data contract is written every time the list changes (a governance action).
library AddressListStore {
    /// @notice The data contract could not be created.
    error AddressListStore__WriteFailed();

    /// @notice Writes `list` into the code of a new data contract and returns its address.
    function write(address[] memory list) internal returns (address pointer) {
        uint256 count = list.length;
        // Runtime code: a leading STOP (0x00) so the data can never be executed, then the addresses packed
        // 20 bytes each (abi.encodePacked would pad array items to 32 bytes).
        bytes memory runtime = new bytes(1 + 20 * count + 12); // 12 spare bytes for the last 32-byte store
        assembly ("memory-safe") {
            let cursor := add(runtime, 0x21)
            for { let i := 0 } lt(i, count) { i := add(i, 1) } {
                mstore(add(cursor, mul(i, 20)), shl(96, mload(add(list, mul(add(i, 1), 0x20)))))
            }
            mstore(runtime, add(1, mul(count, 20)))
        }
        // Creation code: copy the runtime that follows this 12-byte prefix into memory and return it.
        bytes memory creation = abi.encodePacked(
            hex"61", uint16(runtime.length), // PUSH2 runtime length
            hex"80_60_0c_60_00_39_60_00_f3", // DUP1 PUSH1 12 PUSH1 0 CODECOPY PUSH1 0 RETURN
            runtime
        );
        assembly ("memory-safe") {
            pointer := create(0, add(creation, 0x20), mload(creation))
        }
        if (pointer == address(0)) revert AddressListStore__WriteFailed();
    }

    /// @notice Reads the list kept at `pointer` (an empty list for the zero address).
    function read(address pointer) internal view returns (address[] memory list) {
        if (pointer == address(0)) return list;
        uint256 count = (pointer.code.length - 1) / 20;
        list = new address[](count);
        assembly ("memory-safe") {
            // Copy the packed 20-byte addresses to the tail of the array's memory, then widen them in
            // place into 32-byte words, first to last: word i ends at or before packed entry i + 1.
            let data := add(list, 0x20)
            let packedStart := add(data, sub(mul(count, 0x20), mul(count, 20)))
            extcodecopy(pointer, packedStart, 1, mul(count, 20))
            for { let i := 0 } lt(i, count) { i := add(i, 1) } {
                let word := mload(add(packedStart, mul(i, 20)))
                mstore(add(data, mul(i, 0x20)), shr(96, word))
            }
        }
    }
}
