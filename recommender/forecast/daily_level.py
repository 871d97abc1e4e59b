"""A daily meter's shape, level and bands (the daily path of :mod:`recommender.forecast.daily`).

* **daily shape**: the year model's hourly relative use (the household's day-of-week factor as
  the offset, plus what calendar, daylight and weather add) summed over each day's hours, in units
  of the household's mean hourly kWh (about 24 for an ordinary day);
* **level**: the recency-weighted ratio of its day totals to that shape, or after a level shift
  (:func:`recommender.forecast.screening.level_shift` on days, :data:`SHIFT_WINDOW_DAYS` days each
  side) the ratio over the days since; a gas meter's over all days alike
  (:func:`~recommender.forecast.screening.screened_as_electricity`); its own season in bins of its
  day-mean temperature, else the day length (:func:`recommender.forecast.level.season_table`,
  shrunk towards 1 by two weeks of days), as the hourly path reads them;
* **bands**: a backtest on the household's own history. From day :data:`BACKTEST_FIRST_DAY` on,
  every 7th day is an origin: the level is read from the days before it (as above, recency from
  the origin) and every later day of the history forecast; each known day's ratio actual /
  forecast is an error. The week-ahead bands are the ratio quantiles of the first 7 days after
  each origin, the year's of all of them, the annual total's those of each origin's total over
  the rest of its history (origins with at least :data:`ANNUAL_MIN_DAYS` days left). Each is
  shrunk towards a prior by its number of distinct days (:data:`BAND_PRIOR_DAYS`; for the annual,
  :data:`ANNUAL_PRIOR_ORIGINS` origins). The season and day-of-week factors of the backtest are
  read from the whole history (a little in-sample); the level never is.
"""

from __future__ import annotations

import warnings
from typing import Any, NamedTuple

import numpy as np

from recommender.forecast.design import PROFILE_SHRINK_HOURS, Timeline
from recommender.forecast.features import CALENDAR_NAMES
from recommender.forecast.level import (
    CALIBRATION_PRIOR_HOURS,
    season_at,
    season_key,
    season_table,
    weighted_ratio,
)
from recommender.forecast.screening import (
    SHIFT_MIN_RATIO,
    SHIFT_WINDOW_DAYS,
    level_shift,
    screened_as_electricity,
)

# a day-of-week slot seen k times weighs k / (k + 4) against flat: the hourly profile's shrinkage
DAY_PROFILE_SHRINK_DAYS = PROFILE_SHRINK_HOURS
SEASON_PRIOR_DAYS = CALIBRATION_PRIOR_HOURS // 24  # two weeks, as the hourly season table
BACKTEST_FIRST_DAY = 28  # four weeks read before the first backtest origin
BACKTEST_STEP_DAYS = 7
WEEK_DAYS = 7
ANNUAL_MIN_DAYS = 56
BAND_PRIOR_DAYS = 28  # a household's own ratio quantiles weigh days / (days + 28)
ANNUAL_PRIOR_ORIGINS = 8
# The prior's ratio quantiles (actual / forecast at P10, P50, P90) where a history is too short
# for its own: the daily path run at weekly origins through the three bundled meters' TRAINING
# periods summed to days (each origin reading only the days before it), its errors pooled
# (``benchmarks/forecast_daily.py --prior``: 0.720/0.948/1.292 for the first 7 days,
# 0.675/0.924/1.263 for all leads), rounded to 0.05, the lower tail outwards.
PRIOR_WEEK_RATIOS = np.array([0.70, 0.95, 1.30])
PRIOR_YEAR_RATIOS = np.array([0.65, 0.90, 1.25])
# A household's own backtest reads its season and day-of-week factors from the whole history (a
# little in-sample), so its ratio quantiles come out narrow: each tail's distance from the median
# (in log ratio) is widened by this factor, picked on the same training-period runs as the prior
# as the one of 1.0/1.1/1.2/1.3 whose week-ahead P10-P90 coverage came nearest 80 % (76.6, 78.9,
# 81.5, 83.1 %).
BAND_WIDEN = 1.1
# The week ahead reads the recent level (as the hourly path's short-horizon model reads the last
# days): its days' weights halve every this many days back (electricity; a gas meter's level is
# read over all its days, as for the year). Picked on the training-period runs of ``--prior`` as
# the one of 90 (the year's)/28/14/7 days with the lowest pooled week-ahead daily CVRMSE (27.62,
# 27.33, 27.23, 27.13 %: a small gain; the test periods were not read).
WEEK_HALF_LIFE_DAYS = 7.0


class DailyLevel(NamedTuple):
    """What the daily path read from a history, and its forecast.

    ``mean_kwh``: the forecast mean of every day of the timeline at the year's level (history
    days too: the fitted values); ``week_level``: the recent level over the year's, for the first
    week (:data:`WEEK_HALF_LIFE_DAYS`). ``week_ratio``, ``year_ratio``: ``(3,)`` ratios of P10,
    P50 and P90 to the mean, for the first week and the days after it; ``annual_ratio``:
    ``(2,)`` of the annual P10 and P90.
    ``shift_position``: first day of a new level (-1 for none); ``shift_change``: new over old.
    """

    mean_kwh: np.ndarray
    week_level: float
    week_ratio: np.ndarray
    year_ratio: np.ndarray
    annual_ratio: np.ndarray
    shift_position: int
    shift_change: float
    days_read: int
    season_on_temperature: bool
    weather: bool
    band_source: str


