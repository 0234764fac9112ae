"""Market-data sources: files, and HTTP (retries, backoff, Retry-After, rate limit, cache)
against a local http.server on 127.0.0.1 serving recorded-style JSON fixtures."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pandas as pd
import pytest

from keeper.exceptions import DataValidationError, MarketSourceError
from keeper.market import (
    CoinGeckoSource,
    CsvMarketSource,
    DiskCache,
    HttpJsonClient,
    ParquetMarketSource,
    RateLimiter,
    RetryPolicy,
    TokenMetadata,
    request_key,
)
from keeper.weights import MethodologyConfig, compute_target_weights
from tests.http_server import ScriptedServer
from tests.keeper.builders import FIXTURES, make_market, make_metadata


class FakeTime:
    """Injectable clock: sleeping advances it and is recorded."""

    def __init__(self, start: float = 1000.0):
        self.t = start
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += seconds


@pytest.fixture
def server():
    with ScriptedServer() as srv:
        yield srv


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def client(fake: FakeTime, **kw) -> HttpJsonClient:
    kw.setdefault("retry", RetryPolicy(max_attempts=4, backoff_base=0.5, backoff_factor=2.0, backoff_max=30.0))
    return HttpJsonClient(timeout=(2.0, 5.0), sleep=fake.sleep, clock=fake.now, **kw)


def test_http__retries_429_and_500_then_succeeds_honouring_retry_after(server):
    body = fixture("market_chart_usd-coin.json")
    server.json("/x", (429, {"Retry-After": "7"}, {"status": "rate limited"}), (500, {}, b"oops"), (200, {}, body))
    fake = FakeTime()
    c = client(fake)
    assert c.get_json(server.base + "/x", {"a": 1}) == body
    assert fake.sleeps == [7.0, 1.0]  # Retry-After, then backoff 0.5 * 2 ** 1
    assert len(server.hits) == 3 and [a.status for a in c.history] == [429, 500, 200]


def test_http__exponential_backoff_is_capped(server):
    server.json("/x", (503, {}, b""), (502, {}, b""), (500, {}, b""), (200, {}, {"ok": True}))
    fake = FakeTime()
    c = client(fake, retry=RetryPolicy(max_attempts=5, backoff_base=1.0, backoff_factor=2.0, backoff_max=3.0))
    assert c.get_json(server.base + "/x") == {"ok": True}
    assert fake.sleeps == [1.0, 2.0, 3.0]


def test_http__retry_after_as_http_date_is_honoured(server):
    now = datetime(2024, 3, 1, 12, 0, 0, tzinfo=UTC)
    server.json("/x", (429, {"Retry-After": format_datetime(now + timedelta(seconds=12), usegmt=True)}, b""),
                (200, {}, {"ok": 1}))
    fake = FakeTime()
    assert client(fake, now=lambda: now).get_json(server.base + "/x") == {"ok": 1}
    assert fake.sleeps == [12.0]


def test_http__gives_up_after_max_attempts_with_the_last_error(server):
    server.json("/x", (500, {}, b"still broken"))
    fake = FakeTime()
    with pytest.raises(MarketSourceError, match=r"after 4 attempt\(s\); last: HTTP 500"):
        client(fake).get_json(server.base + "/x")
    assert len(server.hits) == 4 and fake.sleeps == [0.5, 1.0, 2.0]


def test_http__client_errors_are_not_retried(server):
    fake = FakeTime()
    with pytest.raises(MarketSourceError, match="HTTP 404"):
        client(fake).get_json(server.base + "/missing")
    assert len(server.hits) == 1 and fake.sleeps == []


def test_http__invalid_json_is_an_error(server):
    server.json("/x", (200, {}, b"<html>"))
    with pytest.raises(MarketSourceError, match="invalid JSON"):
        client(FakeTime()).get_json(server.base + "/x")


def test_http__connection_errors_are_retried_with_backoff():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there any more: connection refused
    fake = FakeTime()
    c = client(fake, retry=RetryPolicy(max_attempts=3, backoff_base=0.25))
    with pytest.raises(MarketSourceError, match="ConnectionError"):
        c.get_json(f"http://127.0.0.1:{port}/x")
    assert fake.sleeps == [0.25, 0.5]
    assert [a.status for a in c.history] == [None, None, None]


def test_rate_limiter__spaces_calls_by_min_interval():
    fake = FakeTime()
    limiter = RateLimiter(1.0, clock=fake.now, sleep=fake.sleep)
    assert limiter.acquire() == 0.0
    fake.t += 0.25
    assert limiter.acquire() == pytest.approx(0.75)
    fake.t += 5.0
    assert limiter.acquire() == 0.0
    assert fake.sleeps == [pytest.approx(0.75)]


def test_rate_limiter__applies_to_every_network_call_of_the_client(server):
    server.json("/x", (200, {}, {"n": 1}))
    fake = FakeTime()
    c = client(fake, min_interval=0.5)
    for i in range(3):
        c.get_json(server.base + "/x", {"i": i})
    assert fake.sleeps == [0.5, 0.5] and len(server.hits) == 3


def test_cache__serves_fresh_entries_without_network_and_expires_after_ttl(server, tmp_path):
    server.json("/x", (200, {}, {"v": 1}))
    fake = FakeTime()
    cache = DiskCache(tmp_path / "cache", ttl_seconds=60, clock=fake.now)
    c = client(fake, cache=cache, min_interval=10.0)
    assert c.get_json(server.base + "/x", {"b": 2, "a": 1}) == {"v": 1}
    assert c.get_json(server.base + "/x", {"a": 1, "b": 2}) == {"v": 1}  # same key, any param order
    assert len(server.hits) == 1 and fake.sleeps == []
    fake.t += 61
    assert c.get_json(server.base + "/x", {"a": 1, "b": 2}) == {"v": 1}
    assert len(server.hits) == 2
    assert request_key("u", {"a": 1}) != request_key("u", {"a": 2})


def test_cache__corrupt_entry_is_a_miss(tmp_path):
    cache = DiskCache(tmp_path, ttl_seconds=60)
    cache.put("http://h/x", None, {"v": 1})
    assert cache.get("http://h/x") == {"v": 1}
    (tmp_path / f"{request_key('http://h/x', None)}.json").write_text("{not json")
    assert cache.get("http://h/x") is None


COINGECKO_META = [
    {"symbol": "WBTC", "sector": "L1", "risk_tier": "conservative", "chains": "home",
     "coingecko_id": "wrapped-bitcoin"},
    {"symbol": "USDC", "sector": "stablecoin", "risk_tier": "conservative", "chains": "home;spoke",
     "coingecko_id": "usd-coin"},
]


def test_coingecko__loads_daily_rows_keeping_the_last_point_of_each_day(server):
    for coin in ("wrapped-bitcoin", "usd-coin"):
        server.json(f"/api/v3/coins/{coin}/market_chart", (200, {}, fixture(f"market_chart_{coin}.json")))
    meta = TokenMetadata.from_records(COINGECKO_META)
    src = CoinGeckoSource(client(FakeTime()), days=5, base_url=server.base + "/api/v3")
    frame = src.load(meta)
    assert len(frame) == 10 and list(frame["token"].unique()) == ["USDC", "WBTC"]
    last_wbtc = frame[frame["token"] == "WBTC"].iloc[-1]
    assert str(last_wbtc["date"].date()) == "2024-03-05" and last_wbtc["price"] == 63111.0
    assert sorted(server.hits) == [("/api/v3/coins/usd-coin/market_chart", "vs_currency=usd&days=5"),
                                   ("/api/v3/coins/wrapped-bitcoin/market_chart", "vs_currency=usd&days=5")]
    cfg = MethodologyConfig.from_dict({"methodology": "market_cap", "anomaly": {"enabled": False}})
    result = compute_target_weights(frame, meta, cfg)
    assert result.weights["USDC"] > result.weights["WBTC"] > 0


def test_coingecko__a_day_missing_from_one_series_fails_validation(server):
    server.json("/api/v3/coins/broken/market_chart", (200, {}, fixture("market_chart_missing-cap-day.json")))
    meta = TokenMetadata.from_records([{"symbol": "BRK", "sector": "DeFi", "risk_tier": "aggressive",
                                        "chains": "home", "coingecko_id": "broken"}])
    with pytest.raises(DataValidationError) as err:
        CoinGeckoSource(client(FakeTime()), days=5, base_url=server.base + "/api/v3").load(meta)
    assert [(i.kind, i.token, i.date) for i in err.value.issues] == [("bad_market_cap", "BRK", "2024-03-03")]


def test_coingecko__token_without_id_is_an_error_before_any_request(server):
    meta = TokenMetadata.from_records([{"symbol": "X", "sector": "DeFi", "risk_tier": "balanced", "chains": "home"}])
    with pytest.raises(MarketSourceError, match="coingecko_id"):
        CoinGeckoSource(client(FakeTime()), days=5, base_url=server.base).load(meta)
    assert server.hits == []


def test_files__csv_and_parquet_give_the_same_table_and_hash(tmp_path, small_metadata):
    pytest.importorskip("pyarrow")
    market = make_market(["AAA", "BBB", "CCC", "DDD"], days=120)
    market.to_csv(tmp_path / "m.csv", index=False, float_format="%.17g")
    market.to_parquet(tmp_path / "m.parquet", index=False)
    a = CsvMarketSource(tmp_path / "m.csv").load(small_metadata)
    b = ParquetMarketSource(tmp_path / "m.parquet").load(small_metadata)
    pd.testing.assert_frame_equal(a, b)
    cfg = MethodologyConfig(methodology="inverse_vol", lookback_days=30)
    assert compute_target_weights(a, small_metadata, cfg).inputs_hash == \
        compute_target_weights(b, small_metadata, cfg).inputs_hash


def test_files__unlisted_tokens_fail_unless_dropping_is_opted_in(tmp_path):
    market = make_market(["AAA", "ZZZ"], days=10)
    market.to_csv(tmp_path / "m.csv", index=False)
    meta = make_metadata([("AAA", "L1", "conservative")])
    with pytest.raises(DataValidationError, match="ZZZ"):
        CsvMarketSource(tmp_path / "m.csv").load(meta)
    assert set(CsvMarketSource(tmp_path / "m.csv", drop_unlisted_tokens=True).load(meta)["token"]) == {"AAA"}


def test_files__missing_file_is_a_source_error(tmp_path, small_metadata):
    with pytest.raises(MarketSourceError, match="nope.csv"):
        CsvMarketSource(tmp_path / "nope.csv").load(small_metadata)
