"""Token contract risk scan at a pinned block: proxies, admin powers, fee-on-transfer, decimals.

Two `eth_call`s for all tokens of a chain, using state overrides (contracts/utils/TokenProbes.sol):
1. each token's code is replaced by a slot reader to read its EIP-1967 implementation and admin slots;
2. a code reader returns the runtime code of every token (and of each proxy's implementation), searched
   for the selectors of admin powers, while a transfer probe placed at each token's Uniswap pair sends a
   small amount out of the pair's real balance and measures what arrives: less means fee-on-transfer.
Nothing is sent; the chain is never changed.
"""

from __future__ import annotations

from eth_abi import encode
from eth_utils import keccak, to_checksum_address
from web3 import Web3

from keeper.chain.artifacts import load
from keeper.chain.multicall import Batch, CallFailed
from keeper.chain.snapshot import ChainSnapshot

# EIP-1967: bytes32(uint256(keccak256("eip1967.proxy.implementation")) - 1), and the admin slot.
IMPLEMENTATION_SLOT = (int.from_bytes(keccak(text="eip1967.proxy.implementation"), "big") - 1).to_bytes(32, "big")
ADMIN_SLOT = (int.from_bytes(keccak(text="eip1967.proxy.admin"), "big") - 1).to_bytes(32, "big")
CODE_READER_ADDRESS = to_checksum_address("0x00000000000000000000000000000000000c0de1")
PROBE_RECEIVER = to_checksum_address("0x000000000000000000000000000000000000beef")

# Admin powers, by the selectors that reveal them in a contract's code.
POWERS = {
    "mint": ("mint(address,uint256)", "mint(uint256)", "issue(uint256)"),
    "pause": ("pause()", "unpause()"),
    "blacklist": ("blacklist(address)", "addBlackList(address)", "addToBlocklist(address)", "freeze(address)"),
    "owner": ("owner()", "transferOwnership(address)"),
    "upgrade": ("upgradeTo(address)", "upgradeToAndCall(address,bytes)"),
}
SEVERITY = {"upgradeable_proxy": "warning", "fee_on_transfer": "critical", "mint": "warning", "pause": "warning",
            "blacklist": "warning", "owner": "info", "upgrade": "warning", "decimals": "critical",
            "no_pool": "info"}


def _selectors(code: bytes) -> set[str]:
    found = set()
    for power, signatures in POWERS.items():
        for signature in signatures:
            # A dispatcher compares against PUSH4 <selector> (0x63): look for exactly that.
            if b"\x63" + keccak(text=signature)[:4] in code:
                found.add(power)
    return found


def _flag(snapshot: ChainSnapshot, symbol: str, flag: str, detail: str) -> dict:
    token = snapshot.deployment.token(symbol)
    return {"chain": snapshot.deployment.chain, "token": token.address, "symbol": symbol, "flag": flag,
            "severity": SEVERITY[flag], "detail": detail}


def scan(w3: Web3, snapshot: ChainSnapshot) -> list[dict]:
    tokens = list(snapshot.deployment.tokens)
    flags = []
    for token in tokens:
        onchain = snapshot.decimals_onchain.get(token.symbol)
        if onchain is None or onchain != token.decimals or onchain > 36:
            flags.append(_flag(snapshot, token.symbol, "decimals",
                               f"decimals() returned {onchain}, the deployments file says {token.decimals}"))

    # 1. EIP-1967 slots, read from inside each token.
    slot_reader = load("SlotReader")
    batch = Batch(w3, snapshot.block)
    reader = w3.eth.contract(abi=slot_reader.abi)
    for token in tokens:
        batch.add(reader.functions.readSlots([IMPLEMENTATION_SLOT, ADMIN_SLOT]), target=token.address)
    override = {t.address: {"code": slot_reader.runtime} for t in tokens}
    implementations = {}
    for token, slots in zip(tokens, batch.run(override)):
        if isinstance(slots, CallFailed):
            continue
        implementation, admin = (to_checksum_address(s[12:]) for s in slots)
        if int(implementation, 16):
            implementations[token.symbol] = implementation
            flags.append(_flag(snapshot, token.symbol, "upgradeable_proxy",
                               f"EIP-1967 implementation {implementation}"
                               + (f", admin {admin}" if int(admin, 16) else "")))

    # 2. Code of every token and implementation, and a simulated transfer out of each token's pool.
    batch = Batch(w3, snapshot.block)
    code_owners = [t.address for t in tokens] + list(implementations.values())
    codes_at = batch.add_raw(CODE_READER_ADDRESS, keccak(text="codes(address[])")[:4] + encode(
        ["address[]"], [code_owners]), ["bytes[]"])
    probes = {}
    for token in tokens:
        pool = snapshot.pools.get(token.symbol)
        if pool is None:
            continue
        amount = max(pool.reserve_token // 1000, 1)
        data = keccak(text="probe(address,uint256,address)")[:4] + encode(
            ["address", "uint256", "address"], [token.address, amount, PROBE_RECEIVER])
        probes[token.symbol] = (batch.add_raw(pool.pair, data, ["bool", "uint256"]), amount)
    override = {CODE_READER_ADDRESS: {"code": load("CodeReader").runtime}}
    override.update({snapshot.pools[s].pair: {"code": load("TransferProbe").runtime} for s in probes})
    results = batch.run(override)

    codes = dict(zip(code_owners, results[codes_at])) if not isinstance(results[codes_at], CallFailed) else {}
    for token in tokens:
        code = bytes(codes.get(token.address, b""))
        if token.symbol in implementations:
            code += bytes(codes.get(implementations[token.symbol], b""))
        for power in sorted(_selectors(code)):
            flags.append(_flag(snapshot, token.symbol, power, f"code has {power} functions: "
                               + ", ".join(POWERS[power])))
        if token.symbol not in probes:
            if token.symbol != snapshot.deployment.quote_token:
                flags.append(_flag(snapshot, token.symbol, "no_pool", "no pool to simulate a transfer from"))
            continue
        index, amount = probes[token.symbol]
        outcome = results[index]
        if isinstance(outcome, CallFailed) or not outcome[0]:
            flags.append(_flag(snapshot, token.symbol, "fee_on_transfer", "a simulated transfer failed"))
        elif outcome[1] != amount:
            flags.append(_flag(snapshot, token.symbol, "fee_on_transfer",
                               f"sent {amount}, {outcome[1]} arrived ({1 - outcome[1] / amount:.2%} taken)"))
    return flags
