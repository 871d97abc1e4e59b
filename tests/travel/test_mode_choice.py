"""Mode choice: recovers the simulated behaviour, habits move it, joblib round trip."""

from __future__ import annotations

import itertools

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.metrics import log_loss
from sklearn.utils.validation import check_is_fitted

from recommender.actions.travel.mode_choice import (
    CHOICE_COLUMNS,
    choice_features,
    likelihood,
    likelihoods,
    make_mode_choice_model,
    simulate_population,
    simulated_utility,
)


def rows(**over) -> pd.DataFrame:
    base = {
        "alternative": "bus",
        "purpose": "commute",
        "current_mode": "car_petrol",
        "road_km": 8.0,
        "extra_minutes": 10.0,
        "cost_diff": 0.0,
        "peak": 1.0,
        "passengers": 1.0,
        "car_owner": 1.0,
        "pt_share": 0.0,
        "active_share": 0.0,
    }
    n = max(len(v) if isinstance(v, list) else 1 for v in over.values()) if over else 1
    data = {k: over.get(k, v) for k, v in base.items()}
    return choice_features(
        pd.DataFrame({k: v if isinstance(v, list) else [v] * n for k, v in data.items()})
    )


def test_model_is_close_to_the_simulated_truth_on_fresh_journeys(mode_choice):
    X, y = simulate_population(2000, random_state=7)
    truth = 1.0 / (1.0 + np.exp(-simulated_utility(X)))
    model_loss = log_loss(y, likelihood(mode_choice, X))
    oracle_loss = log_loss(y, truth)
    base_rate_loss = log_loss(y, np.full(len(y), y.mean()))
    assert model_loss < base_rate_loss - 0.05  # it learned something real
    assert model_loss < oracle_loss + 0.01  # and nearly all of what there is to learn


def test_more_extra_minutes_and_more_cost_lower_the_likelihood(mode_choice):
    p_time = likelihood(mode_choice, rows(extra_minutes=[0.0, 10.0, 20.0, 40.0]))
    p_cost = likelihood(mode_choice, rows(cost_diff=[-2.0, 0.0, 2.0, 5.0]))
    assert np.all(np.diff(p_time) < 0) and np.all(np.diff(p_cost) < 0)


def test_a_household_that_already_takes_the_bus_is_more_likely_to_take_it(mode_choice):
    p = likelihood(mode_choice, rows(pt_share=[0.0, 0.5]))
    assert p[1] > p[0]


def test_joblib_round_trip_gives_identical_likelihoods(mode_choice, tmp_path):
    X, _ = simulate_population(200, random_state=3)
    path = tmp_path / "mode_choice.joblib"
    joblib.dump(mode_choice, path)
    again = joblib.load(path)
    np.testing.assert_array_equal(likelihood(again, X), likelihood(mode_choice, X))


def test_estimator_contract():
    model = make_mode_choice_model(C=0.5)
    with pytest.raises(NotFittedError):
        check_is_fitted(model)
    assert clone(model).get_params()["logit__C"] == 0.5
    X, y = simulate_population(300, random_state=1)
    assert model.fit(X, y) is model
    check_is_fitted(model)
    assert list(X.columns) == list(CHOICE_COLUMNS)
    assert set(model.classes_) == {0, 1}


def test_same_seed_same_population():
    a, ya = simulate_population(100, random_state=5)
    b, yb = simulate_population(100, random_state=5)
    pd.testing.assert_frame_equal(a, b)
    np.testing.assert_array_equal(ya, yb)


def test_many_households_score_bit_for_bit_as_each_alone(mode_choice):
    features, _ = simulate_population(300, random_state=4)
    sizes = np.random.default_rng(2).integers(1, 30, size=40)
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    features = features.iloc[: bounds[-1]]
    columns = {c: features[c].to_numpy() for c in CHOICE_COLUMNS}
    together = likelihoods(mode_choice, columns, bounds)
    alone = [likelihood(mode_choice, features.iloc[a:b]) for a, b in itertools.pairwise(bounds)]
    assert np.array_equal(together, np.concatenate(alone))  # exactly, not approximately


def test_a_model_of_another_shape_is_scored_household_by_household(mode_choice):
    features, taken = simulate_population(300, random_state=4)
    other = clone(mode_choice).set_params(columns__sparse_threshold=1.0).fit(features, taken)
    bounds = np.array([0, 7, 20, 21])
    columns = {c: features[c].to_numpy()[:21] for c in CHOICE_COLUMNS}
    alone = [likelihood(other, features.iloc[a:b]) for a, b in itertools.pairwise(bounds)]
    assert np.array_equal(likelihoods(other, columns, bounds), np.concatenate(alone))
