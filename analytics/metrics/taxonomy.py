"""Shared vocabulary: the sectors, risk tiers and holdings columns every analytics table uses.

These mirror the keeper's lists on purpose (the analytics must not import the keeper, which
is a separate deployable); a test keeps the two in sync when the keeper is importable.
"""

from __future__ import annotations

SECTORS: tuple[str, ...] = (
    "DeFi",
    "DePIN-compute",
    "DePIN-storage",
    "DePIN-wireless",
    "DePIN-sensors",
    "DePIN-energy",
    "L1",
    "L2",
    "stablecoin",
)
DEPIN_SECTORS: tuple[str, ...] = tuple(s for s in SECTORS if s.startswith("DePIN-"))
RISK_TIERS: tuple[str, ...] = ("conservative", "balanced", "aggressive")

# Columns of the holdings table (one row per chain, vault and token; ``value`` in the quote currency).
HOLDINGS_COLUMNS: tuple[str, ...] = ("chain", "vault", "token", "sector", "risk_tier", "value")


def is_depin(sector: str) -> bool:
    """True for the DePIN sectors (``DePIN-compute``, ``DePIN-storage``, ...)."""
    return sector in DEPIN_SECTORS
