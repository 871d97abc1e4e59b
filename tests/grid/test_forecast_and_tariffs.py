"""intensity_forecast (GB climatology, other countries' approximation, pluggable providers) and
tariff pricing."""

from __future__ import annotations

from datetime import time

import numpy as np
import pandas as pd
import pytest

from recommender.domain import Tariff, TouRate
from recommender.errors import InvalidInput
from recommender.grid.providers import (
    IntensityProvider,
    Neso2023ForecastProvider,
    OfflineProvider,
    intensity_forecast,
)
from recommender.grid.tariffs import example_tou_tariff, price_per_kwh_series
from recommender.reference import country_intensity, neso_intensity_2023


def test_gb_forecast_is_the_2023_cell_mean_and_spread():
    raw = neso_intensity_2023()
    raw = raw[raw["from"].dt.year == 2023]
    actual = raw["actual"].where(raw["actual"] > 0, raw["forecast"])
    local = raw["from"].dt.tz_convert("Europe/London")
    # summer (Jun-Aug) weekday 13:30 local, by hand
    cell = actual[
        local.dt.month.isin([6, 7, 8])
        & (local.dt.day_of_week < 5)
        & (local.dt.strftime("%H:%M") == "13:30")
    ]
    index = pd.DatetimeIndex([pd.Timestamp("2025-07-09 12:30", tz="UTC")])  # Wed 13:30 BST
    frame = intensity_forecast("GB", index)
    assert list(frame.columns) == ["g_per_kwh", "error_g_per_kwh"]
    assert frame["g_per_kwh"].iloc[0] == pytest.approx(cell.mean(), rel=1e-9)
    assert frame["error_g_per_kwh"].iloc[0] == pytest.approx(cell.std(ddof=1), rel=1e-9)


def test_other_country_is_annual_average_times_shape():
    index = pd.date_range("2025-01-01", periods=24, freq="h", tz="UTC")
    frame = intensity_forecast("FR", index)
    shape = pd.read_csv(
        __import__("recommender.resources", fromlist=["x"]).data_path(
            "grid/typical_daily_shape.csv"
        )
    )
    hours = index.tz_convert("Europe/Paris").hour
    expected = (
        country_intensity().loc["FRA", "g_co2e_per_kwh"] * shape["multiplier"].to_numpy()[hours]
    )
    np.testing.assert_allclose(frame["g_per_kwh"].to_numpy(), expected)
    assert "approximation" in OfflineProvider().method("FR")


def test_multi_zone_country_needs_a_timezone_and_unknown_region_is_named():
    index = pd.date_range("2025-01-01", periods=3, freq="h", tz="UTC")
    with pytest.raises(InvalidInput, match="time zone"):
        intensity_forecast("US", index)
    assert len(intensity_forecast("US", index, timezone="America/Chicago")) == 3
    with pytest.raises(InvalidInput, match="'ZZ'"):
        intensity_forecast("ZZ", index)


def test_neso_replay_returns_the_published_forecast():
    raw = neso_intensity_2023().set_index("from")
    index = pd.date_range("2023-03-01", periods=4, freq="30min", tz="UTC")
    frame = intensity_forecast("GB", index, provider=Neso2023ForecastProvider())
    np.testing.assert_array_equal(frame["g_per_kwh"].to_numpy(), raw.loc[index, "forecast"])
    assert isinstance(Neso2023ForecastProvider(), IntensityProvider)


def test_tou_prices_follow_local_bands_across_midnight_and_dst():
    tariff = Tariff(
        type="tou",
        currency="GBP",
        rates=(TouRate(time(23), time(6), 0.1), TouRate(time(6), time(23), 0.3)),
    )
    # 2024-03-31: clocks go forward in London at 01:00 UTC
    index = pd.DatetimeIndex(
        ["2024-03-30 22:30", "2024-03-30 23:00", "2024-03-31 05:30", "2024-03-31 04:30"], tz="UTC"
    )
    prices = price_per_kwh_series(tariff, index, "Europe/London")
    # 22:30 GMT peak; 23:00 GMT night; 06:30 BST peak; 05:30 BST night
    assert list(prices) == [0.3, 0.1, 0.3, 0.1]


def test_flat_price_and_every_tariff_problem_listed():
    index = pd.date_range("2024-01-01", periods=3, freq="h", tz="UTC")
    assert (price_per_kwh_series(Tariff("flat", "EUR", 0.3), index, "Europe/Paris") == 0.3).all()
    bad = Tariff(type="tou", currency="POUNDS", rates=(TouRate(time(0), time(7), -1.0),))
    with pytest.raises(InvalidInput) as info:
        price_per_kwh_series(bad, index, "Europe/London")
    wheres = [p.where for p in info.value.problems]
    assert "tariff.currency" in wheres and "tariff.rates[0].price_per_kwh" in wheres
    assert "tariff.rates" in wheres  # 17 hours not covered


def test_example_tou_is_price_neutral_over_the_hours_of_a_day():
    tou = example_tou_tariff(Tariff("flat", "GBP", 0.25))
    index = pd.date_range("2024-01-10", periods=24 * 60, freq="min", tz="Europe/London")
    assert price_per_kwh_series(tou, index, "Europe/London").mean() == pytest.approx(0.25, rel=1e-3)
