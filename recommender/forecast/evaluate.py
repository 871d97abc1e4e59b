"""Accuracy of a forecast against meter readings, and the train/test evaluation of one meter.

Metrics (over hours, or local calendar days, where the actual reading is known):

* CVRMSE % = 100 * sqrt(mean((forecast - actual)^2)) / mean(actual)  (n in the denominator;
  ASHRAE Guideline 14 uses n - p, which differs by under 0.1 % at these sample sizes)
* NMBE (ASHRAE Guideline 14) % = 100 * sum(actual - forecast) / (n * mean(actual)), with p = 0,
  as eemeter reports it: positive = **under**-forecast. Key ``nmbe_ashrae14_pct``.
* bias % = 100 * sum(forecast - actual) / sum(actual), the same number with the opposite sign:
  positive = over-forecast. Key ``bias_over_pct``. (Until 0.2 this was called ``nmbe_pct``.)
* MAE kWh = mean(|forecast - actual|)
* coverage % = share of hourly actuals inside [P10, P90] (hourly only: summed hourly quantiles
  are not daily quantiles); below P50 % = share of hourly actuals below the median (ours only)

Daily figures use only whole local days (23, 24 or 25 hours across DST) whose every hour was read
and forecast: a day cut short by either end of the period does not count.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone

from recommender.errors import InvalidInput, Problem
from recommender.forecast.baselines import hour_of_week_profile, same_hour_last_week
from recommender.forecast.data import align_temperature, local_date_mask
from recommender.forecast.design import Timeline
from recommender.forecast.features import hour_of_week, local_day_starts
from recommender.forecast.global_model import Bands, GlobalForecaster
from recommender.forecast.level import Level
from recommender.forecast.screening import level_notes, local_day_lengths, screen_history
from recommender.forecast.weather import check_coverage, zone_latitude

HORIZONS = ("day-ahead", "year-ahead")
OURS = "greenrec-global"
HISTORY_REFRESH_ORIGINS = 7  # day-ahead: profiles, level and calibration re-read once a week


def cvrmse(actual: np.ndarray, forecast: np.ndarray) -> float:
    """CVRMSE in % over the pairs where both are known."""
    a, f = _known(actual, forecast)
    return float(100.0 * np.sqrt(np.mean((f - a) ** 2)) / np.mean(a))


def nmbe(actual: np.ndarray, forecast: np.ndarray) -> float:
    """Normalised mean bias error in %, ASHRAE Guideline 14's sign (positive = under-forecast)."""
    a, f = _known(actual, forecast)
    return float(100.0 * (a.sum() - f.sum()) / a.sum())


def mae(actual: np.ndarray, forecast: np.ndarray) -> float:
    """Mean absolute error in the series' unit."""
    a, f = _known(actual, forecast)
    return float(np.mean(np.abs(f - a)))


