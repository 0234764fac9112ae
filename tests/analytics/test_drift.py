"""Drift from target weights and one-way turnover."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.exceptions import AnalyticsInputError, SchemaError
from analytics.metrics.drift import drift_summary, drift_table, one_way_turnover

COLS = ["chain", "vault", "token", "current_weight", "target_weight"]


def frame(rows):
    return pd.DataFrame(rows, columns=COLS)


def test_drift__current_minus_target_largest_first():
    t = drift_table(frame([("home", "v", "A", 0.5, 0.4), ("home", "v", "B", 0.3, 0.45), ("home", "v", "C", 0.2, 0.15)]))
    assert t["token"].to_list() == ["B", "A", "C"]
    assert t["drift"].to_list() == pytest.approx([-0.15, 0.1, 0.05])


def test_turnover__sum_of_positive_drifts_equals_half_l1():
    rows = [("home", "v", "A", 0.5, 0.4), ("home", "v", "B", 0.3, 0.4), ("home", "v", "C", 0.2, 0.1),
            ("home", "v", "D", None, 0.1),  # targeted, not held yet
            ("spoke", "v", "X", 1.0, 1.0)]
    s = drift_summary(frame(rows)).set_index("chain")
    assert s.loc["home", "turnover"] == pytest.approx(0.2)  # A +0.1, C +0.1; half of L1 = 0.4 / 2
    assert s.loc["home", "max_abs_drift"] == pytest.approx(0.1)
    assert s.loc["spoke", "turnover"] == 0.0 and s.loc["spoke", "max_abs_drift"] == 0.0


def test_drift__weights_must_sum_to_one_per_vault():
    with pytest.raises(AnalyticsInputError, match="target_weight of vault 'v'"):
        drift_table(frame([("home", "v", "A", 1.0, 0.5)]))


def test_drift__bad_cells_are_named():
    with pytest.raises(SchemaError) as err:
        drift_table(frame([("home", "v", "A", "lots", 1.0), ("home", "v", "B", 0.5, 1.5)]))
    assert {(i.row, i.column) for i in err.value.issues} == {(0, "current_weight"), (1, "target_weight")}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0.01, 10), st.floats(0.01, 10)), min_size=1, max_size=12))
def test_one_way_turnover__equals_half_the_l1_distance(pairs):
    cur = np.array([p[0] for p in pairs])
    tgt = np.array([p[1] for p in pairs])
    cur, tgt = cur / cur.sum(), tgt / tgt.sum()
    turnover = one_way_turnover(dict(enumerate(cur)), dict(enumerate(tgt)))
    assert turnover == pytest.approx(0.5 * np.abs(cur - tgt).sum(), abs=1e-12)
