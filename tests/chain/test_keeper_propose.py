"""`keeper propose` and `keeper verify` against the devnet vault, and the on-chain Uniswap price source."""

import json
from pathlib import Path

import pandas as pd
import pytest

from keeper.chain.signer import devnet_account
from keeper.chain.tx import Sender
from keeper.cli import main
from keeper.devnet.universe import spec
from keeper.governance.dao import Dao
from keeper.market import MarketDataSource, TokenMetadata
from keeper.market.uniswap import UniswapSpotSource

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "market"


def propose_args(folder, out, *extra, config=EXAMPLES / "methodology.json"):
    return ["propose", "--chain", "home", "--deployments", str(folder), "--market", str(EXAMPLES / "sample_market.csv"),
            "--metadata", str(EXAMPLES / "tokens.json"), "--config", str(config), "--out", str(out), *extra]


@pytest.fixture
def proposal(devnet, tmp_path):
    _, folder = devnet
    out = tmp_path / "home.json"
    assert main(propose_args(folder, out)) == 0
    return out


def test_propose__writes_a_proposal_for_the_whole_basket_that_verifies(devnet, proposal, capsys):
    handles, _ = devnet
    document = json.loads(proposal.read_text())
    basket = [handles["home"].deployment.token(a).symbol for a in handles["home"].vault.functions.basket().call()]
    assert list(document["weights_bps"]) == basket and sum(document["weights_bps"].values()) == 10_000
    assert document["methodology"].startswith("risk_parity") and len(document["inputs_hash"]) == 64
    assert main(["verify", str(proposal)]) == 0
    assert "OK:" in capsys.readouterr().out


def test_verify__a_tampered_proposal__reports_the_differences(proposal, capsys):
    document = json.loads(proposal.read_text())
    document["weights_bps"]["WBTC"] += 1
    document["weights_bps"]["USDC"] -= 1
    proposal.write_text(json.dumps(document))
    assert main(["verify", str(proposal)]) == 1
    out = capsys.readouterr().out
    assert "MISMATCH" in out and "WBTC: proposal" in out and "USDC: proposal" in out


def test_verify__with_changed_market_data__reports_a_different_inputs_hash(proposal, tmp_path, capsys):
    changed = tmp_path / "changed.csv"
    lines = (EXAMPLES / "sample_market.csv").read_text().splitlines()
    date, token, price, *rest = lines[-1].split(",")
    lines[-1] = ",".join([date, token, str(float(price) * 1.001), *rest])
    changed.write_text("\n".join(lines) + "\n")
    assert main(["verify", str(proposal), "--market", str(changed)]) == 1
    assert "inputs hash" in capsys.readouterr().out


def test_propose__submit__creates_a_dao_proposal_that_verifies_on_chain(devnet, tmp_path, capsys):
    handles, folder = devnet
    home = handles["home"]
    dao = Dao(home.w3, home.deployment)
    alice = Sender(home.w3, devnet_account("alice"))
    dao.delegate(alice, alice.address)
    home.w3.provider.make_request("evm_increaseTime", [2])
    home.w3.provider.make_request("evm_mine", [])
    out = tmp_path / "submitted.json"
    assert main(propose_args(folder, out, "--submit", "--account", "dev:alice")) == 0
    proposal_id = dao.proposals()[-1].proposal.proposal_id
    assert dao.proposal(proposal_id).header.inputs_hash == json.loads(out.read_text())["inputs_hash"]
    assert main(["verify", str(out), "--onchain", str(proposal_id), "--deployments", str(folder)]) == 0


def test_propose__weights_the_vault_policy_refuses__write_nothing_and_say_why(devnet, tmp_path, capsys):
    _, folder = devnet
    config = json.loads((EXAMPLES / "methodology.json").read_text())
    config["methodology"] = "market_cap"
    config["momentum"] = None
    config["constraints"] = {"max_token_weight": 0.9}  # the vault caps a token at 30%
    path = tmp_path / "loose.json"
    path.write_text(json.dumps(config))
    out = tmp_path / "refused.json"
    assert main(propose_args(folder, out, config=path)) == 2
    assert "refused by the vault's risk policy" in capsys.readouterr().err and not out.exists()


class RecentHistory(MarketDataSource):
    """Five days of flat history ending the day before `today`, so a spot row can extend it."""

    source_id = "test-history"

    def __init__(self, today):
        self.today = today

    def fetch_raw(self, metadata):
        days = pd.date_range(end=self.today - pd.Timedelta(days=1), periods=5, freq="D")
        return pd.DataFrame([{"date": d.strftime("%Y-%m-%d"), "token": s, "price": spec(s).price_usd,
                              "market_cap": 1e9, "volume": 1e6} for d in days for s in metadata.symbols])


def test_uniswap_source__prices_tokens_from_the_pools_and_extends_a_history(devnet):
    handles, _ = devnet
    home = handles["home"]
    metadata = TokenMetadata.from_file(EXAMPLES / "tokens.json").subset(["WBTC", "HNT", "USDC"])
    block = home.w3.eth.get_block("latest")
    today = pd.Timestamp(block["timestamp"], unit="s").normalize()
    table = UniswapSpotSource(home.w3, home.deployment, history=RecentHistory(today)).load(metadata)
    assert table["date"].nunique() == 6
    last = table[pd.to_datetime(table["date"]) == today].set_index("token")
    for symbol in ("WBTC", "HNT", "USDC"):
        assert abs(last.loc[symbol, "price"] / spec(symbol).price_usd - 1) < 0.05  # the demo's trades move prices
        assert last.loc[symbol, "market_cap"] > 0 and last.loc[symbol, "volume"] == 0.0