def coverage(actual: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float:
    """Share (%) of known actuals within ``[lower, upper]``."""
    known = ~(np.isnan(actual) | np.isnan(lower) | np.isnan(upper))
    if not known.any():  # a forecast without bands (e.g. eemeter's)
        return float("nan")
    inside = (actual[known] >= lower[known]) & (actual[known] <= upper[known])
    return float(100.0 * inside.mean())


def share_below(actual: np.ndarray, quantile: np.ndarray) -> float:
    """Share (%) of known actuals below ``quantile`` (50 for a calibrated median)."""
    known = ~(np.isnan(actual) | np.isnan(quantile))
    return float(100.0 * (actual[known] < quantile[known]).mean())


def _known(actual: np.ndarray, forecast: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    known = ~(np.isnan(actual) | np.isnan(forecast))
    if not known.any():
        raise InvalidInput(
            Problem(
                "test period",
                "no hour with both a reading and a forecast",
                "readings in the test period",
            )
        )
    return actual[known], forecast[known]


def daily_totals(
    index: pd.DatetimeIndex, timezone: str, actual: np.ndarray, forecast: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per whole local day with every hour read and forecast: the actual and forecast totals."""
    starts, lengths = local_day_lengths(index, timezone)
    complete = np.add.reduceat((~np.isnan(actual) & ~np.isnan(forecast)).astype(int), starts)
    full = complete == lengths
    a = np.add.reduceat(np.nan_to_num(actual), starts)[full]
    f = np.add.reduceat(np.nan_to_num(forecast), starts)[full]
    return a, f


def score(
    index: pd.DatetimeIndex,
    timezone: str,
    actual: np.ndarray,
    mean: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    median: np.ndarray | None = None,
) -> dict[str, dict[str, float]]:
    """Hourly and daily CVRMSE, NMBE, MAE and hourly P10-P90 coverage of one forecast (and the
    share of hours below its P50, given one)."""
    day_a, day_f = daily_totals(index, timezone, actual, mean)
    hourly = {
        "cvrmse_pct": cvrmse(actual, mean),
        "nmbe_ashrae14_pct": nmbe(actual, mean),
        "bias_over_pct": -nmbe(actual, mean),
        "mae_kwh": mae(actual, mean),
        "coverage_p10_p90_pct": coverage(actual, lower, upper),
    }
    if median is not None:
        hourly["below_p50_pct"] = share_below(actual, median)
    daily = {
        "cvrmse_pct": cvrmse(day_a, day_f),
        "nmbe_ashrae14_pct": nmbe(day_a, day_f),
        "bias_over_pct": -nmbe(day_a, day_f),
        "mae_kwh": mae(day_a, day_f),
        "days": float(len(day_a)),
    }
    return {"hourly": hourly, "daily": daily}


def rolling_day_ahead(
    model: GlobalForecaster,
    timeline: Timeline,
    values: np.ndarray,
    origins: np.ndarray,
    fuel: str = "electricity",
) -> Bands:
    """:class:`Bands` ``(len(origins), 25)``: each day-ahead with the history known then.

    As the service does for a household whose meter keeps reporting, the household's profiles,
    level and calibration are re-read from everything before the origin, in weekly steps
    (:data:`HISTORY_REFRESH_ORIGINS` origins share one history, which scores within 0.05 points
    of re-reading it daily at a seventh of the cost); the lags always read up to the origin.
    Nothing is refitted: the global model reads a household's history at forecast time.
    """
    parts = [
        model.predict_short(timeline, values[None, :], int(chunk[0]), chunk, 25, fuel=fuel)
        for chunk in (
            origins[i : i + HISTORY_REFRESH_ORIGINS]
            for i in range(0, len(origins), HISTORY_REFRESH_ORIGINS)
        )
    ]
    if not parts:
        return Bands(*(np.empty((0, 25)) for _ in Bands._fields))
    return Bands(*(np.concatenate([part[k][0] for part in parts]) for k in range(len(parts[0]))))


def evaluate_meter(
    kwh: pd.Series,
    temperature_c: pd.Series | None,
    train: tuple[str, str],
    test: tuple[str, str],
    horizon: str,
    timezone: str = "Europe/London",
    forecaster: GlobalForecaster | None = None,
    extra_training: list[tuple[pd.Series, pd.Series | None]] | None = None,
    keep_series: bool = False,
    fuel: str = "electricity",
) -> dict[str, Any]:
    """Fit on the training dates, forecast the test dates, score ours and the two baselines.

    ``kwh`` is hourly on a UTC index; ``train``/``test`` are inclusive local dates. Day-ahead: one
    origin at each local midnight of the test period, lags reading the actuals before it, the
    household's history re-read weekly (:func:`rolling_day_ahead`), weather as observed.
    Year-ahead: one origin at the start of the test period, history = everything before it, the
    actual test temperatures. ``extra_training`` adds other households' training
    series to the global model (the meter under test is always the first). ``keep_series`` adds
    ``"series"``: a frame of the test hours' actual kWh and our mean, P10, P50 and P90 (for
    diagnostics; not JSON). ``fuel`` picks the screening of the meter's history (vacancies and
    outages excluded, level shifts read; :mod:`recommender.forecast.screening`); what it found, and
    how much of each period the temperatures cover, is in ``"warnings"``. ``forecaster``'s
    settings are used on a copy set to ``timezone`` and the zone's latitude.

    Raises
    ------
    InvalidInput
        Periods outside the file or out of order, or a temperature series that does not overlap
        the training period (field ``temperature``).
    """
    if horizon not in HORIZONS:
        raise InvalidInput(Problem("horizon", f"{horizon!r}", f"one of {HORIZONS}"))
    index, values, train_pos, test_pos = _timeline(kwh, train, test, timezone)
    temps = align_temperature(temperature_c, index)
    given = None if temperature_c is None else temps
    notes = check_coverage(given, {"training": train_pos, "test": test_pos})
    train_temps = None if given is None else pd.Series(temps[train_pos], index[train_pos])
    training = [(pd.Series(values[train_pos], index=index[train_pos]), train_temps)]
    model, fit_seconds, daylight = _fitted(
        forecaster, timezone, training + list(extra_training or []), fuel
    )

    timeline = Timeline(index, timezone, model.latitude_deg, temps[None, :])
    cpu = time.process_time()
    ours, naive, found = _screened_forecasts(
        model, timeline, timezone, values, (train_pos, test_pos), horizon, fuel
    )
    forecast_seconds = time.process_time() - cpu
    how = hour_of_week(index, timezone)
    profile = hour_of_week_profile(values[train_pos], how[train_pos], how[test_pos])

    actual = values[test_pos]
    test_index = index[test_pos]
    result: dict[str, Any] = {
        "horizon": horizon,
        "timezone": timezone,
        "train": list(train),
        "test": list(test),
        "fuel": fuel,
        "weather": "temperatures given" if temperature_c is not None else "calendar alone",
        "daylight": daylight,
        # the history is screened when fitted and when read: each finding once
        "warnings": list(dict.fromkeys(notes + model.training_warnings_[0] + found)),
        "train_hours": int((~np.isnan(values[train_pos])).sum()),
        "test_hours": int((~np.isnan(actual)).sum()),
        "models": {
            OURS: {
                **score(test_index, timezone, actual, *_bands(ours)),
                "cpu_seconds_fit": fit_seconds,
                "cpu_seconds_forecast": forecast_seconds,
            },
            "same-hour-last-week": score(test_index, timezone, actual, *naive),
            "hour-of-week-profile": score(test_index, timezone, actual, *profile),
        },
    }
    if keep_series:
        result["series"] = _series_frame(actual, ours, test_index)
    return result


def _screened_forecasts(
    model: GlobalForecaster,
    timeline: Timeline,
    timezone: str,
    values: np.ndarray,
    periods: tuple[np.ndarray, np.ndarray],
    horizon: str,
    fuel: str,
) -> tuple[Any, Any, list[str]]:
    """Our forecast and the naive one over the test hours, from the history before them as the
    screening reads it (vacancies and outages out, a level shift noted); and what it found."""
    index, (train_pos, test_pos) = timeline.index, periods
    n_history = int(test_pos[0])
    history = np.where(np.arange(len(index)) < n_history, values, np.nan)
    screened = screen_history(history[None, :n_history], index, timezone, fuel)
    history[:n_history] = screened.kwh[0]
    ours, level, naive = _forecasts(
        model, timeline, values, history, (train_pos, test_pos), horizon, fuel
    )
    if level is not None:
        level_notes(level.shift_position, level.shift_change, index, timezone, screened.warnings)
    return ours, naive, list(screened.warnings[0])


def _bands(ours: Any) -> tuple[np.ndarray, ...]:
    """Our forecast as :func:`score` takes it: mean, P10, P90, P50."""
    return ours.mean, ours.lower, ours.upper, ours.median


def _series_frame(actual: np.ndarray, ours: Any, test_index: pd.DatetimeIndex) -> pd.DataFrame:
    """The test hours' actual kWh beside our mean, P10, P50 and P90 (for diagnostics)."""
    columns = ("mean_kwh", "p10_kwh", "p50_kwh", "p90_kwh")
    arrays = (ours.mean, ours.lower, ours.median, ours.upper)
    frame = {"actual_kwh": actual, **dict(zip(columns, arrays, strict=True))}
    return pd.DataFrame(frame, index=test_index)


def _fitted(
    forecaster: GlobalForecaster | None,
    timezone: str,
    training: list[tuple[pd.Series, pd.Series | None]],
    fuel: str,
) -> tuple[GlobalForecaster, float, str]:
    """A copy of ``forecaster`` (or the default) set to ``timezone`` and its latitude, fitted on
    ``training`` (the meter under test first, with ``fuel``); its CPU-seconds; the daylight note."""
    latitude, daylight = zone_latitude(timezone, GlobalForecaster().latitude_deg)
    model = clone(forecaster) if forecaster is not None else GlobalForecaster()
    model.set_params(timezone=timezone, latitude_deg=latitude)
    fuels = [fuel] + ["electricity"] * (len(training) - 1)
    cpu = time.process_time()
    model.fit([s for s, _ in training], temperatures=[t for _, t in training], fuels=fuels)
    return model, time.process_time() - cpu, daylight


def _timeline(
    kwh: pd.Series, train: tuple[str, str], test: tuple[str, str], timezone: str
) -> tuple[pd.DatetimeIndex, np.ndarray, np.ndarray, np.ndarray]:
    """The evaluation's hourly timeline (first training hour to last test hour, then 25 spare
    hours so a day-ahead origin on the last day can forecast a 25-hour day), its kWh, and the
    positions of the training and test hours; :class:`InvalidInput` for unusable periods."""
    index = pd.date_range(kwh.index.min(), kwh.index.max(), freq="h", tz="UTC")
    values = kwh.reindex(index).to_numpy(dtype=np.float64)
    in_train = local_date_mask(index, timezone, *train)
    in_test = local_date_mask(index, timezone, *test)
    problems = []
    if in_train.sum() < 14 * 24:
        problems.append(Problem("train", f"{in_train.sum()} hours in {train}", ">= 14 days"))
    if not in_test.any():
        problems.append(Problem("test", f"no readings in {test}", "a period inside the meter file"))
    elif in_train.any() and np.flatnonzero(in_test)[0] <= np.flatnonzero(in_train)[-1]:
        problems.append(
            Problem(
                "test",
                "starts before the training period ends",
                "a test period after the training period",
            )
        )
    if problems:
        raise InvalidInput(problems, source="evaluation periods")
    train_pos = np.flatnonzero(in_train)
    test_pos = np.flatnonzero(in_test)
    first, last = train_pos[0], test_pos[-1]
    values = np.r_[values[first : last + 1], np.full(25, np.nan)]
    index = pd.date_range(index[first], periods=len(values), freq="h", tz="UTC")
    return index, values, train_pos - first, test_pos - first


def _forecasts(
    model: GlobalForecaster,
    timeline: Timeline,
    values: np.ndarray,
    history: np.ndarray,
    positions: tuple[np.ndarray, np.ndarray],
    horizon: str,
    fuel: str,
) -> tuple[Bands, Level | None, list[np.ndarray]]:
    """Ours, the :class:`~recommender.forecast.level.Level` it read (year-ahead; None for the
    rolling day-ahead) and the naive forecast on the test hours. ``history`` is the screened
    history (NaN from the test on); ``values`` the readings; ``positions`` the train and test
    hours."""
    train_pos, test_pos = positions
    n_history = int(test_pos[0])
    if horizon == "year-ahead":
        relative, factor, level = model.year_relative(
            timeline, history[None, :], n_history, test_pos, fuel=fuel
        )
        bands = model.year_bands(relative, factor, level)
        origin = np.array([n_history])
        naive = [a[0] for a in same_hour_last_week(values, origin, len(test_pos), train_pos)]
        return Bands(*(a[0] for a in bands)), level, naive
    origins = local_day_starts(timeline.index, model.timezone)
    origins = origins[(origins >= n_history) & (origins <= test_pos[-1])]
    owner = np.searchsorted(origins, test_pos, side="right") - 1
    lead = test_pos - origins[owner]
    rolled = np.where(np.arange(len(values)) < n_history, history, values)
    rolling = rolling_day_ahead(model, timeline, rolled, origins, fuel)
    ours = Bands(*(a[owner, lead] for a in rolling))
    naive = [a[owner, lead] for a in same_hour_last_week(values, origins, 25, train_pos)]
    return ours, None, naive
