"""Starts the two-chain devnet, deploys everything, makes deposits, prints each vault, runs a DAO vote.

    ape run devnet                  # the demo: runs, prints, stops the chains
    ape run devnet --keep-running   # leaves both chains up for interactive use (Ctrl-C stops them)
"""

from contextlib import ExitStack

import click

from keeper.devnet.governance_demo import run_governance_cycle
from keeper.devnet.run import print_summaries, start_devnet, wait_for_interrupt


@click.command()
@click.option("--keep-running", is_flag=True, help="Keep the chains running until Ctrl-C.")
@click.option("--home-port", default=8545, show_default=True)
@click.option("--spoke-port", default=8546, show_default=True)
def cli(keep_running: bool, home_port: int, spoke_port: int):
    with ExitStack() as stack:
        handles = start_devnet(stack, ports={"home": home_port, "spoke": spoke_port})
        print_summaries(handles)
        click.echo("\n== governance: one full cycle on the home chain")
        run_governance_cycle(handles["home"])
        if keep_running:
            wait_for_interrupt()
