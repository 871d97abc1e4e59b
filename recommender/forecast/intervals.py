"""A gradient-boosted mean regressor with cross-fitted (split-conformal style) P10/P50/P90.

The point forecast is a :class:`~sklearn.ensemble.HistGradientBoostingRegressor` on squared error
(CVRMSE rewards the conditional mean). The bands come from out-of-fold residuals: rows are cut into
contiguous blocks of ``block_rows`` (a week of hours by default), the blocks dealt round-robin into
``n_folds`` folds, and each fold predicted by a model fitted on the others. Residual quantiles are
then taken separately in ``n_bins`` bins of the predicted level, because household load is
heteroscedastic (a high predicted hour is far less certain than the night-time base load). Only one
tree ensemble is evaluated at prediction time; the bands are a table lookup, which keeps the batch
path cheap. The median (P50) is the mean plus the bin's median residual, the same way.

These are *pooled* bands: right for a typical training household. The forecaster moves them to
each household's own backtest residuals (:mod:`recommender.forecast.calibration`; docs/forecast.md).
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from recommender.threads import one_openmp_thread
from recommender.trees import predict_regression


def _weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, q * cumulative[-1])])


class IntervalRegressor(RegressorMixin, BaseEstimator):
    """Mean regressor with P(lo)/P(hi) bands from cross-fitted residual quantiles per level bin.

    Parameters
    ----------
    coverage : float
        Target probability of the band (0.8 gives P10-P90).
    n_folds : int
        Folds of the cross-fit that yields out-of-fold residuals (>= 2).
    block_rows : int
        Rows per contiguous block dealt into folds (168 = a week of hourly rows of one household).
    n_bins : int
        Bins of the predicted level in which residual quantiles are taken.
    max_iter, learning_rate, max_leaf_nodes, min_samples_leaf, l2_regularization, monotonic_cst
        Passed to :class:`~sklearn.ensemble.HistGradientBoostingRegressor`.
    random_state : int
        Seed of the tree ensembles.

    Attributes
    ----------
    model_ : HistGradientBoostingRegressor
        Fitted on all rows.
    n_iter_ : int
        Boosting iterations of ``model_``.
    empty_columns_ : ndarray of int
        Columns without a single value in training (held at 0).
    bin_edges_ : ndarray of shape (n_bins - 1,)
        Cut points of the predicted level.
    residual_quantiles_ : ndarray of shape (n_bins, 3)
        Lower, median and upper residual quantile in each bin.
    block_error_quantiles_ : ndarray of shape (2,)
        Quantiles of the relative error of block totals (for ranges on long-horizon totals).
    """

    def __init__(
        self,
        coverage: float = 0.8,
        n_folds: int = 3,
        block_rows: int = 168,
        n_bins: int = 10,
        max_iter: int = 150,
        learning_rate: float = 0.05,
        max_leaf_nodes: int = 15,
        min_samples_leaf: int = 100,
        l2_regularization: float = 0.0,
        monotonic_cst=None,
        random_state: int | None = 0,
    ) -> None:
        self.coverage = coverage
        self.n_folds = n_folds
        self.block_rows = block_rows
        self.n_bins = n_bins
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.monotonic_cst = monotonic_cst
        self.random_state = random_state

    def _booster(self, n_rows: int) -> HistGradientBoostingRegressor:
        return HistGradientBoostingRegressor(
            max_iter=self.max_iter,
            learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=max(1, min(self.min_samples_leaf, n_rows // 20)),
            l2_regularization=self.l2_regularization,
            monotonic_cst=self.monotonic_cst,
            early_stopping=False,
            random_state=self.random_state,
        )

    def fit(self, X, y, sample_weight=None, offset=None, folds=None):
        """Fit the mean model on all rows and the bands on cross-fitted residuals.

        ``offset`` (optional, one value per row) is a known part of ``y``: the boosters learn
        ``y - offset`` and :meth:`predict` adds the offset given to it back. The bands are binned
        on the full prediction. ``folds`` (optional, an int label per row) replaces the
        round-robin blocks, e.g. to cross-fit each household's first half against its second.
        """
        # one OpenMP thread (see recommender.threads)
        with one_openmp_thread():
            return self._fit(X, y, sample_weight, offset, folds)

    def _fit(self, X, y, sample_weight, offset, folds):
        X, y = validate_data(self, X, y, ensure_all_finite="allow-nan", y_numeric=True)
        if not 0.0 < self.coverage < 1.0:
            raise ValueError(f"coverage={self.coverage} must lie strictly between 0 and 1")
        if self.n_folds < 2 or self.block_rows < 1 or self.n_bins < 1:
            raise ValueError("n_folds must be >= 2, block_rows and n_bins >= 1")
        y = np.asarray(y, dtype=np.float64)
        n_rows = len(y)
        base = np.zeros(n_rows) if offset is None else np.asarray(offset, dtype=np.float64)
        if base.shape != y.shape:
            raise ValueError(f"offset has shape {base.shape}, expected {y.shape}")
        if n_rows < 2 * self.n_folds:
            raise ValueError(f"n_samples={n_rows} is too few for {self.n_folds} folds")
        weights = _check_sample_weight(sample_weight, X)
        # A column with no value at all (e.g. temperature when no household had any) breaks the
        # boosters' binning; it carries no information, so it is held at 0 in fit and predict.
        self.empty_columns_ = np.flatnonzero(np.isnan(X).all(axis=0))
        X = self._fill_empty(X)
        # sample_weight=None keeps the boosters on their fast unweighted binning path.
        fit_weights = None if sample_weight is None else weights
        if folds is not None:
            folds = np.asarray(folds)
        else:
            folds = (np.arange(n_rows) // self.block_rows) % self.n_folds
        if len(np.unique(folds)) < 2:
            folds = np.arange(n_rows) % self.n_folds
        out_of_fold = np.empty(n_rows)
        for fold in np.unique(folds):
            held = folds == fold
            booster = self._booster(int((~held).sum()))
            booster.fit(
                X[~held],
                y[~held] - base[~held],
                sample_weight=None if fit_weights is None else fit_weights[~held],
            )
            out_of_fold[held] = base[held] + booster.predict(X[held])
        self.model_ = self._booster(n_rows).fit(X, y - base, sample_weight=fit_weights)
        self.n_iter_ = self.model_.n_iter_

        tail = (1.0 - self.coverage) / 2.0
        edges = np.quantile(out_of_fold, np.linspace(0, 1, self.n_bins + 1)[1:-1])
        self.bin_edges_ = np.unique(edges)
        bins = np.searchsorted(self.bin_edges_, out_of_fold, side="right")
        residuals = y - out_of_fold
        table = np.zeros((len(self.bin_edges_) + 1, 3))
        for b in range(len(table)):
            inside = bins == b
            if not inside.any():
                inside = np.ones(n_rows, dtype=bool)
            table[b] = [
                _weighted_quantile(residuals[inside], weights[inside], q)
                for q in (tail, 0.5, 1.0 - tail)
            ]
        self.residual_quantiles_ = table

        n_blocks = max(1, n_rows // self.block_rows)
        block = np.minimum(np.arange(n_rows) // self.block_rows, n_blocks - 1)
        predicted = np.bincount(block, out_of_fold, n_blocks)
        actual = np.bincount(block, y, n_blocks)
        usable = np.abs(predicted) > 1e-12
        relative = (actual[usable] - predicted[usable]) / predicted[usable]
        self.block_error_quantiles_ = (
            np.quantile(relative, [tail, 1.0 - tail]) if relative.size else np.zeros(2)
        )
        return self

    def predict(self, X, offset=None):
        """The mean prediction (plus ``offset`` when the model was fitted with one)."""
        check_is_fitted(self)
        X = validate_data(self, X, ensure_all_finite="allow-nan", reset=False)
        return self._predict_valid(X, offset)

    def predict_rows(self, X: np.ndarray, offset: np.ndarray | None = None) -> np.ndarray:
        """:meth:`predict` of rows the forecaster built itself (a float array, one column per
        feature it was fitted on): the same values, checked only for the shape and values the
        trees can read. scikit-learn's input checks cost more than the compiled trees on one
        household's rows."""
        check_is_fitted(self)
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_features_in_:
            raise ValueError(f"expected rows of {self.n_features_in_} features, got {X.shape}")
        if np.isinf(X).any():
            raise ValueError("rows hold an infinite value")
        return self._predict_valid(X, offset)

    def _predict_valid(self, X: np.ndarray, offset) -> np.ndarray:
        with one_openmp_thread():
            learned = predict_regression(self.model_, self._fill_empty(X))
        return learned if offset is None else learned + np.asarray(offset, dtype=np.float64)

    def _fill_empty(self, X: np.ndarray) -> np.ndarray:
        if self.empty_columns_.size == 0:
            return X
        X = np.array(X, dtype=np.float64)
        X[:, self.empty_columns_] = 0.0
        return X

    def predict_interval(self, X) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(lower, mean, upper)``; lower <= mean <= upper row by row."""
        mean = self.predict(X)
        lower, _, upper = self.bands(mean)
        return lower, mean, upper

    def bands(self, mean: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Lower band, median and upper band around already computed mean predictions.

        No tree evaluation: each is the mean plus its bin's residual quantile, so
        lower <= median <= upper, and the band always contains the mean (on right-skewed
        household load the median lies below the mean).
        """
        check_is_fitted(self)
        bins = np.searchsorted(self.bin_edges_, mean, side="right")
        lower = np.minimum(mean + self.residual_quantiles_[bins, 0], mean)
        median = mean + self.residual_quantiles_[bins, 1]
        upper = np.maximum(mean + self.residual_quantiles_[bins, 2], mean)
        return lower, median, upper

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
