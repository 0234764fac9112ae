"""Deployment files and connections: bad input gets a clear error."""

import json

import pytest

from keeper.chain.anvil import AnvilChain, free_port
from keeper.chain.deployments import ChainDeployment, load_all, load_deployment
from keeper.chain.errors import ChainError, DeploymentError
from keeper.chain.rpc import connect
from keeper.chain.tx import decode_revert

GOOD = {
    "chain": "home", "chain_id": 31337, "rpc_url": "http://127.0.0.1:1", "quote_token": "USDC",
    "contracts": {"vault": "0x" + "11" * 20},
    "tokens": [{"symbol": "USDC", "name": "USD Coin", "address": "0x" + "22" * 20, "decimals": 6,
                "sector": "stablecoin", "risk_tier": "conservative"}],
}


def write(folder, name, data):
    (folder / f"{name}.json").write_text(json.dumps(data) if isinstance(data, dict) else data)


def test_load_deployment__missing__names_the_file_and_the_known_chains(tmp_path):
    write(tmp_path, "home", GOOD)
    with pytest.raises(DeploymentError, match=r"no deployments file for chain 'spoke'.*known chains: home"):
        load_deployment("spoke", tmp_path)


def test_load_all__in_an_empty_folder__says_how_to_start(tmp_path):
    with pytest.raises(DeploymentError, match="make devnet"):
        load_all(tmp_path)


def test_load_deployment__not_json__says_so(tmp_path):
    write(tmp_path, "home", "{not json")
    with pytest.raises(DeploymentError, match="not valid JSON"):
        load_deployment("home", tmp_path)


@pytest.mark.parametrize("change, message", [
    (lambda d: d.pop("rpc_url"), "missing key 'rpc_url'"),
    (lambda d: d["tokens"][0].update(sector="Memes"), "unknown sector 'Memes'"),
    (lambda d: d["tokens"][0].update(risk_tier="yolo"), "unknown risk tier 'yolo'"),
    (lambda d: d["tokens"][0].update(address="0x1234"), "is not an address"),
    (lambda d: d["contracts"].update(vault="nope"), "vault: 'nope' is not an address"),
])
def test_load_deployment__invalid__names_the_problem(tmp_path, change, message):
    data = json.loads(json.dumps(GOOD))
    change(data)
    write(tmp_path, "home", data)
    with pytest.raises(DeploymentError, match=message):
        load_deployment("home", tmp_path)


def test_token__unknown_symbol__lists_the_known_ones():
    with pytest.raises(DeploymentError, match="known: USDC"):
        ChainDeployment.from_dict(GOOD).token("DOGE")


def test_connect__to_a_chain_that_is_down__says_how_to_fix_it():
    deployment = ChainDeployment.from_dict({**GOOD, "rpc_url": f"http://127.0.0.1:{free_port()}"})
    with pytest.raises(ChainError, match="does not answer.*make devnet"):
        connect(deployment)


def test_connect__to_the_wrong_chain_id__refuses():
    with AnvilChain(chain_id=999, name="other") as other:
        deployment = ChainDeployment.from_dict({**GOOD, "rpc_url": other.rpc_url})
        with pytest.raises(ChainError, match="chain id 999.*says 31337"):
            connect(deployment)


def test_decode_revert__names_the_custom_error_with_values():
    from eth_abi import encode
    from eth_utils import keccak

    data = keccak(text="IndexVault__AmountAboveMax(address,uint256,uint256)")[:4] + encode(
        ["address", "uint256", "uint256"], ["0x" + "ab" * 20, 5, 4])
    assert decode_revert(data) == ("IndexVault__AmountAboveMax(token=0xABaBaBaBABabABabAbAbABAbABabababaBaBABaB, "
                                   "amount=5, max=4)")
