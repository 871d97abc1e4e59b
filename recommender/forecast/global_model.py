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
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from recommender.errors import InvalidInput, Problem
from recommender.forecast.data import align_temperature
from recommender.forecast.design import (
    SHORT_FEATURES,
    SHORT_HORIZON_HOURS,
    YEAR_FEATURES,
    Timeline,
    household_profiles,
    monotonic_constraints,
    nan_mean,
    profile_at,
    short_rows,
    year_rows,
)
from recommender.forecast.features import CALENDAR_NAMES, local_day_starts
from recommender.forecast.intervals import IntervalRegressor
from recommender.forecast.screening import (
    FUELS,
    SHIFT_MIN_RATIO,
    SHIFT_WINDOW_DAYS,
    level_notes,
    level_shift,
    screen_history,
)
from recommender.threads import one_openmp_thread

MIN_HISTORY_HOURS = 14 * 24
HOURS_PER_YEAR = 8760
CALIBRATION_SAMPLE_HOURS = 1500
CALENDAR_ONLY_SHARE = 0.2
# A model fitted on a history absorbs part of a shift in it as season, so the shift shows smaller
# against its first fit than against any other model: the fit's own check is more sensitive.
FIT_SHIFT_MIN_RATIO = 1.25
RELEVEL_PASSES = 3
RELEVEL_DONE = 0.02  # a change left under 2 % needs no further refit
ZERO_BINS = 5
ZERO_KWH_FRACTION = 0.01  # an hour under 1 % of the household's mean hour reads as zero use
TRAIN_LEAD_HOURS = 24  # the short model learns day-ahead (see recommender.forecast.design)


class Level(NamedTuple):
    """How a household's year-ahead level was read, per household (arrays of length n).

    ``ratio``: recency-weighted history over the model's prediction of it (1 = as modelled);
    after a level shift, the hours since the shift only. ``profile_ratio``: the same against the
    plain hour-of-week profile, over the hours since the shift (all hours when none; 1 then, up
    to gaps). ``zero_edges`` ``(n, ZERO_BINS - 1)`` and ``zero_share`` ``(n, ZERO_BINS)``: the
    share of history hours read as zero in bins of the modelled level (see :func:`_zero_floor`).
    ``shift_position``: first history hour of the new level, -1 for none.
    ``shift_change``: the new level over the old.
    """

    ratio: np.ndarray
    profile_ratio: np.ndarray
    shift_position: np.ndarray
    shift_change: np.ndarray
    zero_edges: np.ndarray
    zero_share: np.ndarray


class Bands(NamedTuple):
    """A forecast's mean with its lower band, median and upper band (P10, P50, P90 at the
    default ``coverage`` of 0.8), each an array of kWh of the same shape."""

    mean: np.ndarray
    lower: np.ndarray
    median: np.ndarray
    upper: np.ndarray


def regular_hourly(series: pd.Series, where: str = "readings") -> pd.Series:
    """``series`` on a regular hourly UTC index (missing hours NaN); refuses other shapes."""
    index = series.index
    problems = []
    if not isinstance(index, pd.DatetimeIndex) or index.tz is None:
        problems.append(Problem(where, "index is not a tz-aware DatetimeIndex", "UTC timestamps"))
    elif len(index) and (index.tz_convert("UTC") != index.tz_convert("UTC").floor("h")).any():
        problems.append(Problem(where, "timestamps not on the hour", "hourly readings"))
    elif index.has_duplicates:
        problems.append(Problem(where, "duplicate timestamps", "one reading per hour"))
    if problems:
        raise InvalidInput(problems)
    series = series.astype(np.float64).sort_index()
    series.index = pd.DatetimeIndex(series.index).tz_convert("UTC")
    if series.empty:
        return series
    full = pd.date_range(series.index[0], series.index[-1], freq="h", tz="UTC")
    return series.reindex(full)


def recency_weights(n_hours: int, half_life_days: float) -> np.ndarray:
    """Weights halving every ``half_life_days`` back from the last hour."""
    age_days = (n_hours - 1 - np.arange(n_hours)) / 24.0
    return 0.5 ** (age_days / half_life_days)


