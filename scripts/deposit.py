"""Deposit into a vault in kind: mint shares by paying every basket token pro rata.

    ape run deposit --chain home --account alice --shares 10 [--approve]

Balances and allowances are checked first; what is missing is listed and nothing is sent.
"""

import click
from keeper.chain.deployments import load_deployment
from keeper.chain.rpc import connect
from keeper.chain.signer import load_signer
from keeper.chain.tx import Sender
from keeper.wallet import deposit, fmt, parse_shares
from scripts._cli import chain_options, friendly_errors


@click.command()
@chain_options
@click.option("--shares", required=True, help="Whole shares to mint, e.g. 10 or 2.5.")
@click.option("--approve", is_flag=True, help="Send the exact token approvals that are missing first.")
@friendly_errors
def cli(chain, account, deployments_dir, shares, approve):
    deployment = load_deployment(chain, deployments_dir)
    w3 = connect(deployment)
    sender = Sender(w3, load_signer(account))
    result = deposit(w3, deployment, sender, parse_shares(shares), approve=approve)
    click.echo(f"minted {fmt(result.shares, 18)} shares on {chain} to {sender.address} (tx {result.tx_hash})")
    for symbol, amount in result.amounts.items():
        click.echo(f"  paid {fmt(amount, deployment.token(symbol).decimals)} {symbol}")
