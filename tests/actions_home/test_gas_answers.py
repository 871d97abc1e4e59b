"""A gas household's whole answer reads true on every surface: the saving is gas, priced by
nothing the household gave, and never described as electricity or as saving no money.

The household is the bundled sample (real sample-0 temperatures, trips and appliances) with a
SIMULATED gas meter on those temperatures (``home_meters.simulated_gas_meter``: no open gas
meter is bundled), through the canonical JSON parser and the trained service.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from home_meters import gas_sample_payload

from recommender.domain import Savings
from recommender.io import parse_household
from recommender.ranking.features import annual_kwh
from recommender.render import render_table

NOW = pd.Timestamp("2022-12-20T12:00:00Z")


@pytest.fixture(scope="module")
def gas_payload(sample_payload, temperature0) -> dict:
    return gas_sample_payload(sample_payload, temperature0)


@pytest.fixture(scope="module")
def answer(service, gas_payload):
    return service.recommend(gas_payload, now=NOW)


@pytest.fixture(scope="module")
def thermostat(answer):
    (action,) = [a for a in answer.actions if a.id == "thermostat-down-1c"]
    return action


def test_the_gas_saving_is_not_counted_as_money(thermostat) -> None:
    assert thermostat.savings.energy == "gas"
    assert not thermostat.savings.money_counted
    assert "saving no money" not in thermostat.explanation
    electric = Savings(1.0, 1.0, 1.0, "GBP", 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)
    assert electric.money_counted
    assert Savings(**{**vars(electric), "energy": "transport"}).money_counted


def test_the_terminal_table_marks_gas_kwh_and_no_money(answer, thermostat) -> None:
    (line,) = [row for row in render_table(answer).splitlines() if "Turn the thermostat" in row]
    assert f"{thermostat.savings.kwh_per_year:.0f} gas" in line
    assert " - " in line and "£0" not in line


def test_the_likelihood_model_is_not_given_gas_kwh_as_the_homes_electricity(gas_payload) -> None:
    household = parse_household(gas_payload)
    assert math.isnan(annual_kwh(household))
    electric = parse_household({**gas_payload, "fuel": "electricity"})
    assert annual_kwh(electric) == pytest.approx(
        household.readings_kwh.mean() * 365.25 * 24, rel=1e-12
    )


def test_no_action_explanation_calls_the_gas_use_the_homes(answer) -> None:
    for action in answer.actions:
        assert "your meter has averaged" not in action.explanation
        assert "your home's use of" not in action.explanation
