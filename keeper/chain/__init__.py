"""keeper.chain: everything that talks to an EVM chain.

Artifacts (our compiled contracts and Uniswap V2's published ones), local anvil chains, deployment files,
signers (ape accounts or the devnet's well-known keys) and transaction sending with decoded revert reasons.
The pure strategy core (``keeper.weights``) never imports this package.
"""
