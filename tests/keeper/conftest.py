"""Fixtures shared by the keeper strategy-core tests (builders live in builders.py)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from keeper.market import TokenMetadata
from tests.keeper.builders import EXAMPLES, SMALL_TOKENS, make_market, make_metadata


@pytest.fixture
def small_metadata() -> TokenMetadata:
    return make_metadata()


@pytest.fixture
def small_market() -> pd.DataFrame:
    return make_market([s for s, _, _ in SMALL_TOKENS])


@pytest.fixture(scope="session")
def example_metadata() -> TokenMetadata:
    return TokenMetadata.from_file(EXAMPLES / "tokens.json")


@pytest.fixture(scope="session")
def example_market_csv() -> Path:
    return EXAMPLES / "sample_market.csv"
