"""Rebalancing triggers on hand cases (keeper.rebalance.triggers)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from keeper.exceptions import ConfigError
from keeper.rebalance import (
    AbsoluteBand,
    AnyOf,
    Calendar,
    Never,
    RelativeDrift,
    parse_trigger,
    relative_drift,
    should_rebalance,
    trigger_from_dict,
)

D = date(2024, 3, 15)
TARGET = {"A": 0.5, "B": 0.3, "C": 0.2}
ALL = [Never(), Calendar("weekly"), Calendar("monthly"), Calendar("quarterly"), RelativeDrift(0.25),
       AbsoluteBand(0.05), AnyOf((Calendar("quarterly"), RelativeDrift(0.25)))]


@pytest.mark.parametrize("trigger", ALL, ids=lambda t: t.label)
def test_trigger__never_allocated__answers_initial_allocation(trigger):
    decision = should_rebalance(trigger, D, None, {}, TARGET)
    assert decision.rebalance and decision.reason == "initial allocation"


def test_never__after_initial_allocation__never_fires_even_far_from_target():
    assert not should_rebalance(Never(), D, date(2020, 1, 1), {"A": 1.0}, TARGET).rebalance


@pytest.mark.parametrize("period,last,today,fires", [
    ("monthly", date(2024, 1, 31), date(2024, 2, 1), True),
    ("monthly", date(2024, 2, 1), date(2024, 2, 29), False),
    ("monthly", date(2023, 2, 10), date(2024, 2, 10), True),  # same month number, next year
    ("quarterly", date(2024, 1, 1), date(2024, 3, 31), False),
    ("quarterly", date(2024, 3, 31), date(2024, 4, 1), True),
    ("weekly", date(2024, 1, 7), date(2024, 1, 8), True),  # Sunday -> Monday: new ISO week
    ("weekly", date(2024, 1, 8), date(2024, 1, 14), False),
    ("weekly", date(2024, 12, 30), date(2025, 1, 3), False),  # ISO week 1 of 2025 starts 2024-12-30
])
def test_calendar__first_day_of_a_new_period__fires_only_then(period, last, today, fires):
    assert should_rebalance(Calendar(period), today, last, TARGET, TARGET).rebalance is fires


def test_relative_drift__fires_strictly_above_threshold_naming_the_token():
    trig = RelativeDrift(0.25)
    at = {"A": 0.5, "B": 0.3, "C": 0.25}  # C is exactly 25% above its target: not more
    assert not should_rebalance(trig, D, D, at, TARGET).rebalance
    above = {"A": 0.5, "B": 0.3, "C": 0.2501}
    decision = should_rebalance(trig, D, D, above, TARGET)
    assert decision.rebalance and "C" in decision.reason


def test_relative_drift__small_weight_moves_more_in_relative_terms_than_large_one():
    # A moves 0.1 absolute (20% of its target), C 0.06 (30%): only C breaks a 25% rule
    current = {"A": 0.4, "B": 0.34, "C": 0.26}
    decision = should_rebalance(RelativeDrift(0.25), D, D, current, TARGET)
    assert decision.rebalance and "of C" in decision.reason
    assert not should_rebalance(AbsoluteBand(0.1), D, D, current, TARGET).rebalance


def test_relative_drift__token_held_with_zero_target__counts_as_infinite_drift():
    drift = relative_drift(np.array([0.0, 0.01]), np.array([0.0, 0.0]))
    assert drift[0] == 0.0 and np.isinf(drift[1])
    assert should_rebalance(RelativeDrift(5.0), D, D, {"A": 0.99, "X": 0.01}, {"A": 1.0}).rebalance


def test_relative_drift__delisted_token_with_zero_current_weight__is_full_drift():
    decision = should_rebalance(RelativeDrift(0.25), D, D, {"A": 0.5, "B": 0.3, "C": 0.0}, TARGET)
    assert decision.rebalance and "100.0%" in decision.reason


def test_absolute_band__fires_when_any_weight_leaves_the_band():
    trig = AbsoluteBand(0.05)
    assert not should_rebalance(trig, D, D, {"A": 0.55, "B": 0.27, "C": 0.18}, TARGET).rebalance
    decision = should_rebalance(trig, D, D, {"A": 0.56, "B": 0.26, "C": 0.18}, TARGET)
    assert decision.rebalance and "A" in decision.reason


def test_any_of__fires_when_a_member_fires_and_lists_the_reasons():
    trig = AnyOf((Calendar("quarterly"), RelativeDrift(0.25)))
    calm = {"A": 0.52, "B": 0.29, "C": 0.19}
    assert not should_rebalance(trig, date(2024, 2, 10), date(2024, 1, 5), calm, TARGET).rebalance
    q = should_rebalance(trig, date(2024, 4, 1), date(2024, 1, 5), calm, TARGET)
    assert q.rebalance and "quarter" in q.reason
    d = should_rebalance(trig, date(2024, 2, 10), date(2024, 1, 5), {"A": 0.5, "B": 0.2, "C": 0.3}, TARGET)
    assert d.rebalance and "drift" in d.reason


def test_should_rebalance__arrays_and_mappings_agree():
    cur, tgt = np.array([0.5, 0.2, 0.3]), np.array([0.5, 0.3, 0.2])
    a = should_rebalance(RelativeDrift(0.25), D, D, cur, tgt)
    m = should_rebalance(RelativeDrift(0.25), D, D, dict(zip("ABC", cur)), dict(zip("ABC", tgt)))
    assert a.rebalance == m.rebalance is True
    with pytest.raises(ValueError):
        should_rebalance(RelativeDrift(0.25), D, D, cur, tgt[:2])
    with pytest.raises(TypeError):
        should_rebalance(RelativeDrift(0.25), D, D, cur, TARGET)


@pytest.mark.parametrize("trigger", ALL, ids=lambda t: t.label)
def test_trigger__dict_round_trip__gives_an_equal_trigger(trigger):
    assert trigger_from_dict(trigger.to_dict()) == trigger


@pytest.mark.parametrize("text,expected", [
    ("never", Never()), ("weekly", Calendar("weekly")), ("Monthly", Calendar("monthly")),
    ("drift:0.25", RelativeDrift(0.25)), ("drift:25%", RelativeDrift(0.25)), ("band:0.05", AbsoluteBand(0.05)),
    ("quarterly|drift:0.3", AnyOf((Calendar("quarterly"), RelativeDrift(0.3)))),
])
def test_parse_trigger__short_strings__map_to_triggers(text, expected):
    assert parse_trigger(text) == expected


@pytest.mark.parametrize("bad", ["yearly", "drift", "drift:abc", "band:-1", "", {"type": "calendar", "period": "x"},
                                 {"type": "relative_drift", "limit": 0.2}, {"type": "any", "triggers": []}])
def test_parse_trigger__invalid_spec__raises_config_error(bad):
    with pytest.raises(ConfigError):
        parse_trigger(bad)
