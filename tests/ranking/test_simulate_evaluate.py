"""The simulated population (checked against the real factors) and the evaluation metrics."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from recommender.feedback import history_from_events
from recommender.ranking import simulate
from recommender.ranking.evaluate import (
    dcg,
    expected_calibration_error,
    ndcg_at_k,
    realised_at_k,
    reliability_table,
    without_conflicts,
)
from recommender.ranking.features import FEATURE_COLUMNS, feature_frame
from recommender.reference import country_intensity


@pytest.fixture(scope="module")
def replayed():
    population = simulate.simulate_population(60, random_state=5)
    state = simulate.initial_state(population)
    events = simulate.simulate_feedback(population, rounds=2, random_state=5, state=state)
    return population, state, events


def test_live_features_match_the_simulation(replayed):
    """The ranker's feature_frame on domain objects equals the simulation's vectorised features,
    so the prior is trained on the same features the ranker asks about."""
    population, state, events = replayed
    features = simulate.candidate_features(population, state, round_no=2)
    for hid in population.households.index[:15]:
        household, actions = simulate.to_domain(population, hid, round_no=2)
        history = history_from_events(events[events["household_id"] == hid])
        live = feature_frame(actions, household, history)
        rows = population.candidates["household_id"] == hid
        sim = features[rows.to_numpy()]
        sim.index = live.index
        pd.testing.assert_frame_equal(
            live.astype({c: str for c in ("kind", "topic", "region", "tariff_type")}),
            sim.astype({c: str for c in ("kind", "topic", "region", "tariff_type")}),
            check_exact=False,
            rtol=1e-9,
        )
        assert list(live.columns) == list(FEATURE_COLUMNS)


def test_shown_events_carry_snapshots_of_the_features(replayed):
    _, _, events = replayed
    shown = events[events["event_type"] == "shown"]
    assert shown["context"].map(lambda c: set(c) == set(FEATURE_COLUMNS)).all()
    assert events.loc[events["event_type"] != "shown", "context"].isna().all()


def test_standby_savings_follow_the_real_country_intensity(replayed):
    population, _, _ = replayed
    hh = population.households
    cand = population.candidates.set_index(["household_id", "action_id"])
    table = country_intensity()
    for hid, h in hh.head(20).iterrows():
        g = table.loc[simulate.REGIONS[h["region"]][1], "g_co2e_per_kwh"]
        kwh = h["annual_kwh"] * 0.125 / 3
        row = cand.loc[(hid, "standby")]
        assert row["kwh_per_year"] == pytest.approx(kwh)
        assert row["kg_co2e_per_year"] == pytest.approx(kwh * g / 1000)


def test_fewer_flights_saving_is_the_reference_factor(replayed):
    population, _, _ = replayed
    flights = population.candidates[population.candidates["action_id"] == "fewer-flights"]
    assert not flights.empty
    assert np.allclose(flights["kg_co2e_per_year"], 2 * 1500 * 0.18287)


def test_the_behaviour_rule_punishes_dismissals(replayed):
    population, state, _ = replayed
    features = simulate.candidate_features(population, state, round_no=2)
    traits = simulate.traits_of(population)
    base = simulate.true_logit(features.assign(action_dismissed=0.0), traits)
    twice = simulate.true_logit(features.assign(action_dismissed=2.0), traits)
    np.testing.assert_allclose(base - twice, 2 * 1.3)


def test_dcg_and_ndcg_by_hand():
    assert dcg([3.0, 2.0]) == pytest.approx(3.0 + 2.0 / math.log2(3))
    gain = {"a": 0.0, "b": 10.0, "c": 5.0}
    assert ndcg_at_k(["b", "c", "a"], gain, {}, k=2) == pytest.approx(1.0)
    expected = (5.0 + 10.0 / math.log2(3)) / (10.0 + 5.0 / math.log2(3))
    assert ndcg_at_k(["c", "b", "a"], gain, {}, k=2) == pytest.approx(expected)
    assert math.isnan(ndcg_at_k(["a"], {"a": 0.0}, {}))


def test_conflicting_adoptions_count_once():
    gain = {"rail": 600.0, "bus": 400.0, "wash": 10.0}
    conflicts = {"rail": ("bus",), "bus": ("rail",)}
    assert realised_at_k(["rail", "bus", "wash"], gain, conflicts, k=3) == 610.0
    assert without_conflicts(["bus", "wash", "rail"], conflicts) == ["bus", "wash"]


def test_calibration_error_of_calibrated_and_biased_probabilities():
    rng = np.random.default_rng(0)
    p = rng.uniform(0, 1, 200_000)
    y = rng.uniform(0, 1, p.size) < p
    assert expected_calibration_error(p, y) < 0.01
    assert expected_calibration_error(np.clip(p + 0.2, 0, 1), y) > 0.15
    table = reliability_table(p, y)
    assert table["count"].sum() == p.size
    assert (abs(table["predicted"] - table["observed"]) < 0.02).all()
