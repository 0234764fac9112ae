"""Errors of the chain layer: each says what is wrong and how to fix it."""

from keeper.exceptions import KeeperError


class ChainError(KeeperError):
    """A chain could not be reached or did not behave as expected."""


class ArtifactError(ChainError):
    """A compiled contract is missing: the project has not been built."""


class DeploymentError(ChainError):
    """A deployments file is missing, unreadable or does not describe the chain it names."""


class SignerError(ChainError):
    """An account could not be loaded or unlocked."""


class TransactionReverted(ChainError):
    """A transaction (or its simulation) reverted; ``reason`` is the decoded custom error when known."""

    def __init__(self, action: str, reason: str, data: bytes | None = None):
        self.action = action
        self.reason = reason
        self.data = data
        super().__init__(f"{action} reverted: {reason}")


class PreflightError(ChainError):
    """A check made before sending found a problem; nothing was sent."""
