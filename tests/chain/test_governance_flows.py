"""Governance from a wallet: weight files, checks before sending, a full cycle, and the scripts."""

import re
from pathlib import Path

import pytest

from keeper.chain.errors import PreflightError
from keeper.chain.signer import devnet_account
from keeper.chain.tx import Sender
from keeper.devnet.governance_demo import run_governance_cycle
from keeper.governance.dao import Dao
from keeper.governance.errors import GovernanceError, ProposalFileError
from keeper.governance.header import ProposalHeader, parse_description
from keeper.governance.weights_file import read_weights, to_bps
from tests.chain.test_wallet import run_script

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "proposals"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize("text, expected", [
    ('{"a": 0.25, "b": 0.75}', {"A": 2500, "B": 7500}),
    ('{"a": 25, "b": 75}', {"A": 2500, "B": 7500}),
    ('{"a": 2500, "b": 7500}', {"A": 2500, "B": 7500}),
    ('{"weights_bps": {"a": 2500, "b": 7500}, "methodology": "x", "inputs_hash": "0x"}', {"A": 2500, "B": 7500}),
])
def test_weights_file__reads_fractions_percents_bps_and_keeper_output(tmp_path, text, expected):
    assert to_bps(read_weights(write(tmp_path, "w.json", text))) == expected


def test_weights_file__csv_with_header(tmp_path):
    assert to_bps(read_weights(write(tmp_path, "w.csv", "token,weight\nwbtc,60\nusdc,40\n"))) == {
        "WBTC": 6000, "USDC": 4000}


@pytest.mark.parametrize("name, text, message", [
    ("w.json", '{"a": 0.5, "b": 0.4}', "add up to 0.9"),
    ("w.json", '{"a": 0.33333, "b": 0.66667}', "not a whole number of basis points"),
    ("w.json", '{"a": -0.5, "b": 1.5}', "negative"),
    ("w.csv", "token,weight\na,50\na,50\n", "listed twice"),
    ("w.csv", "symbol,pct\na,100\n", "header `token,weight`"),
    ("w.json", "{oops", "not valid JSON"),
    ("w.txt", "a 1", "use a .json or .csv"),
])
def test_weights_file__bad_input__names_the_problem(tmp_path, name, text, message):
    with pytest.raises(ProposalFileError, match=message):
        to_bps(read_weights(write(tmp_path, name, text)))


def test_header__round_trips_through_the_description():
    header = ProposalHeader("home", 7, 1_800_000_000, "risk_parity@1.0.0", "0xabc")
    parsed, text = parse_description(header.render("Rebalance toward DePIN"))
    assert parsed == header and text == "Rebalance toward DePIN"
    assert parse_description("plain text") == (None, "plain text")


@pytest.fixture
def dao(devnet):
    handles, _ = devnet
    return Dao(handles["home"].w3, handles["home"].deployment)


def nonce(dao, role):
    return dao.w3.eth.get_transaction_count(devnet_account(role).address)


@pytest.mark.parametrize("change, message", [
    (lambda w: {**w, "DOGE": 0}, "unknown token DOGE"),
    (lambda w: {k: v for k, v in w.items() if k != "DIMO"} | {"USDC": w["USDC"] + w["DIMO"]}, "missing DIMO"),
    (lambda w: {**w, "WBTC": w["WBTC"] + 1500, "USDC": w["USDC"] - 1000, "SOL": 0}, "TokenWeightAboveCap(token=WBTC"),
    (lambda w: {**w, "WBTC": w["WBTC"] + 500, "USDC": -500 + w["USDC"] - w["USDC"]}, "USDC: weight -500 bps"),
    (lambda w: {**w, "WBTC": w["WBTC"] + 1, "USDC": w["USDC"]}, "WeightsSumNot100(sumBps=10001)"),
    (lambda w: {**w, "UNI": 2500, "AAVE": 2000, "USDC": 0, "WBTC": 600}, "SectorWeightAboveCap(sector=DeFi"),
])
def test_propose__invalid_weights__are_refused_with_the_reason_and_nothing_is_sent(dao, change, message):
    weights = to_bps(read_weights(EXAMPLES / "home-defi-tilt.json"))
    before = nonce(dao, "alice")
    with pytest.raises(PreflightError, match=re.escape(message)):
        dao.weight_proposal(change(weights), "bad")
    assert nonce(dao, "alice") == before


def test_governance_cycle__on_the_devnet__executes_the_proposed_weights(devnet, dao):
    handles, _ = devnet
    proposal_id = run_governance_cycle(handles["home"], log=lambda *_: None)
    status = next(s for s in dao.proposals() if s.proposal.proposal_id == proposal_id)
    assert status.state == "Executed"
    assert status.for_votes > status.quorum and status.against_votes > 0
    expected = to_bps(read_weights(EXAMPLES / "home-defi-tilt.json"))
    targets = {handles["home"].deployment.token(a[0]).symbol: a[4] for a in dao.vault.functions.assets().call()}
    assert targets == expected
    assert status.proposal.header.nonce == dao.vault.functions.decisionNonce().call()


def test_vote__on_an_executed_proposal__is_refused_before_sending(devnet, dao):
    executed = [s for s in dao.proposals() if s.state == "Executed"]
    if not executed:
        run_governance_cycle(devnet[0]["home"], log=lambda *_: None)
        executed = [s for s in dao.proposals() if s.state == "Executed"]
    with pytest.raises(GovernanceError, match="it is Executed, it must be Active"):
        dao.vote(Sender(dao.w3, devnet_account("bob")), executed[0].proposal.proposal_id, "for")


def test_propose__without_delegated_votes__says_to_delegate_first(dao):
    targets, values, calldatas, description = dao.weight_proposal(
        to_bps(read_weights(EXAMPLES / "home-defi-tilt.json")), "from a wallet with no votes")
    with pytest.raises(PreflightError, match="delegate your shares"):
        dao.propose(Sender(dao.w3, devnet_account("dave")), targets, values, calldatas, description)


def test_propose_script__refuses_a_policy_breaking_file_and_sends_nothing(devnet, dao):
    _, folder = devnet
    before = nonce(dao, "alice")
    done = run_script("propose", "--account", "dev:alice", "--weights", str(EXAMPLES / "home-too-concentrated.csv"),
                      "--deployments", str(folder))
    assert done.returncode == 2
    assert "TokenWeightAboveCap(token=WBTC" in done.stderr and "nothing was sent" in done.stderr
    assert nonce(dao, "alice") == before


def test_status_script__lists_proposals_with_state_and_tallies(devnet, dao):
    _, folder = devnet
    if not dao.proposals():
        run_governance_cycle(devnet[0]["home"], log=lambda *_: None)
    done = run_script("status", "--chain", "home", "--deployments", str(folder))
    assert done.returncode == 0, done.stderr
    assert "state Executed" in done.stdout and "quorum" in done.stdout and "decision nonce" in done.stdout
