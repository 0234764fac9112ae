"""Errors of weight proposals: each names what is wrong and what to do."""

from keeper.exceptions import KeeperError


class ProposalFileError(KeeperError):
    """A weights or proposal file cannot be read as a weight set."""


class GovernanceError(KeeperError):
    """A governance action cannot be taken in the proposal's current state."""
