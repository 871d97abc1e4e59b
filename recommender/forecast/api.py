"""What the service and the batch scorer call: one household, or thousands at once.

All go through the same blocks (:mod:`recommender.forecast.blocks`): :func:`forecast_household` is
a chunk of one of :func:`forecast_households`, which groups a chunk's households by history index
and runs the year model's trees once for the chunk; :func:`forecast_many` takes households already
on one shared index. The single-household answer and the batch answer are the same computation.

The first ``min(horizon, 168)`` hours come from the short-horizon model (lags of the household's
last days) blended with the year-ahead model (``short_weight``); later hours
and the annual total from the year-ahead model, with the weather given, else the household's own
temperatures a year earlier, else calendar and daylight alone (never another climate's typical
year). Histories are screened first (:mod:`recommender.forecast.screening`) and what was found is
returned per household. A daily-only meter (``reading_interval_minutes == 1440``) takes its own
path, :mod:`recommender.forecast.daily`: day totals, with the same year model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from recommender.domain import HOUR_NS, Forecast, Household
from recommender.errors import GreenrecError, InsufficientData
from recommender.forecast.blocks import (
    Group,
    blocks_of,
    own_typical_year,
    prepare_group,
    run_blocks,
)
from recommender.forecast.calibration import backtest_min_history_hours
from recommender.forecast.daily import forecast_daily_household
from recommender.forecast.data import (
    hourly_values,
    household_temperatures,
    minutes_past_the_hour,
)
from recommender.forecast.design import SHORT_HORIZON_HOURS
from recommender.forecast.global_model import HOURS_PER_YEAR, MIN_HISTORY_HOURS, GlobalForecaster
from recommender.forecast.weather import check_coverage, zone_latitude


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
    group = prepare_group(model, kwh, index, horizon_hours, temperature_c, timezone, fuel)
    run_blocks(model, blocks_of(group, chunk_size), horizon_hours)
    return group.result()


def forecast_households(
    model: GlobalForecaster,
    households: Sequence[Household],
    horizon_hours: int = 168,
    temperatures: Sequence[pd.Series | None] | None = None,
) -> list[Forecast | GreenrecError]:
    """:func:`forecast_household` for a chunk of households with any histories, at once.

    Households whose last year of readings starts at the same hour and lasts as long, in the same
    zone, on the same fuel, all with or all without temperatures, are forecast as one group
    (:func:`forecast_many`: one set of arrays); the year model's trees run once for the whole
    chunk on the distinct rows it needs (:mod:`recommender.forecast.shared_trees`).
    ``temperatures`` gives each household's future weather (or None), as ``temperature_c`` does.
    A chunk is held whole (about 0.6 MB per household with temperatures): send hundreds at a
    time, not a whole dataset (``recommender.batch`` cuts its tables into chunks).

    Returns one item per household, in order: its :class:`Forecast`, or the
    :class:`~recommender.errors.GreenrecError` it raised (InsufficientData, InvalidInput), so
    one household's bad data costs no other its answer. The answer of each household is the one
    it gets alone.
    """
    check_is_fitted(model)
    ahead = [None] * len(households) if temperatures is None else list(temperatures)
    if len(ahead) != len(households):
        raise ValueError(f"{len(ahead)} temperature entries for {len(households)} households")
    items: list[Forecast | GreenrecError | None] = [None] * len(households)
    groups: dict[tuple, list[tuple[int, _Prepared]]] = {}
    for i, (household, temperature_c) in enumerate(zip(households, ahead, strict=True)):
        try:
            if household.daily_only:  # its own path, each alone (recommender.forecast.daily)
                items[i] = forecast_daily_household(model, household, horizon_hours, temperature_c)
                continue
            prepared = _prepare_household(model, household, horizon_hours, temperature_c)
        except GreenrecError as error:
            items[i] = error
            continue
        groups.setdefault(prepared.group_key, []).append((i, prepared))
    laid_out = []
    for members in groups.values():
        try:
            laid_out.append((members, _group_of(model, members, horizon_hours)))
        except GreenrecError as error:
            for i, _ in members:
                items[i] = error
    run_blocks(model, [b for _, group in laid_out for b in blocks_of(group)], horizon_hours)
    for members, group in laid_out:
        result = group.result()
        for row, (i, prepared) in enumerate(members):
            items[i] = _answer(model, prepared, result, row, horizon_hours)
    answered = [item for item in items if item is not None]
    if len(answered) != len(households):
        raise RuntimeError("a household of the chunk was left without an answer")  # a bug
    return answered


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
    A chunk of one of :func:`forecast_households`.

    Raises
    ------
    InvalidInput
        Temperatures given that do not overlap the history (or, given only ahead, the forecast).
    InsufficientData
        Fewer than 14 days (336 hours) of hourly readings (of a daily-only meter, fewer than 14
        daily readings: its forecast is of day totals, :mod:`recommender.forecast.daily`).
    """
    (item,) = forecast_households(model, [household], horizon_hours, [temperature_c])
    if isinstance(item, GreenrecError):
        raise item
    return item


@dataclass(frozen=True)
class _Prepared:
    """One household's history as the model reads it, and what was noted on the way."""

    household: Household
    kwh: np.ndarray  # the last year of hourly readings (NaN for gaps)
    start_ns: int  # its first hour, UTC nanoseconds
    temperature_c: np.ndarray | None
    notes: list[str]
    known_days: int

    @property
    def group_key(self) -> tuple:
        """Households with equal keys share one history index, zone and screening."""
        home = self.household
        return (self.start_ns, len(self.kwh), home.timezone, home.fuel, self.temperature_c is None)


