"""A gas household that gives its gas price sees the thermostat's money; one that does not sees
the answer of before (``test_gas_answers.py``), the same kWh and kg CO2e either way.

The household is the bundled sample (real sample-0 temperatures, trips and appliances) with a
SIMULATED gas meter on those temperatures (``home_meters.gas_sample_payload``: no open gas meter
is bundled), through the canonical JSON parser and the trained service. 0.07 GBP a kWh is about
a UK gas unit price (the price is the household's own input, not a reference figure).
"""

from __future__ import annotations

import pandas as pd
import pytest
from home_meters import gas_sample_payload

from recommender.actions.home.savings import money
from recommender.quantities import money_text
from recommender.render import render_table

NOW = pd.Timestamp("2022-12-20T12:00:00Z")
GAS_PRICE = 0.07  # GBP per kWh of gas


def _thermostat(answer):
    (action,) = [a for a in answer.actions if a.id == "thermostat-down-1c"]
    return action


@pytest.fixture(scope="module")
def unpriced(service, sample_payload, temperature0):
    return service.recommend(gas_sample_payload(sample_payload, temperature0), now=NOW)


@pytest.fixture(scope="module")
def priced(service, sample_payload, temperature0):
    payload = gas_sample_payload(sample_payload, temperature0)
    payload["tariff"] = {**payload["tariff"], "gas_price_per_kwh": GAS_PRICE}
    return service.recommend(payload, now=NOW)


def test_the_gas_money_is_the_kwh_times_the_gas_price(priced, unpriced) -> None:
    s, before = _thermostat(priced).savings, _thermostat(unpriced).savings
    assert s.energy == "gas" and s.money_counted and not before.money_counted
    assert (s.kwh_per_year, s.kwh_per_year_p10, s.kwh_per_year_p90) == (
        before.kwh_per_year,
        before.kwh_per_year_p10,
        before.kwh_per_year_p90,
    )
    assert s.kg_co2e_per_year == before.kg_co2e_per_year
    assert s.money_per_year == s.kwh_per_year * GAS_PRICE
    assert s.money_per_year_p10 == s.kwh_per_year_p10 * GAS_PRICE
    assert s.money_per_year_p90 == s.kwh_per_year_p90 * GAS_PRICE
    assert s.currency == "GBP" and s.money_per_year > 0


def test_the_explanation_gives_the_money_like_the_electric_one(priced, unpriced) -> None:
    action = _thermostat(priced)
    s = action.savings
    assert (
        f"saves about {s.kwh_per_year:.0f} kWh of gas ({money(s.money_per_year, 'GBP')}) a year."
        in (action.explanation)
    )
    assert "No gas price was given" not in action.explanation
    assert action.details["money_counted"] is True
    assert "No gas price was given" in _thermostat(unpriced).explanation
    assert _thermostat(unpriced).details["money_counted"] is False


def test_the_terminal_table_shows_the_gas_money(priced) -> None:
    s = _thermostat(priced).savings
    (line,) = [row for row in render_table(priced).splitlines() if "Turn the thermostat" in row]
    assert money_text(s.money_per_year, "GBP") in line and f"{s.kwh_per_year:.0f} gas" in line


def test_the_ranking_no_longer_says_the_money_is_not_counted(priced, unpriced) -> None:
    assert "(no gas price was given)" in _thermostat(unpriced).explanation
    assert all("no gas price was given" not in a.explanation for a in priced.actions)


def test_the_other_actions_are_priced_as_before(priced, unpriced) -> None:
    """The gas price prices gas only: every other action's money is the same."""
    others = {a.id: a.savings for a in unpriced.actions if a.id != "thermostat-down-1c"}
    again = {a.id: a.savings for a in priced.actions if a.id in others}
    assert others and again == others
