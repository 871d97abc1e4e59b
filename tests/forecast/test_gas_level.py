"""A gas meter's level is read over its whole year, with no level-shift screen.

A heating-driven meter swings from near zero in summer to its peak in winter, far beyond any
seasonal shape the year model learns from electricity meters; without temperatures nothing
explains that swing. Read against that shape, the start of the heating season looked like a new
level (warned as "use changed by +561 %"), and a level weighted to the latest months read the
season as the level: the annual forecast of the simulated gas household below ranged from -50 %
to +28 % of its own last year, depending only on the month the history ended. The household is
the one simulated in ``test_fuel_and_weather`` from the real sample-0 temperatures (its
assumptions are stated there); it is forecast here without them, as a partner app sends it.
"""

from __future__ import annotations

import pandas as pd
import pytest
from test_fuel_and_weather import simulated_gas

from recommender.forecast.evaluate import evaluate_meter

HOURS_PER_YEAR = 24 * 365


@pytest.fixture(scope="module")
def gas_two_years(temperature0) -> pd.Series:
    return simulated_gas(temperature0, "2020-04-02", "2022-04-01 23:00")


def _payload(history: pd.Series) -> dict:
    return {
        "household_id": "gas-1",
        "region": "GB",
        "timezone": "Europe/London",
        "fuel": "gas",
        "tariff": {"type": "flat", "price_per_kwh": 0.07, "currency": "GBP"},
        "readings": {
            "start": history.index[0].isoformat(),
            "interval_minutes": 60,
            "kwh": [round(float(v), 4) for v in history],
        },
    }


@pytest.mark.parametrize("last_day", ["2021-03-31", "2021-06-30", "2021-09-30", "2021-12-31"])
def test_a_gas_year_without_temperatures_is_forecast_near_its_own_last_year(
    service, gas_two_years, last_day
):
    history = gas_two_years[: pd.Timestamp(f"{last_day} 23:00", tz="UTC")].iloc[-HOURS_PER_YEAR:]
    forecast = service.forecast(_payload(history))
    assert not [w for w in forecast.warnings if w.startswith("level shift")]
    assert forecast.annual_kwh == pytest.approx(history.sum(), rel=0.10)


def test_a_gas_meters_heating_season_is_not_a_level_shift_in_training_or_forecast(
    gas_two_years, temperature0
):
    """Fitted on the gas meter's own first year (as ``greenrec evaluate`` does), with its
    temperatures: neither its training history nor its forecast is read as shifted (before, its
    heating season was told as "use changed by +25 %" and "+46 %", and the training year was
    rescaled before it)."""
    report = evaluate_meter(
        gas_two_years,
        temperature0,
        ("2020-04-02", "2021-04-01"),
        ("2021-04-02", "2022-04-01"),
        "year-ahead",
        fuel="gas",
    )
    assert not [w for w in report["warnings"] if "level shift" in w]
    assert any(w.startswith("gas: no vacancy") for w in report["warnings"])
