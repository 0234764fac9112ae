"""Exposures by sector / tier / chain, and risk-policy compliance listing every breach."""

import pandas as pd
import pytest

from analytics.exceptions import AnalyticsInputError, SchemaError
from analytics.metrics.exposure import (RiskPolicy, check_compliance, exposure_by_chain, exposure_by_sector,
                                        exposure_by_tier, validate_holdings, vault_weights)


def test_exposure_by_sector__sums_values_across_vaults_and_chains(holdings):
    table = exposure_by_sector(holdings)
    assert table["key"].to_list()[0] == "DePIN-compute"  # largest first
    assert table.set_index("key")["value"].to_dict() == {"DePIN-compute": 500.0, "stablecoin": 400.0, "L1": 300.0,
                                                         "DePIN-storage": 200.0, "DePIN-wireless": 100.0}
    assert table["weight"].sum() == pytest.approx(1.0)
    assert table.set_index("key").loc["L1", "weight"] == pytest.approx(0.2)


def test_exposure_by_tier_and_chain(holdings):
    assert exposure_by_tier(holdings).set_index("key")["value"].to_dict() == {
        "aggressive": 700.0, "conservative": 700.0, "balanced": 100.0}
    chain = exposure_by_chain(holdings).set_index("key")
    assert chain.loc["home", "weight"] == pytest.approx(2 / 3) and chain.loc["spoke", "value"] == 500.0


def test_validate_holdings__lists_every_bad_row_and_column(holdings):
    bad = holdings.copy()
    bad.loc[1, "sector"] = "Memes"
    bad.loc[2, "value"] = -5.0
    bad.loc[3, "risk_tier"] = "yolo"
    with pytest.raises(SchemaError) as err:
        validate_holdings(bad)
    where = {(i.row, i.column) for i in err.value.issues}
    assert where == {(1, "sector"), (2, "value"), (3, "risk_tier")}
    assert "row 1, column 'sector'" in str(err.value)


def test_validate_holdings__missing_column_and_duplicates(holdings):
    with pytest.raises(SchemaError, match="'value'"):
        validate_holdings(holdings.drop(columns="value"))
    with pytest.raises(SchemaError, match="duplicate holding"):
        validate_holdings(pd.concat([holdings, holdings.iloc[[0]]]))


def test_vault_weights__per_chain_and_vault_even_with_the_same_address(holdings):
    same = holdings.assign(vault="0xsame")
    w = vault_weights(same).set_index(["chain", "token"])["weight"]
    assert w.loc[("home", "RNDR")] == pytest.approx(0.5)
    assert w.loc[("spoke", "USDC")] == pytest.approx(0.8)


POLICY = RiskPolicy.from_bps(3000, 4000, (4000, 0, 0), (10000, 10000, 3000))


def weights(rows):
    return pd.DataFrame(rows, columns=["chain", "vault", "token", "sector", "risk_tier", "weight"])


def test_compliance__flags_every_breach_not_just_the_first():
    w = weights([
        ("home", "v1", "RNDR", "DePIN-compute", "aggressive", 0.35),   # token cap
        ("home", "v1", "IO", "DePIN-compute", "aggressive", 0.15),     # with RNDR: sector 0.5 > 0.4
        ("home", "v1", "ARB", "L2", "balanced", 0.32),                 # token cap
        ("home", "v1", "WETH", "L1", "conservative", 0.18),            # conservative 0.18 < 0.4 floor
    ])
    breaches = check_compliance(w, POLICY)
    got = {(b.kind, b.subject): (pytest.approx(b.value), b.limit) for b in breaches}
    assert got == {
        ("token_weight_above_cap", "ARB"): (pytest.approx(0.32), 0.3),
        ("token_weight_above_cap", "RNDR"): (pytest.approx(0.35), 0.3),
        ("sector_weight_above_cap", "DePIN-compute"): (pytest.approx(0.5), 0.4),
        ("tier_weight_below_floor", "conservative"): (pytest.approx(0.18), 0.4),
        ("tier_weight_above_cap", "aggressive"): (pytest.approx(0.5), 0.3),
    }
    assert len(breaches) == 5 and all(b.vault == "v1" and b.chain == "home" for b in breaches)


def test_compliance__an_empty_tier_is_below_its_floor():
    w = weights([("home", "v1", "RNDR", "DePIN-compute", "aggressive", 0.3),
                 ("home", "v1", "ARB", "L2", "balanced", 0.3), ("home", "v1", "OP", "L2", "balanced", 0.4)])
    kinds = {(b.kind, b.subject, b.value) for b in check_compliance(w, RiskPolicy(tier_floors={"conservative": 0.1}))}
    assert kinds == {("tier_weight_below_floor", "conservative", 0.0)}


def test_compliance__exactly_at_the_limit_is_not_a_breach():
    w = weights([("home", "v1", "A", "L1", "conservative", 0.3), ("home", "v1", "B", "L2", "conservative", 0.3),
                 ("home", "v1", "C", "DeFi", "conservative", 0.4)])
    assert check_compliance(w, RiskPolicy(max_token_weight=0.4, max_sector_weight=0.4,
                                          tier_floors={"conservative": 1.0})) == []


def test_compliance__per_vault_policies_and_sector_overrides():
    w = weights([("home", "v1", "A", "L1", "conservative", 0.6), ("home", "v1", "B", "L2", "balanced", 0.4),
                 ("spoke", "v1", "A", "L1", "conservative", 0.6), ("spoke", "v1", "B", "L2", "balanced", 0.4)])
    policies = {("home", "v1"): RiskPolicy(sector_caps={"L1": 0.5}), ("spoke", "v1"): RiskPolicy()}
    assert [(b.chain, b.kind, b.subject, b.limit) for b in check_compliance(w, policies)] == [
        ("home", "sector_weight_above_cap", "L1", 0.5)]
    with pytest.raises(AnalyticsInputError, match="no risk policy"):
        check_compliance(w, {("home", "v1"): RiskPolicy()})


def test_risk_policy__from_bps_matches_the_contract_struct():
    assert POLICY.max_token_weight == 0.3 and POLICY.max_sector_weight == 0.4
    assert POLICY.floor("conservative") == 0.4 and POLICY.cap("aggressive") == 0.3 and POLICY.cap("balanced") == 1.0


@pytest.mark.parametrize("kwargs", [dict(max_token_weight=1.5), dict(tier_floors={"aggressive": 0.5},
                                    tier_caps={"aggressive": 0.2}), dict(tier_caps={"wild": 0.1}),
                                    dict(sector_caps={"Memes": 0.1})])
def test_risk_policy__rejects_inconsistent_limits(kwargs):
    with pytest.raises(AnalyticsInputError):
        RiskPolicy(**kwargs)

