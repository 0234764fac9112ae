"""keeper.governance: weight proposals for the DAO, from a file or the keeper's output to an executed decision.

`weights_file` reads what a user proposes (JSON or CSV: token -> weight), `header` writes and reads the
machine-readable header a proposal's description carries, and `dao` talks to the Governor and the vault.
"""
