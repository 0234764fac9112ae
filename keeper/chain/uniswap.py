"""Uniswap V2 reads: pair addresses (CREATE2, no RPC), reserves oriented to a token, and spot prices."""

from __future__ import annotations

from functools import lru_cache

from eth_utils import keccak, to_checksum_address
from web3 import Web3
from web3.exceptions import BadFunctionCallOutput

from keeper.chain.artifacts import load
from keeper.chain.errors import ChainError


@lru_cache(maxsize=None)
def _init_code_hash() -> bytes:
    return keccak(hexstr=load("UniswapV2Pair").bytecode)


def pair_for(factory: str, token_a: str, token_b: str) -> str:
    """The pair address Uniswap V2's factory gives (or would give) two tokens: CREATE2, no RPC needed."""
    token0, token1 = sorted([token_a.lower(), token_b.lower()])
    salt = keccak(bytes.fromhex(token0[2:]) + bytes.fromhex(token1[2:]))
    return to_checksum_address(keccak(b"\xff" + bytes.fromhex(factory[2:]) + salt + _init_code_hash())[12:])


def oriented(token: str, other: str, reserve0: int, reserve1: int) -> tuple[int, int]:
    """(reserve of `token`, reserve of `other`) from a pair's getReserves: token0 is the lower address."""
    return (reserve0, reserve1) if token.lower() < other.lower() else (reserve1, reserve0)


def reserves(w3: Web3, factory: str, token: str, other: str) -> tuple[int, int]:
    """(reserve of `token`, reserve of `other`) in their pool; ChainError when there is no pool."""
    pair = w3.eth.contract(address=pair_for(factory, token, other), abi=load("UniswapV2Pair").abi)
    try:
        r0, r1, _ = pair.functions.getReserves().call()
    except BadFunctionCallOutput:  # no contract at the CREATE2 address: the pool was never created
        raise ChainError(f"no Uniswap V2 pool for {token}/{other} at factory {factory}") from None
    return oriented(token, other, r0, r1)


def spot_price(reserve_in: int, reserve_out: int, decimals_in: int, decimals_out: int) -> float:
    """Price of one whole `in` token in whole `out` tokens at the pool's marginal rate (no fee, no impact)."""
    if reserve_in == 0:
        raise ChainError("empty pool: no price")
    return (reserve_out / 10**decimals_out) / (reserve_in / 10**decimals_in)
