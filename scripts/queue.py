"""Queue a succeeded proposal in the timelock.

    ape run queue --chain home --account alice PROPOSAL
"""

from scripts._cli import proposal_action

cli = proposal_action("queue", "queued", __doc__)
