"""The bot's journal: every intended and sent transaction in a local SQLite file.

A transaction is written down, signed, *before* it is broadcast. After a crash at any point, `pending()`
returns what was signed or sent but not confirmed; the bot settles those (receipt, or re-broadcast of the
very same signed bytes, which cannot double-spend) before it plans anything new for that chain.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS intents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    chain TEXT NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    status TEXT NOT NULL,          -- planned, signed, sent, confirmed, failed, abandoned
    plan TEXT NOT NULL,            -- the trades, as JSON
    nonce INTEGER,
    tx_hash TEXT,
    raw_tx TEXT,
    gas_used INTEGER,
    detail TEXT
)
"""
OPEN = ("planned", "signed", "sent")


@dataclass(frozen=True)
class Intent:
    id: int
    chain: str
    status: str
    plan: list
    nonce: int | None
    tx_hash: str | None
    raw_tx: str | None
    gas_used: int | None
    detail: str | None


class Journal:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, isolation_level=None)  # autocommit: every write is durable at once
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(SCHEMA)

    def plan(self, chain: str, trades: list) -> int:
        now = time.time()
        cursor = self.db.execute("INSERT INTO intents (chain, created, updated, status, plan) VALUES (?, ?, ?, ?, ?)",
                                 (chain, now, now, "planned", json.dumps(trades)))
        return cursor.lastrowid

    def signed(self, intent_id: int, nonce: int, tx_hash: str, raw_tx: str) -> None:
        self._set(intent_id, "signed", nonce=nonce, tx_hash=tx_hash, raw_tx=raw_tx)

    def sent(self, intent_id: int) -> None:
        self._set(intent_id, "sent")

    def confirmed(self, intent_id: int, gas_used: int) -> None:
        self._set(intent_id, "confirmed", gas_used=gas_used)

    def failed(self, intent_id: int, detail: str) -> None:
        self._set(intent_id, "failed", detail=detail)

    def abandoned(self, intent_id: int, detail: str) -> None:
        self._set(intent_id, "abandoned", detail=detail)

    def pending(self, chain: str) -> list[Intent]:
        rows = self.db.execute(
            "SELECT id, chain, status, plan, nonce, tx_hash, raw_tx, gas_used, detail FROM intents "
            f"WHERE chain = ? AND status IN ({','.join('?' * len(OPEN))}) ORDER BY id", (chain, *OPEN)).fetchall()
        return [Intent(r[0], r[1], r[2], json.loads(r[3]), *r[4:]) for r in rows]

    def all(self, chain: str | None = None) -> list[Intent]:
        query = "SELECT id, chain, status, plan, nonce, tx_hash, raw_tx, gas_used, detail FROM intents"
        rows = self.db.execute(query + (" WHERE chain = ?" if chain else "") + " ORDER BY id",
                               (chain,) if chain else ()).fetchall()
        return [Intent(r[0], r[1], r[2], json.loads(r[3]), *r[4:]) for r in rows]

    def _set(self, intent_id: int, status: str, **fields) -> None:
        columns = ", ".join(f"{k} = ?" for k in fields)
        self.db.execute(f"UPDATE intents SET status = ?, updated = ?{', ' + columns if columns else ''} WHERE id = ?",
                        (status, time.time(), *fields.values(), intent_id))
