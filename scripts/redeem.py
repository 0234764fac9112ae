"""Redeem shares for their pro-rata part of every basket token. Works even when the vault is paused.

    ape run redeem --chain home --account alice --shares 10
"""

import click
from keeper.chain.deployments import load_deployment
from keeper.chain.rpc import connect
from keeper.chain.signer import load_signer
from keeper.chain.tx import Sender
from keeper.wallet import fmt, parse_shares, redeem
from scripts._cli import chain_options, friendly_errors


@click.command()
@chain_options
@click.option("--shares", required=True, help="Whole shares to redeem, e.g. 10 or 2.5.")
@friendly_errors
def cli(chain, account, deployments_dir, shares):
    deployment = load_deployment(chain, deployments_dir)
    w3 = connect(deployment)
    sender = Sender(w3, load_signer(account))
    result = redeem(w3, deployment, sender, parse_shares(shares))
    click.echo(f"redeemed {fmt(result.shares, 18)} shares on {chain} for {sender.address} (tx {result.tx_hash})")
    for symbol, amount in result.amounts.items():
        click.echo(f"  received {fmt(amount, deployment.token(symbol).decimals)} {symbol}")
