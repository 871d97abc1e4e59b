"""When local days begin: 00:00, the first of two midnights, or the first time after a skip."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recommender.clock import DAY_NS, day_starts_ns, local_midnight


@pytest.mark.parametrize("zone", ["Europe/London", "America/Havana", "America/Santiago", "UTC"])
def test_each_day_of_two_years_begins_where_its_first_hour_is(zone) -> None:
    hours = pd.date_range("2021-01-01", "2022-12-31", freq="h", tz="UTC")
    wall = hours.tz_convert(zone).tz_localize(None).as_unit("ns").asi8
    days = wall // DAY_NS
    first_hour = np.r_[True, days[1:] != days[:-1]]
    starts = day_starts_ns(days[first_hour], zone)
    # every whole day begins at most an hour before the first UTC hour seen in it (the first
    # day is cut by the range's start)
    gap = (hours.as_unit("ns").asi8[first_hour] - starts)[1:]
    assert ((gap >= 0) & (gap < 3_600 * 10**9 + 1)).all()
    np.testing.assert_array_equal(np.diff(starts) > 0, True)


def test_havana_days_that_skip_or_repeat_midnight() -> None:
    skipped = local_midnight(pd.Timestamp("2022-03-13T12:00:00-04:00"), "America/Havana")
    assert skipped.isoformat() == "2022-03-13T01:00:00-04:00"  # 00:00 never happened
    repeated = local_midnight(pd.Timestamp("2022-11-05T12:00:00-04:00"), "America/Havana", 1)
    assert repeated.isoformat() == "2022-11-06T00:00:00-04:00"  # the first of two midnights
    london = local_midnight(pd.Timestamp("2022-10-30T12:00:00Z"), "Europe/London", 1)
    assert london.isoformat() == "2022-10-31T00:00:00+00:00"  # after a 25-hour day
