"""The tariff's optional gas price: read from JSON and the batch tables, checked like the
electricity price (in its own currency's bound), and kept by every round trip.

Payloads are sample-0's real meter (first 60 days) with one thing changed at a time.
"""

from __future__ import annotations

import json

import pytest
from household_payloads import as_rows, base_payload

from recommender.errors import InvalidInput
from recommender.io import household_to_payload, household_to_tables, parse_household, read_tables
from recommender.io.validate import max_price_per_kwh

TOU = [
    {"start": "00:00", "end": "07:00", "price_per_kwh": 0.09},
    {"start": "07:00", "end": "00:00", "price_per_kwh": 0.28},
]


@pytest.fixture()
def payload(meter0) -> dict:
    return base_payload(as_rows(meter0.iloc[: 60 * 24]))


def _problem(payload: dict, where: str = "tariff.gas_price_per_kwh"):
    with pytest.raises(InvalidInput) as err:
        parse_household(payload)
    json.dumps(err.value.to_dict())  # serialisable for the API's 422 and the batch report
    (problem,) = err.value.problems
    assert problem.where == where
    return problem


def test_no_gas_price_is_none_and_the_payload_has_none(payload) -> None:
    h = parse_household(payload)
    assert h.tariff.gas_price_per_kwh is None
    assert "gas_price_per_kwh" not in household_to_payload(h)["tariff"]


@pytest.mark.parametrize(
    "tariff", [{"type": "flat", "price_per_kwh": 0.245}, {"type": "tou", "rates": TOU}]
)
def test_a_gas_price_is_read_on_either_tariff_and_round_trips(payload, tariff) -> None:
    payload["tariff"] = {**tariff, "currency": "GBP", "gas_price_per_kwh": 0.07}
    h = parse_household(payload)
    assert h.tariff.gas_price_per_kwh == 0.07
    again = parse_household(household_to_payload(h))
    assert again.tariff == h.tariff
    assert household_to_payload(again) == household_to_payload(h)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (-0.07, "-0.07 is negative"),
        (0, "0 is out of range"),
        ("cheap", "'cheap' is not a number"),
        (True, "True is not a number"),
        (24.5, "24.5 is out of range"),
        (None, None),
    ],
)
def test_a_bad_gas_price_names_its_field(payload, value, problem) -> None:
    payload["tariff"]["gas_price_per_kwh"] = value
    if problem is None:  # null: no gas price, as when left out
        assert parse_household(payload).tariff.gas_price_per_kwh is None
        return
    found = _problem(payload)
    assert found.problem == problem
    assert found.expected == "a number above 0 up to 10 GBP per kWh"


def test_the_gas_price_is_bounded_in_its_own_currency(payload) -> None:
    high, unit = max_price_per_kwh("JPY")
    payload["tariff"] = {"type": "flat", "price_per_kwh": 31.0, "currency": "JPY"}
    payload["tariff"]["gas_price_per_kwh"] = 12.0  # about a yen price per kWh of gas
    assert parse_household(payload).tariff.gas_price_per_kwh == 12.0
    payload["tariff"]["gas_price_per_kwh"] = high * 1.5
    found = _problem(payload)
    assert "out of range" in found.problem and unit in found.expected and "JPY" in unit


def test_the_households_table_has_a_gas_price_column(payload, tmp_path) -> None:
    payload["tariff"]["gas_price_per_kwh"] = 0.07
    h = parse_household(payload)
    tables = household_to_tables(h)
    assert tables["households"]["gas_price_per_kwh"].tolist() == [0.07]
    for name, frame in tables.items():
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
    (again,) = read_tables(tmp_path / "households.csv", tmp_path / "readings.csv").households
    assert again.tariff == h.tariff
    blank = tables["households"].assign(gas_price_per_kwh="")
    assert read_tables(blank, tables["readings"]).households[0].tariff.gas_price_per_kwh is None
    bad = tables["households"].assign(gas_price_per_kwh="-1")
    (failure,) = read_tables(bad, tables["readings"]).failures
    (problem,) = failure[1].problems
    assert (problem.where, problem.problem) == (
        "households row 1, column gas_price_per_kwh",
        "-1 is negative",
    )
