"""The forecast of a daily-only meter: day totals, read against the year model's daily shape.

Many utilities give their customers one reading a day (``Household.reading_interval_minutes ==
1440``: kWh per local day on a UTC index at each day's start). Such a meter has no hours, so:

* the **short-horizon model is not used**: it reads hourly lags (the same hour yesterday, the
  last 6 hours...), which a daily meter does not have, and hours spread evenly over a day would be
  invented ones;
* the **year model** (:class:`~recommender.forecast.global_model.GlobalForecaster`, the same one
  the hourly path uses) gives what calendar, daylight and weather add, hour by hour, to a
  household's profile. Here the profile is the household's own **day-of-week** pattern (its only
  shape a daily meter shows, shrunk towards flat by :data:`DAY_PROFILE_SHRINK_DAYS` readings), so
  the model's hours summed over each local day are the **daily shape** of :mod:`daily_level`;
* the household's **level** is read from its daily totals against that shape, as
  :mod:`recommender.forecast.level` reads it from hours: recency-weighted, from the days since a
  level shift, its own season by day-mean temperature (else day length), screening first
  (vacancies and zero days excluded, electricity only);
* the **week ahead** and the **year** are that level times the next days' shape; the annual total
  is the sum of the next 365 days;
* the **bands** are this household's own daily errors, from a backtest on its own history
  (:func:`recommender.forecast.daily_level.backtest_quantiles`), else a stated prior.

The screening (:func:`recommender.forecast.screening.screen_history`) is the hourly one run on the
day totals spread evenly over their hours: it judges vacancies by day totals and outages by a day
of zeros, so the spread changes nothing it reads (a 23-hour DST day of zeros is under its 24-hour
outage run and is not excluded); the spread hours are never read by a model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from recommender.clock import daily_instants, wall_day_numbers
from recommender.domain import HOUR_NS, Forecast, Household
from recommender.errors import InsufficientData, InvalidInput, Problem
from recommender.forecast.blocks import MAX_HORIZON_HOURS, own_typical_year
from recommender.forecast.daily_level import (
    WEEK_DAYS,
    WEEK_HALF_LIFE_DAYS,
    DailyLevel,
    daily_shape,
    read_daily_level,
)
from recommender.forecast.data import household_temperatures
from recommender.forecast.design import YEAR_FEATURES, Timeline, year_rows
from recommender.forecast.global_model import GlobalForecaster
from recommender.forecast.screening import level_notes, screen_history
from recommender.forecast.shared_trees import evaluate_year_rows, weatherless_learned
from recommender.forecast.weather import check_coverage, zone_latitude
from recommender.threads import one_openmp_thread

MIN_HISTORY_DAYS = 14  # as the hourly path's 336 hours
DAYS_PER_YEAR = 365
DAILY_NOTE = (
    "daily readings: this meter reports one total a day, so the forecast is of day totals (P1D); "
    "the hour-by-hour shape, peak hours and hourly bands are not known from it, and the "
    "short-horizon model (which reads the last hours) was not used"
)


@dataclass(frozen=True)
class DailyHistory:
    """A daily meter's last year of day totals on an hourly timeline that runs on a year ahead.

    ``kwh``: ``(n_days,)`` day totals, NaN for days unread or screened out. ``bounds``: the
    timeline position of each day's first hour, ``n_days + future_days + 1`` of them (the last is
    the end). ``day_starts``: each day's start, UTC (the same length as ``bounds``).
    """

    kwh: np.ndarray
    bounds: np.ndarray
    day_starts: pd.DatetimeIndex
    index: pd.DatetimeIndex
    notes: list[str]

    @property
    def n_days(self) -> int:
        return len(self.kwh)


def forecast_daily_household(
    model: GlobalForecaster,
    household: Household,
    horizon_hours: int = 168,
    temperature_c: pd.Series | None = None,
) -> Forecast:
    """Daily forecast (mean, P10, P50, P90 per day) and the annual total of a daily-only meter.

    ``horizon_hours`` is rounded up to whole days (168 = 7 days, "P7D"); ``temperature_c`` gives
    the future weather as the hourly path takes it. See the module docstring for the method.

    Raises
    ------
    InsufficientData
        Fewer than 14 daily readings, or fewer left once vacancies and zero days are set aside.
    InvalidInput
        A horizon outside 1 hour to a year, or temperatures that do not overlap the history.
    """
    if not 1 <= horizon_hours <= MAX_HORIZON_HOURS:
        raise InvalidInput(
            Problem("horizon_hours", f"{horizon_hours}", f"1 to {MAX_HORIZON_HOURS}"),
            source="forecast",
        )
    horizon_days = math.ceil(horizon_hours / 24)
    history = daily_history(household)
    timeline, filled = _timeline(model, household, history, temperature_c)
    screened = screen_history(
        _spread(history)[None, :],
        history.index[: history.bounds[history.n_days]],
        household.timezone,
        household.fuel,
    )
    kwh = np.where(_days_excluded(screened.kwh[0], history), np.nan, history.kwh)
    known = int(np.count_nonzero(~np.isnan(kwh)))
    if known < MIN_HISTORY_DAYS:
        raise InsufficientData(
            f"household {household.household_id} has {known} daily readings left once vacancies "
            f"and zero days are set aside; the daily forecast needs at least {MIN_HISTORY_DAYS}: "
            + "; ".join(screened.warnings[0])
        )
    learned = _learned(model, timeline)
    shape = daily_shape(timeline, learned, history.bounds, kwh)
    level = read_daily_level(model, timeline, shape, kwh, history.bounds, household.fuel)
    notes = [DAILY_NOTE, *history.notes, *_weather_notes(filled, history, household, horizon_days)]
    notes += screened.warnings[0]
    shift_notes: list[list[str]] = [[]]
    day_index = history.day_starts[: history.n_days]
    level_notes(
        np.array([level.shift_position]),
        np.array([level.shift_change]),
        day_index,
        household.timezone,
        shift_notes,
    )
    return _forecast(model, household, history, level, horizon_days, notes + shift_notes[0])


def _learned(model: GlobalForecaster, timeline: Timeline) -> np.ndarray:
    """``(1, T)`` what calendar and weather add at every hour of the timeline: without weather,
    read from the zone's whole years evaluated once; with it, each set of rows that takes the
    same branches evaluated once (:mod:`shared_trees`: the values of ``model.learned``)."""
    shared = weatherless_learned(model, timeline)
    if shared is not None:
        return shared[None, :]
    rows = year_rows(timeline, np.arange(len(timeline.index)))
    with one_openmp_thread():
        values = evaluate_year_rows(model, rows.reshape(-1, len(YEAR_FEATURES)))
    return values.reshape(rows.shape[:2])


def daily_history(household: Household) -> DailyHistory:
    """The household's last 365 daily readings (trailing gaps dropped) on an hourly timeline
    reaching a year ahead; :class:`InsufficientData` for fewer than 14 readings."""
    readings = household.readings_kwh.astype(np.float64)
    read = np.flatnonzero(readings.notna().to_numpy())
    readings = readings.iloc[: int(read[-1]) + 1] if len(read) else readings.iloc[:0]
    readings = readings.iloc[-DAYS_PER_YEAR:]
    known = int(readings.notna().sum())
    if known < MIN_HISTORY_DAYS:
        raise InsufficientData(
            f"household {household.household_id} has {known} daily readings; the daily forecast "
            f"needs at least {MIN_HISTORY_DAYS} days of readings"
        )
    stamps = pd.DatetimeIndex(readings.index).tz_convert("UTC")
    _check_daily_steps(stamps, household.household_id)
    starts = _day_starts(stamps, household.timezone, DAYS_PER_YEAR + 1)
    starts_ns = starts.as_unit("ns").asi8
    hour_ns = starts_ns // HOUR_NS * HOUR_NS
    notes = []
    if (hour_ns != starts_ns).any():
        minutes = int((starts_ns[0] - hour_ns[0]) // (60 * 10**9))
        notes.append(
            f"days start {minutes} minutes past the UTC hour: each day is read as the whole UTC "
            "hours that start in it (calendar and weather are hourly)"
        )
    bounds = (hour_ns - hour_ns[0]) // HOUR_NS
    index = pd.date_range(pd.Timestamp(hour_ns[0], tz="UTC"), periods=int(bounds[-1]), freq="h")
    return DailyHistory(readings.to_numpy(), bounds, starts, index, notes)


def _check_daily_steps(stamps: pd.DatetimeIndex, household_id: str) -> None:
    """:class:`InvalidInput` unless consecutive readings are a day apart (23 to 25 hours)."""
    steps_h = np.diff(stamps.as_unit("ns").asi8) / HOUR_NS
    odd = np.flatnonzero((steps_h < 23) | (steps_h > 25))
    if len(odd):
        raise InvalidInput(
            Problem(
                f"household {household_id} readings_kwh[{int(odd[0]) + 1}]",
                f"{steps_h[odd[0]]:g} hours after the reading before it, on a daily meter "
                "(reading_interval_minutes 1440)",
                "one reading per day, at each day's start (missing days as NaN)",
            ),
            source="forecast",
        )


def _day_starts(stamps: pd.DatetimeIndex, timezone: str, future_days: int) -> pd.DatetimeIndex:
    """The history's day starts and ``future_days`` more: local calendar days when every reading
    is at one local clock time (23 or 25 hours across DST; a skipped midnight's day from the
    first hour after it), else days of 24 UTC hours."""
    wall_days = wall_day_numbers(stamps, timezone)
    days = daily_instants(stamps[0], int(wall_days[-1] - wall_days[0]) + 1, timezone)
    if np.isin(stamps.as_unit("ns").asi8, days.as_unit("ns").asi8).all():
        ahead = daily_instants(stamps[-1], future_days + 1, timezone)[1:]
        return pd.DatetimeIndex(stamps.append(ahead))
    ahead = pd.date_range(stamps[-1], periods=future_days + 1, freq="D")[1:]
    return pd.DatetimeIndex(stamps.append(ahead))


def _timeline(
    model: GlobalForecaster,
    household: Household,
    history: DailyHistory,
    temperature_c: pd.Series | None,
) -> tuple[Timeline, np.ndarray | None]:
    """The hourly timeline of the history and the year ahead, with the household's °C (given
    ahead, else its own a year earlier, else none: calendar and daylight alone), and that °C
    (None when none was given)."""
    n_history = int(history.bounds[history.n_days])
    temps = household_temperatures(household, temperature_c, history.index, n_history)
    latitude, _ = zone_latitude(household.timezone, model.latitude_deg)
    filled = own_typical_year(temps, len(history.index))
    timeline = Timeline(history.index, household.timezone, latitude, filled[:1])
    return timeline, None if temps is None else filled[0]


def _weather_notes(
    filled: np.ndarray | None, history: DailyHistory, household: Household, horizon_days: int
) -> list[str]:
    """How much of the history and of the forecast days the temperatures cover."""
    n_history = int(history.bounds[history.n_days])
    given = household.temperature_c is not None
    periods = {
        "history": np.arange(n_history),
        "forecast": np.arange(n_history, int(history.bounds[history.n_days + horizon_days])),
    }
    if not given:
        periods.pop("history")
    return check_coverage(filled, periods, "temperature" if given else "temperature_c")


def _spread(history: DailyHistory) -> np.ndarray:
    """Each history day's total spread evenly over its hours: for the screening alone."""
    bounds = history.bounds[: history.n_days + 1]
    hours = np.diff(bounds)
    return np.repeat(history.kwh / np.maximum(hours, 1), hours)


