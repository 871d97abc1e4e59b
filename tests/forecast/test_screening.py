"""The screening rules on the real sample-0 meter, with problems planted at their boundaries."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recommender.forecast.screening import (
    OUTAGE_MIN_HOURS,
    VACANT_FRACTION,
    VACANT_MIN_DAYS,
    level_shift,
    local_day_lengths,
    screen_history,
)

ZONE = "Europe/London"


def _year(meter0) -> tuple[np.ndarray, pd.DatetimeIndex]:
    year = meter0["2020-04-02":"2021-04-01"]
    return year.to_numpy()[None, :].copy(), pd.DatetimeIndex(year.index)


def test_the_untouched_meter_raises_nothing(meter0):
    kwh, index = _year(meter0)
    result = screen_history(kwh, index, ZONE)
    assert result.warnings == [[]]
    np.testing.assert_array_equal(result.kwh, kwh)


def test_a_vacancy_needs_its_full_run_of_low_days(meter0):
    kwh, index = _year(meter0)
    start = 24 * 100
    low = kwh.copy()
    low[0, start : start + 24 * (VACANT_MIN_DAYS - 1)] *= VACANT_FRACTION / 2  # one day short
    assert not screen_history(low, index, ZONE).warnings[0]
    low[0, start : start + 24 * (VACANT_MIN_DAYS + 1)] *= VACANT_FRACTION / 2
    result = screen_history(low, index, ZONE)
    assert [w.split(":")[0] for w in result.warnings[0]] == ["vacancy"]
    assert np.isnan(result.kwh[0, start + 24 * 2 : start + 24 * VACANT_MIN_DAYS]).all()


def test_a_day_of_zeros_is_an_outage_and_a_day_missing_a_gap(meter0):
    kwh, index = _year(meter0)
    planted = kwh.copy()
    planted[0, 2000 : 2000 + OUTAGE_MIN_HOURS] = 0.0
    planted[0, 4000 : 4000 + OUTAGE_MIN_HOURS] = np.nan
    planted[0, 6000 : 6000 + OUTAGE_MIN_HOURS - 1] = 0.0  # an hour short: not an outage
    result = screen_history(planted, index, ZONE)
    assert sorted(w.split(":")[0] for w in result.warnings[0]) == ["gap", "outage"]
    assert np.isnan(result.kwh[0, 2000 : 2000 + OUTAGE_MIN_HOURS]).all()
    assert (result.kwh[0, 6000 : 6000 + OUTAGE_MIN_HOURS - 1] == 0.0).all()


def test_gas_zeros_are_its_season_not_a_vacancy(meter0):
    kwh, index = _year(meter0)
    summer = kwh.copy()
    summer[0, 24 * 60 : 24 * 150] = 0.0
    result = screen_history(summer, index, ZONE, fuel="gas")
    np.testing.assert_array_equal(result.kwh, summer)
    assert [w.split(":")[0] for w in result.warnings[0]] == ["gas"]


def test_level_shift_is_found_against_the_shape_not_the_raw_level():
    rng = np.random.default_rng(0)
    shape = 1.0 + 0.5 * np.sin(np.linspace(0, 2 * np.pi, 1000))  # a season the shape explains
    actual = shape * rng.lognormal(0.0, 0.2, 1000)
    position, change = level_shift(actual[None, :], shape[None, :], 50)
    assert position[0] == -1  # the season alone is no shift
    actual[700:] *= 0.6
    position, change = level_shift(actual[None, :], shape[None, :], 50)
    assert abs(position[0] - 700) <= 10 and abs(change[0] - 0.6) < 0.06


def test_local_days_know_their_true_length():
    index = pd.date_range("2024-10-26 12:00", "2024-10-28 05:00", freq="h", tz=ZONE)
    starts, hours = local_day_lengths(index.tz_convert("UTC"), ZONE)
    assert hours.tolist() == [24, 25, 24]  # the autumn change on the 27th
    assert np.diff(np.r_[starts, len(index)]).tolist() == [12, 25, 6]


@pytest.mark.parametrize(
    "zone", ["Europe/London", "America/Havana", "Australia/Lord_Howe", "Pacific/Apia", "UTC"]
)
def test_day_lengths_from_cached_tables_equal_each_days_own(zone) -> None:
    """Across New Year, DST (an hour, half an hour, at midnight) and a skipped day (Apia,
    2011-12-30), every local day gets the hours it truly has, as computed for it alone (a day
    begins at its first instant: after a skipped midnight, or at the first of two)."""
    from recommender.forecast.features import local_days
    from recommender.forecast.screening import local_day_lengths

    index = pd.date_range("2011-12-20", periods=24 * 800 + 5, freq="h", tz="UTC")
    starts, hours = local_day_lengths(index, zone)
    days = local_days(index, zone)[starts]
    dates = pd.DatetimeIndex(days.astype("datetime64[ns]"))
    first = np.ones(len(dates), dtype=bool)  # of two midnights, the earlier
    begin = dates.tz_localize(zone, ambiguous=first, nonexistent="shift_forward")
    end = (dates + pd.Timedelta(days=1)).tz_localize(
        zone, ambiguous=first, nonexistent="shift_forward"
    )
    expected = np.asarray((end - begin) / pd.Timedelta(hours=1), dtype=np.float64)
    np.testing.assert_array_equal(hours, expected.astype(int))
    if zone == "America/Havana":  # the clocks go back from 01:00 to 00:00: a 25-hour day
        assert 25 in hours
    assert 23 in hours or zone == "UTC"  # the span holds a spring change


def test_every_excluded_run_of_zeros_is_told(meter0):
    """A week of zeros that starts mid-day fills only six whole low days (no vacancy), and a year
    of zeros has no median day to be a vacancy of: both are excluded, so both are told."""
    kwh, index = _year(meter0)
    midday = 24 * 100 + 12 - int(index[0].tz_convert(ZONE).hour)
    week = kwh.copy()
    week[0, midday : midday + 24 * VACANT_MIN_DAYS + 2] = 0.0
    result = screen_history(week, index, ZONE)
    assert [w.split(":")[0] for w in result.warnings[0]] == ["outage"]
    assert np.isnan(result.kwh[0, midday : midday + 24 * VACANT_MIN_DAYS + 2]).all()
    result = screen_history(np.zeros_like(kwh), index, ZONE)
    assert [w.split(":")[0] for w in result.warnings[0]] == ["outage"]
    assert np.isnan(result.kwh).all()


def test_zeros_within_a_vacancy_are_told_once_as_the_vacancy(meter0):
    kwh, index = _year(meter0)
    start = 24 * 100 - int(index[0].tz_convert(ZONE).hour)  # a local midnight
    away = kwh.copy()
    away[0, start : start + 24 * (VACANT_MIN_DAYS + 3)] *= VACANT_FRACTION / 2
    away[0, start + 48 : start + 96] = 0.0  # two days of zeros in the fortnight away
    result = screen_history(away, index, ZONE)
    assert [w.split(":")[0] for w in result.warnings[0]] == ["vacancy"]
