"""Execute a queued proposal once the timelock delay has passed.

    ape run execute --chain home --account alice PROPOSAL
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
    Dao(w3, deployment).execute(sender, proposal_id)
    click.echo(f"proposal {proposal_id} executed on {chain}")
