"""The rebalancing bot on its own two-chain devnet: plan, run, crash and restart, a chain down, metrics."""

from contextlib import ExitStack
from urllib.request import urlopen

import pytest

from keeper.bot.cycle import Keeper
from keeper.bot.journal import Journal
from keeper.chain.anvil import free_port
from keeper.chain.deployments import ChainDeployment
from keeper.chain.signer import devnet_account
from keeper.devnet.governance_demo import travel
from keeper.devnet.market import move_market, sync_feeds
from keeper.devnet.run import start_devnet

MOVES = {"home": {"RNDR": 400_000, "WBTC": -300_000}, "spoke": {"ARB": 500_000, "WETH": -300_000}}


@pytest.fixture(scope="module")
def chains(tmp_path_factory):
    with ExitStack() as stack:
        handles = start_devnet(stack, ports={"home": free_port(), "spoke": free_port()},
                               deployments_dir=tmp_path_factory.mktemp("bot-deployments"), log=lambda *_: None)
        yield handles


def drift(handles):
    """Moves every chain's market, waits out the cooldown and brings the feeds up to date."""
    for chain, h in handles.items():
        move_market(h, MOVES[chain])
        travel(h.w3, 3600)
        sync_feeds(h)


def keeper_nonce(h):
    return h.w3.eth.get_transaction_count(devnet_account("keeper").address)


@pytest.fixture
def bot(chains, tmp_path):
    return Keeper([h.deployment for h in chains.values()], devnet_account("keeper"), Journal(tmp_path / "j.sqlite"))


def test_plan__lists_trades_and_sends_nothing(chains, bot):
    drift(chains)
    before = {c: keeper_nonce(h) for c, h in chains.items()}
    reports = bot.cycle("plan")
    assert [r.status for r in reports] == ["planned", "planned"]
    assert all(r.plan.trades for r in reports)
    assert {c: keeper_nonce(h) for c, h in chains.items()} == before


def test_run__rebalances_every_chain_toward_its_targets(chains, bot):
    drift(chains)
    reports = bot.cycle("run")
    assert [r.status for r in reports] == ["sent", "sent"], [r.reason for r in reports]
    for report in reports:
        targets = {t.symbol: t.target_bps / 10_000 for t in read_targets(chains[report.chain])}
        before = max(abs(report.weights_before[s] - targets[s]) for s in targets)
        after = max(abs(report.plan.summary.weights_after[s] - targets[s]) for s in targets)
        assert after < before
    assert all(i.status == "confirmed" for i in bot.journal.all())
    assert bot.metrics.value("keeper_trades_total", chain="home") >= 1
    assert bot.metrics.value("keeper_gas_spent_total", chain="spoke") > 0


def read_targets(handles):
    from keeper.bot.state import read_state

    state = read_state(handles.w3, handles.deployment, handles.w3.eth.block_number)
    return state.vault.tokens


class CrashAfterBroadcast(Keeper):
    def broadcast(self, w3, raw):
        super().broadcast(w3, raw)
        raise RuntimeError("killed between send and confirmation")


def test_crash_between_send_and_confirmation__restart_never_sends_twice(chains, tmp_path):
    drift(chains)
    home = chains["home"]
    journal_path = tmp_path / "crash.sqlite"
    before = keeper_nonce(home)
    crashing = CrashAfterBroadcast([home.deployment], devnet_account("keeper"), Journal(journal_path))
    with pytest.raises(RuntimeError, match="killed"):
        crashing.cycle("run")
    assert [i.status for i in Journal(journal_path).all()] == ["signed"]

    restarted = Keeper([home.deployment], devnet_account("keeper"), Journal(journal_path))
    (report,) = restarted.cycle("run")
    assert report.status == "settled" and "confirmed" in report.reason
    (report,) = restarted.cycle("run")  # the next cycle sees the trade done (and the cooldown)
    assert report.status == "skipped"
    assert keeper_nonce(home) == before + 1  # exactly one transaction went out
    assert [i.status for i in Journal(journal_path).all()] == ["confirmed"]


def test_chain_down__is_reported_and_the_others_proceed(chains, tmp_path):
    ghost = ChainDeployment.from_dict({**chains["spoke"].deployment.to_dict(), "chain": "ghost",
                                       "rpc_url": f"http://127.0.0.1:{free_port()}"})
    keeper = Keeper([ghost, chains["home"].deployment], devnet_account("keeper"), Journal(tmp_path / "j.sqlite"))
    reports = keeper.cycle("plan")
    assert reports[0].status == "down" and "does not answer" in reports[0].reason
    assert reports[1].status in ("planned", "skipped")
    assert keeper.metrics.value("keeper_errors_total", chain="ghost", kind="chain_down") == 1


def test_wrong_key__is_told_it_is_not_the_keeper(chains, tmp_path):
    drift(chains)
    keeper = Keeper([chains["home"].deployment], devnet_account("attacker"), Journal(tmp_path / "j.sqlite"))
    (report,) = keeper.cycle("run")
    assert report.status == "skipped" and report.reason.startswith("not keeper")


def test_metrics__are_served_in_prometheus_format(chains, bot):
    bot.cycle("plan")
    port = free_port()
    server = bot.metrics.serve(port)
    try:
        text = urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    finally:
        server.shutdown()
    assert "# TYPE keeper_cycles_total counter" in text and "keeper_cycles_total 1.0" in text
    assert 'keeper_max_drift{chain="home"}' in text


def test_run_loop__stops_cleanly_on_sigterm(chains, tmp_path):
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    folder = chains["home"].deployment_dir
    keeper_cli = Path(sys.executable).parent / "keeper"
    process = subprocess.Popen([str(keeper_cli), "run", "--account", "dev:keeper", "--deployments", str(folder),
                                "--journal", str(tmp_path / "loop.sqlite"), "--interval", "60"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    journal_seen = False
    while time.monotonic() < deadline and not journal_seen:  # wait for the first cycle to write its journal
        time.sleep(0.5)
        journal_seen = (tmp_path / "loop.sqlite").exists() and process.poll() is None
    time.sleep(3)
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "[home]" in out and "[spoke]" in out  # the cycle finished before the bot stopped
