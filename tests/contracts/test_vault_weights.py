"""Target weights: the owner sets them as numbered decisions, checked against the risk policy."""

import ape
import pytest
from tests.helpers import AGGRESSIVE, BASKET_META, CONSERVATIVE, DEFAULT_POLICY, deploy_vault, reason_of, sector

GOOD = [m[2] for m in BASKET_META]  # 30 / 20 / 20 / 30


@pytest.fixture
def deadline(chain):
    return chain.pending_timestamp + 7 * 24 * 3600


def addresses(tokens):
    return [t.address for t in tokens]


def test_set_target_weights__stores_the_decision(vault, tokens, owner, deadline):
    tx = vault.setTargetWeights(addresses(tokens), GOOD, 1, deadline, sender=owner)
    assert [a.targetWeightBps for a in vault.assets()] == GOOD
    assert vault.decisionNonce() == 1 and vault.decisionDeadline() == deadline
    event = tx.events.filter(vault.TargetWeightsSet)[0]
    assert event.nonce == 1 and list(event.weightsBps) == GOOD


def test_set_target_weights__in_any_token_order__maps_to_the_basket(vault, tokens, owner, deadline):
    order = [3, 1, 0, 2]
    vault.setTargetWeights([tokens[i].address for i in order], [GOOD[i] for i in order], 1, deadline, sender=owner)
    assert [a.targetWeightBps for a in vault.assets()] == GOOD


def test_set_target_weights__with_an_older_nonce__reverts(vault, tokens, owner, deadline):
    vault.setTargetWeights(addresses(tokens), GOOD, 5, deadline, sender=owner)
    with ape.reverts(vault.IndexVault__StaleDecision, nonce=4, currentNonce=5):
        vault.setTargetWeights(addresses(tokens), GOOD, 4, deadline, sender=owner)
    with ape.reverts(vault.IndexVault__StaleDecision, nonce=5, currentNonce=5):
        vault.setTargetWeights(addresses(tokens), GOOD, 5, deadline, sender=owner)


def test_set_target_weights__past_its_deadline__reverts(vault, tokens, owner, chain):
    past = chain.pending_timestamp - 1
    with ape.reverts(vault.IndexVault__DecisionExpired):
        vault.setTargetWeights(addresses(tokens), GOOD, 1, past, sender=owner)


def test_set_target_weights__by_a_stranger__reverts(vault, tokens, attacker, deadline):
    with ape.reverts(vault.OwnableUnauthorizedAccount, account=attacker.address):
        vault.setTargetWeights(addresses(tokens), GOOD, 1, deadline, sender=attacker)


@pytest.mark.parametrize(
    "mutate, error",
    [
        (lambda t, w: (t, w[:3]), "IndexVault__WeightsLengthMismatch"),
        (lambda t, w: (t[:3], w[:3]), "IndexVault__WeightsLengthMismatch"),
        (lambda t, w: (t[:3] + ["0x000000000000000000000000000000000000bEEF"], w), "IndexVault__UnknownToken"),
        (lambda t, w: (t[:3] + [t[0]], w), "IndexVault__DuplicateToken"),
        (lambda t, w: (t, [3000, 2000, 2000, 2999]), "IndexVault__WeightsSumNot100"),
        (lambda t, w: (t, [3001, 2000, 2000, 2999]), "IndexVault__TokenWeightAboveCap"),
        (lambda t, w: (t, [2000, 2500, 2500, 3000]), "IndexVault__SectorWeightAboveCap"),
    ],
    ids=["short-weights", "short-basket", "unknown", "duplicate", "sum", "token-cap", "sector-cap"],
)
def test_check_weights__names_the_reason_and_set_reverts_with_it(vault, tokens, owner, deadline, mutate, error):
    t, w = mutate(addresses(tokens), list(GOOD))
    name, _ = reason_of(vault, t, w)
    assert name == error
    with ape.reverts(getattr(vault, error)):
        vault.setTargetWeights(t, w, 1, deadline, sender=owner)


def test_check_weights__reports_values_of_a_sector_breach(vault, tokens):
    name, args = reason_of(vault, addresses(tokens), [2000, 2500, 2500, 3000])
    assert name == "IndexVault__SectorWeightAboveCap"
    assert args[0] == sector(b"L1") and args[1:] == (5000, 4000)


def test_check_weights__accepts_a_valid_set(vault, tokens):
    assert reason_of(vault, addresses(tokens), GOOD) is None


def test_tier_bands__floor_and_cap_are_enforced(project, owner, tokens, deadline):
    # Policy with room per token and sector, so only the tier bands can bind.
    policy = (10000, 10000, (4000, 0, 0), (10000, 10000, 3000))
    vault = deploy_vault(project, owner, tokens, policy=policy)
    name, args = reason_of(vault, addresses(tokens), [4000, 1000, 1000, 4000])
    assert name == "IndexVault__TierWeightAboveCap" and args == (AGGRESSIVE, 4000, 3000)
    assert reason_of(vault, addresses(tokens), [3000, 1000, 1000, 5000]) is None  # exactly at the cap
    vault.setRiskPolicy((10000, 10000, (6000, 0, 0), (10000, 10000, 10000)), sender=owner)
    name, args = reason_of(vault, addresses(tokens), [5000, 1000, 1000, 3000])
    assert name == "IndexVault__TierWeightBelowFloor" and args == (CONSERVATIVE, 5000, 6000)


def test_set_risk_policy__stores_it_with_an_event(vault, owner):
    policy = (2500, 5000, (3000, 0, 0), (9000, 8000, 2000))
    tx = vault.setRiskPolicy(policy, sender=owner)
    stored = vault.riskPolicy()
    assert (stored.maxTokenWeightBps, stored.maxSectorWeightBps) == (2500, 5000)
    assert list(stored.tierMinBps) == [3000, 0, 0] and list(stored.tierMaxBps) == [9000, 8000, 2000]
    assert len(tx.events.filter(vault.RiskPolicySet)) == 1


@pytest.mark.parametrize(
    "policy",
    [
        (0, 4000, (0, 0, 0), (10000, 10000, 10000)),
        (3000, 10001, (0, 0, 0), (10000, 10000, 10000)),
        (3000, 4000, (5000, 0, 0), (4000, 10000, 10000)),
        (3000, 4000, (5000, 5000, 1000), (10000, 10000, 10000)),
        (3000, 4000, (0, 0, 0), (10001, 10000, 10000)),
    ],
    ids=["zero-token-cap", "sector-cap-over-100", "floor-above-cap", "floors-over-100", "tier-cap-over-100"],
)
def test_set_risk_policy__inconsistent__reverts(vault, owner, policy):
    with ape.reverts(vault.IndexVault__InvalidPolicy):
        vault.setRiskPolicy(policy, sender=owner)


def test_default_policy__is_what_users_start_from(vault):
    stored = vault.riskPolicy()
    assert (stored.maxTokenWeightBps, stored.maxSectorWeightBps) == DEFAULT_POLICY[:2]
