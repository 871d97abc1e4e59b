"""The likelihood model: estimator contract, persistence, what it learns, how it is trained."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from recommender.feedback import FeedbackStore
from recommender.ranking import LikelihoodModel, train_likelihood_model
from recommender.ranking.features import FEATURE_COLUMNS
from recommender.ranking.likelihood import REAL_WEIGHT, impressions_from_events
from recommender.ranking.simulate import simulate_feedback, simulate_population


@parametrize_with_checks(
    [LikelihoodModel(max_iter=10, cv=2)],
    expected_failed_checks=lambda est: {
        "check_sample_weight_equivalence_on_dense_data": (
            "CalibratedClassifierCV splits rows into folds, so a repeated row and a row of "
            "weight 2 fall into different folds"
        )
    },
)
def test_sklearn_estimator_contract(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def held_out():
    population = simulate_population(150, random_state=123)
    return impressions_from_events(simulate_feedback(population, random_state=123))[:2]


def test_joblib_round_trip_gives_identical_predictions(model, held_out, tmp_path):
    X, _ = held_out
    path = tmp_path / "likelihood.joblib"
    joblib.dump(model, path)
    loaded = joblib.load(path)
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    assert loaded.training_info_ == model.training_info_


def test_model_card_says_it_was_trained_on_simulated_data(model):
    info = model.training_info_
    assert info["trained_on"] == "simulated"
    assert info["real_impressions"] == 0
    assert info["simulated_households"] == 400
    assert info["rows"] == info["simulated_impressions"] > 0
    assert "SIMULATED" in info["simulation"]
    assert list(model.feature_names_in_) == list(FEATURE_COLUMNS)


def test_probabilities_are_calibrated_on_held_out_households(model, held_out):
    X, y = held_out
    p = model.adoption_probability(X)
    assert ((p >= 0) & (p <= 1)).all()
    # mean predicted rate within 3 points of the observed rate, and better than a constant
    assert abs(p.mean() - y.mean()) < 0.03
    brier = np.mean((p - y) ** 2)
    assert brier < np.mean((y.mean() - y) ** 2) * 0.9


def test_dismissals_lower_the_likelihood(model, held_out):
    X, _ = held_out
    fresh = X[X["action_dismissed"] == 0].head(200).copy()
    twice = fresh.copy()
    twice["action_dismissed"] = 2.0
    twice["action_shown"] = fresh["action_shown"] + 2
    assert model.adoption_probability(twice).mean() < 0.6 * model.adoption_probability(fresh).mean()


def _events(rows):
    frame = pd.DataFrame(
        rows, columns=["household_id", "action_id", "event_type", "timestamp", "context"]
    )
    frame["event_id"] = None
    frame["action_kind"] = None
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    return frame


def test_impressions_are_labelled_by_the_response_that_follows(held_out):
    ctx = held_out[0].iloc[0].to_dict()
    ctx = {k: (str(v) if isinstance(v, str) else float(v)) for k, v in ctx.items()}
    t = pd.Timestamp("2024-01-01", tz="UTC")
    events = _events(
        [
            ("h", "a", "shown", t, ctx),
            ("h", "a", "dismissed", t + pd.Timedelta(hours=1), None),
            ("h", "a", "shown", t + pd.Timedelta(days=60), ctx),
            ("h", "a", "accepted", t + pd.Timedelta(days=61), None),
            ("h", "b", "shown", t, ctx),  # no response: not adopted
            ("h", "c", "shown", t, None),  # no snapshot: not usable
            ("h", "c", "done", t + pd.Timedelta(days=1), None),
        ]
    )
    X, y, no_snapshot = impressions_from_events(events)
    assert y.tolist() == [0, 1, 0]
    assert len(X) == 3 and no_snapshot == 1


def test_training_combines_real_feedback_with_the_prior(tmp_path, model, household, make_action):
    from recommender.ranking import rank_actions, shown_events

    store = FeedbackStore(f"sqlite:///{tmp_path / 'fb.sqlite3'}")
    actions = [
        make_action("standby", "home_efficiency", 14.0, 16.0, 60.0, topic="standby"),
        make_action("wash-30", "home_efficiency", 20.0, 23.0, topic="wash_30"),
    ]
    t0 = datetime(2024, 6, 1, tzinfo=UTC)
    for day in range(3):
        when = t0 + timedelta(days=day)
        ranked = rank_actions(actions, household, model=model)
        store.record_many(shown_events(household.household_id, ranked, when))
        store.record(
            {
                "household_id": household.household_id,
                "action_id": "wash-30",
                "event_type": "dismissed",
                "timestamp": when + timedelta(hours=1),
            }
        )
    trained = train_likelihood_model(store, random_state=0, prior_households=300)
    info = trained.training_info_
    assert info["trained_on"] == "simulated+real"
    assert info["real_impressions"] == 6 and info["real_positives"] == 0
    assert info["real_weight"] == REAL_WEIGHT
    assert info["rows"] == info["simulated_impressions"] + 6
    store.close()


def test_enough_real_feedback_drops_the_prior(tmp_path, monkeypatch, held_out):
    from recommender.ranking import likelihood

    monkeypatch.setattr(likelihood, "PRIOR_UNTIL_IMPRESSIONS", 40)
    X, y = held_out
    store = FeedbackStore(f"sqlite:///{tmp_path / 'fb.sqlite3'}")
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    events = []
    for i in range(60):
        row = X.iloc[i]
        context = {
            c: (
                str(row[c])
                if c in ("kind", "topic", "region", "tariff_type")
                else (None if pd.isna(row[c]) else float(row[c]))
            )
            for c in X.columns
        }
        base = {"household_id": f"h{i}", "action_id": "a", "timestamp": t0}
        events.append({**base, "event_type": "shown", "context": context})
        response = "accepted" if y[i] else "dismissed"
        events.append({**base, "event_type": response, "timestamp": t0 + timedelta(hours=1)})
    store.record_many(events)
    trained = train_likelihood_model(store, random_state=0)
    info = trained.training_info_
    assert info["trained_on"] == "real"
    assert info["rows"] == info["real_impressions"] == 60
    assert info["real_positives"] == int(y[:60].sum())
    assert "simulated_impressions" not in info
    store.close()
