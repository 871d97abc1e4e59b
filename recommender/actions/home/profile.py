"""What a household's own meter readings say: its yearly use, daily shape, baseload, usual peak."""

from __future__ import annotations

from dataclasses import dataclass

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
    """Profile of ``household``'s hourly readings; InsufficientData with under two weeks of them."""
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
    hours = np.asarray(local.hour)
    hourly = last.groupby(hours).mean().reindex(range(24)).to_numpy(dtype=float)
    hourly = np.where(np.isnan(hourly), np.nanmean(hourly), hourly)
    if forecast is not None:
        annual, source = float(forecast.annual_kwh), "the usage forecast"
    else:
        annual = float(last.mean()) * 8760.0
        source = f"the last {n_days} days of readings, scaled to a year"
    at_night = (hours >= NIGHT_HOURS[0]) & (hours < NIGHT_HOURS[1])
    nightly_min = last[at_night].groupby(days[at_night]).min()
    day_slice = hourly[DAY_HOURS[0] : DAY_HOURS[1]]
    return LoadProfile(
        hourly_kwh=hourly,
        annual_kwh=annual,
        annual_kwh_source=source,
        baseload_kw=float(nightly_min.median()),
        baseload_kw_p10=float(nightly_min.quantile(0.1)),
        baseload_kw_p90=float(nightly_min.quantile(0.9)),
        peak_hour=DAY_HOURS[0] + int(np.argmax(day_slice)),
        n_days=n_days,
        last_year_kwh=last,
        last_year_days=days,
    )
