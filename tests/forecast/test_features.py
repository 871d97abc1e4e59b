"""Calendar, daylight and temperature features against hand calculations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recommender.forecast.features import (
    CALENDAR_NAMES,
    CalendarFeatures,
    DegreeDayFeatures,
    calendar_matrix,
    daylight_hours,
    temperature_matrix,
)


def test_local_hour_moves_with_summer_time():
    # 27 March 2022: clocks go forward at 01:00 UTC in London.
    idx = pd.date_range("2022-03-27 00:00", periods=3, freq="h", tz="UTC")
    hours = calendar_matrix(idx, "Europe/London")[:, CALENDAR_NAMES.index("hour")]
    assert hours.tolist() == [0.0, 2.0, 3.0]


def test_day_length_at_the_solstices_in_london():
    # Published day lengths for London (51.5 N): about 16 h 38 min in June, 7 h 50 min in December.
    june, december = daylight_hours(np.array([172, 355]), 51.5)
    assert june == pytest.approx(16.6, abs=0.25)
    assert december == pytest.approx(7.8, abs=0.25)


def test_temperature_day_mean_is_the_local_day_mean():
    idx = pd.date_range("2021-01-04 00:00", periods=48, freq="h", tz="UTC")
    temps = np.r_[np.arange(24.0), np.full(24, 5.0)]
    features = temperature_matrix(temps[None, :], idx, "Europe/London")[0]
    assert features[3, 1] == pytest.approx(np.mean(np.arange(24.0)))
    assert features[30, 1] == pytest.approx(5.0)
    # the smoothed temperature lags the step: between the old and new level
    assert 5.0 < features[30, 2] < 23.0


def test_no_weather_gives_no_temperature_features_and_one_reading_does():
    idx = pd.date_range("2021-01-04 00:00", periods=48, freq="h", tz="UTC")
    none = temperature_matrix(np.full((2, 48), np.nan), idx, "Europe/London")
    assert none.shape == (2, 48, 3) and np.isnan(none).all()
    one = np.full((1, 48), np.nan)
    one[0, 10] = 4.0
    features = temperature_matrix(one, idx, "Europe/London")[0]
    assert features[10].tolist() == [4.0, 4.0, 4.0]
    assert np.isnan(features[11]).all()  # after the last known hour: calendar alone


def test_calendar_transformer_names_and_values():
    seconds = [[pd.Timestamp("2024-01-06 09:00", tz="UTC").timestamp()]]  # a Saturday
    transformer = CalendarFeatures().fit(seconds)
    row = transformer.transform(seconds)[0]
    assert row[:3].tolist() == [9.0, 5.0, 1.0]
    assert transformer.get_feature_names_out()[0] == "x0_hour"


def test_degree_days_by_hand():
    transformer = DegreeDayFeatures(base_heating_c=15.5, base_cooling_c=22.0)
    out = transformer.fit_transform(np.array([[10.0], [25.0], [18.0]]))
    assert out.tolist() == [[5.5, 0.0], [0.0, 3.0], [0.0, 0.0]]
    assert transformer.get_feature_names_out().tolist() == ["hdd_x0", "cdd_x0"]


@pytest.mark.parametrize(
    "timezone",
    ["Europe/London", "America/St_Johns", "Asia/Kathmandu", "Australia/Lord_Howe", "UTC"],
)
@pytest.mark.parametrize("start", ["2019-12-30 17:00", "2020-03-08 00:00", "2021-10-31 01:00"])
def test_local_days_sliced_from_cached_years_equal_stamp_by_stamp(timezone, start) -> None:
    """Across New Year, DST changes and half-hour zones, in UTC or local stamps, and for an
    irregular index (read stamp by stamp), the cached years give every stamp's local date."""
    from recommender.forecast.features import local_days

    hourly = pd.date_range(start, periods=24 * 500 + 7, freq="h", tz="UTC")
    for index in (hourly, hourly.tz_convert(timezone), hourly[::7]):
        expected = index.tz_convert(timezone).tz_localize(None).normalize().as_unit("ns").asi8
        np.testing.assert_array_equal(local_days(index, timezone), expected)
