"""Uniswap V2 reads: pair addresses, reserves and spot prices, and constant-product math."""

from __future__ import annotations

from eth_utils import keccak, to_checksum_address
from web3 import Web3

from keeper.chain.artifacts import load
from keeper.chain.errors import ChainError

ZERO = "0x0000000000000000000000000000000000000000"


def pair_address(w3: Web3, factory: str, token_a: str, token_b: str) -> str:
    f = w3.eth.contract(address=factory, abi=load("UniswapV2Factory").abi)
    pair = f.functions.getPair(token_a, token_b).call()
    if pair == ZERO:
        raise ChainError(f"no Uniswap V2 pool for {token_a}/{token_b} at factory {factory}")
    return pair


def pair_for(factory: str, token_a: str, token_b: str) -> str:
    """The pair address Uniswap V2's factory gives (or would give) two tokens: CREATE2, no RPC needed."""
    token0, token1 = sorted([token_a.lower(), token_b.lower()])
    init_code_hash = keccak(hexstr=load("UniswapV2Pair").bytecode)
    salt = keccak(bytes.fromhex(token0[2:]) + bytes.fromhex(token1[2:]))
    return to_checksum_address(keccak(b"\xff" + bytes.fromhex(factory[2:]) + salt + init_code_hash)[12:])


def reserves(w3: Web3, pair: str, token: str) -> tuple[int, int]:
    """(reserve of `token`, reserve of the other token) in the pool at `pair`."""
    p = w3.eth.contract(address=pair, abi=load("UniswapV2Pair").abi)
    r0, r1, _ = p.functions.getReserves().call()
    token0 = p.functions.token0().call()
    return (r0, r1) if token0.lower() == token.lower() else (r1, r0)


def spot_price(reserve_in: int, reserve_out: int, decimals_in: int, decimals_out: int) -> float:
    """Price of one whole `in` token in whole `out` tokens at the pool's marginal rate (no fee, no impact)."""
    if reserve_in == 0:
        raise ChainError("empty pool: no price")
    return (reserve_out / 10**decimals_out) / (reserve_in / 10**decimals_in)


def amount_out(amount_in: int, reserve_in: int, reserve_out: int, fee_bps: int = 30) -> int:
    """What a swap of `amount_in` returns from a constant-product pool with Uniswap V2's 0.3% fee."""
    with_fee = amount_in * (10_000 - fee_bps)
    return with_fee * reserve_out // (reserve_in * 10_000 + with_fee)
