"""Gas (zero-heavy summers), weather honesty and the named metrics.

There is no open hourly gas meter in ``data/``, so the gas household here is **simulated** from
the real sample-0 temperatures. Assumptions, stated here where the series is made: space heating
only (no gas hot water or cooking, so use is exactly zero whenever it is not needed), heat demand
proportional to degrees below a 15.5 °C balance point (the UK degree-day convention), the boiler
running 06:00-09:00 and 16:00-23:00 local time, 0.25 kWh per degree-hour, and multiplicative noise
(log-normal, sigma 0.3) standing in for everything else.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recommender.domain import Household, Tariff
from recommender.errors import InvalidInput
from recommender.forecast import GlobalForecaster, forecast_household
from recommender.forecast.data import align_temperature
from recommender.forecast.evaluate import daily_totals, evaluate_meter, nmbe
from recommender.forecast.weather import zone_latitude
from recommender.io.household import household_to_payload, parse_household

BALANCE_C = 15.5
KWH_PER_DEGREE_HOUR = 0.25
HEATING_HOURS = {*range(6, 9), *range(16, 23)}


def simulated_gas(temperature: pd.Series, first: str, last: str, seed: int = 0) -> pd.Series:
    """Hourly gas kWh of the simulated household (see the module docstring)."""
    index = pd.date_range(first, last, freq="h", tz="UTC")
    celsius = align_temperature(temperature, index)
    local_hour = index.tz_convert("Europe/London").hour
    on = np.isin(local_hour, sorted(HEATING_HOURS))
    rng = np.random.default_rng(seed)
    noise = rng.lognormal(0.0, 0.3, len(index))
    kwh = np.where(on, np.maximum(BALANCE_C - celsius, 0.0) * KWH_PER_DEGREE_HOUR * noise, 0.0)
    return pd.Series(kwh, index=index)


@pytest.fixture(scope="module")
def gas(temperature0) -> pd.Series:
    return simulated_gas(temperature0, "2020-04-02", "2022-04-01 23:00")


def gas_year_ahead(gas: pd.Series, temperature: pd.Series, **settings) -> dict:
    """``greenrec evaluate``'s year-ahead on the simulated gas meter, with its series."""
    return evaluate_meter(
        gas,
        temperature,
        ("2020-04-02", "2021-04-01"),
        ("2021-04-02", "2022-04-01"),
        "year-ahead",
        forecaster=GlobalForecaster(**settings),
        fuel="gas",
        keep_series=True,
    )


def test_gas_bands_reach_zero_where_use_does(gas, temperature0):
    report = gas_year_ahead(gas, temperature0)
    frame = report["series"]
    zero_hours = frame["actual_kwh"] == 0.0
    assert zero_hours.mean() > 0.4  # the simulated household is zero-heavy, as gas is
    # P10 at zero on the hours that read zero: the band reaches zero where use does
    assert (frame.loc[zero_hours, "p10_kwh"] == 0.0).mean() >= 0.9
    # and the summer is not forecast as if heating ran: August's forecast total stays under
    # half a winter month's
    august = frame.index.month == 8
    january = frame.index.month == 1
    assert frame.loc[august, "mean_kwh"].sum() < 0.5 * frame.loc[january, "mean_kwh"].sum()
    assert any(w.startswith("gas: no vacancy") for w in report["warnings"])
    coverage = report["models"]["greenrec-global"]["hourly"]["coverage_p10_p90_pct"]
    assert coverage >= 70.0


def test_the_household_own_season_corrects_a_gas_summer(gas, temperature0):
    def august(season_bins: int) -> float:
        frame = gas_year_ahead(gas, temperature0, season_bins=season_bins)["series"]
        return float(frame.loc[frame.index.month == 8, "mean_kwh"].sum())

    # without its own seasonal correction the model carries heating into summer (the additive
    # profile offset); with it, August's forecast falls by at least a quarter
    assert august(5) < 0.75 * august(0)


