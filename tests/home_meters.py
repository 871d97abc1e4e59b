"""Meters the bundled data does not hold, made as a user would send them: a daily-only meter's
readings summed from the real hourly ones, and a simulated gas meter on real temperatures; and
the forecasts the home actions read."""

from __future__ import annotations

import numpy as np
import pandas as pd

from recommender.domain import Forecast
from recommender.forecast.data import daily_kwh

WEEK = {"PT1H": (168, 0.3), "P1D": (7, 7.2)}  # values in a week and a plain value (kWh) each


def week_forecast(start: pd.Timestamp | str, annual_kwh: float, interval: str = "PT1H") -> Forecast:
    """A week-long forecast's fields the home actions read: its start, its interval and number
    of values (hourly or daily), and its annual total."""
    n_values, value = WEEK[interval]
    kwh = (value,) * n_values
    return Forecast(
        horizon="P7D",
        interval=interval,
        start=pd.Timestamp(start),
        kwh=kwh,
        p10=kwh,
        p50=kwh,
        p90=kwh,
        annual_kwh=annual_kwh,
        annual_kwh_p10=annual_kwh * 0.9,
        annual_kwh_p90=annual_kwh * 1.1,
        method="test",
    )


def whole_local_days(hourly: pd.Series, zone: str) -> pd.Series:
    """What a daily-only meter sends for ``hourly`` readings: the kWh of each whole local day, at
    the day's local midnight in UTC (the library's :func:`daily_kwh`, part days left out)."""
    return daily_kwh(hourly, zone).dropna()


def daily_payload(payload: dict, zone: str = "Europe/London") -> dict:
    """``payload`` (canonical JSON, compact hourly readings) with its readings as a daily meter
    sends them: one reading per whole local day, at local midnight."""
    compact = payload["readings"]
    index = pd.date_range(compact["start"], periods=len(compact["kwh"]), freq="h")
    days = whole_local_days(pd.Series(compact["kwh"], index=index, dtype=float), zone)
    readings = [
        {"timestamp": day.tz_convert(zone).isoformat(), "kwh": round(float(kwh), 4)}
        for day, kwh in days.items()
    ]
    return {**payload, "readings": readings}


def simulated_gas_meter(temperature_c: pd.Series, zone: str, seed: int = 0) -> pd.Series:
    """SIMULATED hourly gas readings (no open gas meter is bundled in data/): a UK home heated by
    gas, driven by the REAL outdoor temperatures given.

    Assumptions: each local day burns 8 kWh for hot water and cooking plus 3 kWh per heating
    degree-day (base 15.5 °C), about 8,700 kWh a year on sample-0's weather; the day's gas is
    burnt evenly over the heating hours 06:00-09:00 and 16:00-22:00 (local); each day's total
    varies by a normal 10 % (seeded).
    """
    local = temperature_c.dropna().tz_convert(zone)
    daily_c = local.groupby(local.index.normalize()).mean()
    rng = np.random.default_rng(seed)
    daily_kwh = (8.0 + 3.0 * np.clip(15.5 - daily_c, 0.0, None)) * rng.normal(
        1.0, 0.1, len(daily_c)
    )
    end = daily_c.index[-1] + pd.DateOffset(days=1)
    hours = pd.date_range(daily_c.index[0], end, freq="h", inclusive="left")
    on = (hours.hour >= 6) & (hours.hour < 9) | (hours.hour >= 16) & (hours.hour < 22)
    day = hours.normalize()
    per_hour = daily_kwh.reindex(day).to_numpy() / pd.Series(on).groupby(day).transform("sum")
    return pd.Series(np.where(on, per_hour.to_numpy(), 0.0), index=hours.tz_convert("UTC"))


def gas_sample_payload(sample_payload: dict, temperature_c: pd.Series) -> dict:
    """The bundled sample (real temperatures, trips, appliances) declared ``"fuel": "gas"`` with
    :func:`simulated_gas_meter` readings (compact hourly, 4 decimals) on its own temperatures."""
    meter = simulated_gas_meter(temperature_c, "Europe/London")
    readings = {
        "start": meter.index[0].isoformat(),
        "interval_minutes": 60,
        "kwh": [round(float(v), 4) for v in meter],
    }
    return {**sample_payload, "fuel": "gas", "readings": readings}