def _prepare_household(
    model: GlobalForecaster,
    household: Household,
    horizon_hours: int,
    temperature_c: pd.Series | None,
) -> _Prepared:
    if household.reading_interval_minutes != 60:
        raise InsufficientData(
            f"household {household.household_id} has readings every "
            f"{household.reading_interval_minutes} minutes; the hourly forecast needs hourly "
            "(or finer, summed to hours) readings"
        )
    kwh, start_ns = _last_year(household)
    known = int(np.count_nonzero(~np.isnan(kwh)))
    n_history = len(kwh)
    future = n_history + max(horizon_hours, HOURS_PER_YEAR)
    temps = None
    if household.temperature_c is not None or temperature_c is not None:
        future_index = pd.date_range(pd.Timestamp(start_ns, tz="UTC"), periods=future, freq="h")
        temps = household_temperatures(household, temperature_c, future_index, n_history)
    periods = {
        "history": np.arange(n_history),
        "forecast": np.arange(n_history, n_history + horizon_hours),
    }
    if household.temperature_c is None:  # only future weather given: it must meet the forecast
        periods.pop("history")
    # the forecast hours' weather as forecast_many will use it: given, else a year earlier
    filled = None if temps is None else own_typical_year(temps, future)[0]
    notes = check_coverage(
        filled, periods, "temperature" if household.temperature_c is not None else "temperature_c"
    )
    past = minutes_past_the_hour(household.readings_kwh)
    if past:
        notes.append(
            f"readings start {past} minutes past the UTC hour: the forecast is in whole UTC hours, "
            "each taking its share of the two readings it spans (use within an hour taken as even)"
        )
    return _Prepared(household, kwh, start_ns, temps, notes, known // 24)


def _group_of(
    model: GlobalForecaster, members: list[tuple[int, _Prepared]], horizon_hours: int
) -> Group:
    first = members[0][1]
    kwh = np.stack([prepared.kwh for _, prepared in members])
    temps = None
    if first.temperature_c is not None:
        temps = np.stack([p.temperature_c for _, p in members if p.temperature_c is not None])
    zone, fuel = first.household.timezone, first.household.fuel
    index = pd.date_range(pd.Timestamp(first.start_ns, tz="UTC"), periods=kwh.shape[1], freq="h")
    return prepare_group(model, kwh, index, horizon_hours, temps, zone, fuel)


def _answer(
    model: GlobalForecaster,
    prepared: _Prepared,
    result: dict[str, Any],
    row: int,
    horizon_hours: int,
) -> Forecast | InsufficientData:
    household = prepared.household
    if not result["sufficient"][row]:
        return InsufficientData(
            f"household {household.household_id} has under 14 days of readings left once "
            f"vacancies and outages are set aside: {'; '.join(result['warnings'][row])}"
        )
    weather = prepared.temperature_c is not None
    method = _method(model, household, horizon_hours, weather, prepared.known_days)
    return Forecast(
        horizon=_iso_duration(horizon_hours),
        interval="PT1H",
        start=result["start"],
        kwh=tuple(float(v) for v in result["kwh"][row]),
        p10=tuple(float(v) for v in result["p10"][row]),
        p50=tuple(float(v) for v in result["p50"][row]),
        p90=tuple(float(v) for v in result["p90"][row]),
        annual_kwh=float(result["annual_kwh"][row]),
        annual_kwh_p10=float(result["annual_kwh_p10"][row]),
        annual_kwh_p90=float(result["annual_kwh_p90"][row]),
        method=method,
        warnings=tuple(prepared.notes) + tuple(result["warnings"][row]),
    )


def _last_year(household: Household) -> tuple[np.ndarray, int]:
    """The household's hourly readings up to its last reading, at most 365 days of them, and
    their first hour (UTC nanoseconds); :class:`InsufficientData` for fewer than 14 days."""
    kwh, start_ns = hourly_values(household.readings_kwh, "readings")
    read = np.flatnonzero(~np.isnan(kwh))
    end = int(read[-1]) + 1 if len(read) else len(kwh)  # trailing gaps are not history
    begin = max(0, end - HOURS_PER_YEAR)  # the hours after the last one less 365 days
    kwh = kwh[begin:end]
    known = int(np.count_nonzero(~np.isnan(kwh)))
    if known < MIN_HISTORY_HOURS:
        raise InsufficientData(
            f"household {household.household_id} has {known} hourly readings "
            f"({known / 24:.1f} days); forecasting needs at least 14 days "
            f"({MIN_HISTORY_HOURS} hourly readings)"
        )
    return kwh, start_ns + begin * HOUR_NS


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
        f"{days} days; P10/P50/P90 from cross-fitted residual quantiles{_calibrated(model, days)}, "
        "at zero where the history reads zero at a similar level"
    )


def _calibrated(model: GlobalForecaster, days: int) -> str:
    """What the method says of the short-horizon bands' calibration (see calibration.py)."""
    backtest_days = model.band_backtest_days
    if backtest_days == 0 or 24 * days < backtest_min_history_hours(backtest_days):
        return ""
    return f" (the first week's calibrated to day-ahead backtests of its last {backtest_days} days)"


def train_global_forecaster(
    series: list[pd.Series],
    temperatures: list[pd.Series | None] | None = None,
    random_state: int = 0,
) -> GlobalForecaster:
    """Fit the one global forecaster across many households: ``series`` hourly kWh per household
    on tz-aware UTC indexes (NaN for gaps, at least 14 days each), ``temperatures`` hourly °C
    aligned with them, ``random_state`` the seed of the sub-sampling and the trees. Returns the
    fitted :class:`GlobalForecaster` (save it with :func:`joblib.dump`)."""
    return GlobalForecaster(random_state=random_state).fit(series, temperatures=temperatures)
