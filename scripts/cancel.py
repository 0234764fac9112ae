"""Cancel (veto) a proposal: the guardian at any stage before execution, a proposer while it is pending.

    ape run cancel --chain home --account guardian PROPOSAL
"""

import click

from keeper.governance.dao import Dao
from scripts._cli import chain_options, connect_as, friendly_errors, proposal_id_argument


@click.command()
@chain_options
@proposal_id_argument
@friendly_errors
def cli(chain, account, deployments_dir, proposal_id):
    w3, deployment, sender = connect_as(chain, account, deployments_dir)
    Dao(w3, deployment).cancel(sender, proposal_id)
    click.echo(f"proposal {proposal_id} canceled on {chain}")
