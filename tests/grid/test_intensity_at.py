"""intensity_at: GB from the cleaned NESO 2023 data, other countries from their annual average."""

from __future__ import annotations

import pandas as pd
import pytest

from recommender.errors import InvalidInput
from recommender.grid import intensity_at, neso_2023
from recommender.reference import country_intensity, neso_intensity_2023


def test_gb_in_2023_is_the_published_actual():
    raw = neso_intensity_2023().set_index("from")
    when = pd.Timestamp("2023-06-01 12:10", tz="UTC")  # inside the 12:00 half-hour
    estimate = intensity_at("GB", when)
    assert estimate.g_per_kwh == raw.loc[pd.Timestamp("2023-06-01 12:00", tz="UTC"), "actual"]
    assert "NESO" in estimate.source


def test_gb_outside_2023_is_mean_of_matching_2023_half_hours():
    # Hand figure: winter (Dec-Feb) weekdays of 2023 at 17:00 Europe/London, from the raw CSV.
    raw = neso_intensity_2023()
    raw = raw[(raw["from"].dt.year == 2023) & raw["actual"].gt(0)]
    local = raw["from"].dt.tz_convert("Europe/London")
    cell = raw[
        local.dt.month.isin([12, 1, 2])
        & (local.dt.day_of_week < 5)
        & (local.dt.hour == 17)
        & (local.dt.minute == 0)
    ]["actual"]
    estimate = intensity_at("GB", pd.Timestamp("2021-01-05 18:00", tz="Europe/Paris"))
    # The cleaned series differs from the raw one only in the repaired half-hours (none in winter
    # weekday 17:00 cells except possibly Jan 26's NaN block), so the means agree closely.
    assert estimate.g_per_kwh == pytest.approx(cell.mean(), rel=0.02)
    assert estimate.g_per_kwh_low < estimate.g_per_kwh < estimate.g_per_kwh_high
    assert "outside 2023" in estimate.method


def test_other_country_is_annual_average_with_range():
    table = country_intensity()
    estimate = intensity_at("fr", pd.Timestamp("2024-03-01", tz="UTC"))
    assert estimate.g_per_kwh == table.loc["FRA", "g_co2e_per_kwh"]
    assert estimate.g_per_kwh_low < estimate.g_per_kwh < estimate.g_per_kwh_high
    assert "approximation" in estimate.method


@pytest.mark.parametrize("region", ["XX", "", "GBR"])
def test_unknown_region_is_named(region):
    with pytest.raises(InvalidInput) as info:
        intensity_at(region, pd.Timestamp("2024-01-01", tz="UTC"))
    assert repr(region) in str(info.value)


def test_naive_timestamp_is_refused():
    with pytest.raises(InvalidInput, match="time zone"):
        intensity_at("GB", pd.Timestamp("2024-01-01"))


def test_cleaning_fills_every_half_hour_and_removes_zeros():
    year = neso_2023()
    actual = year.actual_g_per_kwh
    assert len(actual) == 17520 and actual.notna().all() and (actual > 0).all()
    assert year.cleaning.n_absent_filled == 91
    assert year.cleaning.n_zero_actual_filled == 5
    assert year.cleaning.neso_forecast_mae_g_per_kwh == pytest.approx(9.9, abs=0.05)
