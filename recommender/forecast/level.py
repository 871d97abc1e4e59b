"""How a household's level is read from its history: recency, level shifts, its own season, zeros.

The global model gives every household the same seasonal *shape* (its own hour-of-week profile plus
what calendar and weather add); this module reads, per household, how its history stands against
that shape:

* the **level**: the recency-weighted ratio of what it used to what the shape says (weights halving
  every ``recency_half_life_days``), or, after a **level shift**
  (:func:`recommender.forecast.screening.level_shift`), the ratio over the hours since the shift;
* its **own season**: in bins of its day-mean temperature (else the day length) the same ratio
  relative to the whole, shrunk towards 1 by a week of hours, so a gas meter's summer is not
  forecast at an electricity meter's share of the winter;
* **zeros**: the share of hours read as zero at each modelled level, so bands reach zero where
  use does;
* in training, :func:`relevel` rescales a history before its shift to the new level and asks for a
  refit, so the trees learn season, not the shift.

Vectorised over households (``(n, k)`` arrays); ``model`` is a fitted
:class:`~recommender.forecast.global_model.GlobalForecaster` (typed loosely here to keep the import
one way).
"""

from __future__ import annotations

import math
import warnings
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from recommender.forecast.calibration import POOLED_Z, own_z_quantiles, standardised
from recommender.forecast.data import align_temperature
from recommender.forecast.design import (
    Timeline,
    household_profiles,
    nan_mean,
    offset_of,
    profile_at,
)
from recommender.forecast.features import CALENDAR_NAMES
from recommender.forecast.screening import (
    SHIFT_MIN_RATIO,
    SHIFT_WINDOW_DAYS,
    level_notes,
    level_shift,
    screened_as_electricity,
)
from recommender.quantiles import nanquantile_rows

CALIBRATION_SAMPLE_HOURS = 1500
# A model fitted on a history absorbs part of a shift in it as season, so the shift shows smaller
# against its first fit than against any other model: the fit's own check is more sensitive.
FIT_SHIFT_MIN_RATIO = 1.25
RELEVEL_DONE = 0.02  # a change left under 2 % needs no further refit
CALIBRATION_PRIOR_HOURS = 336  # two weeks of hours: the shrinkage of each seasonal bin towards 1
ZERO_BINS = 5
ZERO_KWH_FRACTION = 0.01  # an hour under 1 % of the household's mean hour reads as zero use


class Level(NamedTuple):
    """How a household's year-ahead level was read, per household (arrays of length n).

    ``ratio``: recency-weighted history over the model's prediction of it (1 = as modelled);
    after a level shift, the hours since the shift only. ``profile_ratio``: the same against the
    plain hour-of-week profile, over the hours since the shift (all hours when none; 1 then, up
    to gaps). ``zero_edges`` ``(n, ZERO_BINS - 1)`` and ``zero_share`` ``(n, ZERO_BINS)``: the
    share of history hours read as zero in bins of the modelled level (see :func:`_zero_floor`).
    ``season_edges`` ``(n, season_bins - 1)``, ``season_factor`` ``(n, season_bins)`` and
    ``season_on_temperature`` ``(n,)``: the household's own seasonal correction (see
    :func:`season_table`). ``shift_position``: first history hour of the new level, -1 for none.
    ``shift_change``: the new level over the old. ``band_z`` ``(n, 3)``: where the household's
    own history puts its P10, P50 and P90 along the pooled bands
    (:mod:`recommender.forecast.calibration`; -1, 0, 1 = the pooled bands).
    """

    ratio: np.ndarray
    profile_ratio: np.ndarray
    shift_position: np.ndarray
    shift_change: np.ndarray
    zero_edges: np.ndarray
    zero_share: np.ndarray
    season_edges: np.ndarray
    season_factor: np.ndarray
    season_on_temperature: np.ndarray
    band_z: np.ndarray


def recency_weights(n_hours: int, half_life_days: float) -> np.ndarray:
    """Weights halving every ``half_life_days`` back from the last hour."""
    age_days = (n_hours - 1 - np.arange(n_hours)) / 24.0
    return 0.5 ** (age_days / half_life_days)


