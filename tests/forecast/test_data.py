"""Hourly summing of raw meter files and the local-date splits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recommender.errors import InvalidInput
from recommender.forecast.data import hourly_kwh, local_date_mask
from recommender.io.importers import read_eemeter_meter


def test_half_hours_sum_to_hours_on_the_real_meter(meter1_path):
    raw = read_eemeter_meter(meter1_path)
    hourly = hourly_kwh(raw)
    hour = pd.Timestamp("2013-01-15 18:00", tz="UTC")
    by_hand = raw[hour : hour + pd.Timedelta(minutes=30)]
    assert len(by_hand) == 2
    assert hourly[hour] == pytest.approx(by_hand.sum())


def test_exact_duplicate_rows_are_counted_once(meter1_path):
    raw = read_eemeter_meter(meter1_path)
    stamp = pd.Timestamp("2013-03-24 00:00", tz="UTC")
    assert (raw.index == stamp).sum() == 2  # the file repeats this half-hour, same value
    expected = raw[stamp].iloc[0] + raw[stamp + pd.Timedelta(minutes=30)]
    assert hourly_kwh(raw)[stamp] == pytest.approx(expected)


def test_the_real_one_day_gap_stays_a_gap(meter1_path):
    hourly = hourly_kwh(read_eemeter_meter(meter1_path))
    gap = hourly["2012-11-08 01:00":"2012-11-08 23:00"]
    assert gap.isna().all()
    steps = np.diff(hourly.index.asi8)
    assert (steps == steps[0]).all()  # a regular hourly index, the gap as NaN rows


def test_a_half_read_hour_is_a_gap_not_a_low_hour():
    idx = pd.DatetimeIndex(
        [
            "2024-01-01 00:00",
            "2024-01-01 00:30",
            "2024-01-01 01:00",
            "2024-01-01 02:00",
            "2024-01-01 02:30",
        ],
        tz="UTC",
    )
    hourly = hourly_kwh(pd.Series([0.1, 0.2, 0.4, 0.3, 0.3], index=idx))
    assert hourly.iloc[0] == pytest.approx(0.3)
    assert np.isnan(hourly.iloc[1])
    assert hourly.iloc[2] == pytest.approx(0.6)


def test_conflicting_duplicates_are_refused_with_every_timestamp():
    idx = pd.DatetimeIndex(
        [
            "2024-01-01 00:00",
            "2024-01-01 00:00",
            "2024-01-01 01:00",
            "2024-01-01 01:00",
            "2024-01-01 02:00",
        ],
        tz="UTC",
    )
    with pytest.raises(InvalidInput) as error:
        hourly_kwh(pd.Series([0.1, 0.2, 0.3, 0.4, 0.5], index=idx))
    assert len(error.value.problems) == 2


def test_local_dates_follow_the_household_clock():
    idx = pd.date_range("2021-06-30 22:00", periods=4, freq="h", tz="UTC")
    # 23:00 UTC on 30 June is already 1 July in London (BST).
    mask = local_date_mask(idx, "Europe/London", "2021-07-01", "2021-07-01")
    assert mask.tolist() == [False, True, True, True]
