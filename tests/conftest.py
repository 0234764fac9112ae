"""Role fixtures and deployers shared by every test that touches a chain (ape on anvil)."""

import os

import pytest
from hypothesis import settings

from tests.helpers import DEFAULT_POLICY, deploy_vault

# In CI (CI=true) property tests replay the same examples every run: a red build is then reproducible.
# Locally they explore new examples each run.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

# Role fixtures, Yearn V3 style: one account per role, so a test reads as who does what.


@pytest.fixture(scope="session")
def owner(accounts):
    return accounts[0]


@pytest.fixture(scope="session")
def guardian(accounts):
    return accounts[1]


@pytest.fixture(scope="session")
def keeper(accounts):
    return accounts[2]


@pytest.fixture(scope="session")
def fee_recipient(accounts):
    return accounts[3]


@pytest.fixture(scope="session")
def alice(accounts):
    return accounts[4]


@pytest.fixture(scope="session")
def bob(accounts):
    return accounts[5]


@pytest.fixture(scope="session")
def attacker(accounts):
    return accounts[6]


@pytest.fixture(scope="session")
def whale(accounts):
    return accounts[7]


@pytest.fixture(scope="session")
def default_policy():
    return DEFAULT_POLICY


@pytest.fixture(scope="module", params=[6, 8, 18], ids=lambda d: f"{d}dec")
def decimals(request):
    """The decimals of the basket's lead token: the suite runs once for each."""
    return request.param


@pytest.fixture(scope="module")
def tokens(project, owner, decimals):
    """A four-token basket mixing 6, 8 and 18 decimals; the lead token has `decimals`."""
    specs = [("LEAD", decimals), ("WBTC", 8), ("WETH", 18), ("USDC", 6)]
    return [project.TestToken.deploy(f"Test {sym}", sym, dec, sender=owner) for sym, dec in specs]


@pytest.fixture(scope="module")
def vault(project, owner, guardian, keeper, fee_recipient, tokens):
    return deploy_vault(project, owner, tokens, guardian=guardian, keeper=keeper, fee_recipient=fee_recipient)
