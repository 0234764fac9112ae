"""DePIN fundamentals: coverage, dilution and revenue multiple by hand, and schema errors."""

import pandas as pd
import pytest

from analytics.exceptions import AnalyticsInputError, SchemaError
from analytics.metrics.depin import FUNDAMENTALS_COLUMNS, depin_fundamentals, load_fundamentals, \
    validate_fundamentals
from tests.analytics.conftest import EXAMPLES


def fundamentals(rows):
    return pd.DataFrame(rows, columns=list(FUNDAMENTALS_COLUMNS))


def held(rows):
    return pd.DataFrame(rows, columns=["chain", "vault", "token", "sector", "risk_tier", "value"])


FUND = fundamentals([
    # token, period_days, revenue_usd, issuance_tokens, price_usd, circulating_supply, market_cap_usd
    ("RNDR", 30, 300_000, 100_000, 5.0, 1_000_000, 5_000_000),
    ("HNT", 30, 0, 0, 2.0, 1_000_000, 2_000_000),
    ("NOTHELD", 30, 1, 1, 1.0, 1, 1),
])
HELD = held([
    ("home", "v1", "RNDR", "DePIN-compute", "aggressive", 600.0),
    ("spoke", "v2", "rndr", "DePIN-compute", "aggressive", 400.0),  # matched case-insensitively
    ("home", "v1", "HNT", "DePIN-wireless", "aggressive", 50.0),
    ("home", "v1", "DIMO", "DePIN-sensors", "aggressive", 10.0),
    ("home", "v1", "WETH", "L1", "conservative", 900.0),
])


def by_token(table):
    return {r["token"].upper(): r for r in table.to_dict("records")}


def test_depin__coverage_dilution_and_multiple_by_hand():
    rows = by_token(depin_fundamentals(FUND, HELD.iloc[[0, 2]]))
    r = rows["RNDR"]
    assert r["status"] == "ok"
    assert r["issuance_usd"] == pytest.approx(500_000)           # 100k tokens x $5
    assert r["issuance_coverage"] == pytest.approx(0.6)          # 300k / 500k
    assert r["annualised_dilution"] == pytest.approx(0.1 * 365 / 30)   # 10% of supply in 30 days
    assert r["revenue_multiple"] == pytest.approx(5_000_000 / 3_650_000)  # revenue x 365/30 = 3.65M a year


def test_depin__undefined_ratios_are_none_not_inf():
    r = by_token(depin_fundamentals(FUND, HELD))["HNT"]
    assert pd.isna(r["issuance_coverage"]) and pd.isna(r["revenue_multiple"])
    assert r["annualised_dilution"] == 0.0


def test_depin__held_token_missing_from_file_is_no_data_and_others_ignored():
    rows = by_token(depin_fundamentals(FUND, HELD))
    assert set(rows) == {"RNDR", "HNT", "DIMO"}            # WETH is not DePIN, NOTHELD not held
    assert rows["DIMO"]["status"] == "no data" and pd.isna(rows["DIMO"]["issuance_coverage"])
    assert rows["RNDR"]["vaults"] == 2 and rows["RNDR"]["held_value"] == 1000.0  # "RNDR" and "rndr" merged


def test_depin__same_token_in_several_vaults_is_summed():
    h = held([("home", "v1", "RNDR", "DePIN-compute", "aggressive", 600.0),
              ("spoke", "v2", "RNDR", "DePIN-compute", "aggressive", 400.0)])
    r = by_token(depin_fundamentals(FUND, h))["RNDR"]
    assert (r["held_value"], r["vaults"]) == (1000.0, 2)


def test_schema__missing_and_unknown_columns_are_named():
    with pytest.raises(SchemaError) as err:
        validate_fundamentals(FUND.drop(columns="price_usd").rename(columns={"revenue_usd": "revenue"}))
    msgs = {(i.column, i.message.split(";")[0]) for i in err.value.issues}
    assert ("price_usd", "required column is missing") in msgs
    assert ("revenue_usd", "required column is missing") in msgs
    assert ("revenue", "unknown column") in msgs


def test_schema__every_bad_cell_is_named_by_row_and_column():
    bad = FUND.copy().astype(object)
    bad.loc[0, "price_usd"] = 0
    bad.loc[1, "revenue_usd"] = -1
    bad.loc[2, "period_days"] = "a month"
    bad.loc[2, "token"] = " "
    with pytest.raises(SchemaError) as err:
        validate_fundamentals(bad)
    assert {(i.row, i.column) for i in err.value.issues} == {
        (0, "price_usd"), (1, "revenue_usd"), (2, "period_days"), (2, "token")}
    assert "row 2, column 'period_days': must be a number > 0, got 'a month'" in str(err.value)


def test_schema__duplicate_tokens_case_insensitive():
    dup = pd.concat([FUND, FUND.iloc[[0]].assign(token="rndr")], ignore_index=True)
    with pytest.raises(SchemaError, match="row 3, column 'token': duplicate token 'rndr' \\(first at row 0\\)"):
        validate_fundamentals(dup)


def test_load_fundamentals__example_file_is_valid():
    f = load_fundamentals(EXAMPLES / "depin_fundamentals.csv")
    assert f["token"].to_list() == ["RNDR", "FIL", "HNT", "DIMO", "POWR"]
    assert (f["period_days"] == 30).all()
    # plausible: market cap close to price x circulating supply
    assert ((f["market_cap_usd"] / (f["price_usd"] * f["circulating_supply"]) - 1).abs() < 0.05).all()


def test_load_fundamentals__file_errors_name_the_file_row_and_column(tmp_path):
    p = tmp_path / "f.csv"
    p.write_text(",".join(FUNDAMENTALS_COLUMNS) + "\nRNDR,30,100,10,n/a,1000,5000\n")
    with pytest.raises(SchemaError, match=r"f\.csv.*\n.*row 0, column 'price_usd'.*'n/a'"):
        load_fundamentals(p)
    with pytest.raises(AnalyticsInputError, match="not found"):
        load_fundamentals(tmp_path / "absent.csv")
