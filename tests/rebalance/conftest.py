"""Fixtures for the rebalance planner tests (builders and strategies live in builders.py)."""

from __future__ import annotations

import pytest

from keeper.rebalance.basket import VaultState
from tests.rebalance.builders import state, token, usdc


@pytest.fixture
def two_tokens() -> VaultState:
    """60/40 against 50/50 targets, NAV 1M: minimal one-way turnover is 100k (10 % of NAV)."""
    return state(token("WETH", 18, 600_000, 2_000.0, 5_000), token("WBTC", 8, 400_000, 60_000.0, 5_000))


@pytest.fixture
def three_tokens() -> VaultState:
    """50/30/20 against 40/30/30: only WETH -> HNT is needed (10 % of NAV); USDC sits on target."""
    return state(token("WETH", 18, 500_000, 2_000.0, 4_000), usdc(300_000, 3_000),
                 token("HNT", 8, 200_000, 5.0, 3_000))
