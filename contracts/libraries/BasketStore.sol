// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title BasketStore
/// @notice Keeps the basket (token addresses and their units per share) in the code of a data contract,
/// the SSTORE2 pattern.
/// @dev Why: `mint` and `redeem` read every token and its unit on every call. One EXTCODECOPY costs about
/// 2,600 gas plus 3 gas a word for the whole basket, where a cold SLOAD costs 2,100 per token, and mint and
/// redeem never write per-token storage at all. The basket changes only on governance actions and
/// rebalances, which write a new data contract (about 200 gas a byte).
/// Layout of the data: a leading STOP byte, then for each token its 20-byte address and 32-byte unit.
library BasketStore {
    uint256 private constant ENTRY = 52;

    /// @notice The data contract could not be created.
    error BasketStore__WriteFailed();

    /// @notice Writes `tokens` and `units` into the code of a new data contract and returns its address.
    function write(address[] memory tokens, uint256[] memory units) internal returns (address pointer) {
        uint256 count = tokens.length;
        bytes memory runtime = new bytes(1 + ENTRY * count);
        assembly ("memory-safe") {
            let cursor := add(runtime, 0x21)
            for { let i := 0 } lt(i, count) { i := add(i, 1) } {
                let at := add(cursor, mul(i, ENTRY))
                // The unit first, then the address over the unit's leading 12 bytes' place: each store is a
                // full 32-byte word, so writing in this order never clobbers the previous entry.
                mstore(add(at, 20), mload(add(units, mul(add(i, 1), 0x20))))
                let word := mload(at)
                mstore(at, or(shl(96, mload(add(tokens, mul(add(i, 1), 0x20)))), and(word, 0xffffffffffffffffffffffff)))
            }
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
        if (pointer == address(0)) revert BasketStore__WriteFailed();
    }

    /// @notice Reads the basket kept at `pointer` (empty for the zero address).
    function read(address pointer) internal view returns (address[] memory tokens, uint256[] memory units) {
        if (pointer == address(0)) return (tokens, units);
        uint256 size = pointer.code.length - 1;
        uint256 count = size / ENTRY;
        tokens = new address[](count);
        units = new uint256[](count);
        bytes memory data = new bytes(size + 32); // 32 spare bytes: the last entry's unit is read as a word
        assembly ("memory-safe") {
            let base := add(data, 0x20)
            extcodecopy(pointer, base, 1, size)
            for { let i := 0 } lt(i, count) { i := add(i, 1) } {
                let at := add(base, mul(i, ENTRY))
                mstore(add(tokens, mul(add(i, 1), 0x20)), shr(96, mload(at)))
                mstore(add(units, mul(add(i, 1), 0x20)), mload(add(at, 20)))
            }
        }
    }
}
