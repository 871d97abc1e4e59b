"""Properties of the global forecaster on slices of the real meters."""

from __future__ import annotations

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from recommender.domain import Household, Tariff
from recommender.errors import InsufficientData, InvalidInput
from recommender.forecast import (
    GlobalForecaster,
    forecast_household,
    forecast_many,
    train_global_forecaster,
)

HOUR = pd.Timedelta(hours=1)


def household(readings: pd.Series, temperature: pd.Series | None = None, **kw) -> Household:
    return Household(
        "h-test",
        "GB",
        "Europe/London",
        Tariff("flat", "GBP", 0.25),
        readings,
        temperature_c=temperature,
        **kw,
    )


def test_forecast_shape_start_and_band_order(small_model, meter0, temperature0):
    history = meter0["2021-01-01":"2021-02-14"]
    forecast = forecast_household(small_model, household(history, temperature0))
    assert forecast.start == history.index[-1] + HOUR
    assert len(forecast.kwh) == len(forecast.p10) == len(forecast.p50) == len(forecast.p90) == 168
    kwh, p10, p50, p90 = (
        np.array(a) for a in (forecast.kwh, forecast.p10, forecast.p50, forecast.p90)
    )
    assert (p10 >= 0).all() and (p10 <= kwh).all() and (kwh <= p90).all()
    assert (p10 <= p50).all() and (p50 <= p90).all()
    # household load is right-skewed: the median hour lies below the mean more often than not
    assert (p50 < kwh).mean() > 0.5
    assert forecast.annual_kwh_p10 <= forecast.annual_kwh <= forecast.annual_kwh_p90
    assert forecast.horizon == "P7D" and forecast.interval == "PT1H"


def test_annual_total_is_near_the_households_own_level(small_model, meter0):
    # Six weeks of winter history: the annual figure must be of the household's order of
    # magnitude (its mean hour x 8760 within a factor of two), not another household's.
    history = meter0["2021-01-01":"2021-02-14"]
    forecast = forecast_household(small_model, household(history))
    assert 0.5 < forecast.annual_kwh / (history.mean() * 8760) < 2.0


@pytest.mark.parametrize("horizon", [1, 24, 200])
def test_any_horizon_up_to_a_year(small_model, meter1, horizon):
    forecast = forecast_household(
        small_model, household(meter1["2013-02-01":"2013-03-01"]), horizon_hours=horizon
    )
    assert len(forecast.kwh) == horizon
    assert np.isfinite(forecast.kwh).all()


def test_below_fourteen_days_is_insufficient(small_model, meter0):
    readings = meter0["2021-01-01 00:00":"2021-01-14 22:00"]  # 14 days less one hour
    with pytest.raises(InsufficientData, match="14 days"):
        forecast_household(small_model, household(readings))
    forecast_household(small_model, household(meter0["2021-01-01 00:00":"2021-01-14 23:00"]))


def test_gaps_count_against_the_fourteen_days(small_model, meter0):
    readings = meter0["2021-01-01":"2021-01-20"].copy()
    readings.iloc[:200] = np.nan  # 20 days long but only 280 hours read
    with pytest.raises(InsufficientData):
        forecast_household(small_model, household(readings))


def test_gaps_zeros_and_summer_time_in_history(small_model, meter0):
    # Crosses the 28 March 2021 clock change, with a two-day gap and a zero day.
    readings = meter0["2021-03-10":"2021-04-10"].copy()
    readings["2021-03-20":"2021-03-21"] = np.nan
    readings["2021-03-25"] = 0.0
    readings = readings[readings.index != pd.Timestamp("2021-04-01 05:00", tz="UTC")]
    forecast = forecast_household(small_model, household(readings))
    assert np.isfinite(forecast.kwh).all() and np.isfinite(forecast.annual_kwh)


def test_history_last_day_sets_the_level(small_model, meter0):
    # A household that used twice as much in its last week gets a higher day-ahead forecast.
    readings = meter0["2021-01-01":"2021-02-14"]
    doubled = readings.copy()
    doubled[-168:] *= 2
    base = forecast_household(small_model, household(readings))
    high = forecast_household(small_model, household(doubled))
    assert sum(high.kwh[:24]) > sum(base.kwh[:24])


def test_forecast_many_matches_forecast_household(small_model, meter0, meter1):
    a = meter0["2021-01-01":"2021-02-14"]
    b = pd.Series(meter1["2013-01-01":"2013-02-14"].to_numpy()[: len(a)], index=a.index)
    batch = forecast_many(small_model, np.vstack([a, b]), pd.DatetimeIndex(a.index), 48)
    for row, readings in enumerate((a, b)):
        single = forecast_household(small_model, household(readings), horizon_hours=48)
        assert np.allclose(batch["kwh"][row], single.kwh)
        assert batch["annual_kwh"][row] == pytest.approx(single.annual_kwh)
    assert batch["start"] == a.index[-1] + HOUR


def test_forecast_many_flags_short_households(small_model, meter0):
    a = meter0["2021-01-01":"2021-02-14"].to_numpy()
    short = a.copy()
    short[:-100] = np.nan
    idx = meter0["2021-01-01":"2021-02-14"].index
    batch = forecast_many(small_model, np.vstack([a, short]), pd.DatetimeIndex(idx), 24)
    assert batch["sufficient"].tolist() == [True, False]
    assert np.isnan(batch["kwh"][1]).all() and np.isfinite(batch["kwh"][0]).all()


