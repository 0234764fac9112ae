"""analytics.onchain: reading what the vaults hold from the chains themselves, at a pinned block per chain.

A handful of requests per chain whatever the number of vaults and tokens: every read is batched through
Multicall3, code inspection runs in `eth_call`s with state overrides, and history is one JSON-RPC batch.
"""
