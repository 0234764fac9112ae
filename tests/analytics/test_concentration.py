"""Concentration of weights and of voting power, against hand-computed values."""

import math

import pytest

from analytics.exceptions import AnalyticsInputError
from analytics.metrics.concentration import (concentration, effective_holdings, hhi, nakamoto_coefficient,
                                             top_share, voting_power, weights_from_values)


def test_hhi__sum_of_squared_weights():
    # 0.25 + 0.09 + 0.04
    assert hhi([0.5, 0.3, 0.2]) == pytest.approx(0.38)
    assert hhi({"A": 1.0}) == 1.0


def test_effective_n__inverse_of_hhi():
    assert effective_holdings([0.5, 0.3, 0.2]) == pytest.approx(1 / 0.38)
    assert effective_holdings([0.25] * 4) == pytest.approx(4.0)


def test_top_shares__largest_first_and_whole_basket_when_short():
    w = {"A": 0.1, "B": 0.4, "C": 0.2, "D": 0.3}
    assert top_share(w, 1) == pytest.approx(0.4)
    assert top_share(w, 3) == pytest.approx(0.9)
    assert top_share([0.6, 0.4], 3) == pytest.approx(1.0)


def test_concentration__bundles_the_stats():
    stats = concentration({"A": 0.5, "B": 0.3, "C": 0.2, "D": 0.0})
    assert (stats.n, stats.top1, stats.top3) == (3, 0.5, pytest.approx(1.0))
    assert stats.hhi == pytest.approx(0.38) and stats.effective_n == pytest.approx(1 / 0.38)


@pytest.mark.parametrize("bad", [[0.5, 0.4], [1.2, -0.2], [], [0.5, float("nan"), 0.5]])
def test_hhi__rejects_weights_that_are_not_fractions(bad):
    with pytest.raises(AnalyticsInputError):
        hhi(bad)


def test_weights_from_values__normalises():
    assert weights_from_values({"A": 300.0, "B": 100}) == {"A": 0.75, "B": 0.25}
    with pytest.raises(AnalyticsInputError, match="zero"):
        weights_from_values({"A": 0.0})


def test_nakamoto__fewest_holders_strictly_above_half():
    assert nakamoto_coefficient({"a": 40, "b": 30, "c": 20, "d": 10}) == 2
    assert nakamoto_coefficient({"a": 51, "b": 49}) == 1
    assert nakamoto_coefficient({"a": 10, "b": 10, "c": 10, "d": 10, "e": 60}) == 1


def test_nakamoto__exactly_half_is_not_a_majority():
    assert nakamoto_coefficient({"a": 50, "b": 50}) == 2
    assert nakamoto_coefficient({"a": 50, "b": 30, "c": 20}) == 2
    assert nakamoto_coefficient({"a": 25, "b": 25, "c": 25, "d": 25}) == 3


def test_nakamoto__ties_do_not_change_the_count():
    assert nakamoto_coefficient({"a": 30, "b": 30, "c": 30, "d": 10}) == 2
    assert nakamoto_coefficient({f"h{i}": 1 for i in range(10)}) == 6


def test_nakamoto__exact_with_raw_integer_votes():
    # As floats both values round to 5e29 and the top holder would look like exactly half.
    votes = {"a": 5 * 10**29, "b": 5 * 10**29 + 1}
    assert nakamoto_coefficient(votes) == 1


def test_nakamoto__no_votes_is_none():
    assert nakamoto_coefficient({"a": 0, "b": 0}) is None
    assert nakamoto_coefficient({}) is None


def test_voting_power__hhi_top_share_and_delegated_share():
    stats = voting_power({"a": 60, "b": 30, "c": 10, "d": 0}, total_supply=200)
    assert stats.hhi == pytest.approx(0.36 + 0.09 + 0.01)
    assert (stats.holders, stats.nakamoto, stats.total_votes) == (3, 1, 100)
    assert stats.top_share == pytest.approx(0.6)
    assert stats.delegated_share == pytest.approx(0.5)


def test_voting_power__explicit_delegated_votes_and_unknown_supply():
    assert voting_power({"a": 1}, total_supply=10, delegated_votes=4).delegated_share == pytest.approx(0.4)
    assert voting_power({"a": 1}).delegated_share is None


def test_voting_power__no_votes_gives_none_not_nan():
    stats = voting_power({"a": 0}, total_supply=100)
    assert stats.hhi is None and stats.nakamoto is None and stats.delegated_share == 0.0


@pytest.mark.parametrize("kwargs", [dict(total_supply=50), dict(total_supply=0), dict(total_supply=-1)])
def test_voting_power__inconsistent_supply_is_an_error(kwargs):
    with pytest.raises(AnalyticsInputError):
        voting_power({"a": 60, "b": 40}, **kwargs)


def test_voting_power__negative_votes_named():
    with pytest.raises(AnalyticsInputError, match="'b'"):
        voting_power({"a": 1, "b": -1})
    assert math.isclose(voting_power({"a": 3, "b": 1}).hhi, 0.625)
