"""The `keeper` command: one entry point, one module per subcommand under keeper.commands.

    keeper propose ...     compute target weights and write (and optionally submit) a DAO proposal
    keeper verify ...      recompute a proposal from its inputs and check it matches
    keeper backtest ...    compare methodologies and rebalancing rules on historical or synthetic data

Errors the keeper raises on purpose (KeeperError) print as one clear line and exit with status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from keeper.exceptions import KeeperError

# Each module defines `register(subparsers)`, which adds its parser and sets `func` (args -> exit code).
COMMANDS = ("propose", "verify", "backtest")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="keeper", description="The DAO index keeper.")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"keeper.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"keeper.commands.{name}":
                raise
            continue  # a command whose module is not there yet
        module.register(subparsers)
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
