"""Fixtures for the ranking tests: a household on a real UK meter, a small prior model, actions."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from recommender.domain import Action, Household, Savings, Tariff
from recommender.io.importers import read_eemeter_meter
from recommender.ranking import LikelihoodModel, train_likelihood_model


@pytest.fixture(scope="session")
def meter0_2022(meter0_path: Path) -> pd.Series:
    """The real sample-0 meter (hourly kWh), the whole of 2022."""
    raw = read_eemeter_meter(meter0_path)
    raw = raw[~raw.index.duplicated()]
    return raw["2022-01-01":"2022-12-31 23:00"].rename("kwh")


@pytest.fixture(scope="session")
def household(meter0_2022: pd.Series) -> Household:
    return Household(
        household_id="h-real-0",
        region="GB",
        timezone="Europe/London",
        tariff=Tariff(type="flat", currency="GBP", price_per_kwh=0.245),
        readings_kwh=meter0_2022,
    )


@pytest.fixture(scope="session")
def model() -> LikelihoodModel:
    """A small simulated prior (400 households): fast, same rules as the default one."""
    return train_likelihood_model(None, random_state=0, prior_households=400)


def savings(kg: float, money: float = 0.0, minutes: float = 0.0, kwh: float = 0.0) -> Savings:
    return Savings(
        kwh_per_year=kwh,
        kg_co2e_per_year=kg,
        money_per_year=money,
        currency="GBP",
        kwh_per_year_p10=0.8 * kwh,
        kwh_per_year_p90=1.2 * kwh,
        kg_co2e_per_year_p10=0.8 * kg,
        kg_co2e_per_year_p90=1.2 * kg,
        money_per_year_p10=0.8 * money,
        money_per_year_p90=1.2 * money,
        extra_minutes_per_year=minutes,
    )


def action(
    action_id: str,
    kind: str,
    kg: float,
    money: float = 0.0,
    minutes: float = 0.0,
    *,
    topic: str = "",
    conflicts: tuple[str, ...] = (),
) -> Action:
    return Action(
        id=action_id,
        kind=kind,
        title=f"Do {action_id}",
        savings=savings(kg, money, minutes),
        explanation=f"{action_id} saves {kg:.0f} kg.",
        conflicts_with=conflicts,
        details={"topic": topic} if topic else {},
    )


@pytest.fixture()
def mixed_actions() -> list[Action]:
    """Home and travel actions as the calculators build them (figures of the right size)."""
    return [
        action("shift-dishwasher", "shift_appliance", 19.0, 0.0, 260.0, topic="dishwasher"),
        action(
            "shift-tumble_dryer",
            "shift_appliance",
            32.0,
            0.0,
            156.0,
            topic="tumble_dryer",
            conflicts=("line-dry",),
        ),
        action(
            "line-dry",
            "home_efficiency",
            95.0,
            110.0,
            1100.0,
            topic="line_dry",
            conflicts=("shift-tumble_dryer",),
        ),
        action("standby", "home_efficiency", 14.0, 16.0, 60.0, topic="standby"),
        action("wash-30", "home_efficiency", 20.0, 23.0, 0.0, topic="wash_30"),
        action("tariff-tou", "tariff_switch", 0.0, 40.0, 30.0, topic="time_of_use"),
        action("commute-rail", "travel_mode", 650.0, 380.0, 6000.0, topic="rail"),
        action("fewer-flights", "fewer_flights", 549.0, 250.0, 0.0, topic="short_haul"),
    ]


@pytest.fixture(scope="session")
def make_action():
    """The action factory above, for tests that build their own actions."""
    return action
