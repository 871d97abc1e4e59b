"""hourly_values: regular_hourly's values and first hour, with or without its Series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from recommender.errors import InvalidInput
from recommender.forecast.data import hourly_values, regular_hourly


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
    half_past = pd.date_range("2024-01-01 00:30", periods=3, freq="h", tz="UTC")
    naive = pd.date_range("2024-01-01", periods=3, freq="h")
    for index in (half_past, naive):
        series = pd.Series([1.0, 2.0, 3.0], index=index)
        with pytest.raises(InvalidInput) as got:
            hourly_values(series, "readings_kwh")
        with pytest.raises(InvalidInput) as expected:
            regular_hourly(series, "readings_kwh")
        assert str(got.value) == str(expected.value)
