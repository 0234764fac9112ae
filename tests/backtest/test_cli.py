"""`keeper backtest` end to end through keeper.cli.main: synthetic, long CSV, CoinGecko exports, HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from keeper.cli import main
from tests.backtest.conftest import EXAMPLES
from tests.http_server import ScriptedServer

SAMPLE = EXAMPLES / "market" / "sample_market.csv"
TOKENS = EXAMPLES / "market" / "tokens.json"
HEADER = ("CAGR", "Vol", "Sharpe", "Sortino", "MaxDD", "Calmar", "Turnover/y", "Costs", "Rebal")


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["backtest", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def _check_report(folder: Path, names: list[str]) -> None:
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert "<svg" in html and "<script" not in html.lower() and "src=" not in html  # self-contained
    for name in names:
        assert name in html
    summary = pd.read_csv(folder / "summary.csv")
    assert list(summary["name"]) == names
    assert {"cagr", "volatility", "sharpe", "sortino", "max_drawdown", "calmar", "turnover", "trading_costs",
            "management_fees", "rebalances"} <= set(summary.columns)
    assert json.loads((folder / "summary.json").read_text())["strategies"][0]["metrics"]["name"] == names[0]
    for f in ("nav.csv", "equity.svg", "drawdowns.svg"):
        assert (folder / f).stat().st_size > 0


def test_cli__synthetic_market__prints_table_and_writes_html(tmp_path, capsys):
    code, out, err = _run(capsys, "--synthetic", "--seed", "3", "--tokens", "12", "--days", "300", "--presets",
                          "moderate,market_cap@drift:0.25,single_asset", "--out", str(tmp_path))
    assert code == 0
    assert all(h in out for h in HEADER) and "market_cap@drift:0.25" in out and "drift 25%" in out
    assert f"HTML report: {tmp_path / 'index.html'}" in out
    assert "[3/3] single_asset" in err  # progress goes to stderr
    _check_report(tmp_path, ["moderate", "market_cap@drift:0.25", "single_asset"])
    assert (tmp_path / "moderate" / "weights.svg").exists() and (tmp_path / "moderate" / "events.csv").exists()


def test_cli__sample_csv_with_config_file__runs_every_configuration(tmp_path, capsys):
    config = EXAMPLES / "backtest" / "configs.json"
    code, out, _ = _run(capsys, "--csv", str(SAMPLE), "--metadata", str(TOKENS), "--config", str(config),
                        "--fee-bps", "20", "--management-fee-bps", "50", "--out", str(tmp_path), "--quiet")
    names = [c["name"] for c in json.loads(config.read_text())]
    assert code == 0 and all(n in out for n in names)
    _check_report(tmp_path, names)
    settings = json.loads((tmp_path / "summary.json").read_text())["settings"]
    assert settings["costs"]["fee_bps"] == 20.0 and settings["management_fee_bps"] == 50.0


def _export(frame: pd.DataFrame, folder: Path, names: dict[str, str]) -> None:
    """Write CoinGecko-style per-coin exports (snapped_at, price, market_cap, total_volume)."""
    folder.mkdir()
    for token, group in frame.groupby("token"):
        pd.DataFrame({"snapped_at": group["date"] + " 00:00:00 UTC", "price": group["price"],
                      "market_cap": group["market_cap"], "total_volume": group["volume"]}
                     ).to_csv(folder / names[token], index=False)


def test_cli__coingecko_export_folder__gives_the_same_backtest_as_the_long_csv(tmp_path, capsys):
    frame = pd.read_csv(SAMPLE, dtype={"date": str})
    ids = {t["symbol"]: t["coingecko_id"] for t in json.loads(TOKENS.read_text())}
    # file names as CoinGecko writes them (<symbol>-usd-max.csv) or as coin ids
    names = {t: (f"{t.lower()}-usd-max.csv" if i % 2 else f"{ids[t]}.csv") for i, t in enumerate(sorted(ids))}
    _export(frame, tmp_path / "exports", names)
    common = ["--metadata", str(TOKENS), "--presets", "moderate,risk_parity", "--quiet"]
    assert _run(capsys, "--csv", str(SAMPLE), "--out", str(tmp_path / "a"), *common)[0] == 0
    assert _run(capsys, "--csv", str(tmp_path / "exports"), "--out", str(tmp_path / "b"), *common)[0] == 0
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "a" / "nav.csv"), pd.read_csv(tmp_path / "b" / "nav.csv"))


def _market_charts(frame: pd.DataFrame, ids: dict[str, str]) -> dict[str, dict]:
    """/coins/<id>/market_chart bodies from the sample CSV, CoinGecko-shaped, plus a partial 'now' point."""
    bodies = {}
    for token, group in frame.groupby("token"):
        ms = (pd.to_datetime(group["date"]).astype("int64") // 10**6).tolist()
        now = ms[-1] + 86_400_000 + 3_600_000  # an hour into the next day
        bodies[f"/coins/{ids[token]}/market_chart"] = {
            key: [[t, v] for t, v in zip(ms + [now], group[col].tolist() + [group[col].iloc[-1]])]
            for key, col in (("prices", "price"), ("market_caps", "market_cap"), ("total_volumes", "volume"))}
    return bodies


@pytest.fixture
def market_chart_server():
    frame = pd.read_csv(SAMPLE, dtype={"date": str})
    ids = {t["symbol"]: t["coingecko_id"] for t in json.loads(TOKENS.read_text())}
    with ScriptedServer() as server:
        for path, body in _market_charts(frame, ids).items():
            server.json(path, (200, {"Content-Type": "application/json"}, body))
        yield server


def test_cli__coingecko_http_source__fetches_caches_and_backtests(tmp_path, capsys, market_chart_server):
    argv = ["--coingecko", "wrapped-bitcoin,weth,SOL,usd-coin", "--metadata", str(TOKENS), "--days", "400",
            "--cache", str(tmp_path / "cache"), "--base-url", market_chart_server.base, "--min-interval", "0",
            "--presets", "market_cap,single_asset", "--quiet"]
    code, out, _ = _run(capsys, *argv, "--out", str(tmp_path / "a"))
    assert code == 0 and len(market_chart_server.hits) == 4
    assert "window: " in out and ".. 2025-02-03" in out  # the partial 'now' day was dropped
    assert _run(capsys, *argv, "--out", str(tmp_path / "b"))[0] == 0
    assert len(market_chart_server.hits) == 4  # second run served from the disk cache


@pytest.mark.parametrize("argv,message", [
    (["--csv", str(SAMPLE)], "--metadata PATH is required"),
    (["--synthetic", "--tokens", "8", "--days", "200", "--presets", "nope"], "unknown preset 'nope'"),
    (["--synthetic", "--tokens", "8", "--days", "60", "--presets", "risk_parity"], "need 92 days of history"),
    (["--csv", "no/such.csv", "--metadata", str(TOKENS)], "not found"),
])
def test_cli__bad_input__exits_2_with_one_clear_line(tmp_path, capsys, argv, message):
    code, out, err = _run(capsys, *argv, "--out", str(tmp_path), "--quiet")
    assert code == 2 and message in err and out == ""
