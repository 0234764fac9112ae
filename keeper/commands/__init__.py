"""Subcommands of the `keeper` CLI, one module each, each with `register(subparsers)`."""
