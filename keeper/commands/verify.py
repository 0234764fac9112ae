"""`keeper verify`: recompute a keeper-made proposal from its recorded inputs and say whether it matches.

    keeper verify proposals/home-2025-01-31.json [--market FILE --metadata FILE]
    keeper verify proposals/home-2025-01-31.json --onchain PROPOSAL --chain home

With --onchain, also checks that the DAO proposal on chain carries this file's inputs hash and methodology
in its header and exactly these weights in its call. Exit status 0 when everything matches, 1 otherwise.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from keeper.proposal import compute, differences, inputs_of, read_proposal


def register(subparsers) -> None:
    p = subparsers.add_parser("verify", help="recompute a proposal from its inputs and check it",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("proposal", type=Path)
    p.add_argument("--market", type=Path, default=None, help="market data to use instead of the recorded path")
    p.add_argument("--metadata", type=Path, default=None, help="metadata to use instead of the recorded path")
    p.add_argument("--onchain", default=None, help="a DAO proposal id (or its first digits) to check too")
    p.add_argument("--chain", default=None, help="with --onchain: the chain (default: the proposal's)")
    p.add_argument("--deployments", type=Path, default=None)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    document = read_proposal(args.proposal)
    inputs = inputs_of(document, args.proposal.parent, args.market, args.metadata)
    result, bps = compute(inputs, list(document["weights_bps"]))
    problems = differences(document, result, bps)
    if args.onchain:
        problems += onchain_differences(document, args.onchain, args.chain or document["chain"], args.deployments)
    if problems:
        print(f"MISMATCH: {args.proposal}")
        for line in problems:
            print(f"  - {line}")
        return 1
    print(f"OK: {args.proposal} recomputes exactly ({document['methodology']}, inputs {document['inputs_hash']})")
    return 0


def onchain_differences(document: dict, reference: str, chain: str, deployments: Path | None) -> list[str]:
    from keeper.chain.deployments import load_deployment
    from keeper.chain.rpc import connect
    from keeper.governance.dao import Dao

    deployment = load_deployment(chain, deployments)
    dao = Dao(connect(deployment), deployment)
    proposal = dao.proposal(reference)
    found = []
    header = proposal.header
    if header is None:
        return ["the on-chain proposal has no machine-readable header"]
    if header.inputs_hash != document["inputs_hash"]:
        found.append(f"on-chain inputs hash {header.inputs_hash} != file {document['inputs_hash']}")
    if header.methodology != document["methodology"]:
        found.append(f"on-chain methodology {header.methodology} != file {document['methodology']}")
    fn, params = dao.vault.decode_function_input(proposal.calldatas[0])
    onchain = {deployment.token(t).symbol: int(w) for t, w in zip(params["tokens"], params["weightsBps"])}
    if fn.fn_name != "setTargetWeights" or onchain != document["weights_bps"]:
        found.append(f"on-chain call sets {onchain}, the file proposes {document['weights_bps']}")
    return found
