"""Bad data never reaches a strategy: clear errors, or explicit opt-in repair."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from keeper.exceptions import DataValidationError
from keeper.market import RepairPolicy, TokenMetadata, prepare_market, validate_market_frame
from keeper.weights import MethodologyConfig, compute_target_weights
from tests.keeper.builders import make_market, make_metadata

SYMS = ["AAA", "BBB", "CCC", "DDD"]


def kinds(err: pytest.ExceptionInfo) -> list[str]:
    return [i.kind for i in err.value.issues]


def drop_rows(market, token, dates):
    return market[~((market["token"] == token) & market["date"].isin(dates))].reset_index(drop=True)


def test_validate__returns_normalised_sorted_copy(small_market, small_metadata):
    shuffled = small_market.sample(frac=1.0, random_state=0).assign(extra="x")
    out = validate_market_frame(shuffled, small_metadata)
    assert list(out.columns) == ["date", "token", "price", "market_cap", "volume"]
    assert out["date"].dtype == "datetime64[ns]"
    assert list(out["token"].unique()) == sorted(SYMS)
    assert out.groupby("token")["date"].is_monotonic_increasing.all()


def test_validate__missing_days_name_token_dates_and_fix(small_market, small_metadata):
    bad = drop_rows(small_market, "BBB", ["2024-02-10", "2024-02-11"])
    with pytest.raises(DataValidationError) as err:
        validate_market_frame(bad, small_metadata)
    (issue,) = err.value.issues
    assert (issue.kind, issue.token, issue.date) == ("missing_days", "BBB", "2024-02-10")
    assert "2024-02-10..2024-02-11" in issue.detail and "max_ffill_days >= 2" in issue.hint


@pytest.mark.parametrize("value,kind", [(np.nan, "bad_price"), (-1.0, "bad_price"), (0.0, "bad_price")])
def test_validate__rejects_nan_negative_and_zero_prices(small_market, small_metadata, value, kind):
    bad = small_market.copy()
    bad.loc[5, "price"] = value
    with pytest.raises(DataValidationError) as err:
        validate_market_frame(bad, small_metadata)
    assert kinds(err) == [kind]
    assert err.value.issues[0].token == bad.loc[5, "token"] and err.value.issues[0].date == bad.loc[5, "date"]


def test_validate__rejects_negative_volume_and_nan_market_cap(small_market, small_metadata):
    bad = small_market.copy()
    bad.loc[3, "volume"] = -5.0
    bad.loc[4, "market_cap"] = np.nan
    with pytest.raises(DataValidationError) as err:
        validate_market_frame(bad, small_metadata)
    assert sorted(kinds(err)) == ["bad_market_cap", "bad_volume"]


def test_validate__rejects_duplicated_dates(small_market, small_metadata):
    bad = pd.concat([small_market, small_market.iloc[[7]]], ignore_index=True)
    with pytest.raises(DataValidationError) as err:
        validate_market_frame(bad, small_metadata)
    assert kinds(err) == ["duplicate_date"]
    assert err.value.issues[0].token == small_market.loc[7, "token"]


def test_validate__rejects_tokens_missing_from_metadata(small_market):
    with pytest.raises(DataValidationError) as err:
        validate_market_frame(small_market, make_metadata([("AAA", "L1", "conservative")]))
    assert sorted(i.token for i in err.value.issues) == ["BBB", "CCC", "DDD"]
    assert all("add it to the token metadata" in i.hint for i in err.value.issues)


def test_validate__rejects_bad_dates_and_intraday_timestamps(small_market, small_metadata):
    bad = small_market.copy()
    bad.loc[2, "date"] = "02/01/2024"
    with pytest.raises(DataValidationError) as err:
        validate_market_frame(bad, small_metadata)
    assert kinds(err) == ["bad_date"]
    intraday = small_market.assign(date=pd.to_datetime(small_market["date"]) + pd.Timedelta(hours=6))
    with pytest.raises(DataValidationError) as err:
        validate_market_frame(intraday, small_metadata)
    assert kinds(err) == ["not_daily"]


def test_validate__missing_columns_are_listed(small_market, small_metadata):
    with pytest.raises(DataValidationError, match="volume"):
        validate_market_frame(small_market.drop(columns=["volume"]), small_metadata)


def test_metadata__unknown_sector_and_tier_are_errors_with_allowed_values():
    with pytest.raises(DataValidationError) as err:
        TokenMetadata.from_records([
            {"symbol": "X", "sector": "Memes", "risk_tier": "balanced", "chains": ["home"]},
            {"symbol": "Y", "sector": "DeFi", "risk_tier": "yolo", "chains": "home"},
            {"symbol": "Y", "sector": "DeFi", "risk_tier": "balanced", "chains": ""}])
    assert kinds(err) == ["metadata_sector", "metadata_tier", "metadata_duplicate", "metadata_chains"]
    assert "DePIN-energy" in err.value.issues[0].hint


def test_metadata__csv_and_json_chain_lists_load_the_same(tmp_path, example_metadata):
    path = tmp_path / "tokens.csv"
    example_metadata.to_frame().to_csv(path, index=False)
    assert TokenMetadata.from_file(path) == example_metadata
    assert example_metadata["WETH"].chains == ("home", "spoke")


def test_repair__forward_fills_short_gaps_only_when_opted_in_and_reports_them(small_market, small_metadata):
    gap = drop_rows(small_market, "BBB", ["2024-02-10", "2024-02-11"])
    cfg = MethodologyConfig.from_dict({"methodology": "inverse_vol", "lookback_days": 60,
                                       "repair": {"max_ffill_days": 2}})
    result = compute_target_weights(gap, small_metadata, cfg)
    (rep,) = result.repairs
    assert (rep.token, rep.first_date, rep.last_date, rep.days, rep.filled_from) == \
        ("BBB", "2024-02-10", "2024-02-11", 2, "2024-02-09")
    assert "filled from 2024-02-09" in result.render_text()
    with pytest.raises(DataValidationError):
        prepare_market(gap, small_metadata, RepairPolicy(max_ffill_days=1))


def test_repair__as_of_inside_a_gap_matches_the_table_cut_at_as_of(small_market, small_metadata):
    gap = drop_rows(small_market, "BBB", ["2024-06-01", "2024-06-02"])
    cfg = MethodologyConfig.from_dict({"methodology": "equal", "lookback_days": 30, "repair": {"max_ffill_days": 2},
                                       "anomaly": {"max_stale_days": 5}})
    full = compute_target_weights(gap, small_metadata, cfg, as_of="2024-06-01")
    cut = compute_target_weights(gap[gap["date"] <= "2024-06-01"], small_metadata, cfg)
    assert full.to_json() == cut.to_json()
    assert [r.last_date for r in full.repairs] == ["2024-06-01"]


def test_stale_token__without_repair_is_excluded_not_filled(small_market, small_metadata):
    ended = small_market[~((small_market["token"] == "DDD") & (small_market["date"] > "2024-07-01"))]
    result = compute_target_weights(ended, small_metadata, MethodologyConfig(methodology="equal", lookback_days=30))
    (exc,) = result.exclusions
    assert (exc.token, exc.reason, exc.metric) == ("DDD", "no_data_on_as_of", "days_since_last_row")
    assert exc.value == 17


def test_recent_listing__is_excluded_for_insufficient_history(small_metadata):
    market = make_market(SYMS, days=120)
    young = market[~((market["token"] == "CCC") & (market["date"] < "2024-04-01"))]
    result = compute_target_weights(young, small_metadata, MethodologyConfig(methodology="risk_parity",
                                                                             lookback_days=60))
    (exc,) = result.exclusions
    assert (exc.token, exc.reason, exc.value, exc.threshold) == ("CCC", "insufficient_history", 29, 92)
