"""The adoption-likelihood model: how likely this household is to take up this action.

:class:`LikelihoodModel` is a scikit-learn classifier: gradient-boosted trees
(``HistGradientBoostingClassifier``, categorical features native) wrapped in
``CalibratedClassifierCV`` (isotonic, cross-fitted) so its probabilities can be multiplied by
savings. It learns from impressions: each ``shown`` feedback event with its feature snapshot is one
row, labelled 1 when the household accepted (or did) the action before it was shown again, else 0.

:func:`train_likelihood_model` trains it from a :class:`recommender.feedback.FeedbackStore`.
While the store holds fewer than :data:`PRIOR_UNTIL_IMPRESSIONS` usable impressions, the rows of a
simulated population (:mod:`recommender.ranking.simulate`) are added as a prior, each real
impression weighted :data:`REAL_WEIGHT` times a simulated one; ``training_info_`` (the model card)
says what it was trained on.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_sample_weight,
    check_consistent_length,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from recommender.feedback import FeedbackStore
from recommender.ranking.features import FEATURE_COLUMNS, as_model_input, features_from_contexts
from recommender.threads import one_openmp_thread

REAL_WEIGHT = 5.0  # one real impression counts as much as five simulated ones
PRIOR_UNTIL_IMPRESSIONS = 20_000  # with this many real impressions the simulated prior is dropped
PRIOR_HOUSEHOLDS = 1_000  # size of the simulated population behind the cold-start prior
PRIOR_ROUNDS = 4  # rounds of simulated advice (histories up to 3 earlier rounds)
POSITIVE = ("accepted", "done")


class LikelihoodModel(ClassifierMixin, BaseEstimator):
    """Calibrated gradient-boosted classifier of adoption (label 1 = accepted or done).

    Parameters
    ----------
    max_iter, learning_rate, max_leaf_nodes, l2_regularization : boosting parameters, passed to
        ``HistGradientBoostingClassifier``.
    calibration : {"isotonic", "sigmoid"}
        ``CalibratedClassifierCV`` method.
    cv : int
        Cross-fitting folds for the calibration.
    random_state : int

    Attributes
    ----------
    calibrated_ : CalibratedClassifierCV
    classes_ : ndarray
    feature_reference_ : dict
        Typical value of each feature in the training data (median, or most frequent category):
        the baseline the explanations compare against.
    training_info_ : dict
        What the model was trained on (set by :func:`train_likelihood_model`; by ``fit``, only
        the row counts).
    training_metrics_ : dict
        In-sample log loss, Brier score and ROC AUC of the calibrated probabilities.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(300, 2)); y = (X[:, 0] + rng.normal(size=300) > 0).astype(int)
    >>> LikelihoodModel(max_iter=20).fit(X, y).predict_proba(X[:2]).shape
    (2, 2)
    """

    def __init__(
        self,
        max_iter: int = 60,
        learning_rate: float = 0.12,
        max_leaf_nodes: int = 15,
        l2_regularization: float = 1.0,
        calibration: str = "isotonic",
        cv: int = 3,
        random_state: int | None = 0,
    ) -> None:
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.l2_regularization = l2_regularization
        self.calibration = calibration
        self.cv = cv
        self.random_state = random_state

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> LikelihoodModel:
        """Fit on feature rows ``X`` (a frame of FEATURE_COLUMNS, or any numeric matrix)."""
        if self.calibration not in ("isotonic", "sigmoid"):
            raise ValueError(f"calibration={self.calibration!r}; expected 'isotonic' or 'sigmoid'")
        if hasattr(X, "columns"):  # a frame: keep its categorical dtypes for the booster
            validate_data(self, X, skip_check_array=True)  # records n_features_in_ and names
            y = column_or_1d(y, warn=True)
            check_consistent_length(X, y)
        else:
            X, y = validate_data(self, X, y, ensure_all_finite="allow-nan")
        check_classification_targets(y)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, np.zeros((len(y), 1)))
        weighted = y if sample_weight is None else y[np.asarray(sample_weight) > 0]
        if len(np.unique(weighted)) < 2:
            raise ValueError(
                "LikelihoodModel needs rows of at least 2 classes (adopted and not adopted); "
                f"got 1 class with weight: {np.unique(weighted)!r}"
            )
        booster = HistGradientBoostingClassifier(
            max_iter=self.max_iter,
            learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            l2_regularization=self.l2_regularization,
            early_stopping=False,
            random_state=self.random_state,
        )
        # ensemble=False: one booster fitted on all rows, calibrated on cross-fitted predictions
        # (one model to evaluate at ranking time instead of cv of them).
        self.calibrated_ = CalibratedClassifierCV(
            booster, method=self.calibration, cv=self.cv, ensemble=False
        )
        # One OpenMP thread: on a busy shared machine more threads spin and stall; the model
        # is small enough that this costs a few seconds at most.
        with one_openmp_thread():
            self.calibrated_.fit(X, y, sample_weight=sample_weight)
        self.classes_ = self.calibrated_.classes_
        self.n_iter_ = self.calibrated_.calibrated_classifiers_[0].estimator.n_iter_
        self.feature_reference_ = _reference_values(X)
        self.training_info_: dict[str, Any] = {
            "rows": int(len(y)),
            "positives": int(np.sum(y == self.classes_[-1])),
        }
        proba = self.predict_proba(X)
        self.training_metrics_ = (
            _binary_metrics(y == self.classes_[-1], proba[:, -1], sample_weight)
            if len(self.classes_) == 2
            else {}
        )
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        check_is_fitted(self)
        if not hasattr(X, "columns"):
            X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan")
        else:
            validate_data(self, X, reset=False, skip_check_array=True)
        # Ranking asks about a handful of rows at a time: OpenMP threads only add overhead there
        # (and stall on a busy machine), so prediction runs on one thread.
        with one_openmp_thread():
            return self.calibrated_.predict_proba(X)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags

    def predict(self, X: Any) -> np.ndarray:
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def adoption_probability(self, X: Any) -> np.ndarray:
        """P(accepted or done) for each row."""
        proba = self.predict_proba(X)
        return proba[:, list(self.classes_).index(1)] if 1 in self.classes_ else proba[:, -1]


def _reference_values(X: Any) -> dict[Any, Any]:
    if hasattr(X, "columns"):
        out: dict[Any, Any] = {}
        for name in X.columns:
            column = X[name]
            if not pd.api.types.is_numeric_dtype(column.dtype):
                modes = column.astype(str).mode()
                out[name] = str(modes.iloc[0]) if len(modes) else ""
            else:
                out[name] = float(np.nanmedian(column.to_numpy(dtype=float)))
        return out
    return {i: float(v) for i, v in enumerate(np.nanmedian(np.asarray(X, float), axis=0))}


def _binary_metrics(y: np.ndarray, p: np.ndarray, weight: Any) -> dict[str, float]:
    metrics = {
        "log_loss_in_sample": float(log_loss(y, p, sample_weight=weight, labels=[False, True])),
        "brier_in_sample": float(brier_score_loss(y, p, sample_weight=weight)),
    }
    if 0 < y.sum() < len(y):
        metrics["roc_auc_in_sample"] = float(roc_auc_score(y, p, sample_weight=weight))
    return metrics


def impressions_from_events(events: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, int]:
    """Training rows from feedback events (the columns of ``FeedbackStore.events()``).

    Each ``shown`` event with a feature snapshot (``context``) is one row; its label is 1 when an
    ``accepted`` or ``done`` event for the same household and action follows it before the action
    is shown again. Returns (features, labels, number of shown events without a snapshot).
    """
    if events.empty:
        return features_from_contexts([]), np.zeros(0, dtype=int), 0
    ordered = events.sort_values(["household_id", "action_id", "timestamp"], kind="stable")
    ordered = ordered.reset_index(drop=True)
    is_shown = ordered["event_type"].eq("shown")
    impression = (
        is_shown.astype(int).groupby([ordered["household_id"], ordered["action_id"]]).cumsum()
    )
    positive = ordered["event_type"].isin(POSITIVE)
    key = [ordered["household_id"], ordered["action_id"], impression]
    adopted = positive.groupby(key).transform("any")
    shown = ordered[is_shown]
    has_context = shown["context"].map(lambda c: isinstance(c, dict)).to_numpy(dtype=bool)
    usable = shown.loc[has_context]  # a mask, not a column list, even when nothing was shown
    X = features_from_contexts(list(usable["context"]))
    y = adopted[usable.index].to_numpy(dtype=int)
    return X, y, int((~has_context).sum())


def _simulated_prior(
    prior_households: int, random_state: int
) -> tuple[pd.DataFrame, np.ndarray, dict[str, Any]]:
    """Impressions of the simulated population (the cold-start prior) and what they were."""
    from recommender.ranking import simulate  # imported when training: serving never needs it

    population = simulate.simulate_population(prior_households, random_state=random_state)
    events = simulate.simulate_feedback(population, rounds=PRIOR_ROUNDS, random_state=random_state)
    X_sim, y_sim, _ = impressions_from_events(events)
    info = {
        "simulated_households": prior_households,
        "simulated_impressions": len(y_sim),
        "simulated_positives": int(y_sim.sum()),
        "simulation": simulate.DESCRIPTION,
        "simulation_rules_version": simulate.RULES_VERSION,
    }
    return X_sim, y_sim, info


def train_likelihood_model(
    store: FeedbackStore | None = None,
    random_state: int = 0,
    *,
    prior_households: int = PRIOR_HOUSEHOLDS,
) -> LikelihoodModel:
    """Train the likelihood model on the store's feedback, with the simulated prior when needed.

    Parameters
    ----------
    store : FeedbackStore or None
        Real feedback. None (or a store with no usable impressions) trains on the simulated
        population alone: the cold-start prior.
    random_state : int
        Seeds the simulated population and the model.
    prior_households : int
        Size of the simulated population.

    Notes
    -----
    Real impressions are weighted :data:`REAL_WEIGHT` times a simulated one while fewer than
    :data:`PRIOR_UNTIL_IMPRESSIONS` exist; from then on the prior is left out.
    """
    X_real, y_real, no_snapshot = (
        impressions_from_events(store.events())
        if store is not None
        else (features_from_contexts([]), np.zeros(0, dtype=int), 0)
    )
    n_real = len(y_real)
    parts_X, parts_y, parts_w = [], [], []
    info: dict[str, Any] = {
        "real_impressions": n_real,
        "real_positives": int(y_real.sum()),
        "real_shown_without_snapshot": no_snapshot,
        "real_weight": REAL_WEIGHT,
    }
    if n_real < PRIOR_UNTIL_IMPRESSIONS:
        X_sim, y_sim, prior_info = _simulated_prior(prior_households, random_state)
        parts_X.append(X_sim)
        parts_y.append(y_sim)
        parts_w.append(np.ones(len(y_sim)))
        info.update(prior_info)
    if n_real:
        parts_X.append(X_real)
        parts_y.append(y_real)
        parts_w.append(np.full(n_real, REAL_WEIGHT if n_real < PRIOR_UNTIL_IMPRESSIONS else 1.0))
    source = (
        "simulated"
        if not n_real
        else "real"
        if n_real >= PRIOR_UNTIL_IMPRESSIONS
        else "simulated+real"
    )
    X = as_model_input(pd.concat(parts_X, ignore_index=True))
    y = np.concatenate(parts_y)
    model = LikelihoodModel(random_state=random_state)
    model.fit(X.loc[:, list(FEATURE_COLUMNS)], y, sample_weight=np.concatenate(parts_w))
    model.training_info_ = {
        "trained_on": source,
        **info,
        "rows": int(len(y)),
        "features": list(FEATURE_COLUMNS),
        "estimator": (
            "CalibratedClassifierCV(HistGradientBoostingClassifier, isotonic, cv=3, ensemble=False)"
        ),
        "random_state": random_state,
        "scikit_learn": sklearn.__version__,
    }
    return model
