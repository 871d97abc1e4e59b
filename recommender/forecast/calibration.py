"""Each household's P10/P50/P90 calibrated on its own history (split-conformal on its last weeks).

The pooled bands (:class:`~recommender.forecast.intervals.IntervalRegressor`) are residual
quantiles of all training households: right for a typical household, too narrow for a household
whose use swings more than the pool's, too wide for a steadier one, and with a median offset that
fits the pool's skew, not this household's. Here the household's own history decides:

1. **hold out** its last ``band_holdout_weeks`` weeks (only when the history is at least twice as
   long; a shorter one keeps the pooled bands exactly);
2. **forecast them** from what came before, as the year-ahead forecast would: the model's shape
   at the hours the level is read at (no extra tree evaluation), the level read from the hours
   before the holdout only (recency-weighted, after any level shift), the household's season;
3. **standardise** each held-out hour against the pooled bands around that forecast: ``z`` is
   ``(actual - P50) / (P90 - P50)`` above the median and ``(actual - P50) / (P50 - P10)`` below,
   so a household the pool describes well has its ``z`` quantiles at -1, 0 and 1;
4. take the household's own ``z`` quantiles at P10, P50 and P90 and **shrink** them towards
   (-1, 0, 1) by ``band_prior_hours``: ``w = held-out hours / (held-out hours + prior)``;
5. **forecast** each band at its household's ``z`` along the pooled band (piecewise linear), so
   P10 <= P50 <= P90 still, and the band still holds the mean; zero floors apply after.

The test periods of the benchmarks are never read: everything comes from the history given.
"""

from __future__ import annotations

import warnings
from typing import Any, NamedTuple

import numpy as np

from recommender.forecast.design import SCALE_WINDOW_HOURS, Timeline, short_rows
from recommender.quantiles import nanquantile_rows

POOLED_Z = np.array([-1.0, 0.0, 1.0])  # where the pooled bands put P10, P50 and P90


def standardised(
    actual: np.ndarray, lower: np.ndarray, median: np.ndarray, upper: np.ndarray
) -> np.ndarray:
    """``z`` of each actual against its band: -1 at the lower band, 0 at the median, 1 at the
    upper, linear between and beyond (NaN stays NaN). Where the band is flat on one side (a zero
    floor), an actual beyond that side reads -1 or 1: it says nothing about the width there."""
    below, above = median - lower, upper - median
    with np.errstate(invalid="ignore", divide="ignore"):
        low = np.where(below > 0, (actual - median) / below, -1.0)
        high = np.where(above > 0, (actual - median) / above, 1.0)
    z = np.where(actual < median, low, np.where(actual > median, high, 0.0))
    return np.where(np.isnan(actual), np.nan, z)


def own_z_quantiles(
    z: np.ndarray, coverage: float, hours_per_sample: int, prior_hours: float
) -> np.ndarray:
    """``(n, 3)``: each row's ``z`` quantiles at the lower tail, 0.5 and the upper tail, shrunk
    towards :data:`POOLED_Z` by ``prior_hours`` (rows without a known ``z`` keep it)."""
    tail = (1.0 - coverage) / 2.0
    known_hours = (~np.isnan(z)).sum(axis=1) * hours_per_sample
    out = np.broadcast_to(POOLED_Z, (len(z), 3)).copy()
    rows = np.flatnonzero(known_hours > 0)
    if rows.size == 0:
        return out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        own = nanquantile_rows(z[rows], [tail, 0.5, 1.0 - tail]).T
    weight = (known_hours[rows] / (known_hours[rows] + prior_hours))[:, None]
    out[rows] = weight * own + (1.0 - weight) * POOLED_Z
    return out


def calibrated(
    mean: np.ndarray,
    lower: np.ndarray,
    median: np.ndarray,
    upper: np.ndarray,
    z_quantiles: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The bands at each household's ``z`` quantiles ``(n, 3)`` along its pooled bands ``(n, k)``
    (the inverse of :func:`standardised`); the band still holds the mean. A household at
    :data:`POOLED_Z` (calibration off, or too short a history) keeps its pooled bands as they
    are, bit for bit."""
    z_lower, z_median, z_upper = (z_quantiles[:, j : j + 1] for j in range(3))
    pooled = (z_quantiles == POOLED_Z).all(axis=1)[:, None]

    def at(z: np.ndarray, band: np.ndarray) -> np.ndarray:
        moved = np.where(z < 0, median + z * (median - lower), median + z * (upper - median))
        return np.where(pooled, band, moved)

    return (
        np.where(pooled, lower, np.minimum(at(z_lower, lower), mean)),
        at(z_median, median),
        np.where(pooled, upper, np.maximum(at(z_upper, upper), mean)),
    )


def backtest_min_history_hours(days: int) -> int:
    """The shortest history whose last ``days`` days are backtested (each backtest day needs the
    short model's 28-day scale window and a week of lags before it); shorter keeps the pooled."""
    return SCALE_WINDOW_HOURS + 24 * (days + 7)


class Backtest(NamedTuple):
    """A household chunk's day-ahead backtest rows ``(n, days, 24, features)`` and the readings
    they forecast, over the scale the rows are on ``(n, days * 24)``."""

    rows: np.ndarray
    actual: np.ndarray


def short_backtest(
    model: Any,
    timeline: Timeline,
    kwh: np.ndarray,
    n_history: int,
    profiles: tuple[np.ndarray, np.ndarray],
) -> Backtest | None:
    """The short model's rows for day-ahead forecasts of each household's last
    ``band_backtest_days`` days of history (each from the hours before it, at the same hour of
    day as the forecast's origin); None when calibration is off or the history too short.

    Cheap by design: the short model alone (not blended with the year model, whose trees would
    be needed at those hours too), the household's ``profiles`` read from its whole history. The
    caller predicts these rows in the same call as the forecast's own (one pass of the trees).
    """
    days = model.band_backtest_days
    if days == 0 or n_history < backtest_min_history_hours(days):
        return None
    origins = n_history - 24 * np.arange(days, 0, -1)
    rows, scale = short_rows(timeline, kwh, origins, 24, *profiles)
    actual = kwh[:, origins[:, None] + np.arange(24)[None, :]].reshape(len(kwh), -1)
    return Backtest(rows, actual / np.repeat(scale, 24, axis=1))


def short_band_z(
    model: Any, backtest: Backtest | None, predicted: np.ndarray, n: int
) -> np.ndarray:
    """``(n, 3)`` each of ``n`` households' own ``z`` quantiles for the short-horizon bands, from
    the short model's ``predicted`` means of its :func:`short_backtest` rows (pooled without)."""
    if backtest is None:
        return np.broadcast_to(POOLED_Z, (n, 3))
    mean = predicted.reshape(n, -1)
    lower, median, upper = model.short_model_.bands(mean)
    z = standardised(backtest.actual, lower, median, upper)
    return own_z_quantiles(z, model.coverage, 1, model.band_backtest_prior_hours)
