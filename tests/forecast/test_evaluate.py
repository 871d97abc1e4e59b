"""Metrics and baselines against hand calculations on real readings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recommender.forecast.baselines import hour_of_week_profile, same_hour_last_week
from recommender.forecast.data import align_temperature
from recommender.forecast.design import Timeline
from recommender.forecast.evaluate import (
    coverage,
    cvrmse,
    daily_totals,
    mae,
    nmbe,
    rolling_day_ahead,
)
from recommender.forecast.features import local_day_starts


def test_metrics_by_hand():
    actual = np.array([1.0, 2.0, 3.0, np.nan])
    forecast = np.array([2.0, 2.0, 2.0, 9.0])
    assert cvrmse(actual, forecast) == pytest.approx(100 * np.sqrt(2 / 3) / 2)
    assert nmbe(actual, forecast) == pytest.approx(0.0)
    assert mae(actual, forecast) == pytest.approx(2 / 3)
    assert coverage(actual, forecast - 0.5, forecast + 0.5) == pytest.approx(100 / 3)


def test_daily_totals_skip_incomplete_local_days():
    idx = pd.date_range("2021-01-01", periods=72, freq="h", tz="UTC")
    actual = np.ones(72)
    actual[30] = np.nan
    a, f = daily_totals(idx, "Europe/London", actual, np.full(72, 2.0))
    assert a.tolist() == [24.0, 24.0] and f.tolist() == [48.0, 48.0]


def test_same_hour_last_week_reads_168_hours_back(meter0):
    week = meter0["2021-01-04":"2021-01-17"].to_numpy()
    mean, lower, upper = same_hour_last_week(week, np.array([168]), 24, np.arange(168, 336))
    assert np.allclose(mean[0], week[:24])
    diffs = week[168:] - week[:168]
    assert upper[0, 0] - mean[0, 0] == pytest.approx(np.quantile(diffs, 0.9))
    assert (lower[0] <= mean[0]).all() and (mean[0] <= upper[0]).all()


def test_year_ahead_naive_repeats_the_last_week(meter0):
    week = meter0["2021-01-04":"2021-01-10"].to_numpy()
    mean, _, _ = same_hour_last_week(week, np.array([168]), 400, np.arange(168))
    assert np.allclose(mean[0, 168:336], week)


def test_hour_of_week_profile_is_the_mean_by_hand(meter0):
    train = meter0["2021-01-04":"2021-01-31"]
    local = train.index.tz_convert("Europe/London")
    how = (local.day_of_week * 24 + local.hour).to_numpy()
    mean, lower, upper = hour_of_week_profile(train.to_numpy(), how, np.array([0, 100]))
    mondays_midnight = train[(local.day_of_week == 0) & (local.hour == 0)]
    assert mean[0] == pytest.approx(mondays_midnight.mean())
    assert lower[0] <= mean[0] <= upper[0]


def test_rolling_day_ahead_rereads_the_history_before_each_week(small_model, meter1, temperature1):
    """A household whose use jumps 60 % after the training weeks: the weekly re-read catches up."""
    index = pd.date_range("2012-11-10", "2013-02-28 23:00", freq="h", tz="UTC")
    values = np.array(meter1.reindex(index), dtype=np.float64)
    n_history = int(index.get_loc(pd.Timestamp("2013-01-05", tz="UTC")))
    values[n_history:] *= 1.6
    values = np.r_[values, np.full(25, np.nan)]
    index = pd.date_range(index[0], periods=len(values), freq="h", tz="UTC")
    temps = align_temperature(temperature1, index)
    timeline = Timeline(index, "Europe/London", small_model.latitude_deg, temps[None, :])
    origins = local_day_starts(index, "Europe/London")
    origins = origins[(origins >= n_history) & (origins < len(values) - 25)]

    rolling = rolling_day_ahead(small_model, timeline, values, origins)
    frozen = small_model.predict_short(timeline, values[None, :], n_history, origins, 25)[0][0]

    assert rolling[0].shape == (len(origins), 25)
    # the first week shares the frozen forecast's history, so the two agree there
    np.testing.assert_allclose(rolling[0][:7], frozen[:7])
    late = slice(len(origins) // 2, None)
    actual = values[origins[late][:, None] + np.arange(24)]
    bias_rolling = nmbe(actual.ravel(), rolling[0][late, :24].ravel())
    bias_frozen = nmbe(actual.ravel(), frozen[late, :24].ravel())
    assert abs(bias_rolling) < abs(bias_frozen)
    assert np.all(rolling.lower <= rolling.mean) and np.all(rolling.mean <= rolling.upper)
    assert np.all(rolling.lower <= rolling.median) and np.all(rolling.median <= rolling.upper)


def test_rolling_day_ahead_without_origins_is_empty(small_model):
    index = pd.date_range("2013-01-01", periods=48, freq="h", tz="UTC")
    timeline = Timeline(index, "Europe/London", small_model.latitude_deg, None)
    bands = rolling_day_ahead(small_model, timeline, np.ones(48), np.array([], dtype=int))
    assert all(part.shape == (0, 25) for part in bands)
