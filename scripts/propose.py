"""Propose new target weights to the DAO, from a file (JSON or CSV: token -> weight) or the keeper's output.

    ape run propose --chain home --account alice --weights examples/proposals/home-defi-tilt.json \
        --text "Tilt toward DeFi" [--valid-days 14] [--dry-run]

The weights are checked against the vault's risk policy first; an invalid set is refused with the reason
and nothing is sent. A `keeper propose` output file carries its methodology id and inputs hash into the
proposal's header, so anyone can recompute it with `keeper verify`.
"""

import json
from pathlib import Path

import click

from keeper.governance.dao import Dao
from keeper.governance.weights_file import read_weights, to_bps
from scripts._cli import chain_options, connect_as, friendly_errors


@click.command()
@chain_options
@click.option("--weights", "weights_path", required=True, type=click.Path(path_type=Path),
              help="JSON or CSV file of token -> weight, or a `keeper propose` proposal file.")
@click.option("--text", default="New target weights", show_default=True, help="What voters read.")
@click.option("--valid-days", default=14.0, show_default=True, help="Days the decision stays executable.")
@click.option("--dry-run", is_flag=True, help="Check and print the proposal, send nothing.")
@friendly_errors
def cli(chain, account, deployments_dir, weights_path, text, valid_days, dry_run):
    w3, deployment, sender = connect_as(chain, account, deployments_dir)
    dao = Dao(w3, deployment)
    methodology, inputs_hash = "manual", ""
    if weights_path.suffix == ".json":
        data = json.loads(weights_path.read_text())
        if isinstance(data, dict) and "weights_bps" in data:
            methodology, inputs_hash = data["methodology"], data["inputs_hash"]
    targets, values, calldatas, description = dao.weight_proposal(
        to_bps(read_weights(weights_path)), text, methodology, inputs_hash, valid_days=valid_days)
    click.echo(description)
    if dry_run:
        click.echo("dry run: the weights pass the vault's policy; nothing was sent")
        return
    proposal_id = dao.propose(sender, targets, values, calldatas, description)
    click.echo(f"proposal {proposal_id} created on {chain}")
