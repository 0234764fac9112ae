"""The `keeper` command: one entry point, one module per subcommand under keeper.commands.

    keeper propose ...     compute target weights and write (and optionally submit) a DAO proposal
    keeper verify ...      recompute a proposal from its inputs and check it matches
    keeper backtest ...    compare methodologies and rebalancing rules on historical or synthetic data
    keeper plan ...        what the bot would trade on every chain now (sends nothing)
    keeper run ...         the rebalancing bot (one cycle with --once, simulate only with --dry-run)

Errors the keeper raises on purpose (KeeperError) print as one clear line and exit with status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from keeper.exceptions import KeeperError

# Each module defines `register(subparsers)`, which adds its parser and sets `func` (args -> exit code).
COMMANDS = ("propose", "verify", "backtest", "plan", "run")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="keeper", description="The DAO index keeper.")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"keeper.commands.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeeperError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
