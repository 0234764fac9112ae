"""Queue a succeeded proposal in the timelock.

    ape run queue --chain home --account alice PROPOSAL
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
    dao = Dao(w3, deployment)
    dao.queue(sender, proposal_id)
    eta = dao.governor.functions.proposalEta(dao.proposal(proposal_id).proposal_id).call()
    click.echo(f"proposal {proposal_id} queued; executable from timestamp {eta}")