def day_middles(bounds: np.ndarray) -> np.ndarray:
    """The timeline position of each day's middle hour."""
    return (bounds[:-1] + bounds[1:]) // 2


def daily_shape(
    timeline: Timeline, learned: np.ndarray, bounds: np.ndarray, kwh: np.ndarray
) -> np.ndarray:
    """``(n_days_all,)`` each day's sum of the model's hourly relative use: the household's
    day-of-week factor (from its ``kwh`` day totals, the first days of ``bounds``) plus what
    ``learned`` ``(1, T)`` adds at each hour, floored at zero as the hourly path floors it."""
    hours = np.diff(bounds)
    weekday = timeline.calendar[day_middles(bounds), CALENDAR_NAMES.index("day_of_week")]
    weekday = weekday.astype(np.intp)
    n = len(kwh)
    rate = kwh / hours[:n]
    relative = rate / np.nanmean(rate)
    known = ~np.isnan(relative)
    sums = np.bincount(weekday[:n][known], relative[known], minlength=7)
    counts = np.bincount(weekday[:n][known], minlength=7)
    profile = (sums + DAY_PROFILE_SHRINK_DAYS) / (counts + DAY_PROFILE_SHRINK_DAYS)
    hourly = np.clip(np.repeat(profile[weekday], hours) + learned[0, : bounds[-1]], 0.0, None)
    return np.add.reduceat(hourly, bounds[:-1].astype(np.intp))


def read_daily_level(
    model: Any,
    timeline: Timeline,
    shape: np.ndarray,
    kwh: np.ndarray,
    bounds: np.ndarray,
    fuel: str,
) -> DailyLevel:
    """The household's level, season and bands against ``shape`` (:func:`daily_shape`), and its
    forecast of every day (see the module docstring)."""
    n = len(kwh)
    hours = np.diff(bounds)
    scale = float(np.nanmean(kwh / hours[:n]))  # mean kWh per hour: the unit of the shape
    actual = kwh / scale
    known = ~np.isnan(actual)
    base = shape[:n]
    if screened_as_electricity(fuel):
        found, change = level_shift(
            actual[None], np.where(known, base, np.nan)[None], SHIFT_WINDOW_DAYS, SHIFT_MIN_RATIO
        )
        shift, shift_change = int(found[0]), float(change[0])
    else:
        shift, shift_change = -1, 1.0
    origin = np.array([n])
    ratio = _ratios(actual, base, known, _level_weights(model, n, origin, shift, fuel))[0]
    recent = _level_weights(model, n, origin, shift, fuel, WEEK_HALF_LIFE_DAYS)
    week_level = _ratios(actual, base, known, recent)[0] / ratio
    middles = day_middles(bounds)
    key, on_temperature = season_key(timeline, middles[:n], 1, None)
    season = np.ones(len(shape))
    if model.season_bins > 1:
        after = np.arange(n) >= shift
        relevelled = np.where(after, actual, actual * shift_change)
        edges, factor = season_table(
            relevelled[None], base[None], known[None], key, model.season_bins, SEASON_PRIOR_DAYS
        )
        key_all, _ = season_key(timeline, middles, 1, on_temperature)
        season = season_at(edges, factor, key_all)[0]
    fitted = shape * season
    bands = _backtest(model, actual, base, fitted[:n], known, shift, fuel)
    return DailyLevel(
        scale * ratio * fitted,
        week_level,
        *bands[:3],
        shift,
        shift_change,
        int(known.sum()),
        bool(on_temperature[0]),
        not timeline.weatherless,
        bands[3],
    )


def _level_weights(
    model: Any,
    n: int,
    origins: np.ndarray,
    shift: int,
    fuel: str,
    half_life_days: float | None = None,
) -> np.ndarray:
    """``(len(origins), n)`` the weight of each day in the level read at each origin: days
    before it, halving every ``half_life_days`` (default: the model's
    ``recency_half_life_days``) back from it (electricity), all alike
    (gas); once a level shift lies before the origin, only the days since it, alike."""
    day = np.arange(n)[None, :]
    before = day < origins[:, None]
    age = origins[:, None] - 1 - day
    if screened_as_electricity(fuel):
        half_life = half_life_days or model.recency_half_life_days
        weights = 0.5 ** (np.maximum(age, 0) / half_life)
    else:
        weights = np.ones_like(age, dtype=np.float64)
    shifted = (shift >= 0) & (shift < origins[:, None])
    weights = np.where(shifted, (day >= shift).astype(np.float64), weights)
    return np.where(before, weights, 0.0)