def test_joblib_round_trip_gives_identical_predictions(small_model, meter0, tmp_path):
    readings = household(meter0["2021-01-01":"2021-02-14"])
    path = tmp_path / "forecaster.joblib"
    joblib.dump(small_model, path)
    loaded = joblib.load(path)
    before = forecast_household(small_model, readings, horizon_hours=300)
    after = forecast_household(loaded, readings, horizon_hours=300)
    assert before == after


def test_estimator_contract():
    model = GlobalForecaster(max_iter=7, coverage=0.7)
    assert clone(model).get_params() == model.get_params()
    with pytest.raises(NotFittedError):
        forecast_household(model, household(pd.Series(dtype=float)))


def test_training_refuses_bad_series_listing_each(meter0):
    naive = meter0["2021-01-01":"2021-02-01"].tz_localize(None)
    short = meter0["2021-01-01":"2021-01-05"]
    with pytest.raises(InvalidInput) as error:
        GlobalForecaster().fit([naive, short])
    wheres = [p.where for p in error.value.problems]
    assert wheres == ["series[0]", "series[1]"]


def test_same_seed_same_model(meter0):
    series = [meter0["2021-01-01":"2021-02-14"]]
    a = GlobalForecaster(max_iter=5, max_rows=2000).fit(series)
    b = GlobalForecaster(max_iter=5, max_rows=2000).fit(series)
    h = household(series[0])
    assert forecast_household(a, h) == forecast_household(b, h)


def test_colder_weather_never_lowers_the_forecast(small_model, meter1):
    # Heating load: the year-ahead model is constrained to be non-increasing in temperature.
    h = household(meter1["2013-01-01":"2013-02-14"])
    start = h.readings_kwh.index[-1] + HOUR
    future = pd.date_range(start, periods=8760, freq="h")
    cold = forecast_household(small_model, h, 400, pd.Series(-5.0, index=future))
    warm = forecast_household(small_model, h, 400, pd.Series(20.0, index=future))
    assert cold.annual_kwh >= warm.annual_kwh
    assert (np.array(cold.kwh[168:]) >= np.array(warm.kwh[168:]) - 1e-12).all()
    assert "given temperatures" in cold.method


def test_typical_year_is_learned_from_the_training_weather(small_model, temperature0):
    january = pd.date_range("2030-01-10", periods=24, freq="h", tz="UTC")
    july = pd.date_range("2030-07-10", periods=24, freq="h", tz="UTC")
    cold = small_model.typical_temperature(january).mean()
    warm = small_model.typical_temperature(july).mean()
    assert cold < warm
    observed = temperature0.to_numpy()
    assert observed.min() <= cold and warm <= observed.max()


def test_train_global_forecaster_entry_point(meter0, temperature0):
    series = [meter0["2021-01-01":"2021-01-28"], meter0["2021-06-01":"2021-06-28"]]
    model = train_global_forecaster(series, [temperature0, None], random_state=3)
    assert model.random_state == 3 and model.n_households_ == 2
    assert np.isfinite(model.typical_temperature(series[0].index)).all()


def test_forecast_starts_after_the_last_reading_not_a_trailing_gap(small_model, meter0):
    readings = meter0["2021-01-01":"2021-02-14"].copy()
    readings[-5:] = np.nan
    forecast = forecast_household(small_model, household(readings))
    assert forecast.start == readings.index[-6] + HOUR


def test_short_forecast_is_the_weighted_blend_of_its_two_models(small_model, meter1):
    # The week ahead is short_weight x the short model + the rest x the year model: with the
    # same fitted trees, weight 1 and weight 0 give the two ends, and 0.75 lies 3/4 of the way.
    history = meter1["2013-02-01":"2013-03-01"]
    kwh = history.to_numpy()[None, :]
    index = pd.DatetimeIndex(history.index)
    ends = {}
    for weight in (1.0, 0.0, 0.75):
        model = clone(small_model).set_params(short_weight=weight)
        model.__dict__.update({k: v for k, v in vars(small_model).items() if k.endswith("_")})
        ends[weight] = forecast_many(model, kwh, index, horizon_hours=168)["kwh"][0]
    assert not np.allclose(ends[1.0], ends[0.0])
    np.testing.assert_allclose(ends[0.75], 0.75 * ends[1.0] + 0.25 * ends[0.0], rtol=1e-9)


def test_short_weight_outside_zero_one_is_refused(meter0):
    with pytest.raises(InvalidInput, match="short_weight"):
        GlobalForecaster(short_weight=1.5).fit([meter0["2021-01-01":"2021-02-14"]])


def test_a_model_pickled_before_the_season_settings_still_forecasts(small_model, meter0):
    state = small_model.__getstate__()
    del state["season_bins"], state["profile_weight"]  # as pickled by the previous greenrec
    old = GlobalForecaster.__new__(GlobalForecaster)
    old.__setstate__(state)
    forecast = forecast_household(old, household(meter0["2021-01-01":"2021-02-14"]))
    assert old.season_bins == 0 and np.isfinite(forecast.annual_kwh)
