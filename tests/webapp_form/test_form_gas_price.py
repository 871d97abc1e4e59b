"""The form's optional gas price: blank by default and then left out of the payload, sent in the
tariff when typed (only a gas meter's saving uses it), its errors by its own field, and a priced
gas saving's money shown on the results page (a blank price still reads "not counted").

The gas answer is the bundled sample with a SIMULATED gas meter on its REAL temperatures
(``home_meters.gas_sample_payload``): the form's uploads carry no temperatures, so a thermostat
saving cannot come through an upload.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from formdata import form_fields
from home_meters import gas_sample_payload

from recommender.io import parse_household
from recommender.io.importers import read_eemeter_temperature
from webapp.form.household import build_payload
from webapp.form.results import results_context

NOW = pd.Timestamp("2022-12-20T12:00:00Z")


@pytest.fixture()
def client(form_app):
    return form_app.test_client()


@pytest.fixture()
def fields(client) -> dict:
    """The start page's fields as sent, with its CSRF token for ``client``'s session."""
    return form_fields(client.get("/").get_data(as_text=True))


def _tariff(fields: dict, **changes: str) -> dict:
    return build_payload({**fields, **changes}, "h", [], None, None).payload["tariff"]


def test_the_gas_price_field_is_blank_and_left_out_until_typed(fields) -> None:
    assert fields["gas_price_per_kwh"] == ""
    assert "gas_price_per_kwh" not in _tariff(fields)
    assert _tariff(fields, gas_price_per_kwh="0.07")["gas_price_per_kwh"] == "0.07"
    tou = _tariff(fields, tariff_type="tou", gas_price_per_kwh="0.07")
    assert tou["type"] == "tou" and tou["gas_price_per_kwh"] == "0.07"


def test_a_gas_price_above_the_bound_is_named_by_its_field(client, fields) -> None:
    response = client.post("/results", data={**fields, "gas_price_per_kwh": "70"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    (message,) = re.findall(r'id="gas_price_per_kwh-error-\d+">.*?</span>(.*?)</p>', html, re.S)
    assert "70 is out of range" in message and "10 GBP per kWh" in message


def _money_cell(form_app, service, payload: dict) -> str:
    household = parse_household(payload)
    answer = service.recommend(household, now=NOW)
    with form_app.test_request_context():
        html = form_app.jinja_env.get_template("results.html").render(
            **results_context(household, answer, False)
        )
    card = html.split('id="action-thermostat-down-1c"')[1].split("</li>")[0]
    return card.split("Money saved a year</dt>")[1].split("</dd>")[0]


def test_the_results_page_shows_a_priced_gas_saving(
    form_app, service, sample_payload, temperature0_path
) -> None:
    temperature_c = read_eemeter_temperature(temperature0_path)
    payload = gas_sample_payload(sample_payload, temperature_c)
    assert "not counted" in _money_cell(form_app, service, payload)
    payload["tariff"] = {**payload["tariff"], "gas_price_per_kwh": 0.07}
    cell = _money_cell(form_app, service, payload)
    assert "not counted" not in cell and " GBP</strong>" in cell
