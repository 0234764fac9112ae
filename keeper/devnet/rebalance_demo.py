"""The demo's rebalance: prices move in the pools, feeds follow, the bot rebalances every chain."""

from __future__ import annotations

from pathlib import Path

from keeper.chain.vault import read_vault
from keeper.cli import main as keeper_main
from keeper.devnet.deploy import ChainHandles
from keeper.devnet.governance_demo import travel
from keeper.devnet.market import move_market, sync_feeds

# USD bought (+) or sold (-) against USDC in each pool: RNDR and ARB rally, WBTC and WETH drop.
MARKET_MOVES = {"home": {"RNDR": 400_000, "WBTC": -300_000}, "spoke": {"ARB": 500_000, "WETH": -300_000}}
JOURNAL = Path("reports/devnet-keeper-journal.sqlite")


def weights_line(handles: ChainHandles) -> str:
    state = read_vault(handles.w3, handles.deployment)
    weights = state.weights()
    return "  ".join(f"{h.token.symbol} {weights[h.token.symbol]:.1%}/{h.target_weight_bps / 100:.0f}%"
                     for h in state.holdings)


def run_rebalance_demo(handles: dict[str, ChainHandles], log=print) -> int:
    for chain, h in handles.items():
        move_market(h, MARKET_MOVES[chain])
        travel(h.w3, 3600)  # past the rebalancer's cooldown; then the feeds report the new prices
        sync_feeds(h)
        log(f"[{chain}] weights/targets before: {weights_line(h)}")
    JOURNAL.parent.mkdir(parents=True, exist_ok=True)
    JOURNAL.unlink(missing_ok=True)  # a fresh devnet: nothing from an earlier run is pending
    folder = Path(next(iter(handles.values())).deployment_dir)
    status = keeper_main(["run", "--once", "--account", "dev:keeper", "--deployments", str(folder),
                          "--journal", str(JOURNAL)])
    for chain, h in handles.items():
        log(f"[{chain}] weights/targets after:  {weights_line(h)}")
    return status