def calibration_step(n_history: int) -> int:
    """Every how many history hours the level is read (about ``CALIBRATION_SAMPLE_HOURS``)."""
    step = max(1, n_history // CALIBRATION_SAMPLE_HOURS)
    while math.gcd(step, 168) != 1:  # a step coprime with the week samples every hour of it
        step += 1
    return step


def calibration_positions(n_history: int) -> np.ndarray:
    """The history hours the level is read at: every ``calibration_step`` back from the last."""
    return np.arange(n_history - 1, -1, -calibration_step(n_history))[::-1]


def read_level(
    model: Any,
    timeline: Timeline,
    history,
    week,
    day,
    min_shift: float = SHIFT_MIN_RATIO,
    learned: Any = None,
    fuel: str = "electricity",
) -> Level:
    """The household's level against the model's shape of its history (see :class:`Level`);
    ``learned`` as in ``GlobalForecaster.year_relative``. A gas history is read over all its
    hours alike, with no level shift (:func:`screening.screened_as_electricity`)."""
    n, n_history = history.shape
    ones = np.ones(n)
    bins = max(1, model.season_bins)
    neutral = (
        np.zeros((n, ZERO_BINS - 1)),
        np.zeros((n, ZERO_BINS)),
        np.zeros((n, bins - 1)),
        np.ones((n, bins)),
        np.zeros(n, dtype=bool),
        np.broadcast_to(POOLED_Z, (n, 3)),
    )
    if not model.calibrate:
        return Level(ones, ones, np.full(n, -1), ones, *neutral)
    positions = calibration_positions(n_history)
    step = calibration_step(n_history)
    profile = offset_of(*profile_at(timeline, positions, week, day, False))
    predicted = np.clip(profile + (learned or model.learned)(timeline, positions), 0.0, None)
    predicted = np.broadcast_to(predicted, (n, len(positions)))
    scale = nan_mean(history, axis=1)
    actual = history[:, positions] / scale[:, None]
    known = ~np.isnan(actual)
    as_electricity = screened_as_electricity(fuel)
    if as_electricity:
        shift, change = level_shift(actual, predicted, SHIFT_WINDOW_DAYS * 24 // step, min_shift)
        weights = recency_weights(n_history, model.recency_half_life_days)[positions]
    else:
        shift, change = np.full(n, -1, dtype=np.intp), ones
        weights = np.ones(len(positions))
    after = np.arange(len(positions))[None, :] >= shift[:, None]
    # after a level shift only the new level counts; otherwise recent hours count more
    weights = np.where(after, weights[None, :], 0.0)
    weights = np.where((shift >= 0)[:, None], after.astype(float), weights)
    ratio = weighted_ratio(actual, predicted, known, weights)
    profile_ratio = weighted_ratio(
        actual, np.broadcast_to(profile, actual.shape), known, after.astype(float)
    )
    first = np.where(shift >= 0, positions[np.maximum(shift, 0)], -1)
    ratio = np.clip(ratio, 0.5, 2.0)
    profile_ratio = np.clip(profile_ratio, 0.5, 2.0)
    zeros = _zero_table(actual, predicted, known)
    key, on_temperature = season_key(timeline, positions, n, None)
    # the season is read from the whole history, the hours before a shift at the new level
    relevelled = np.where(after, actual, actual * change[:, None])
    season = season_table(relevelled, predicted, known, key, bins, CALIBRATION_PRIOR_HOURS // step)
    band_z = _own_band_z(
        model, actual, (predicted, season, key), known, positions, n_history, shift, zeros
    )
    return Level(ratio, profile_ratio, first, change, *zeros, *season, on_temperature, band_z)


def _own_band_z(
    model: Any,
    actual: np.ndarray,
    shape_parts: tuple[np.ndarray, tuple[np.ndarray, np.ndarray], np.ndarray],
    known: np.ndarray,
    positions: np.ndarray,
    n_history: int,
    shift: np.ndarray,
    zeros: tuple[np.ndarray, np.ndarray],
) -> np.ndarray:
    """``(n, 3)`` the household's own ``z`` quantiles (:mod:`recommender.forecast.calibration`):
    its last ``band_holdout_weeks`` weeks forecast from the level read before them (the model's
    shape at the sampled ``positions`` times the household's season: ``shape_parts``, the
    predicted shape, season table and season key) against the pooled bands."""
    n = len(actual)
    holdout_hours = 168 * model.band_holdout_weeks
    if holdout_hours == 0 or n_history < 2 * holdout_hours:
        return np.broadcast_to(POOLED_Z, (n, 3))
    predicted, season, key = shape_parts
    shape = predicted * season_at(*season, key)
    start = n_history - holdout_hours
    held = positions >= start
    first_held = int(np.argmax(held))
    recency = recency_weights(start, model.recency_half_life_days)
    weights = np.where(held, 0.0, recency[np.minimum(positions, start - 1)])
    # a level shift before the holdout: only the hours since it tell the level
    since = (np.arange(len(positions))[None, :] >= shift[:, None]) | (shift >= first_held)[:, None]
    ratio = np.clip(weighted_ratio(actual, shape, known, weights[None, :] * since), 0.5, 2.0)
    mean = shape[:, held] * ratio[:, None]
    lower, median, upper = model.year_model_.bands(mean)
    lower, median = _floored(*zeros, mean, lower, median, model.coverage)
    z = standardised(np.where(known, actual, np.nan)[:, held], lower, median, upper)
    step = calibration_step(n_history)
    return own_z_quantiles(z, model.coverage, step, model.band_holdout_prior_hours)


def relevel(
    model: Any, series_list, temps_list, shifts: dict[int, int], fuels: list[str]
) -> list[pd.Series] | None:
    """Each training history with a level shift rescaled before the shift to its new level,
    so the trees learn season, not the shift; None when no history shifted.

    The shift is found against this fit's seasonal shape (at :data:`FIT_SHIFT_MIN_RATIO`) on
    the first pass and kept in ``shifts`` (history -> hour); later passes re-measure the
    change at the same hour against the refitted shape and rescale by what is left. The
    shifts found join ``training_warnings_``.
    """
    out, changed = [], False
    for i, (series, temps) in enumerate(zip(series_list, temps_list, strict=True)):
        if not screened_as_electricity(fuels[i]):  # a heating season is no shift
            out.append(series)
            continue
        index = pd.DatetimeIndex(series.index)
        temperature = align_temperature(temps, index)[None, :]
        timeline = Timeline(index, model.timezone, model.latitude_deg, temperature)
        kwh = series.to_numpy()[None, :]
        scale = nan_mean(kwh, axis=1)
        week, day = household_profiles(kwh, timeline.how, scale)
        values = series.to_numpy().copy()
        if i not in shifts:
            level = read_level(model, timeline, kwh, week, day, FIT_SHIFT_MIN_RATIO)
            if level.shift_position[0] < 0:
                out.append(series)
                continue
            shifts[i] = int(level.shift_position[0])
            notes: list[list[str]] = [[]]
            level_notes(level.shift_position, level.shift_change, index, model.timezone, notes)
            model.training_warnings_[i].append(
                f"{notes[0][0]} (in training: the hours before it rescaled to the new level)"
            )
        positions = np.arange(len(index))
        predicted = offset_of(*profile_at(timeline, positions, week, day, False))
        predicted = np.clip(predicted + model.learned(timeline, positions), 0.0, None)[0]
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


def season_key(
    timeline: Timeline, positions: np.ndarray, n: int, on_temperature: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """``(n, k)`` what a household's season is read by at ``positions``: its day-mean °C where it
    has temperatures (on at least 90 % of the hours, when ``on_temperature`` is not given), else
    the day length; and the ``(n,)`` choice."""
    temps = np.broadcast_to(timeline.temperature[:, positions, 1], (n, len(positions)))
    if on_temperature is None:
        on_temperature = (~np.isnan(temps)).mean(axis=1) >= 0.9
    daylight = timeline.calendar[positions, CALENDAR_NAMES.index("daylight_hours")]
    return np.where(on_temperature[:, None], temps, daylight[None, :]), on_temperature


def season_table(
    actual: np.ndarray,
    predicted: np.ndarray,
    known: np.ndarray,
    key: np.ndarray,
    bins: int,
    prior: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Per household, quantile bins of its season key over its history and, in each, how much it
    used against the model's shape relative to its whole history: the shape the global model gives
    corrected to this household's own (a gas meter's summer is far lower than an electricity
    meter's). Each bin's ratio is shrunk towards 1 by ``prior`` samples (a week), so a household
    with no seasonal difference of its own keeps the model's."""
    n = len(actual)
    edges = np.zeros((n, bins - 1))
    factor = np.ones((n, bins))
    if bins < 2:
        return edges, factor
    usable = known & ~np.isnan(key)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows keep factor 1
        edges = nanquantile_rows(np.where(usable, key, np.nan), np.linspace(0, 1, bins + 1)[1:-1]).T
    edges = np.nan_to_num(edges)
    which = bin_index(key, edges)
    a = np.where(usable, actual, 0.0)
    p = np.where(usable, predicted, 0.0)
    overall = a.sum(axis=1) / np.maximum(p.sum(axis=1), 1e-12)
    for b in range(bins):
        inside = which == b
        sum_a = (a * inside).sum(axis=1)
        sum_p = (p * inside).sum(axis=1)
        mean_p = sum_p / np.maximum((usable & inside).sum(axis=1), 1)
        ratio = (sum_a + prior * mean_p * overall) / np.maximum(sum_p + prior * mean_p, 1e-12)
        factor[:, b] = np.where(overall > 0, ratio / np.where(overall > 0, overall, 1.0), 1.0)
    return edges, np.clip(factor, 0.05, 3.0)


def season_factor(level: Level, key: np.ndarray) -> np.ndarray:
    """``(n, k)`` the seasonal correction at hours of season ``key`` (1 where unknown)."""
    return season_at(level.season_edges, level.season_factor, key)


def season_at(edges: np.ndarray, factor: np.ndarray, key: np.ndarray) -> np.ndarray:
    """:func:`season_factor` on the table ``(edges, factor)``."""
    which = bin_index(key, edges)
    return np.where(np.isnan(key), 1.0, np.take_along_axis(factor, which, axis=1))


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
    edges[rows] = nanquantile_rows(level[rows], quantiles).T
    bins = bin_index(level[rows], edges[rows])
    for i, row in enumerate(rows):
        counts = np.bincount(bins[i][known[row]], minlength=ZERO_BINS)
        zeros = np.bincount(bins[i][is_zero[row]], minlength=ZERO_BINS)
        share[row] = zeros / np.maximum(counts, 1)
    return edges, share


def zero_floor(
    level: Level, mean: np.ndarray, lower: np.ndarray, median: np.ndarray, coverage: float
) -> tuple[np.ndarray, np.ndarray]:
    """Bands that reach zero where use does: where the household read zero in at least the lower
    tail's share of its history hours at a similar modelled level (a gas meter's summer), the lower
    band is 0; where in at least half of them, the median is 0 too."""
    return _floored(level.zero_edges, level.zero_share, mean, lower, median, coverage)


def _floored(zero_edges, zero_share, mean, lower, median, coverage):
    """:func:`zero_floor` on the zero table ``(zero_edges, zero_share)``."""
    if not zero_share.any():
        return lower, median
    tail = (1.0 - coverage) / 2.0
    bins = bin_index(mean, zero_edges)
    share = np.take_along_axis(zero_share, bins, axis=1)
    return np.where(share >= tail, 0.0, lower), np.where(share >= 0.5, 0.0, median)


def bin_index(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """``(n, k)``: how many of its row's ``edges`` ``(n, e)`` each value exceeds, i.e. its bin
    (NaN exceeds none). One comparison per edge, not an ``(n, k, e)`` array."""
    which = np.zeros(values.shape, dtype=np.intp)
    for j in range(edges.shape[1]):
        which += values > edges[:, j : j + 1]
    return which


def weighted_ratio(actual, predicted, known, weights) -> np.ndarray:
    """Per row, the weighted sum of ``actual`` over that of ``predicted`` (1 where undefined)."""
    num = (np.where(known, actual, 0.0) * weights).sum(axis=1)
    den = (np.where(known, predicted, 0.0) * weights).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, 1.0)


def own_season_and_profile(
    model: Any,
    timeline: Timeline,
    positions: np.ndarray,
    mean: np.ndarray,
    profile: np.ndarray,
    level: Level,
) -> np.ndarray:
    """The year-ahead relative mean corrected to the household's own season, then blended with
    its plain hour-of-week ``profile`` at its current level (``model.profile_weight``)."""
    if model.season_bins > 1:
        key, _ = season_key(timeline, positions, len(mean), level.season_on_temperature)
        mean = mean * season_factor(level, key)
    if model.profile_weight > 0:
        at_level = profile * (level.profile_ratio / level.ratio)[:, None]
        mean = (1 - model.profile_weight) * mean + model.profile_weight * at_level
    return mean
