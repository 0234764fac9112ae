"""List a chain's proposals: state, tallies, quorum, vote window, eta, and each weight proposal's header.

    ape run status --chain home
"""

from datetime import datetime, timezone

import click
from pathlib import Path

from keeper.governance.dao import Dao
from scripts._cli import connect_as, friendly_errors


def when(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S") if timestamp else "-"


@click.command()
@click.option("--chain", default="home", show_default=True)
@click.option("--deployments", "deployments_dir", default=None, type=click.Path(path_type=Path))
@friendly_errors
def cli(chain, deployments_dir):
    w3, deployment, _ = connect_as(chain, None, deployments_dir)
    statuses = Dao(w3, deployment).proposals()
    if not statuses:
        click.echo(f"no proposals on {chain} yet")
    for s in statuses:
        h = s.proposal.header
        click.echo(f"proposal {s.proposal.proposal_id}\n  {s.proposal.title}\n  state {s.state}   "
                   f"for {s.for_votes / 1e18:,.2f}  against {s.against_votes / 1e18:,.2f}  "
                   f"abstain {s.abstain_votes / 1e18:,.2f}  quorum {s.quorum / 1e18:,.2f}\n"
                   f"  voting {when(s.snapshot)} -> {when(s.vote_end)} UTC   eta {when(s.eta)}")
        if h:
            click.echo(f"  decision nonce {h.nonce}, valid until {when(h.deadline)}, methodology {h.methodology}"
                       + (f", inputs {h.inputs_hash}" if h.inputs_hash else ""))