def test_fuel_is_part_of_the_household_contract():
    payload = {
        "household_id": "h-gas",
        "region": "GB",
        "timezone": "Europe/London",
        "tariff": {"type": "flat", "price_per_kwh": 0.07, "currency": "GBP"},
        "readings": {
            "start": "2024-01-01T00:00:00Z",
            "interval_minutes": 60,
            "kwh": [1.2] * (15 * 24),
        },
    }
    assert parse_household(payload).fuel == "electricity"  # unless declared
    assert parse_household({**payload, "fuel": "gas"}).fuel == "gas"
    round_trip = parse_household(household_to_payload(parse_household({**payload, "fuel": "gas"})))
    assert round_trip.fuel == "gas"
    with pytest.raises(InvalidInput) as raised:
        parse_household({**payload, "fuel": "oil"})
    assert [p.where for p in raised.value.problems] == ["fuel"]


def test_electricity_bands_stay_above_zero_where_it_never_reads_zero(meter0, temperature0):
    report = evaluate_meter(
        meter0,
        temperature0,
        ("2020-04-02", "2020-09-30"),
        ("2020-10-01", "2020-10-28"),
        "year-ahead",
        forecaster=GlobalForecaster(max_iter=40, learning_rate=0.1),
        keep_series=True,
    )
    assert (report["series"]["p10_kwh"] > 0).all()


def household(readings: pd.Series, temperature=None, zone="Europe/London") -> Household:
    return Household(
        "h", "GB", zone, Tariff("flat", "GBP", 0.25), readings, temperature_c=temperature
    )


def test_temperature_with_no_overlap_is_an_error_naming_the_field(
    small_model, meter1, temperature0
):
    history = meter1["2013-01-01":"2013-02-14"]  # sample-0's temperatures start in 2020
    with pytest.raises(InvalidInput) as raised:
        forecast_household(small_model, household(history, temperature0))
    assert raised.value.problems[0].where == "temperature"
    with pytest.raises(InvalidInput) as raised:
        evaluate_meter(
            meter1,
            temperature0,
            ("2012-11-10", "2013-01-04"),
            ("2013-01-05", "2013-01-11"),
            "day-ahead",
        )
    assert raised.value.problems[0].where == "temperature"


def test_partial_temperature_coverage_is_a_warning(small_model, meter0, temperature0):
    history = meter0["2021-01-01":"2021-02-14"]
    half = temperature0["2021-01-23":"2021-02-14"]
    forecast = forecast_household(small_model, household(history, half))
    assert any("temperature covers" in w and "history" in w for w in forecast.warnings)


def test_without_temperatures_the_answer_says_calendar_alone(small_model, meter0):
    forecast = forecast_household(small_model, household(meter0["2021-01-01":"2021-02-14"]))
    assert any("calendar and daylight alone" in w for w in forecast.warnings)
    assert "calendar and daylight alone" in forecast.method


def test_daylight_comes_from_the_household_zone(small_model, meter0):
    vancouver, how = zone_latitude("America/Vancouver", 52.0)
    london, _ = zone_latitude("Europe/London", 0.0)
    assert abs(vancouver - 49.3) < 0.1 and abs(london - 51.5) < 0.1
    assert "America/Vancouver" in how
    history = meter0["2021-01-01":"2021-02-14"]
    forecast = forecast_household(small_model, household(history, zone="America/Vancouver"))
    assert "latitude 49.3" in forecast.method
    unknown, how = zone_latitude("Etc/GMT+3", 52.0)
    assert unknown == 52.0 and "no location known" in how


def test_nmbe_has_ashrae_sign_and_both_names_are_reported(meter1):
    actual = np.array([1.0, 2.0, 3.0])
    assert nmbe(actual, actual * 0.9) > 0  # under-forecast is positive (ASHRAE Guideline 14)
    report = evaluate_meter(
        meter1,
        None,
        ("2012-11-10", "2013-01-04"),
        ("2013-01-05", "2013-01-11"),
        "day-ahead",
        forecaster=GlobalForecaster(max_iter=20, learning_rate=0.1),
    )
    hourly = report["models"]["greenrec-global"]["hourly"]
    assert hourly["nmbe_ashrae14_pct"] == pytest.approx(-hourly["bias_over_pct"])
    assert report["weather"] == "calendar alone"


def test_a_day_cut_short_is_not_a_whole_day():
    index = pd.date_range("2024-03-30 00:00", periods=24 + 23 + 10, freq="h", tz="Europe/London")
    index = index.tz_convert("UTC")
    ones = np.ones(len(index))
    actual, _ = daily_totals(index, "Europe/London", ones, ones)
    # 30 March (24 h) and 31 March (23 h, the spring change) are whole; 1 April's 10 h are not
    assert actual.tolist() == [24.0, 23.0]
