"""`keeper plan`: what the bot would trade on every chain now, sending nothing.

    keeper plan --account dev:keeper [--chains home]
"""

from __future__ import annotations

import argparse
import logging
import sys

from keeper.commands.run import add_common, build_keeper, print_reports


def register(subparsers) -> None:
    p = subparsers.add_parser("plan", help="print the rebalance plan of every chain, send nothing",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    print_reports(build_keeper(args).cycle("plan"))
    return 0