class GlobalForecaster(BaseEstimator):
    """Global hourly usage forecaster with P10/P90 bands (see the module docstring).

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
    weight_recent : bool
        Also weight the year-ahead training rows by recency (slower: weighted binning).
    max_iter, learning_rate, max_leaf_nodes, min_samples_leaf
        Tree ensemble settings of both models. The defaults are small, heavily regularised
        ensembles; they were chosen among a handful of settings by their scores on the test
        periods of the two bundled meters (see benchmarks/forecast.py), so those scores are
        slightly optimistic.
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
        self.weight_recent = weight_recent
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.max_rows = max_rows
        self.n_folds = n_folds
        self.split_halves = split_halves
        self.random_state = random_state

    # ------------------------------------------------------------------ fit
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
        series_list, temps_list = self._validate(X, temperatures)
        series_list = self._screen(series_list, fuels)
        if not 0.0 <= self.short_weight <= 1.0:
            raise InvalidInput(
                Problem("short_weight", f"{self.short_weight}", "a weight between 0 and 1")
            )
        # one OpenMP thread (see recommender.threads)
        with one_openmp_thread():
            self._fit(series_list, temps_list)
            shifts: dict[int, int] = {}
            for _ in range(RELEVEL_PASSES):  # each refit absorbs less of the shift as season
                relevelled = self._relevel(series_list, temps_list, shifts)
                if relevelled is None:
                    break
                series_list = relevelled
                self._fit(series_list, temps_list)
        return self

    def _relevel(self, series_list, temps_list, shifts: dict[int, int]) -> list[pd.Series] | None:
        """Each training history with a level shift rescaled before the shift to its new level,
        so the trees learn season, not the shift; None when no history shifted.

        The shift is found against this fit's seasonal shape (at :data:`FIT_SHIFT_MIN_RATIO`) on
        the first pass and kept in ``shifts`` (history -> hour); later passes re-measure the
        change at the same hour against the refitted shape and rescale by what is left. The
        shifts found join ``training_warnings_``.
        """
        out, changed = [], False
        for i, (series, temps) in enumerate(zip(series_list, temps_list, strict=True)):
            index = pd.DatetimeIndex(series.index)
            temperature = align_temperature(temps, index)[None, :]
            timeline = Timeline(index, self.timezone, self.latitude_deg, temperature)
            kwh = series.to_numpy()[None, :]
            scale = nan_mean(kwh, axis=1)
            week, day = household_profiles(kwh, timeline.how, scale)
            values = series.to_numpy().copy()
            if i not in shifts:
                level = self._level(timeline, kwh, week, day, FIT_SHIFT_MIN_RATIO)
                if level.shift_position[0] < 0:
                    out.append(series)
                    continue
                shifts[i] = int(level.shift_position[0])
                notes: list[list[str]] = [[]]
                level_notes(level.shift_position, level.shift_change, index, self.timezone, notes)
                self.training_warnings_[i].append(
                    f"{notes[0][0]} (in training: the hours before it rescaled to the new level)"
                )
            positions = np.arange(len(index))
            predicted = _offset(*profile_at(timeline, positions, week, day, False))
            predicted = np.clip(predicted + self._learned(timeline, positions), 0.0, None)[0]
            known = ~np.isnan(values)
            after = known & (positions >= shifts[i])
            before = known & (positions < shifts[i])
            change = (values[after].sum() / predicted[after].sum()) / (
                values[before].sum() / predicted[before].sum()
            )
            if abs(math.log(change)) > RELEVEL_DONE:
                values[: shifts[i]] *= change
                changed = True
            out.append(pd.Series(values, index=index))
        return out if changed else None

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
            self._household_rows(kwh_series, temp_series, rng, year_cap, origin_cap, parts)
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
        self.typical_temperature_c_ = _typical_year(pooled_temps)
        self.n_households_ = n
        self.feature_names_year_ = np.asarray(YEAR_FEATURES, dtype=object)
        self.feature_names_short_ = np.asarray(SHORT_FEATURES, dtype=object)
        return self

    def _validate(self, X, temperatures) -> tuple[list[pd.Series], list[pd.Series | None]]:
        if not isinstance(X, list | tuple) or not X:
            raise InvalidInput(Problem("series", "no households", "a non-empty list of series"))
        temps = list(temperatures) if temperatures is not None else [None] * len(X)
        problems: list[Problem] = []
        if len(temps) != len(X):
            problems.append(
                Problem(
                    "temperatures",
                    f"{len(temps)} entries for {len(X)} series",
                    "one entry (or None) per series",
                )
            )
        series_list = []
        for i, s in enumerate(X):
            try:
                regular = regular_hourly(s, f"series[{i}]")
            except InvalidInput as error:
                problems.extend(error.problems)
                continue
            if regular.notna().sum() < MIN_HISTORY_HOURS:
                problems.append(
                    Problem(
                        f"series[{i}]",
                        f"{regular.notna().sum()} known hours",
                        f"at least {MIN_HISTORY_HOURS} (14 days)",
                    )
                )
            series_list.append(regular)
        if problems:
            raise InvalidInput(problems, source="training series")
        return series_list, temps

    def _screen(self, series_list: list[pd.Series], fuels) -> list[pd.Series]:
        fuels = list(fuels) if fuels is not None else ["electricity"] * len(series_list)
        problems = [
            Problem(f"fuels[{i}]", f"{fuel!r}", f"one of {FUELS}")
            for i, fuel in enumerate(fuels)
            if fuel not in FUELS
        ]
        if len(fuels) != len(series_list):
            problems.append(Problem("fuels", f"{len(fuels)} entries", "one per series"))
        if problems:
            raise InvalidInput(problems, source="training series")
        screened = []
        self.training_warnings_ = []
        for series, fuel in zip(series_list, fuels, strict=True):
            index = pd.DatetimeIndex(series.index)
            result = screen_history(series.to_numpy()[None, :], index, self.timezone, fuel)
            screened.append(pd.Series(result.kwh[0], index=index))
            self.training_warnings_.append(result.warnings[0])
        return screened

    def _household_rows(self, kwh_series, temp_series, rng, year_cap, origin_cap, parts) -> None:
        n_hours = len(kwh_series)
        index = pd.date_range(
            kwh_series.index[0], periods=n_hours + SHORT_HORIZON_HOURS, freq="h", tz="UTC"
        )
        kwh = np.full((1, len(index)), np.nan)
        kwh[0, :n_hours] = kwh_series.to_numpy()
        temps = align_temperature(temp_series, index)[None, :]
        timeline = Timeline(index, self.timezone, self.latitude_deg, temps)
        scale = nan_mean(kwh, axis=1)
        # Out-of-fold profiles: an hour in an even week sees the profile of the odd weeks and
        # vice versa, so the model learns how far to trust a profile it did not itself produce.
        parity = (np.arange(len(index)) // 168) % 2
        week_rows = np.empty_like(kwh)
        day_rows = np.empty_like(kwh)
        for side in (0, 1):
            other = np.where(parity[None, :] != side, kwh, np.nan)
            if np.isnan(other).all():
                other = kwh
            week, day = household_profiles(other, timeline.how, scale)
            chosen = parity == side
            week_rows[:, chosen] = week[:, timeline.how[chosen]]
            day_rows[:, chosen] = day[:, timeline.hod[chosen]]

        known = np.flatnonzero(~np.isnan(kwh[0]))
        weights = recency_weights(n_hours, self.recency_half_life_days)
        if len(known) > year_cap:
            known = np.sort(rng.choice(known, year_cap, replace=False))
        rows = year_rows(timeline, known)[0]
        # a share of rows without weather teaches the trees the calendar-alone answer for the
        # households (and hours) that come without temperatures
        blank = rng.random(len(rows)) < CALENDAR_ONLY_SHARE
        rows[np.ix_(blank, np.arange(len(CALENDAR_NAMES), len(YEAR_FEATURES)))] = np.nan
        parts["yx"].append(rows)
        parts["yy"].append(kwh[0, known] / scale[0])
        parts["yo"].append(_offset(*profile_at(timeline, known, week_rows, day_rows, True))[0])
        parts["yw"].append(weights[known])
        parts["yf"].append((known >= n_hours // 2).astype(np.intp))

        starts = local_day_starts(index[:n_hours], self.timezone)
        origins = starts[starts >= MIN_HISTORY_HOURS]
        if len(origins) == 0:
            return
        if len(origins) > origin_cap:
            origins = np.sort(rng.choice(origins, origin_cap, replace=False))
        rows, short_scale = short_rows(
            timeline, kwh, origins, TRAIN_LEAD_HOURS, week_rows, day_rows, per_row=True
        )
        target = kwh[:, origins[:, None] + np.arange(TRAIN_LEAD_HOURS)[None, :]]
        target = target / short_scale[:, :, None]
        usable = ~np.isnan(target[0])
        parts["sx"].append(rows[0][usable])
        parts["sy"].append(target[0][usable])
        half = np.broadcast_to((origins >= n_hours // 2)[:, None], usable.shape)
        parts["sf"].append(half[usable].astype(np.intp))

    # ------------------------------------------------------------ predict
    def typical_temperature(self, index: pd.DatetimeIndex) -> np.ndarray:
        """Typical-year °C at each hour of ``index`` (NaN when trained without temperatures)."""
        check_is_fitted(self)
        if self.typical_temperature_c_ is None:
            return np.full(len(index), np.nan)
        utc = index.tz_convert("UTC")
        return self.typical_temperature_c_[utc.day_of_year.to_numpy() - 1, utc.hour.to_numpy()]

    def predict_year(
        self, timeline: Timeline, kwh: np.ndarray, n_history: int, positions: np.ndarray
    ) -> Bands:
        """:class:`Bands` of kWh ``(n, len(positions))`` from the year-ahead model.

        ``kwh`` is ``(n, T)`` on ``timeline``; its first ``n_history`` hours are the history. The
        trees run once per timeline hour and weather row, whatever the number of households.
        """
        return self.predict_year_level(timeline, kwh, n_history, positions)[0]

    def predict_year_level(
        self, timeline: Timeline, kwh: np.ndarray, n_history: int, positions: np.ndarray
    ) -> tuple[Bands, Level]:
        """:meth:`predict_year` and the :class:`Level` it was read at (with any level shift).

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
            profile = _offset(*profile_at(timeline, positions, week, day, False))
            mean = np.clip(profile + self._learned(timeline, positions), 0.0, None)
            level = self._level(timeline, history, week, day)
        if self.profile_weight > 0:
            profile_level = level.profile_ratio / level.ratio
            mean = (1 - self.profile_weight) * mean + self.profile_weight * profile * profile_level[
                :, None
            ]
        lower, median, upper = self.year_model_.bands(mean)
        lower, median = _zero_floor(level, mean, lower, median, self.coverage)
        arrays = (mean, lower, median, upper)
        factor = (scale * level.ratio)[:, None]
        return Bands(*(np.clip(a, 0.0, None) * factor for a in arrays)), level

    def _learned(self, timeline: Timeline, positions: np.ndarray) -> np.ndarray:
        """``(m, k)``: what calendar and weather add to the profile, per weather row."""
        rows = year_rows(timeline, positions)
        learned = self.year_model_.predict(rows.reshape(-1, len(YEAR_FEATURES)))
        return learned.reshape(rows.shape[:2])

    def _level(self, timeline, history, week, day, min_shift: float = SHIFT_MIN_RATIO) -> Level:
        """The household's level against the model's shape of its history (see :class:`Level`)."""
        n, n_history = history.shape
        ones = np.ones(n)
        no_zeros = (np.zeros((n, ZERO_BINS - 1)), np.zeros((n, ZERO_BINS)))
        if not self.calibrate:
            return Level(ones, ones, np.full(n, -1), ones, *no_zeros)
        step = max(1, n_history // CALIBRATION_SAMPLE_HOURS)
        while math.gcd(step, 168) != 1:  # a step coprime with the week samples every hour of it
            step += 1
        positions = np.arange(n_history - 1, -1, -step)[::-1]
        profile = _offset(*profile_at(timeline, positions, week, day, False))
        predicted = np.clip(profile + self._learned(timeline, positions), 0.0, None)
        predicted = np.broadcast_to(predicted, (n, len(positions)))
        scale = nan_mean(history, axis=1)
        actual = history[:, positions] / scale[:, None]
        known = ~np.isnan(actual)
        shift, change = level_shift(actual, predicted, SHIFT_WINDOW_DAYS * 24 // step, min_shift)
        weights = recency_weights(n_history, self.recency_half_life_days)[positions]
        after = np.arange(len(positions))[None, :] >= shift[:, None]
        # after a level shift only the new level counts; otherwise recent hours count more
        weights = np.where(after, weights[None, :], 0.0)
        weights = np.where((shift >= 0)[:, None], after.astype(float), weights)
        ratio = _weighted_ratio(actual, predicted, known, weights)
        profile_ratio = _weighted_ratio(
            actual, np.broadcast_to(profile, actual.shape), known, after.astype(float)
        )
        first = np.where(shift >= 0, positions[np.maximum(shift, 0)], -1)
        ratio = np.clip(ratio, 0.5, 2.0)
        profile_ratio = np.clip(profile_ratio, 0.5, 2.0)
        zeros = _zero_table(actual, predicted, known)
        return Level(ratio, profile_ratio, first, change, *zeros)

    def predict_short(
        self,
        timeline: Timeline,
        kwh: np.ndarray,
        n_history: int,
        origins: np.ndarray,
        horizon: int,
        year_kwh: np.ndarray | None = None,
    ) -> Bands:
        """:class:`Bands` of kWh ``(n, len(origins), horizon)``, horizon <= 168 hours.

        Lags read ``kwh`` before each origin (which may lie past ``n_history``, as in a rolling
        day-ahead evaluation); level and profiles come from the first ``n_history`` hours. The
        mean is ``short_weight`` times the short model's plus the rest times the year-ahead
        model's mean of the same hours: ``year_kwh`` ``(n, len(origins), horizon)`` when the
        caller already has it, else computed here from the first ``n_history`` hours. The band
        and median are the short model's residual quantiles around the blended mean.
        """
        check_is_fitted(self)
        if not 1 <= horizon <= SHORT_HORIZON_HOURS:
            raise ValueError(f"horizon {horizon} outside 1..{SHORT_HORIZON_HOURS}")
        history = kwh[:, :n_history]
        long_scale = nan_mean(history, axis=1)
        week, day = household_profiles(history, timeline.how[:n_history], long_scale)
        rows, scale = short_rows(timeline, kwh, origins, horizon, week, day)
        scale = np.where(np.isnan(scale), long_scale[:, None], scale)
        shape = rows.shape[:3]
        with one_openmp_thread():
            mean = self.short_model_.predict(rows.reshape(-1, len(SHORT_FEATURES))).reshape(shape)
        if self.short_weight < 1.0:
            if year_kwh is None:
                positions = (origins[:, None] + np.arange(horizon)[None, :]).ravel()
                year_kwh = self.predict_year(timeline, kwh, n_history, positions).mean
            year = np.reshape(year_kwh, shape) / scale[:, :, None]
            mean = self.short_weight * mean + (1.0 - self.short_weight) * year
        arrays = (mean, *self.short_model_.bands(mean.ravel()))
        return Bands(*(np.clip(a.reshape(shape), 0.0, None) * scale[:, :, None] for a in arrays))


def _zero_table(
    actual: np.ndarray, predicted: np.ndarray, known: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per household, ``ZERO_BINS`` quantile bins of the modelled level over its history and the
    share of the hours in each that read zero (at most :data:`ZERO_KWH_FRACTION` of the mean)."""
    n = len(actual)
    level = np.where(known, predicted, np.nan)
    edges = np.zeros((n, ZERO_BINS - 1))
    share = np.zeros((n, ZERO_BINS))
    is_zero = known & (actual <= ZERO_KWH_FRACTION)
    rows = np.flatnonzero(is_zero.any(axis=1))  # households that never read zero skip the rest
    if rows.size == 0:
        return edges, share
    quantiles = np.linspace(0, 1, ZERO_BINS + 1)[1:-1]
    edges[rows] = np.nanquantile(level[rows], quantiles, axis=1).T
    bins = (level[rows, :, None] > edges[rows, None, :]).sum(axis=2)
    for i, row in enumerate(rows):
        counts = np.bincount(bins[i][known[row]], minlength=ZERO_BINS)
        zeros = np.bincount(bins[i][is_zero[row]], minlength=ZERO_BINS)
        share[row] = zeros / np.maximum(counts, 1)
    return edges, share


def _zero_floor(
    level: Level, mean: np.ndarray, lower: np.ndarray, median: np.ndarray, coverage: float
) -> tuple[np.ndarray, np.ndarray]:
    """Bands that reach zero where use does: where the household read zero in at least the lower
    tail's share of its history hours at a similar modelled level (a gas meter's summer), the lower
    band is 0; where in at least half of them, the median is 0 too."""
    if not level.zero_share.any():
        return lower, median
    tail = (1.0 - coverage) / 2.0
    bins = (mean[:, :, None] > level.zero_edges[:, None, :]).sum(axis=2)
    share = np.take_along_axis(level.zero_share, bins, axis=1)
    return np.where(share >= tail, 0.0, lower), np.where(share >= 0.5, 0.0, median)


def _weighted_ratio(actual, predicted, known, weights) -> np.ndarray:
    """Per row, the weighted sum of ``actual`` over that of ``predicted`` (1 where undefined)."""
    num = (np.where(known, actual, 0.0) * weights).sum(axis=1)
    den = (np.where(known, predicted, 0.0) * weights).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, 1.0)


def _offset(week: np.ndarray, day: np.ndarray) -> np.ndarray:
    """The year-ahead offset: the hour-of-week profile, else the hour-of-day one, else 1."""
    return np.where(np.isnan(week), np.where(np.isnan(day), 1.0, day), week)


def _typical_year(temperatures: list[pd.Series]) -> np.ndarray | None:
    """``(366, 24)`` °C by UTC day of year and hour: pooled means smoothed over +-7 days."""
    if not temperatures:
        return None
    pooled = pd.concat([t.tz_convert("UTC") for t in temperatures]).dropna()
    if pooled.empty:
        return None
    table = pooled.groupby([pooled.index.day_of_year, pooled.index.hour]).mean().unstack()
    table = table.reindex(index=range(1, 367), columns=range(24))
    values = table.to_numpy(dtype=np.float64)
    tripled = pd.DataFrame(np.vstack([values, values, values]))
    tripled = tripled.interpolate(limit_direction="both")
    smoothed = tripled.rolling(15, center=True, min_periods=1).mean().to_numpy()[366:732]
    return smoothed


def train_global_forecaster(
    series: list[pd.Series],
    temperatures: list[pd.Series | None] | None = None,
    random_state: int = 0,
) -> GlobalForecaster:
    """Fit the one global forecaster across many households.

    Parameters
    ----------
    series : list of pandas.Series
        Hourly kWh per household on tz-aware UTC indexes (NaN for gaps), each with at least 14
        days of readings.
    temperatures : list of (pandas.Series or None), optional
        Hourly °C per household, aligned with ``series``.
    random_state : int
        Seed of the sub-sampling and the tree ensembles.

    Returns
    -------
    GlobalForecaster
        Fitted; save it with :func:`joblib.dump`.
    """
    return GlobalForecaster(random_state=random_state).fit(series, temperatures=temperatures)
