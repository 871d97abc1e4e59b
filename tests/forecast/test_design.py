"""Short-horizon design rows: every lag reads only hours before its origin."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recommender.forecast.design import (
    LAG_NAMES,
    SHORT_FEATURES,
    Timeline,
    household_profiles,
    short_rows,
)


def _rows(kwh: np.ndarray, index: pd.DatetimeIndex, origins: np.ndarray):
    timeline = Timeline(index, "Europe/London", 52.0, None)
    history = kwh[:, : origins[0]]
    scale = np.nanmean(history, axis=1)
    week, day = household_profiles(history, timeline.how[: origins[0]], scale)
    return short_rows(timeline, kwh, origins, 24, week, day)


def test_lags_ignore_every_reading_from_the_origin_on(meter0):
    hours = meter0["2021-01-04":"2021-03-07"]
    index = pd.DatetimeIndex(hours.index)
    kwh = np.array(hours, dtype=np.float64)[None, :]
    origins = np.array([24 * 28, 24 * 35, 24 * 42])
    rows, scale = _rows(kwh, index, origins)
    lag_columns = [SHORT_FEATURES.index(name) for name in LAG_NAMES]
    for origin_number, origin in enumerate(origins):
        changed = kwh.copy()
        changed[:, origin:] = np.random.default_rng(0).uniform(0, 50, changed[:, origin:].shape)
        rows_changed, scale_changed = _rows(changed, index, origins)
        np.testing.assert_array_equal(
            rows_changed[0, origin_number][:, lag_columns], rows[0, origin_number][:, lag_columns]
        )
        assert scale_changed[0, origin_number] == scale[0, origin_number]
    # the recent means by hand, in units of the 28-day scale before the origin
    origin = origins[0]
    scale_28d = kwh[0, origin - 672 : origin].mean()
    for name, hours_back in (("mean_1h", 1), ("mean_6h", 6), ("mean_24h", 24)):
        expected = kwh[0, origin - hours_back : origin].mean() / scale_28d
        got = rows[0, 0, :, SHORT_FEATURES.index(name)]
        np.testing.assert_allclose(got, expected)


@pytest.mark.parametrize(
    ("start", "hours", "zone"),
    [
        ("2020-12-31 22:00", 20_000, "Europe/London"),  # two year ends, four DST changes
        ("2021-03-14 05:00", 30, "America/New_York"),
        ("2019-01-01 00:00", 3 * 8760, "Asia/Kolkata"),
        ("2023-05-05 13:30", 48, "Europe/Paris"),  # not on the hour: computed directly
    ],
)
def test_cached_calendar_years_give_the_direct_calendar(start, hours, zone) -> None:
    from recommender.forecast.design import calendar_and_hour_of_week
    from recommender.forecast.features import calendar_matrix, hour_of_week

    index = pd.date_range(start, periods=hours, freq="h", tz="UTC")
    calendar, how = calendar_and_hour_of_week(index, zone, 48.5)
    np.testing.assert_array_equal(calendar, calendar_matrix(index, zone, 48.5))
    np.testing.assert_array_equal(how, hour_of_week(index, zone))
    assert how.dtype == hour_of_week(index, zone).dtype
    assert not calendar.flags.writeable and not how.flags.writeable
