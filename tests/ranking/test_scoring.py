"""The ranker's direct evaluation of the likelihood model equals predict_proba, to the last bit."""

from __future__ import annotations

import numpy as np
import pytest

from recommender.ranking import LikelihoodModel, simulate
from recommender.ranking.features import CATEGORICAL_FEATURES, NUMERIC_FEATURES, FeatureMatrix
from recommender.ranking.likelihood import impressions_from_events
from recommender.ranking.scoring import _FittedTrees, adoption_probability
from recommender.trees import compiled


def _matrix(frame) -> FeatureMatrix:
    return FeatureMatrix(
        frame[list(CATEGORICAL_FEATURES)].astype(str).to_numpy(dtype=object),
        frame[list(NUMERIC_FEATURES)].to_numpy(dtype=float),
    )


@pytest.fixture(scope="module")
def impressions():
    """SIMULATED households' impressions (features of every shown action, and whether taken)."""
    population = simulate.simulate_population(150, random_state=8)
    events = simulate.simulate_feedback(population, rounds=3, random_state=8)
    X, y, _ = impressions_from_events(events)
    return X, y


@pytest.fixture(scope="module")
def rows(impressions) -> FeatureMatrix:
    """Every impression, then rows the model never saw: unknown categories, missing numbers,
    out-of-range values."""
    X = _matrix(impressions[0])
    head = X.take(list(range(60)))
    unknown = head.with_values({"kind": "no-such-kind", "topic": "", "tariff_type": "barter"})
    missing = head.with_values(
        {"annual_kwh": np.nan, "calculator_likelihood": np.nan, "month": np.nan}
    )
    extreme = head.with_values({"money_per_year": 1e9, "extra_hours_per_year": -5.0})
    return FeatureMatrix.concat([X, unknown, missing, extreme])


@pytest.fixture(scope="module", params=["isotonic", "sigmoid"])
def fitted(request, impressions) -> LikelihoodModel:
    X, y = impressions
    return LikelihoodModel(max_iter=25, calibration=request.param, random_state=0).fit(X, y)


def test_fitted_trees_give_what_predict_proba_gives(fitted, model, rows):
    for m in (fitted, model):
        direct_path = _FittedTrees.of(m)
        assert direct_path is not None  # the direct path is the one compared,
        assert compiled(direct_path.booster) is not None  # with its trees as bit masks
        direct = adoption_probability(m, rows)
        np.testing.assert_array_equal(direct, m.predict_proba(rows.frame())[:, 1])
        some = [5, 3, len(rows) - 1, 0]  # any subset, any order: rows do not affect each other
        np.testing.assert_array_equal(adoption_probability(m, rows.take(some)), direct[some])


def test_other_models_are_asked_through_their_own_predict(impressions, rows):
    X, y = impressions
    numeric_only = LikelihoodModel(max_iter=10).fit(X[list(NUMERIC_FEATURES)].to_numpy(), y)
    assert _FittedTrees.of(numeric_only) is None  # no feature names: not the ranker's layout

    class Numbers:
        """A model over the numeric features only, answering predict_proba with classes 0, 1."""

        classes_ = np.array([0, 1])

        def predict_proba(self, frame):
            return numeric_only.predict_proba(frame[list(NUMERIC_FEATURES)].to_numpy())

    expected = numeric_only.predict_proba(rows.numeric)[:, 1]
    np.testing.assert_array_equal(adoption_probability(Numbers(), rows), expected)
    assert adoption_probability(Numbers(), rows.take([])).shape == (0,)


def test_a_refitted_model_is_read_again(impressions, rows):
    X, y = impressions
    model = LikelihoodModel(max_iter=5, random_state=0).fit(X, y)
    before = adoption_probability(model, rows)
    model.set_params(max_iter=30, learning_rate=0.3).fit(X, y)  # same object, new trees
    after = adoption_probability(model, rows)
    np.testing.assert_array_equal(after, model.predict_proba(rows.frame())[:, 1])
    assert not np.array_equal(before, after)
