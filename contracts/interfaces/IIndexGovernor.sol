// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IIndexGovernor
/// @notice The DAO of an index vault: vault shareholders propose and vote (weights counted at each proposal's
/// snapshot), a timelock executes. A guardian may veto (cancel) any proposal that is not yet executed; it
/// can never propose on its own authority, execute, or move funds.
interface IIndexGovernor {
    /// @notice `caller` is not the guardian.
    error IndexGovernor__NotGuardian(address caller);

    /// @notice The guardian became `guardian` (only governance itself can change it).
    event GuardianSet(address indexed previous, address indexed guardian);

    /// @notice The guardian's veto power: it may cancel proposals that are pending, active, succeeded or
    /// queued; the proposer may still cancel its own pending proposal as in OpenZeppelin's Governor.
    function guardian() external view returns (address);

    /// @notice Hands the veto to `newGuardian` (the zero address removes it). Only through a proposal.
    function setGuardian(address newGuardian) external;

    /// @notice The share supply a proposal's quorum is a fraction of: the supply at the end of the block
    /// before the proposal was made. Fixed then, so shares minted in the proposal's own block (a flash loan
    /// sandwiching the `propose` call) cannot move it.
    function proposalSupply(uint256 proposalId) external view returns (uint256);

    /// @notice The for + abstain votes proposal `proposalId` needs: `proposalSupply` times the quorum
    /// fraction in force at its snapshot. Use this rather than `quorum(timepoint)`: the vault keeps no
    /// supply history for old timepoints.
    function proposalQuorum(uint256 proposalId) external view returns (uint256);
}
