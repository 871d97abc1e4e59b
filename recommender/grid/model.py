"""A climatological model of GB grid carbon intensity: season x day type x half-hour of the day.

Fitted on the cleaned NESO 2023 year, it predicts the mean intensity of a half-hour from the
calendar alone (no weather), with each cell's spread as its error. It is what an offline engine can
know about the coming days; a live provider (see :mod:`recommender.grid.providers`) does better.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted

from recommender.grid.neso import neso_2023

FEATURES = ("season", "weekend", "slot")
SEASONS = ("winter", "spring", "summer", "autumn")  # meteorological: DJF, MAM, JJA, SON
GB_TIMEZONE = "Europe/London"


def calendar_features(index: pd.DatetimeIndex, timezone: str = GB_TIMEZONE) -> pd.DataFrame:
    """Integer calendar features of tz-aware timestamps in local time ``timezone``.

    ``season`` 0-3 (winter DJF .. autumn SON), ``weekend`` 0/1, ``slot`` the local half-hour of the
    day 0-47. Public holidays count as weekdays (an approximation).
    """
    if index.tz is None:
        raise ValueError("calendar_features needs tz-aware timestamps")
    local = index.tz_convert(timezone)
    month = np.asarray(local.month)
    return pd.DataFrame(
        {
            "season": (month % 12) // 3,
            "weekend": (np.asarray(local.day_of_week) >= 5).astype(int),
            "slot": np.asarray(local.hour) * 2 + np.asarray(local.minute) // 30,
        },
        index=index,
    )


class IntensityProfileModel(RegressorMixin, BaseEstimator):
    """Mean, spread and P10/P90 of intensity per (season, weekend, slot) cell.

    Parameters
    ----------
    quantiles : tuple of float
        Lower and upper quantile kept per cell (default P10, P90).

    Attributes
    ----------
    table_ : DataFrame indexed by the three features, columns ``mean``, ``std``, ``low``, ``high``,
        ``count`` (g/kWh).
    mae_ : float, in-sample mean absolute error (g/kWh).

    Examples
    --------
    >>> from recommender.grid.neso import neso_2023
    >>> y = neso_2023().actual_g_per_kwh
    >>> model = IntensityProfileModel().fit(calendar_features(y.index), y)
    >>> round(float(model.predict(calendar_features(y.index[:1]))[0]))  # doctest: +SKIP
    """

    def __init__(self, quantiles: tuple[float, float] = (0.1, 0.9)) -> None:
        self.quantiles = quantiles

    def fit(self, X: pd.DataFrame, y: pd.Series | np.ndarray) -> IntensityProfileModel:
        low_q, high_q = self.quantiles
        if not 0.0 < low_q < high_q < 1.0:
            raise ValueError(f"quantiles must satisfy 0 < low < high < 1, got {self.quantiles}")
        frame = self._check_X(X).assign(y=np.asarray(y, dtype=float))
        if frame["y"].isna().any():
            raise ValueError("y has missing values; clean the series first")
        grouped = frame.groupby(list(FEATURES))["y"]
        self.table_ = pd.DataFrame(
            {
                "mean": grouped.mean(),
                "std": grouped.std(ddof=1),
                "low": grouped.quantile(low_q),
                "high": grouped.quantile(high_q),
                "count": grouped.size(),
            }
        )
        self.n_features_in_ = len(FEATURES)
        self.feature_names_in_ = np.array(FEATURES, dtype=object)
        self.mae_ = float(np.mean(np.abs(frame["y"].to_numpy() - self._lookup(frame, "mean"))))
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Expected intensity (g/kWh) of each row's cell."""
        check_is_fitted(self, "table_")
        return self._lookup(self._check_X(X), "mean")

    def predict_interval(self, X: pd.DataFrame) -> pd.DataFrame:
        """Columns ``mean``, ``std``, ``low``, ``high`` (g/kWh) per row."""
        check_is_fitted(self, "table_")
        frame = self._check_X(X)
        columns = ["mean", "std", "low", "high"]
        values = self._lookup(frame, columns)  # one index lookup for the four columns
        return pd.DataFrame(dict(zip(columns, values.T, strict=True)), index=X.index)

    def _lookup(self, frame: pd.DataFrame, column: str | list[str]) -> np.ndarray:
        keys = pd.MultiIndex.from_frame(frame[list(FEATURES)])
        values = self.table_[column].reindex(keys).to_numpy(dtype=float)
        if np.isnan(values).any():
            raise ValueError("some calendar cells were not seen in fit (need a full year)")
        return values

    @staticmethod
    def _check_X(X: pd.DataFrame) -> pd.DataFrame:
        if not isinstance(X, pd.DataFrame) or any(c not in X.columns for c in FEATURES):
            raise ValueError(f"X must be a DataFrame with columns {list(FEATURES)}")
        return X


@cache
def gb_profile_model() -> IntensityProfileModel:
    """The model fitted on the cleaned NESO 2023 year (once per process)."""
    actual = neso_2023().actual_g_per_kwh
    return IntensityProfileModel().fit(calendar_features(pd.DatetimeIndex(actual.index)), actual)