def _days_excluded(screened: np.ndarray, history: DailyHistory) -> np.ndarray:
    """Days read but set aside by the screening (all their hours NaN after it)."""
    bounds = history.bounds[: history.n_days + 1]
    left = np.add.reduceat(~np.isnan(screened), bounds[:-1].astype(np.intp))
    return ~np.isnan(history.kwh) & (left == 0)


def _forecast(
    model: GlobalForecaster,
    household: Household,
    history: DailyHistory,
    level: DailyLevel,
    horizon_days: int,
    warnings: list[str],
) -> Forecast:
    n = history.n_days
    ahead = level.mean_kwh[n : n + horizon_days].copy()
    ahead[:WEEK_DAYS] *= level.week_level  # the week ahead at the recent level
    week, year = level.week_ratio, level.year_ratio
    band = np.where(np.arange(horizon_days)[:, None] < WEEK_DAYS, week[None, :], year[None, :])
    # P10 <= mean <= P90 each day, as on the hourly path (the P50 may lie either side)
    band[:, 0], band[:, 2] = np.minimum(band[:, 0], 1.0), np.maximum(band[:, 2], 1.0)
    annual = float(level.mean_kwh[n : n + DAYS_PER_YEAR].sum())
    return Forecast(
        horizon=f"P{horizon_days}D",
        interval="P1D",
        start=pd.Timestamp(history.day_starts[n]),
        kwh=tuple(float(v) for v in ahead),
        p10=tuple(float(v) for v in ahead * band[:, 0]),
        p50=tuple(float(v) for v in ahead * band[:, 1]),
        p90=tuple(float(v) for v in ahead * band[:, 2]),
        annual_kwh=annual,
        annual_kwh_p10=annual * float(level.annual_ratio[0]),
        annual_kwh_p90=annual * float(level.annual_ratio[1]),
        method=_method(model, household, level, history),
        warnings=tuple(dict.fromkeys(warnings)),
    )


def _method(
    model: GlobalForecaster, household: Household, level: DailyLevel, history: DailyHistory
) -> str:
    _, daylight = zone_latitude(household.timezone, model.latitude_deg)
    weather = (
        "the given temperatures (ahead: as given, else its own a year earlier)"
        if level.weather
        else "calendar and daylight alone"
    )
    return (
        f"greenrec daily path, {household.fuel}: read {level.days_read} daily totals of this "
        f"household's last {history.n_days} days; the global gradient-boosted year model "
        f"(trained on {model.n_households_} household(s)) summed over each local day gives the "
        f"daily shape from {weather} ({daylight}) and the household's own day-of-week pattern; "
        f"its level read from its daily totals against that shape (recency half-life "
        f"{model.recency_half_life_days:g} days, its own season by "
        f"{'day-mean temperature' if level.season_on_temperature else 'day length'}); the year "
        "and the annual total are that level times the coming days' shape, the first week the "
        f"recent level (half-life {WEEK_HALF_LIFE_DAYS:g} days) times it; no short-horizon "
        "model (it reads hourly lags); "
        f"P10/P50/P90 from {level.band_source}"
    )
