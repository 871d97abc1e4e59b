"""Households built from the real sample-0 meter (hourly, UTC) with the domain constructors."""

from __future__ import annotations

from datetime import time

import pandas as pd
import pytest

from recommender.domain import Appliance, Household, Preferences, Tariff
from recommender.io.importers import read_eemeter_meter, read_eemeter_temperature


@pytest.fixture(scope="session")
def meter0(meter0_path) -> pd.Series:
    return read_eemeter_meter(meter0_path)


@pytest.fixture(scope="session")
def temperature0(temperature0_path) -> pd.Series:
    return read_eemeter_temperature(temperature0_path)


@pytest.fixture(scope="session")
def household0(meter0) -> Household:
    return Household(
        household_id="sample-0",
        region="GB",
        timezone="Europe/London",
        tariff=Tariff(type="flat", currency="GBP", price_per_kwh=0.245),
        readings_kwh=meter0,
        appliances=(Appliance("dishwasher", cycles_per_week=5, usual_start=time(19, 0)),),
        preferences=Preferences(carbon_weight=0.5),
    )
