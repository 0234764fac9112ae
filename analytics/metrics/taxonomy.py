"""Shared vocabulary: the sectors, risk tiers and holdings columns every analytics table uses.

The sectors and tiers are the keeper's own lists (one source of truth for the whole project).
"""

from __future__ import annotations

from keeper.market.schema import RISK_TIERS, SECTORS

__all__ = ["DEPIN_SECTORS", "HOLDINGS_COLUMNS", "RISK_TIERS", "SECTORS", "is_depin"]

DEPIN_SECTORS: tuple[str, ...] = tuple(s for s in SECTORS if s.startswith("DePIN-"))

# Columns of the holdings table (one row per chain, vault and token; ``value`` in the quote currency).
HOLDINGS_COLUMNS: tuple[str, ...] = ("chain", "vault", "token", "sector", "risk_tier", "value")


def is_depin(sector: str) -> bool:
    """True for the DePIN sectors (``DePIN-compute``, ``DePIN-storage``, ...)."""
    return sector in DEPIN_SECTORS
