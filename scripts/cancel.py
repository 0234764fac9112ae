"""Cancel (veto) a proposal: the guardian at any stage before execution, a proposer while it is pending.

    ape run cancel --chain home --account guardian PROPOSAL
"""

from scripts._cli import proposal_action

cli = proposal_action("cancel", "canceled", __doc__)
