"""Vote on a proposal: for, against or abstain, with an optional reason.

    ape run vote --chain home --account alice PROPOSAL --support for [--reason "..."]
"""

import click

from keeper.governance.dao import SUPPORT, Dao
from scripts._cli import chain_options, connect_as, friendly_errors, proposal_id_argument


@click.command()
@chain_options
@proposal_id_argument
@click.option("--support", required=True, type=click.Choice(list(SUPPORT)))
@click.option("--reason", default="", help="Recorded on chain with the vote.")
@friendly_errors
def cli(chain, account, deployments_dir, proposal_id, support, reason):
    w3, deployment, sender = connect_as(chain, account, deployments_dir)
    Dao(w3, deployment).vote(sender, proposal_id, support, reason)
    click.echo(f"{sender.address} voted {support} on proposal {proposal_id}")
