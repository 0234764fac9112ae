"""Delegate your shares' votes, to yourself (to vote) or to someone you trust.

    ape run delegate --chain home --account alice [--to 0x...]
"""

import click

from keeper.governance.dao import Dao
from scripts._cli import chain_options, connect_as, friendly_errors


@click.command()
@chain_options
@click.option("--to", "delegatee", default=None, help="Address to delegate to (default: yourself).")
@friendly_errors
def cli(chain, account, deployments_dir, delegatee):
    w3, deployment, sender = connect_as(chain, account, deployments_dir)
    to = w3.to_checksum_address(delegatee) if delegatee else sender.address
    Dao(w3, deployment).delegate(sender, to)
    click.echo(f"{sender.address} delegated its votes on {chain} to {to}")
