"""What the service and the batch scorer call: one household, or thousands at once.

Both go through :func:`forecast_many`, so the single-household answer and the batch answer are the
same computation. The first ``min(horizon, 168)`` hours come from the short-horizon model (lags of
the household's last days) blended with the year-ahead model (``short_weight``); later hours
and the annual total from the year-ahead model, with the weather given, else the household's own
temperatures a year earlier, else calendar and daylight alone (never another climate's typical
year). Histories are screened first (:mod:`recommender.forecast.screening`) and what was found is
returned per household.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from recommender.domain import FUELS, Forecast, Household
from recommender.errors import InsufficientData, InvalidInput, Problem
from recommender.forecast.data import align_temperature, regular_hourly
from recommender.forecast.design import SHORT_HORIZON_HOURS, Timeline
from recommender.forecast.global_model import (
    HOURS_PER_YEAR,
    MIN_HISTORY_HOURS,
    GlobalForecaster,
)
from recommender.forecast.level import Level
from recommender.forecast.screening import level_notes, screen_history
from recommender.forecast.weather import check_coverage, zone_latitude

MAX_HORIZON_HOURS = HOURS_PER_YEAR
YEAR_LAG_HOURS = 364 * 24
BAND_KEYS = ("kwh", "p10", "p50", "p90")  # the order of global_model.Bands


def _iso_duration(hours: int) -> str:
    return f"P{hours // 24}D" if hours % 24 == 0 else f"PT{hours}H"


def forecast_many(
    model: GlobalForecaster,
    kwh: np.ndarray,
    index: pd.DatetimeIndex,
    horizon_hours: int = 168,
    temperature_c: np.ndarray | None = None,
    timezone: str | None = None,
    chunk_size: int = 256,
    fuel: str = "electricity",
) -> dict[str, Any]:
    """Forecast many households that share one hourly history index.

    Parameters
    ----------
    model : GlobalForecaster
        Fitted.
    kwh : ndarray of shape (n_households, T)
        Hourly kWh on ``index`` (NaN for gaps).
    index : pandas.DatetimeIndex
        Regular hourly, tz-aware, length ``T``.
    horizon_hours : int
        Hours to forecast after the last hour of ``index`` (1 to 8760).
    temperature_c : ndarray of shape (T + F,) or (n_households, T + F), optional
        Hourly °C over the history and, optionally, ``F`` future hours; an unknown hour takes
        the same household's °C 364 days earlier, else none (calendar and daylight alone).
    timezone : str, optional
        The households' wall-clock zone (default: the model's); daylight is computed at the
        zone's latitude (:func:`recommender.forecast.weather.zone_latitude`).
    chunk_size : int
        Households per block (bounds memory at about ``chunk_size`` x 9,000 rows).
    fuel : str
        ``"electricity"`` or ``"gas"``: the screening of the histories
        (:mod:`recommender.forecast.screening`).

    Returns
    -------
    dict
        ``start`` (first forecast hour, UTC), ``kwh`` (the mean), ``p10``, ``p50``, ``p90``
        (n x horizon),
        ``annual_kwh``, ``annual_kwh_p10``, ``annual_kwh_p90`` (n,), ``sufficient`` (n, bool:
        at least 14 days of readings once screened; the other rows are NaN), ``warnings`` (a
        list of strings per household: vacancies, outages, gaps and level shifts found).
    """
    check_is_fitted(model)
    kwh = np.atleast_2d(np.asarray(kwh, dtype=np.float64))
    _check_many(kwh, index, horizon_hours, fuel)
    n, n_history = kwh.shape
    zone = timezone or model.timezone
    latitude, _ = zone_latitude(zone, model.latitude_deg)
    future = max(horizon_hours, HOURS_PER_YEAR)
    full_index = pd.date_range(index[0].tz_convert("UTC"), periods=n_history + future, freq="h")
    temps = _own_typical_year(temperature_c, len(full_index))
    timeline = Timeline(full_index, zone, latitude, temps)
    screened = screen_history(kwh, index, zone, fuel)
    kwh = screened.kwh

    out: dict[str, np.ndarray] = {k: np.full((n, horizon_hours), np.nan) for k in BAND_KEYS}
    out |= {k: np.full(n, np.nan) for k in ("annual_kwh", "annual_kwh_p10", "annual_kwh_p90")}
    sufficient = (~np.isnan(kwh)).sum(axis=1) >= MIN_HISTORY_HOURS
    rows = np.flatnonzero(sufficient)
    for begin in range(0, len(rows), chunk_size):
        chunk = rows[begin : begin + chunk_size]
        part = timeline.subset(chunk) if len(temps) > 1 else timeline
        padded = np.full((len(chunk), len(full_index)), np.nan)
        padded[:, :n_history] = kwh[chunk]
        level = _forecast_chunk(model, part, padded, n_history, horizon_hours, chunk, out)
        notes: list[list[str]] = [screened.warnings[row] for row in chunk]
        level_notes(level.shift_position, level.shift_change, index, zone, notes)
    start = full_index[n_history]
    return {"start": start, **out, "sufficient": sufficient, "warnings": screened.warnings}


def _check_many(kwh: np.ndarray, index: pd.DatetimeIndex, horizon_hours: int, fuel: str) -> None:
    problems = []
    if not isinstance(index, pd.DatetimeIndex) or index.tz is None:
        problems.append(Problem("index", "not a tz-aware DatetimeIndex", "UTC hourly timestamps"))
    elif len(index) != kwh.shape[1]:
        problems.append(
            Problem(
                "index",
                f"{len(index)} hours for {kwh.shape[1]} columns",
                "one timestamp per column of kwh",
            )
        )
    elif len(index) > 1 and not (np.diff(index.asi8) == np.diff(index.asi8)[0]).all():
        problems.append(Problem("index", "irregular steps", "a regular hourly index"))
    if fuel not in FUELS:
        problems.append(Problem("fuel", f"{fuel!r}", f"one of {FUELS}"))
    if not 1 <= horizon_hours <= MAX_HORIZON_HOURS:
        problems.append(Problem("horizon_hours", f"{horizon_hours}", f"1 to {MAX_HORIZON_HOURS}"))
    if problems:
        raise InvalidInput(problems, source="forecast_many")


def _forecast_chunk(
    model: GlobalForecaster,
    timeline: Timeline,
    padded: np.ndarray,
    n_history: int,
    horizon_hours: int,
    chunk: np.ndarray,
    out: dict[str, np.ndarray],
) -> Level:
    """Fill ``out``'s rows ``chunk``: the short model's first week, the year model's rest and
    the annual totals; returns the :class:`Level` the year was read at."""
    short = min(horizon_hours, SHORT_HORIZON_HOURS)
    year_positions = np.arange(n_history, n_history + HOURS_PER_YEAR)
    year, level = model.predict_year_level(timeline, padded, n_history, year_positions)
    year_short = year.mean[:, None, :short]
    origin = np.array([n_history])
    near = model.predict_short(timeline, padded, n_history, origin, short, year_short)
    for key, values in zip(BAND_KEYS, near, strict=True):
        out[key][chunk, :short] = values[:, 0, :]
    if horizon_hours > short:
        for key, values in zip(BAND_KEYS, year, strict=True):
            out[key][chunk, short:] = values[:, short:horizon_hours]
    low_q, high_q = model.year_model_.block_error_quantiles_
    total = year.mean.sum(axis=1)
    out["annual_kwh"][chunk] = total
    out["annual_kwh_p10"][chunk] = total * (1.0 + low_q)
    out["annual_kwh_p90"][chunk] = total * (1.0 + high_q)
    return level


def _own_typical_year(temperature_c: np.ndarray | None, length: int) -> np.ndarray:
    """``(m, length)`` °C: as given, and where unknown, the same household's °C 364 days earlier
    (its own climate, same weekday); NaN where neither is known (calendar alone there)."""
    temps = np.full((1, length), np.nan)
    if temperature_c is None:
        return temps
    given = np.atleast_2d(np.asarray(temperature_c, dtype=np.float64))
    width = min(given.shape[1], length)
    temps = np.full((len(given), length), np.nan)
    temps[:, :width] = given[:, :width]
    lag = YEAR_LAG_HOURS
    for begin in range(lag, length, lag):  # a year-long horizon needs at most two passes
        block = temps[:, begin : begin + lag]
        source = temps[:, begin - lag : begin - lag + block.shape[1]]
        temps[:, begin : begin + lag] = np.where(np.isnan(block), source, block)
    return temps


def forecast_household(
    model: GlobalForecaster,
    household: Household,
    horizon_hours: int = 168,
    temperature_c: pd.Series | None = None,
) -> Forecast:
    """Hourly forecast (mean, P10, P50, P90) and the annual total for one household.

    Uses the household's last 365 days of readings (at least 14 days are needed) and its
    temperature history; ``temperature_c`` gives the future weather where known, the household's
    own temperatures a year earlier fill the rest, and without any the forecast runs on calendar
    and daylight alone (said in ``Forecast.warnings``). Vacancies, outages and level shifts found
    in the history are handled as :mod:`recommender.forecast.screening` says and listed there.

    Raises
    ------
    InvalidInput
        Temperatures given that do not overlap the history (or, given only ahead, the forecast).
    InsufficientData
        Fewer than 14 days (336 hours) of hourly readings, or a daily-only meter.
    """
    check_is_fitted(model)
    if household.reading_interval_minutes != 60:
        raise InsufficientData(
            f"household {household.household_id} has readings every "
            f"{household.reading_interval_minutes} minutes; the hourly forecast needs hourly "
            "(or finer, summed to hours) readings"
        )
    readings = _last_year(household)
    known = int(readings.notna().sum())
    index = pd.DatetimeIndex(readings.index)
    future_index = pd.date_range(index[0], periods=len(index) + max(horizon_hours, 8760), freq="h")
    temps = _household_temperatures(household, temperature_c, future_index, len(index))
    periods = {
        "history": np.arange(len(index)),
        "forecast": np.arange(len(index), len(index) + horizon_hours),
    }
    if household.temperature_c is None:  # only future weather given: it must meet the forecast
        periods.pop("history")
    # the forecast hours' weather as forecast_many will use it: given, else a year earlier
    filled = None if temps is None else _own_typical_year(temps, len(future_index))[0]
    notes = check_coverage(
        filled, periods, "temperature" if household.temperature_c is not None else "temperature_c"
    )
    result = forecast_many(
        model,
        readings.to_numpy()[None, :],
        index,
        horizon_hours,
        temps,
        timezone=household.timezone,
        fuel=household.fuel,
    )
    if not result["sufficient"][0]:
        raise InsufficientData(
            f"household {household.household_id} has under 14 days of readings left once "
            f"vacancies and outages are set aside: {'; '.join(result['warnings'][0])}"
        )
    method = _method(model, household, horizon_hours, temps is not None, known // 24)
    return Forecast(
        horizon=_iso_duration(horizon_hours),
        interval="PT1H",
        start=result["start"],
        kwh=tuple(float(v) for v in result["kwh"][0]),
        p10=tuple(float(v) for v in result["p10"][0]),
        p50=tuple(float(v) for v in result["p50"][0]),
        p90=tuple(float(v) for v in result["p90"][0]),
        annual_kwh=float(result["annual_kwh"][0]),
        annual_kwh_p10=float(result["annual_kwh_p10"][0]),
        annual_kwh_p90=float(result["annual_kwh_p90"][0]),
        method=method,
        warnings=tuple(notes) + tuple(result["warnings"][0]),
    )


def _last_year(household: Household) -> pd.Series:
    """The household's hourly readings up to its last reading, at most 365 days of them;
    :class:`InsufficientData` for fewer than 14 days."""
    readings = regular_hourly(household.readings_kwh, "readings_kwh")
    if readings.notna().any():  # trailing gaps are not history: start after the last reading
        readings = readings.loc[: readings.last_valid_index()]
    if len(readings):
        readings = readings[readings.index > readings.index[-1] - pd.Timedelta(days=365)]
    known = int(readings.notna().sum())
    if known < MIN_HISTORY_HOURS:
        raise InsufficientData(
            f"household {household.household_id} has {known} hourly readings "
            f"({known / 24:.1f} days); forecasting needs at least 14 days "
            f"({MIN_HISTORY_HOURS} hourly readings)"
        )
    return readings


def _method(
    model: GlobalForecaster, household: Household, horizon_hours: int, weather: bool, days: int
) -> str:
    """The answer's ``method``: what ran, on which weather and daylight, with what level."""
    _, daylight = zone_latitude(household.timezone, model.latitude_deg)
    given = (
        "the given temperatures (ahead: as given, else its own a year earlier)"
        if weather
        else "calendar and daylight alone"
    )
    return (
        f"greenrec global gradient-boosted model trained on {model.n_households_} household(s), "
        f"{household.fuel}; first {min(horizon_hours, SHORT_HORIZON_HOURS)} h from the "
        f"short-horizon model (recent level and lags, weight {model.short_weight:g}) blended "
        "with the year-ahead one, later hours and the annual total from the year-ahead model "
        f"(weight {1 - model.profile_weight:g}; the rest the household's own hour-of-week "
        f"profile) with {given} ({daylight}), its level read from this household's last "
        f"{days} days; P10/P50/P90 from cross-fitted residual quantiles, at zero where the "
        "history reads zero at a similar level"
    )


def _household_temperatures(
    household: Household,
    temperature_c: pd.Series | None,
    future_index: pd.DatetimeIndex,
    n_history: int,
) -> np.ndarray | None:
    """The household's °C on ``future_index`` with ``temperature_c`` ahead where given; None when
    neither was given."""
    if household.temperature_c is None and temperature_c is None:
        return None
    temps = align_temperature(household.temperature_c, future_index)
    if temperature_c is not None:
        ahead = align_temperature(temperature_c, future_index)
        later = np.arange(len(future_index)) >= n_history
        temps = np.where(later & ~np.isnan(ahead), ahead, temps)
    return temps
