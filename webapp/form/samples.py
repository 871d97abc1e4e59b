"""The sample households a person can pick instead of uploading, and the form's defaults.

The readings are real (OpenEEmeter's UK sample meters, data/meters, Apache-2.0); the defaults for
appliances, trips and flights are those of recommender.samples' demo household: a dishwasher 5 a
week at 19:00, a washing machine 4 and a tumble dryer 2; a 12 km weekday commute by petrol car out
at 08:00 and back at 17:30, a 3 km school run at 08:30; one 700 km return flight a year.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pandas as pd

from recommender.io.importers import read_eemeter_meter, read_eemeter_temperature
from recommender.resources import data_path
from webapp.form.household import series_rows

Rows = list[dict[str, Any]]

Rows = list[dict[str, Any]]

SAMPLES = {
    "uk-0": (
        "UK home A, 2020-2022",
        "meters/uk-electricity-sample-0.csv.gz",
        "meters/uk-temperature-sample-0.csv.gz",
    ),
    "uk-1": (
        "UK home B",
        "meters/uk-electricity-sample-1.csv.gz",
        None,
    ),
}
DEFAULTS: dict[str, Any] = {
    "sample": "uk-0",
    "appliances": [
        {"kind": "dishwasher", "cycles_per_week": "5", "usual_start": "19:00"},
        {"kind": "washing_machine", "cycles_per_week": "4", "usual_start": ""},
        {"kind": "tumble_dryer", "cycles_per_week": "2", "usual_start": ""},
    ],
    "trips": [
        {
            "distance_km": "12",
            "mode": "car_petrol",
            "days": ["0", "1", "2", "3", "4"],
            "departure": "08:00",
            "return_at": "17:30",
            "purpose": "commute",
        },
        {
            "distance_km": "3",
            "mode": "car_petrol",
            "days": ["0", "1", "2", "3", "4"],
            "departure": "08:30",
            "purpose": "school",
        },
    ],
    "flights": [{"distance_km": "700", "mode": "flight_short_haul", "returns_per_year": "1"}],
}


@cache
def sample_readings(sample_id: str) -> tuple[Rows, Rows | None, pd.Timestamp]:
    """A sample's readings (and temperatures) as payload rows, and its last reading's time."""
    _, meter, temperature = SAMPLES[sample_id]
    readings = read_eemeter_meter(data_path(meter))
    temps = read_eemeter_temperature(data_path(temperature)) if temperature else None
    if temps is not None:
        temps = temps.loc[readings.index[0] : readings.index[-1]]
    rows = series_rows(readings, "kwh")
    return rows, series_rows(temps, "celsius") if temps is not None else None, readings.index[-1]
