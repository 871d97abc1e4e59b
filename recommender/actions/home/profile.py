"""What a household's own meter readings say: its yearly use, daily shape, baseload, usual peak."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple, cast

import numpy as np
import pandas as pd

from recommender.domain import Forecast, Household
from recommender.errors import InsufficientData

NIGHT_HOURS = (0, 5)  # local hours [0, 5): the always-on load shows as the night-time minimum
DAY_HOURS = (7, 23)  # local hours searched for the usual peak (appliances are run awake)
MIN_DAYS = 14


@dataclass(frozen=True)
class LoadProfile:
    """A household's electricity use as the actions need it (local time of ``timezone``).

    ``hourly_kwh``: mean kWh in each local hour 0-23 over the last year of readings;
    ``annual_kwh``: from the forecast when given, else the last 365 days scaled to a year;
    ``baseload_kw``: median over nights of the lowest hourly reading between 00:00 and 05:00;
    ``peak_hour``: the local hour 07-22 with the highest mean use.
    """

    hourly_kwh: np.ndarray
    annual_kwh: float
    annual_kwh_source: str
    baseload_kw: float
    baseload_kw_p10: float
    baseload_kw_p90: float
    peak_hour: int
    n_days: int
    last_year_kwh: pd.Series  # hourly readings (UTC) of the last <= 365 days, gaps dropped
    last_year_days: pd.DatetimeIndex  # each of those readings' local day (:func:`local_days`)


def local_days(index: pd.Index, zone: str) -> pd.DatetimeIndex:
    """Each instant's local calendar day, as midnight (grouping by it, not by one Python date
    object per hour, which cost 2 ms a year of readings)."""
    return pd.DatetimeIndex(index).tz_convert(zone).tz_localize(None).normalize()


def load_profile(household: Household, forecast: Forecast | None = None) -> LoadProfile:
    """Profile of ``household``'s hourly readings; InsufficientData with under two weeks of them.
    A chunk of one of :func:`load_profiles`."""
    (item,) = load_profiles([household], [forecast])
    if isinstance(item, InsufficientData):
        raise item
    return item


def load_profiles(
    households: Sequence[Household], forecasts: Sequence[Forecast | None]
) -> list[LoadProfile | InsufficientData]:
    """:func:`load_profile` of a chunk, in order (InsufficientData items for the households
    without two weeks of hourly readings). The hour-of-day means and the nightly minima are one
    grouping each over the chunk (integer keys: household and local hour, household and local
    day), each group reduced as alone."""
    items: list[LoadProfile | InsufficientData | None] = []
    years: list[_Year] = []
    slots: list[int] = []  # the item of each year
    for i, household in enumerate(households):
        try:
            years.append(_last_year(household))
        except InsufficientData as error:
            items.append(error)
            continue
        slots.append(i)
        items.append(None)  # filled below
    if years:
        who = np.repeat(np.arange(len(years), dtype=np.int64), [len(y.kwh) for y in years])
        values = pd.Series(np.concatenate([y.kwh.to_numpy(dtype=float) for y in years]))
        hours = np.concatenate([y.hours for y in years])
        by_hour = values.groupby(who * 24 + hours).mean()
        night = (hours >= NIGHT_HOURS[0]) & (hours < NIGHT_HOURS[1])
        days = np.concatenate([y.day_numbers for y in years])
        day_key = who * (1 << 32) + (days - days.min())
        nightly = values[night].groupby(day_key[night]).min()
        bounds = np.searchsorted(nightly.index.to_numpy() >> 32, np.arange(len(years) + 1))
    for w, (i, year) in enumerate(zip(slots, years, strict=True)):
        hourly = by_hour.reindex(np.arange(24) + w * 24).to_numpy(dtype=float)
        mins = pd.Series(nightly.to_numpy()[bounds[w] : bounds[w + 1]])
        items[i] = _profile(year, forecasts[i], hourly, mins)
    return cast(list[LoadProfile | InsufficientData], items)


class _Year(NamedTuple):
    """A household's last year of readings with each reading's local day and hour."""

    household: Household
    kwh: pd.Series
    n_days: int
    days: pd.DatetimeIndex
    day_numbers: np.ndarray
    hours: np.ndarray


def _last_year(household: Household) -> _Year:
    if household.reading_interval_minutes > 60:
        raise InsufficientData(
            f"household {household.household_id}: readings are daily; hourly readings are needed "
            "for load shifting and the always-on load"
        )
    readings = household.readings_kwh.dropna()
    if readings.empty:
        raise InsufficientData(f"household {household.household_id}: no readings")
    last = readings[readings.index > readings.index.max() - pd.Timedelta(days=365)]
    n_days = int(last.index.normalize().nunique())
    if n_days < MIN_DAYS:
        raise InsufficientData(
            f"household {household.household_id}: {n_days} days of readings, {MIN_DAYS} needed"
        )
    local = pd.DatetimeIndex(last.index).tz_convert(household.timezone)
    days = local.tz_localize(None).normalize()  # local_days, converted once
    numbers = np.asarray(days, dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)
    return _Year(household, last, n_days, days, numbers, np.asarray(local.hour, dtype=np.int64))


def _profile(
    year: _Year, forecast: Forecast | None, hourly: np.ndarray, nightly_min: pd.Series
) -> LoadProfile:
    hourly = np.where(np.isnan(hourly), np.nanmean(hourly), hourly)
    if forecast is not None:
        annual, source = float(forecast.annual_kwh), "the usage forecast"
    else:
        annual = float(year.kwh.mean()) * 8760.0
        source = f"the last {year.n_days} days of readings, scaled to a year"
    day_slice = hourly[DAY_HOURS[0] : DAY_HOURS[1]]
    return LoadProfile(
        hourly_kwh=hourly,
        annual_kwh=annual,
        annual_kwh_source=source,
        baseload_kw=float(nightly_min.median()),
        baseload_kw_p10=float(nightly_min.quantile(0.1)),
        baseload_kw_p90=float(nightly_min.quantile(0.9)),
        peak_hour=DAY_HOURS[0] + int(np.argmax(day_slice)),
        n_days=year.n_days,
        last_year_kwh=year.kwh,
        last_year_days=year.days,
    )
