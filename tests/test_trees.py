"""Compiled trees (recommender.trees) give scikit-learn's predictions bit for bit."""

from __future__ import annotations

from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

from recommender.trees import compiled, predict_regression


def _edge_rows(model: HistGradientBoostingRegressor, n_random: int, seed: int) -> np.ndarray:
    """Rows whose values sit on, just below and just above every threshold the trees compare a
    feature with, plus NaN and infinities, mixed across features at random."""
    rng = np.random.default_rng(seed)
    nodes = np.concatenate([it[0].nodes for it in model._predictors])
    inner = nodes[nodes["is_leaf"] == 0]
    columns = []
    for f in range(model.n_features_in_):
        cuts = inner["num_threshold"][inner["feature_idx"] == f]
        pool = np.concatenate(
            [
                cuts,
                np.nextafter(cuts, -np.inf),
                np.nextafter(cuts, np.inf),
                [np.nan, -np.inf, np.inf, 0.0],
            ]
        )
        columns.append(rng.choice(pool, size=n_random))
    return np.column_stack(columns)


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and np.array_equal(a.view(np.uint64), b.view(np.uint64))


@pytest.fixture(scope="module")
def forecaster(trained_models_dir: Path):
    return joblib.load(trained_models_dir / "forecaster.joblib")


@pytest.mark.parametrize("part", ["year_model_", "short_model_"])
def test_the_trained_forecasters_trees_predict_what_scikit_learn_does(forecaster, part):
    model = getattr(forecaster, part).model_
    rows = _edge_rows(model, 5_000, seed=1)
    assert compiled(model) is not None
    assert _same_bits(predict_regression(model, rows), model.predict(rows))


def _meter_rows(meter0_path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Hour of day, day of week, day of year and the previous hour's kWh of the real meter."""
    frame = pd.read_csv(meter0_path, parse_dates=["start"]).dropna()
    stamps = pd.DatetimeIndex(frame["start"])
    kwh = frame["value"].to_numpy(dtype=float)
    X = np.column_stack(
        [stamps.hour, stamps.day_of_week, stamps.day_of_year, np.r_[np.nan, kwh[:-1]]]
    )
    return X.astype(float), kwh


@pytest.mark.parametrize("leaves", [3, 8, 9, 16, 17, 40])
def test_every_mask_width_predicts_what_scikit_learn_does(meter0_path, leaves):
    X, y = _meter_rows(meter0_path)
    model = HistGradientBoostingRegressor(max_iter=30, max_leaf_nodes=leaves, random_state=0)
    model.fit(X[:6000], y[:6000])
    rows = np.vstack([X[6000:], _edge_rows(model, 2_000, seed=leaves)])
    assert compiled(model) is not None
    assert _same_bits(predict_regression(model, rows), model.predict(rows))


def test_models_it_cannot_read_fall_back_to_scikit_learn(meter0_path):
    X, y = _meter_rows(meter0_path)
    X, y = X[:3000], y[:3000]
    poisson = HistGradientBoostingRegressor(loss="poisson", max_iter=10).fit(X, y)
    assert _same_bits(predict_regression(poisson, X), poisson.predict(X))  # not a raw sum
    categorical = HistGradientBoostingRegressor(max_iter=10, categorical_features=[1]).fit(X, y)
    assert _same_bits(predict_regression(categorical, X), categorical.predict(X))
    classes = np.digitize(y, np.quantile(y, [0.33, 0.66]))
    three_classes = HistGradientBoostingClassifier(max_iter=10).fit(X, classes)
    assert compiled(three_classes) is None


def test_rows_of_the_wrong_width_are_refused(forecaster):
    trees = compiled(forecaster.year_model_.model_)
    assert trees is not None
    with pytest.raises(ValueError, match="features"):
        trees.raw(np.zeros((2, trees.n_features + 1)))


def test_categorical_splits_predict_what_scikit_learn_does(meter0_path):
    """Day of week as a category, with codes unseen in training, missing and negative."""
    X, y = _meter_rows(meter0_path)
    seen = X[:, 1] < 5  # weekdays only: Saturday and Sunday are unseen codes
    model = HistGradientBoostingRegressor(max_iter=40, categorical_features=[1], random_state=0)
    model.fit(X[seen][:4000], y[seen][:4000])
    rows = X[4000:].copy()
    rows[::7, 1] = np.nan
    rows[::11, 1] = -1.0
    trees = compiled(model)
    assert trees is not None
    coded = model._preprocess_X(rows, reset=False)  # the columns as the trees read them
    assert _same_bits(trees.raw(coded), model._raw_predict(rows).ravel())
    with pytest.raises(ValueError, match="whole numbers"):
        trees.raw(np.where(np.arange(coded.shape[1]) == 0, 2.5, coded[:2]))
