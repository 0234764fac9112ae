"""Options and error handling shared by the wallet scripts (ape run deposit / redeem / ...)."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from keeper.exceptions import KeeperError


def chain_options(fn):
    """--chain, --account and --deployments, in that order, for every script that sends from a wallet."""
    fn = click.option("--deployments", "deployments_dir", type=click.Path(path_type=Path), default=None,
                      help="Folder of <chain>.json deployment files (default: ./deployments or $INDEX_DEPLOYMENTS).")(fn)
    fn = click.option("--account", required=True,
                      help="An ape account alias, or dev:<role> (alice, bob, carol, ...) on the devnet.")(fn)
    fn = click.option("--chain", default="home", show_default=True, help="Chain name of a deployments file.")(fn)
    return fn


def connect_as(chain: str, account: str | None, deployments_dir: Path | None):
    """(web3, deployment, sender or None) for a script: loads the deployment, connects, unlocks the account."""
    from keeper.chain.deployments import load_deployment
    from keeper.chain.rpc import connect
    from keeper.chain.signer import load_signer
    from keeper.chain.tx import Sender

    deployment = load_deployment(chain, deployments_dir)
    w3 = connect(deployment)
    return w3, deployment, (Sender(w3, load_signer(account)) if account else None)


def proposal_id_argument(fn):
    """A proposal id, or a unique leading part of it (6 digits or more), as `ape run status` prints it."""
    return click.argument("proposal_id", metavar="PROPOSAL")(fn)


def friendly_errors(fn):
    """Turns the keeper's own errors into one clear message and exit code 2, without a traceback."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except KeeperError as exc:
            click.secho(f"error: {exc}", fg="red", err=True)
            sys.exit(2)

    return wrapper


def proposal_action(action: str, done: str, doc: str):
    """An ape script command that runs `Dao.<action>(sender, proposal)`: queue, execute and cancel."""

    @click.command(help=doc)
    @chain_options
    @proposal_id_argument
    @friendly_errors
    def cli(chain, account, deployments_dir, proposal_id):
        from keeper.governance.dao import Dao

        w3, deployment, sender = connect_as(chain, account, deployments_dir)
        getattr(Dao(w3, deployment), action)(sender, proposal_id)
        click.echo(f"proposal {proposal_id} {done} on {chain}")

    return cli
