"""Audit every chain of the deployments: holdings and reconciliation, exposure, concentration and policy
compliance, drift, exit liquidity, token risk scan, performance, governance and DePIN fundamentals.

    ape run audit [--chains home,spoke] [--out reports/audit] [--depin examples/depin_fundamentals.csv]

Writes audit.json, one CSV per table and report.html (self-contained: open it in a browser).
"""

from pathlib import Path

import click

from analytics.audit import run_audit
from keeper.chain.deployments import load_all, load_deployment
from scripts._cli import friendly_errors


@click.command()
@click.option("--chains", default=None, help="Comma-separated chain names (default: every deployments file).")
@click.option("--deployments", "deployments_dir", default=None, type=click.Path(path_type=Path))
@click.option("--out", default="reports/audit", show_default=True, type=click.Path(path_type=Path))
@click.option("--depin", default=None, type=click.Path(path_type=Path), help="DePIN fundamentals CSV.")
@click.option("--samples", default=24, show_default=True, help="Blocks sampled for the NAV history.")
@friendly_errors
def cli(chains, deployments_dir, out, depin, samples):
    deployments = ([load_deployment(c.strip(), deployments_dir) for c in chains.split(",")] if chains
                   else load_all(deployments_dir))
    run = run_audit(deployments, out, depin_file=depin, history_samples=samples)
    for chain, count in run.requests_per_chain.items():
        click.echo(f"{chain}: {count} RPC requests")
    click.echo(f"report: {run.paths['report.html'] if 'report.html' in run.paths else out / 'report.html'}")
