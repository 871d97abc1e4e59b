"""scikit-learn's estimator contract on the forecaster's parts.

:class:`GlobalForecaster` itself takes a list of household series, not a numeric matrix, so the
generic checks (which feed random arrays) cannot apply to it; its contract (params stored
unchanged, learned attributes ending in ``_``, ``fit`` returning ``self``, ``check_is_fitted``)
is tested in ``test_model.py``.
"""

from __future__ import annotations

from sklearn.utils.estimator_checks import parametrize_with_checks

from recommender.forecast.features import CalendarFeatures, DegreeDayFeatures
from recommender.forecast.intervals import IntervalRegressor

EXPECTED_FAILURES = {
    # Folds are contiguous row blocks (time order), so duplicating a row shifts every later
    # block: weights and repetitions cannot give the same out-of-fold residuals.
    "check_sample_weight_equivalence_on_dense_data": "folds are blocks of row positions",
}


@parametrize_with_checks(
    [
        CalendarFeatures(),
        DegreeDayFeatures(),
        IntervalRegressor(max_iter=20, learning_rate=0.3, n_folds=2, n_bins=3),
    ],
    expected_failed_checks=lambda est: (
        EXPECTED_FAILURES if isinstance(est, IntervalRegressor) else {}
    ),
)
def test_sklearn_contract(estimator, check):
    check(estimator)
