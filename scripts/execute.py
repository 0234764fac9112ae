"""Execute a queued proposal once the timelock delay has passed.

    ape run execute --chain home --account alice PROPOSAL
"""

from scripts._cli import proposal_action

cli = proposal_action("execute", "executed", __doc__)
