"""Adoption probabilities of a :class:`FeatureMatrix`, in one model call.

The ranker asks the likelihood model about every candidate of a chunk of households, and about
each candidate again with each driver group occluded (:mod:`recommender.ranking.explain`): a few
hundred rows for one household, thousands for a chunk. ``predict_proba`` spends most of its time
on a small call in input checks and column plumbing (a DataFrame, a ColumnTransformer, joblib),
not in the trees.

For the model ``greenrec train`` fits (:class:`LikelihoodModel` on :data:`FEATURE_COLUMNS`: one
``HistGradientBoostingClassifier`` calibrated by ``CalibratedClassifierCV(ensemble=False)``),
:func:`adoption_probability` therefore evaluates the fitted pieces directly: the categories are
coded as the fitted ``OrdinalEncoder`` codes them (unknown -> NaN), the trees are summed as
``_raw_predict`` sums them (from their compiled bit masks, :mod:`recommender.trees`), and the
fitted calibrator maps the sum as ``predict_proba`` does. The answer is the same to the last bit
(a test compares it with ``predict_proba`` on every kind of row); any other model, or one whose
fitted parts do not look as expected (another scikit-learn layout), goes through its own
``adoption_probability`` or ``predict_proba`` on a DataFrame.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.preprocessing import OrdinalEncoder

from recommender.ranking.features import CATEGORICAL_FEATURES, FEATURE_COLUMNS, FeatureMatrix
from recommender.trees import compiled


def adoption_probability(model: Any, X: FeatureMatrix) -> np.ndarray:
    """P(adopted) of each row of ``X`` (module docstring)."""
    if len(X) == 0:
        return np.zeros(0)
    trees = _FittedTrees.of(model)
    if trees is not None:
        return trees.probability(X)
    frame = X.frame()
    if hasattr(model, "adoption_probability"):
        return np.asarray(model.adoption_probability(frame), dtype=float)
    proba = model.predict_proba(frame)
    classes = list(getattr(model, "classes_", [0, 1]))
    return np.asarray(proba[:, classes.index(1) if 1 in classes else -1], dtype=float)


@dataclass(frozen=True)
class _FittedTrees:
    """The fitted parts of a LikelihoodModel, to be evaluated without the per-call checks."""

    codes: list[dict[str, float]]  # each categorical feature: category -> the encoder's code
    booster: HistGradientBoostingClassifier
    calibrator: Any

    @classmethod
    def of(cls, model: Any) -> _FittedTrees | None:
        """The parts, or None unless the model is laid out exactly as this module expects (read
        once per fitted model: refitting replaces ``calibrated_``, the key)."""
        calibrated = getattr(model, "calibrated_", None)
        if calibrated is None:
            return None
        if calibrated not in _SEEN:
            _SEEN[calibrated] = cls._read(model, calibrated)
        return _SEEN[calibrated]

    @classmethod
    def _read(cls, model: Any, calibrated: Any) -> _FittedTrees | None:
        fitted = getattr(calibrated, "calibrated_classifiers_", None)
        if not fitted or len(fitted) != 1 or list(getattr(model, "classes_", [])) != [0, 1]:
            return None
        (part,) = fitted
        booster = getattr(part, "estimator", None)
        calibrators = getattr(part, "calibrators", ())
        if (
            getattr(part, "method", None) not in ("isotonic", "sigmoid")
            or len(calibrators) != 1
            or not isinstance(booster, HistGradientBoostingClassifier)
            or getattr(booster, "n_trees_per_iteration_", None) != 1
            or list(getattr(booster, "feature_names_in_", ())) != list(FEATURE_COLUMNS)
            or list(getattr(part, "classes", ())) != [0, 1]
            or not all(
                hasattr(booster, name)
                for name in ("_predict_iterations", "_predictors", "_baseline_prediction")
            )
        ):
            return None
        encoder = _encoder(booster)
        if encoder is None:
            return None
        codes = [{c: float(i) for i, c in enumerate(cats)} for cats in encoder.categories_]
        return cls(codes, booster, next(iter(calibrators)))

    def probability(self, X: FeatureMatrix) -> np.ndarray:
        n_categorical = len(CATEGORICAL_FEATURES)
        coded = np.empty((len(X), n_categorical + X.numeric.shape[1]))
        for j, codes in enumerate(self.codes):  # unknown -> NaN, as the fitted encoder codes it
            coded[:, j] = [codes.get(v, np.nan) for v in X.categorical[:, j].tolist()]
        coded[:, n_categorical:] = X.numeric
        trees = compiled(self.booster)
        if trees is not None:
            raw = trees.raw(coded)
        else:
            baseline = self.booster._baseline_prediction
            sums = np.zeros((len(X), 1), dtype=baseline.dtype, order="F")
            sums += baseline
            self.booster._predict_iterations(coded, self.booster._predictors, sums, False, 1)
            raw = sums.ravel()
        p = np.asarray(self.calibrator.predict(raw), dtype=float)
        p[(p > 1.0) & (p <= 1.0 + 1e-5)] = 1.0  # as CalibratedClassifierCV.predict_proba does
        return p


_SEEN: weakref.WeakKeyDictionary[Any, _FittedTrees | None] = weakref.WeakKeyDictionary()


def _encoder(booster: HistGradientBoostingClassifier) -> OrdinalEncoder | None:
    """The booster's fitted category encoder when it codes exactly the leading
    CATEGORICAL_FEATURES (unknown and missing -> NaN) and passes the numeric ones through."""
    n_categorical = len(CATEGORICAL_FEATURES)
    expected = [True] * n_categorical + [False] * (len(FEATURE_COLUMNS) - n_categorical)
    is_categorical = getattr(booster, "is_categorical_", None)
    if is_categorical is None or np.asarray(is_categorical, dtype=bool).tolist() != expected:
        return None
    preprocessor = getattr(booster, "_preprocessor", None)
    encoder = getattr(preprocessor, "named_transformers_", {}).get("encoder")
    if (
        not isinstance(encoder, OrdinalEncoder)
        or encoder.handle_unknown != "use_encoded_value"
        or not _is_nan(encoder.unknown_value)
        or not _is_nan(encoder.encoded_missing_value)
        or len(getattr(encoder, "categories_", ())) != n_categorical
        or any(not all(isinstance(c, str) for c in cats) for cats in encoder.categories_)
    ):
        return None
    return encoder


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and np.isnan(value)
