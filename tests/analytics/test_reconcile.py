"""Reconciliation of accounted vs actual balances."""

import pytest

from analytics.exceptions import AnalyticsInputError
from analytics.reconcile import BalanceRecord, exceptions_only, reconcile, to_frame


def records():
    return [
        BalanceRecord("home", "v1", "WETH", accounted=10**18, actual=10**18),
        BalanceRecord("home", "v1", "RNDR", accounted=5 * 10**18, actual=5 * 10**18 + 10**16),  # donation
        BalanceRecord("home", "v1", "FIL", accounted=7 * 10**18, actual=6 * 10**18),        # shortfall
        BalanceRecord("home", "v1", "SCAM", accounted=0, actual=1, in_basket=False),         # airdropped junk
        BalanceRecord("home", "v1", "DUST", accounted=0, actual=0, in_basket=False),
    ]


def test_reconcile__catches_a_donation_a_shortfall_and_an_unknown_token():
    lines = {ln.token: ln for ln in reconcile(records())}
    assert lines["RNDR"].status == "unaccounted_donation" and lines["RNDR"].difference == 10**16
    assert lines["FIL"].status == "shortfall" and lines["FIL"].severity == "critical"
    assert lines["FIL"].difference == -(10**18)
    assert lines["SCAM"].status == "unknown_token" and lines["SCAM"].severity == "warning"
    assert lines["WETH"].status == "ok" and lines["DUST"].status == "ok"


def test_reconcile__critical_first_and_exceptions_only():
    lines = reconcile(records())
    assert lines[0].token == "FIL"
    assert [ln.status for ln in lines].index("ok") == 3
    assert {ln.token for ln in exceptions_only(lines)} == {"FIL", "RNDR", "SCAM"}


def test_reconcile__exact_on_raw_units_beyond_float_precision():
    big, extra = 10**30, 2 * 10**21 + 1  # beyond the dust allowance (1e-9) of a 1e30 balance
    (line,) = reconcile([BalanceRecord("home", "v1", "X", accounted=big, actual=big + extra)])
    assert line.status == "unaccounted_donation" and line.difference == extra
    frame = to_frame([line])
    assert frame.loc[0, "actual"] == big + extra and frame.loc[0, "difference"] == extra


def test_reconcile__rounding_dust_left_by_the_vault_is_not_an_exception():
    lines = reconcile([BalanceRecord("home", "v1", "X", accounted=5 * 10**18, actual=5 * 10**18 + 3),
                       BalanceRecord("home", "v1", "Y", accounted=10**6, actual=10**6 + 1_000)])
    assert [ln.status for ln in lines] == ["rounding_dust", "rounding_dust"]
    assert exceptions_only(lines) == []


@pytest.mark.parametrize("kwargs", [dict(accounted=-1, actual=0), dict(accounted=1.5, actual=2),
                                    dict(accounted=1, actual=1, in_basket=False)])
def test_balance_record__rejects_impossible_reads(kwargs):
    with pytest.raises(AnalyticsInputError):
        BalanceRecord("home", "v1", "X", **kwargs)


def test_reconcile__duplicate_reads_are_an_error():
    with pytest.raises(AnalyticsInputError, match="duplicate"):
        reconcile([BalanceRecord("home", "v1", "0xAbC", 1, 1), BalanceRecord("home", "v1", "0xabc", 1, 1)])
