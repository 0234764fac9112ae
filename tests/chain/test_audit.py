"""The audit on the devnet: reconciliation, risk scan, report sections, request budget, bad input."""

import json

import pytest
from eth_abi import encode
from eth_utils import keccak

from analytics.audit import run_audit
from keeper.chain.deployments import ChainDeployment, load_all
from keeper.chain.errors import ChainError
from keeper.chain.signer import devnet_account
from keeper.chain.tx import Sender
from tests.chain.test_wallet import run_script

SECTIONS = ("Holdings", "Allocation", "Concentration", "Drift", "liquidity", "risk scan", "Performance",
            "Governance", "DePIN")


def set_erc20_balance(w3, token: str, holder: str, amount: int) -> None:
    """Rewrites an OpenZeppelin ERC20 balance (mapping at slot 0): a shortfall no vault code could cause."""
    slot = keccak(encode(["address", "uint256"], [holder, 0]))
    w3.provider.make_request("anvil_setStorageAt", [token, "0x" + slot.hex(), "0x" + amount.to_bytes(32, "big").hex()])


@pytest.fixture(scope="module")
def audited(devnet, tmp_path_factory):
    handles, folder = devnet
    home = handles["home"]
    vault = home.deployment.address("vault")
    # A donation of UNI, and a shortfall of HNT planted behind the vault's back.
    donor = Sender(home.w3, devnet_account("dave"))
    uni = home.tokens["UNI"]
    Sender(home.w3, devnet_account("deployer")).send(uni.functions.mint(donor.address, 10**20), "mint UNI")
    donor.send(uni.functions.transfer(vault, 10**20), "donate UNI")
    hnt = home.tokens["HNT"]
    set_erc20_balance(home.w3, hnt.address, vault, hnt.functions.balanceOf(vault).call() - 5 * 10**8)
    out = tmp_path_factory.mktemp("audit")
    yield run_audit(load_all(folder), out, depin_file=None, history_samples=8)
    set_erc20_balance(home.w3, hnt.address, vault, hnt.functions.balanceOf(vault).call() + 5 * 10**8)


def test_audit__reconciliation_catches_a_donation_and_a_shortfall(audited):
    lines = {(r["chain"], r["symbol"]): r for r in audited.audit["reconciliation"]}
    assert lines[("home", "UNI")]["status"] == "unaccounted_donation" and lines[("home", "UNI")]["difference"] >= 10**20
    assert lines[("home", "HNT")]["status"] == "shortfall" and lines[("home", "HNT")]["severity"] == "critical"
    assert lines[("spoke", "UNI")]["status"] in ("ok", "rounding_dust")


def test_audit__risk_scan_flags_the_planted_proxy_and_fee_on_transfer_token(audited):
    flags = {(f["symbol"], f["flag"]) for f in audited.audit["risk_scan"]["flags"]}
    assert ("PRXY", "upgradeable_proxy") in flags and ("FOT", "fee_on_transfer") in flags
    assert ("USDC", "upgradeable_proxy") not in flags and ("WBTC", "fee_on_transfer") not in flags
    assert ("WBTC", "mint") in flags  # devnet test tokens have an open mint, and the scan sees it


def test_audit__reads_each_chain_in_at_most_ten_requests(audited):
    assert set(audited.requests_per_chain) == {"home", "spoke"}
    assert all(count <= 10 for count in audited.requests_per_chain.values())


def test_audit__values_holdings_with_price_source_and_staleness(audited):
    rows = [h for h in audited.audit["holdings"] if h["chain"] == "home"]
    wbtc = next(h for h in rows if h["token"] == "WBTC")
    assert wbtc["price_source"].startswith("Uniswap V2 spot") and wbtc["stale"] is False
    assert abs(wbtc["price"] / 60_000 - 1) < 0.05
    nav = next(v for v in audited.audit["vaults"] if v["chain"] == "home")["nav"]
    assert abs(sum(h["value"] for h in rows) - nav) < 1e-6 * nav


def test_audit__writes_json_csv_and_an_html_report_with_every_section(audited):
    html = audited.paths["report.html"].read_text()
    for section in SECTIONS:
        assert section.lower() in html.lower()
    assert "<svg" in html and "<script" not in html.lower()
    assert json.loads(audited.paths["audit.json"].read_text())["schema_version"] == 1
    assert audited.paths["holdings.csv"].exists() and audited.paths["risk_scan.csv"].exists()


def test_audit__governance_shows_voting_power_and_proposals(devnet, audited):
    governance = audited.audit.get("governance")
    assert governance is not None and governance["chain"] == "home"
    assert governance["voting"]["total_votes"] >= 0


def test_audit_script__unknown_chain__says_which_exist(devnet):
    _, folder = devnet
    done = run_script("audit", "--chains", "moon", "--deployments", str(folder))
    assert done.returncode == 2 and "no deployments file for chain 'moon'" in done.stderr


def test_audit_script__missing_deployments_folder__says_how_to_start(tmp_path):
    done = run_script("audit", "--deployments", str(tmp_path / "nowhere"))
    assert done.returncode == 2 and "make devnet" in done.stderr


def test_audit__unreachable_rpc__is_a_clear_error(devnet, tmp_path):
    _, folder = devnet
    data = json.loads((folder / "spoke.json").read_text())
    data["rpc_url"] = "http://127.0.0.1:9"
    with pytest.raises(ChainError, match="does not answer"):
        run_audit([ChainDeployment.from_dict(data)], tmp_path)
