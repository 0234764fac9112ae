"""A devnet of two anvil chains on free ports, started and stopped by the tests themselves."""

from contextlib import ExitStack

import pytest

from keeper.chain.anvil import free_port
from keeper.devnet.run import start_devnet


@pytest.fixture(scope="package")
def devnet(tmp_path_factory):
    """Both chains deployed and populated as by `make demo`; deployments written to a temporary folder."""
    folder = tmp_path_factory.mktemp("deployments")
    with ExitStack() as stack:
        handles = start_devnet(stack, ports={"home": free_port(), "spoke": free_port()}, deployments_dir=folder,
                               log=lambda *_: None)
        yield handles, folder
