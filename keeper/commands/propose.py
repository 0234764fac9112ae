"""`keeper propose`: target weights for a vault's basket from market data, as a verifiable DAO proposal.

    keeper propose --chain home --market examples/market/sample_market.csv \\
        --metadata examples/market/tokens.json --config examples/market/methodology.json \\
        [--as-of 2025-01-31] [--out proposals/home.json] [--submit --account dev:alice --text "..."]

The weights are checked against the vault's own policy view before the file is written; with --submit
the DAO proposal is sent, its description carrying the methodology id and the inputs hash.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from keeper.chain.deployments import load_deployment
from keeper.chain.rpc import connect
from keeper.governance.dao import Dao
from keeper.proposal import Inputs, compute, methodology_label, proposal_document
from keeper.weights import MethodologyConfig


def register(subparsers) -> None:
    p = subparsers.add_parser("propose", help="compute target weights and write (or submit) a DAO proposal",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--chain", default="home")
    p.add_argument("--deployments", type=Path, default=None, help="folder of <chain>.json files")
    p.add_argument("--market", type=Path, required=True, help="market data, CSV or Parquet (long format)")
    p.add_argument("--metadata", type=Path, required=True, help="token metadata, JSON or CSV")
    p.add_argument("--config", type=Path, required=True, help="methodology configuration (JSON)")
    p.add_argument("--as-of", default=None, help="use data up to this date (default: the last date)")
    p.add_argument("--out", type=Path, default=None, help="proposal file (default: proposals/<chain>-<as_of>.json)")
    p.add_argument("--submit", action="store_true", help="also send the DAO proposal")
    p.add_argument("--account", default=None, help="with --submit: an ape alias or dev:<role>")
    p.add_argument("--text", default=None, help="with --submit: what voters read")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.submit and not args.account:
        raise SystemExit("keeper propose: --submit needs --account")
    deployment = load_deployment(args.chain, args.deployments)
    w3 = connect(deployment)
    dao = Dao(w3, deployment)
    basket = [deployment.token(a).symbol for a in dao.vault.functions.basket().call()]
    inputs = Inputs(args.market, args.metadata, MethodologyConfig.from_json_file(args.config), args.as_of)
    result, bps = compute(inputs, basket)
    dao.check_weights(bps)  # the vault's own policy: refuses with the reason before anything is written

    out = args.out or Path("proposals") / f"{args.chain}-{result.as_of}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    document = proposal_document(args.chain, deployment.address("vault"), inputs, result, bps, out.parent)
    out.write_text(json.dumps(document, indent=2) + "\n")
    print(result.render_text())
    print(f"\nproposal written to {out}: {methodology_label(result)}, inputs {result.inputs_hash}")
    print("  " + "  ".join(f"{s} {b / 100:.2f}%" for s, b in bps.items()))

    if args.submit:
        from keeper.chain.signer import load_signer
        from keeper.chain.tx import Sender

        text = args.text or f"Target weights by {methodology_label(result)} as of {result.as_of}"
        proposal = dao.weight_proposal(bps, text, methodology_label(result), result.inputs_hash)
        proposal_id = dao.propose(Sender(w3, load_signer(args.account)), *proposal)
        print(f"DAO proposal {proposal_id} submitted on {args.chain}")
    return 0
