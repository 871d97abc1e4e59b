"""Metrics and baselines against hand calculations on real readings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recommender.forecast.baselines import hour_of_week_profile, same_hour_last_week
from recommender.forecast.evaluate import coverage, cvrmse, daily_totals, mae, nmbe


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
