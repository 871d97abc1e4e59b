"""Sample households for the demo, the docs and the tests, built from the bundled real meters.

The readings (and temperatures) are real: OpenEEmeter's UK sample meter 0, hourly, 2020-04 to
2022-12. Everything else is a documented assumption, because no open data ties appliances or
travel diaries to that meter (data/README.md):
- tariff: flat 0.245 GBP/kWh, the Ofgem price cap for electricity in 2024 (rounded);
- appliances: a dishwasher 5 cycles a week, usually started at 19:00 (the canonical household of
  docs/product.md), a washing machine 4 a week and a tumble dryer 2 a week with start times left
  for the engine to infer from the load profile;
- trips: a 12 km weekday commute by petrol car (out 08:00, back 17:30 local) and a 3 km school
  run by car (08:30), over the last 8 weeks of the readings; one 700 km return
  short-haul flight in that period.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from recommender.io.importers import read_eemeter_meter, read_eemeter_temperature
from recommender.resources import data_path

SAMPLE_METER = "meters/uk-electricity-sample-0.csv.gz"
SAMPLE_TEMPERATURE = "meters/uk-temperature-sample-0.csv.gz"
TIMEZONE = "Europe/London"


def _weekday_trips(last: pd.Timestamp, weeks: int) -> list[dict[str, Any]]:
    local_days = pd.date_range(
        end=last.tz_convert(TIMEZONE).normalize(), periods=weeks * 7, freq="D", tz=TIMEZONE
    )
    trips: list[dict[str, Any]] = []
    for day in local_days[local_days.day_of_week < 5]:
        for hour, minute, km, purpose in (
            (8, 0, 12.0, "commute"),
            (17, 30, 12.0, "commute"),
            (8, 30, 3.0, "school"),
        ):
            start = (day + pd.Timedelta(hours=hour, minutes=minute)).tz_convert("UTC")
            trips.append(
                {
                    "start": start.isoformat(),
                    "distance_km": km,
                    "mode": "car_petrol",
                    "purpose": purpose,
                    "passengers": 1,
                }
            )
    return trips


def sample_household_payload(weeks_of_trips: int = 8) -> dict[str, Any]:
    """The demo household as a canonical JSON payload (docs/product.md), real readings included."""
    readings = read_eemeter_meter(data_path(SAMPLE_METER))
    temperature = read_eemeter_temperature(data_path(SAMPLE_TEMPERATURE))
    last = readings.index.max()
    flight_day = (last - pd.Timedelta(days=20)).normalize() + pd.Timedelta(hours=7)
    trips = _weekday_trips(last, weeks_of_trips)
    window = temperature.loc[readings.index[0] : last]
    for leg in (flight_day, flight_day + pd.Timedelta(days=4)):
        trips.append(
            {
                "start": leg.isoformat(),
                "distance_km": 700.0,
                "mode": "flight_short_haul",
                "purpose": "holiday",
                "passengers": 1,
            }
        )
    return {
        "household_id": "h-sample-0",
        "region": "GB",
        "timezone": TIMEZONE,
        "tariff": {"type": "flat", "price_per_kwh": 0.245, "currency": "GBP"},
        "appliances": [
            {"kind": "dishwasher", "cycles_per_week": 5, "usual_start": "19:00"},
            {"kind": "washing_machine", "cycles_per_week": 4},
            {"kind": "tumble_dryer", "cycles_per_week": 2},
        ],
        "readings": {
            "start": readings.index[0].isoformat(),
            "interval_minutes": 60,
            "kwh": [round(float(v), 4) for v in readings.to_numpy()],
        },
        "temperature": [
            {"timestamp": stamp.isoformat(), "celsius": round(float(c), 2)}
            for stamp, c in zip(window.index, window.to_numpy(), strict=True)
        ],
        "trips": trips,
        "preferences": {"quiet_hours": ["22:00", "07:00"], "max_extra_minutes_per_trip": 15},
    }
