"""hourly_values: regular_hourly's values and first hour, with or without its Series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from recommender.errors import InvalidInput
from recommender.forecast.data import (
    hourly_kwh,
    hourly_values,
    minutes_past_the_hour,
    regular_hourly,
)


def _as_regular_hourly(series: pd.Series) -> tuple[np.ndarray, int]:
    hourly = regular_hourly(series)
    first = int(pd.DatetimeIndex(hourly.index).as_unit("ns").asi8[0]) if len(hourly) else 0
    return hourly.to_numpy(dtype=np.float64), first


@given(
    hours=st.lists(st.integers(0, 60), min_size=0, max_size=40, unique=True),
    zone=st.sampled_from(["UTC", "Europe/London", "Asia/Kolkata"]),
    shuffle=st.booleans(),
    unit=st.sampled_from(["ns", "us", "s"]),
)
def test_the_values_and_first_hour_are_regular_hourlys(hours, zone, shuffle, unit) -> None:
    stamps = pd.Timestamp("2024-03-30", tz="UTC") + pd.to_timedelta(sorted(hours), unit="h")
    index = pd.DatetimeIndex(stamps).tz_convert(zone).as_unit(unit)
    series = pd.Series(np.arange(len(hours), dtype=np.int64), index=index)
    if shuffle:
        series = series.iloc[::-1]
    values, first = hourly_values(series)
    expected, expected_first = _as_regular_hourly(series)
    assert first == expected_first
    assert values.tobytes() == expected.tobytes()


def test_refusals_are_regular_hourlys() -> None:
    half_past_with_a_gap = pd.DatetimeIndex(
        ["2024-01-01 00:30", "2024-01-01 01:30", "2024-01-01 03:30"], tz="UTC"
    )
    naive = pd.date_range("2024-01-01", periods=3, freq="h")
    for index in (half_past_with_a_gap, naive):
        series = pd.Series([1.0, 2.0, 3.0], index=index)
        with pytest.raises(InvalidInput) as got:
            hourly_values(series, "readings")
        with pytest.raises(InvalidInput) as expected:
            regular_hourly(series, "readings")
        assert str(got.value) == str(expected.value)


@pytest.mark.parametrize(("zone", "minutes"), [("Asia/Kolkata", 30), ("Asia/Kathmandu", 15)])
def test_readings_on_a_zones_own_hour_are_split_into_utc_hours(zone, minutes) -> None:
    """A meter read on the hour of a UTC+05:30 or +05:45 zone: each whole UTC hour takes its
    minutes' share of the two readings it spans; nothing is created or lost inside."""
    local_hours = pd.date_range("2024-01-01", periods=48, freq="h", tz=zone)
    kwh = np.random.default_rng(0).gamma(2.0, 0.2, size=48)
    kwh[10] = np.nan
    series = pd.Series(kwh, index=local_hours)
    assert minutes_past_the_hour(series) == minutes
    values, first = hourly_values(series)
    first_reading = local_hours[0].tz_convert("UTC")
    assert pd.Timestamp(first, tz="UTC") == first_reading.floor("h") + pd.Timedelta(hours=1)
    earlier = minutes / 60  # each UTC hour's minutes from the reading that began before it
    for hour in (0, 20, 46):
        expected = earlier * kwh[hour] + (1 - earlier) * kwh[hour + 1]
        assert values[hour] == pytest.approx(expected, rel=1e-12)
    assert np.isnan(values[9]) and np.isnan(values[10]) and not np.isnan(values[11])
    inside = values[11:].sum()  # the UTC hours after the gap: readings 11 to 47
    assert inside == pytest.approx(
        kwh[11:].sum() - earlier * kwh[47] - (1 - earlier) * kwh[11], rel=1e-12
    )


def test_on_the_hour_is_zero_minutes_past() -> None:
    series = pd.Series([1.0], index=pd.DatetimeIndex(["2024-01-01 05:00"], tz="UTC"))
    assert minutes_past_the_hour(series) == 0


def test_a_meter_file_on_a_zones_own_hour_is_split_the_same_way() -> None:
    """hourly_kwh (greenrec evaluate, training) and hourly_values (answers) split alike."""
    local_hours = pd.date_range("2024-01-01", periods=30, freq="h", tz="Asia/Kolkata")
    series = pd.Series(np.linspace(0.1, 3.0, 30), index=local_hours)
    values, first = hourly_values(series)
    hourly = hourly_kwh(series.iloc[::-1])  # a file in any order
    assert hourly.index[0] == pd.Timestamp(first, tz="UTC") and hourly.index.freq == "h"
    assert hourly.to_numpy().tobytes() == values.tobytes()
