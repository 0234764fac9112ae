// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Governor} from "@openzeppelin/contracts/governance/Governor.sol";
import {GovernorCountingSimple} from "@openzeppelin/contracts/governance/extensions/GovernorCountingSimple.sol";
import {GovernorSettings} from "@openzeppelin/contracts/governance/extensions/GovernorSettings.sol";
import {GovernorTimelockControl} from "@openzeppelin/contracts/governance/extensions/GovernorTimelockControl.sol";
import {GovernorVotes} from "@openzeppelin/contracts/governance/extensions/GovernorVotes.sol";
import {GovernorVotesQuorumFraction} from
    "@openzeppelin/contracts/governance/extensions/GovernorVotesQuorumFraction.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IIndexGovernor} from "../interfaces/IIndexGovernor.sol";

/// @title IndexGovernor
/// @notice OpenZeppelin Governor over vault shares (ERC20Votes, timestamp clock) with a timelock and a guardian veto.
/// @dev Votes are read at the proposal's snapshot (`proposalSnapshot`), so shares bought, minted or borrowed
/// after a proposal is made carry no weight on it: a flash loan cannot vote. The quorum's supply is fixed
/// when a proposal is made, from the block before (see `proposalSupply`): the vault keeps no per-block
/// supply checkpoints, which would cost every mint and redeem about 27,000 gas.
contract IndexGovernor is
    IIndexGovernor,
    Governor,
    GovernorSettings,
    GovernorCountingSimple,
    GovernorVotes,
    GovernorVotesQuorumFraction,
    GovernorTimelockControl
{
    address private _guardian;
    mapping(uint256 proposalId => uint256) private _proposalSupply;

    /// @param votingDelay_ seconds from proposal to snapshot and vote start
    /// @param votingPeriod_ seconds the vote stays open
    /// @param proposalThreshold_ votes (share units) needed to propose
    /// @param quorumPercent_ percent of the share supply (see `proposalSupply`) that must vote for or abstain
    constructor(
        IVotes shares,
        TimelockController timelock_,
        uint48 votingDelay_,
        uint32 votingPeriod_,
        uint256 proposalThreshold_,
        uint256 quorumPercent_,
        address guardian_
    )
        Governor("IndexGovernor")
        GovernorSettings(votingDelay_, votingPeriod_, proposalThreshold_)
        GovernorVotes(shares)
        GovernorVotesQuorumFraction(quorumPercent_)
        GovernorTimelockControl(timelock_)
    {
        _guardian = guardian_;
        emit GuardianSet(address(0), guardian_);
    }

    /// @inheritdoc IIndexGovernor
    function guardian() external view returns (address) {
        return _guardian;
    }

    /// @inheritdoc IIndexGovernor
    function setGuardian(address newGuardian) external onlyGovernance {
        emit GuardianSet(_guardian, newGuardian);
        _guardian = newGuardian;
    }

    /// @inheritdoc IIndexGovernor
    function proposalSupply(uint256 proposalId) public view returns (uint256) {
        return _proposalSupply[proposalId];
    }

    /// @inheritdoc IIndexGovernor
    function proposalQuorum(uint256 proposalId) public view returns (uint256) {
        return Math.mulDiv(
            _proposalSupply[proposalId], quorumNumerator(proposalSnapshot(proposalId)), quorumDenominator()
        );
    }

    function _propose(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        string memory description,
        address proposer
    ) internal override returns (uint256 proposalId) {
        proposalId = super._propose(targets, values, calldatas, description, proposer);
        _proposalSupply[proposalId] = token().getPastTotalSupply(clock() - 1);
    }

    function _quorumReached(uint256 proposalId) internal view override(Governor, GovernorCountingSimple) returns (bool) {
        (, uint256 forVotes, uint256 abstainVotes) = proposalVotes(proposalId);
        return proposalQuorum(proposalId) <= forVotes + abstainVotes;
    }

    /// @dev The guardian's veto, on top of the proposer's own right to withdraw a pending proposal. Executed,
    /// expired and already canceled proposals stay out of reach (checked in `_cancel`).
    function _validateCancel(uint256 proposalId, address caller) internal view override returns (bool) {
        return (caller == _guardian && caller != address(0)) || super._validateCancel(proposalId, caller);
    }

    // ---------------------------------------------------------------- required overrides

    function votingDelay() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.votingDelay();
    }

    function votingPeriod() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.votingPeriod();
    }

    function proposalThreshold() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.proposalThreshold();
    }

    function quorum(uint256 timepoint) public view override(Governor, GovernorVotesQuorumFraction) returns (uint256) {
        return super.quorum(timepoint);
    }

    function state(uint256 proposalId) public view override(Governor, GovernorTimelockControl) returns (ProposalState) {
        return super.state(proposalId);
    }

    function proposalNeedsQueuing(uint256 proposalId)
        public
        view
        override(Governor, GovernorTimelockControl)
        returns (bool)
    {
        return super.proposalNeedsQueuing(proposalId);
    }

    function _queueOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint48) {
        return super._queueOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _executeOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) {
        super._executeOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _cancel(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint256) {
        return super._cancel(targets, values, calldatas, descriptionHash);
    }

    function _executor() internal view override(Governor, GovernorTimelockControl) returns (address) {
        return super._executor();
    }
}