def _ratios(actual, base, known, weights) -> np.ndarray:
    """Per row of ``weights``, the weighted ratio of ``actual`` to ``base``, within 0.5-2."""
    rows = len(weights)
    ratio = weighted_ratio(
        np.broadcast_to(actual, (rows, len(actual))),
        np.broadcast_to(base, (rows, len(base))),
        np.broadcast_to(known, (rows, len(known))),
        weights,
    )
    return np.clip(ratio, 0.5, 2.0)


def _backtest(
    model: Any,
    actual: np.ndarray,
    base: np.ndarray,
    fitted: np.ndarray,
    known: np.ndarray,
    shift: int,
    fuel: str,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    """Week, year and annual ratio bands from the household's own backtest (module docstring),
    and a sentence saying where they came from."""
    n = len(actual)
    tail = (1.0 - model.coverage) / 2.0
    levels = (tail, 0.5, 1.0 - tail)
    low_q, high_q = model.year_model_.block_error_quantiles_
    prior_annual = np.array([1.0 + low_q, 1.0 + high_q])
    origins = np.arange(BACKTEST_FIRST_DAY, n, BACKTEST_STEP_DAYS)
    if len(origins) == 0:
        why = (
            f"a stated prior (ratios {_triple(PRIOR_WEEK_RATIOS)} of the mean, the bundled meters' "
            f"training-period backtests; under {BACKTEST_FIRST_DAY + 1} days of history for its "
            "own backtest), the annual total's from the model's pooled error quantiles"
        )
        return PRIOR_WEEK_RATIOS, PRIOR_YEAR_RATIOS, prior_annual, why
    ratio = _ratios(actual, base, known, _level_weights(model, n, origins, shift, fuel))
    forecast = ratio[:, None] * fitted[None, :]
    recent = _level_weights(model, n, origins, shift, fuel, WEEK_HALF_LIFE_DAYS)
    near = _ratios(actual, base, known, recent)[:, None] * fitted[None, :]
    lead = np.arange(n)[None, :] - origins[:, None]
    usable = (lead >= 0) & known[None, :] & (forecast > 0)
    errors = np.where(usable, actual[None, :] / np.where(usable, forecast, 1.0), np.nan)
    near_usable = usable & (near > 0)
    near_errors = np.where(near_usable, actual[None, :] / np.where(near_usable, near, 1.0), np.nan)
    week = _shrunk(near_errors, lead < WEEK_DAYS, levels, PRIOR_WEEK_RATIOS)
    year = _shrunk(errors, lead >= 0, levels, PRIOR_YEAR_RATIOS)
    annual, n_origins = _annual(actual, forecast, usable, origins, n, levels, prior_annual)
    days = int((usable & (lead < WEEK_DAYS)).any(axis=0).sum())
    why = (
        f"its own backtest: {len(origins)} weekly origins in its history, {days} days of "
        f"week-ahead errors (ratio quantiles shrunk towards the prior {_triple(PRIOR_WEEK_RATIOS)} "
        f"by {BAND_PRIOR_DAYS} days); the annual total's from {n_origins} origin(s)' totals over "
        f"the rest of the history (shrunk towards the model's pooled error quantiles by "
        f"{ANNUAL_PRIOR_ORIGINS} origins)"
    )
    return week, year, annual, why


def _triple(ratios: np.ndarray) -> str:
    return "/".join(f"{r:.2f}" for r in ratios)


def _shrunk(
    errors: np.ndarray, pick: np.ndarray, levels: tuple[float, ...], prior: np.ndarray
) -> np.ndarray:
    """Ratio quantiles of the picked errors shrunk towards ``prior`` by their distinct days."""
    chosen = np.where(pick, errors, np.nan)
    days = int((~np.isnan(chosen)).any(axis=0).sum())
    if days == 0:
        return prior
    own = np.quantile(chosen[~np.isnan(chosen)], levels)
    own = own[1] * (own / own[1]) ** BAND_WIDEN
    weight = days / (days + BAND_PRIOR_DAYS)
    return weight * own + (1.0 - weight) * prior


def _annual(actual, forecast, usable, origins, n, levels, prior) -> tuple[np.ndarray, int]:
    """Annual P10/P90 ratios from each origin's total over the rest of its history."""
    long = (n - origins) >= ANNUAL_MIN_DAYS
    if not long.any():
        return prior, 0
    a = np.where(usable, actual[None, :], 0.0)[long].sum(axis=1)
    f = np.where(usable, forecast, 0.0)[long].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        totals = np.where(f > 0, a / f, np.nan)
    totals = totals[~np.isnan(totals)]
    if len(totals) == 0:
        return prior, 0
    # the spread of its own totals around their median, not their drift: a history whose use
    # fell over-forecasts from every origin, but the level is read since the fall, and a band that
    # left out its own mean would say the forecast is not the best guess
    own = np.quantile(totals, [levels[0], levels[2]]) / np.median(totals)
    weight = len(totals) / (len(totals) + ANNUAL_PRIOR_ORIGINS)
    low, high = weight * own + (1.0 - weight) * prior
    return np.array([min(low, 1.0), max(high, 1.0)]), len(totals)
