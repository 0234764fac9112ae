"""Local anvil chains, started and stopped by the project itself."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from keeper.chain.artifacts import PROJECT_ROOT
from keeper.chain.errors import ChainError

BUNDLED_ANVIL = PROJECT_ROOT / "node_modules" / "@foundry-rs" / "anvil-linux-amd64" / "bin" / "anvil"
DEV_MNEMONIC = "test test test test test test test test test test test junk"


def anvil_binary() -> str:
    if BUNDLED_ANVIL.exists():
        return str(BUNDLED_ANVIL)
    found = shutil.which("anvil")
    if not found:
        raise ChainError("anvil not found: run `make install` (it comes from npm @foundry-rs/anvil)")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class AnvilChain:
    """One anvil process on loopback. Use as a context manager, or call start() and stop()."""

    chain_id: int
    port: int = 0
    name: str = "local"
    accounts: int = 10
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def rpc_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> "AnvilChain":
        if not self.port:
            self.port = free_port()
        log = open(Path("/tmp") / f"anvil-{self.name}-{self.port}.log", "w")
        self.process = subprocess.Popen(
            [anvil_binary(), "--host", "127.0.0.1", "--port", str(self.port), "--chain-id", str(self.chain_id),
             "--accounts", str(self.accounts), "--mnemonic", DEV_MNEMONIC, "--hardfork", "cancun",
             "--balance", "1000000"],
            stdout=log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ChainError(f"anvil for {self.name} exited at start (port {self.port} busy?); see {log.name}")
            try:
                requests.post(self.rpc_url, json={"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"}, timeout=1)
                return self
            except requests.ConnectionError:
                time.sleep(0.05)
        self.stop()
        raise ChainError(f"anvil for {self.name} did not answer on {self.rpc_url} within {timeout:.0f}s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None

    def __enter__(self) -> "AnvilChain":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
