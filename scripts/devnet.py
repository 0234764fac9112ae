"""Starts the two-chain devnet, deploys everything, makes deposits, prints each vault, runs a DAO vote
and audits both chains.

    ape run devnet                  # the demo: runs, prints, stops the chains
    ape run devnet --keep-running   # leaves both chains up for interactive use (Ctrl-C stops them)
"""

from contextlib import ExitStack
from pathlib import Path

import click

from analytics.audit import run_audit
from keeper.devnet.governance_demo import run_governance_cycle
from keeper.devnet.rebalance_demo import run_rebalance_demo
from keeper.devnet.run import print_summaries, start_devnet, wait_for_interrupt


AUDIT_DIR = Path("reports/audit")
DEPIN_EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "depin_fundamentals.csv"


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
        click.echo("\n== the market moves; the keeper bot rebalances both chains")
        run_rebalance_demo(handles)
        click.echo("\n== audit of both chains")
        run = run_audit([h.deployment for h in handles.values()], AUDIT_DIR, depin_file=DEPIN_EXAMPLE)
        for chain, count in run.requests_per_chain.items():
            click.echo(f"   {chain}: read in {count} RPC requests")
        click.echo(f"   report: {run.paths['report.html'].resolve()} (open it in a browser)")
        if keep_running:
            wait_for_interrupt()
