"""Flights (hand-calculated) and the transport factor table (sourced rows, data/reference.md)."""

from __future__ import annotations

import pandas as pd
import pytest
from travel_builders import household

from recommender.actions.travel import travel_report
from recommender.actions.travel.catalogue import factor, transport_table
from recommender.domain import Trip

SHORT_HAUL_WITH_RF = 0.18287  # data/reference.md, UK DESNZ 2024
NATIONAL_RAIL = 0.03546

# data/reference.md, kg CO2e per km (per vehicle-km for cars, motorbike, taxi)
REFERENCE = {
    "car_petrol": 0.16984,
    "car_diesel": 0.16450,
    "car_hybrid": 0.12607,
    "motorbike": 0.11337,
    "taxi": 0.20805,
    "bus": 0.10312,
    "coach": 0.02718,
    "rail": 0.03546,
    "tram": 0.02860,
    "underground": 0.02780,
    "flight_short_haul": 0.18287,
    "flight_long_haul": 0.20011,
    "walk": 0.0,
    "cycle": 0.0,
}


def flights(km: float, mode: str, people: int, n_return: int) -> list[Trip]:
    out = []
    for i in range(n_return):
        day = pd.Timestamp("2024-04-01T07:00Z") + pd.Timedelta(days=30 * i)
        out += [
            Trip(day, km, mode, "holiday", people),
            Trip(day + pd.Timedelta(days=5), km, mode, "holiday", people),
        ]
    return out


def test_one_fewer_short_haul_return_flight_matches_the_hand_calculation(mode_choice):
    report = travel_report(
        household(flights(700.0, "flight_short_haul", 2, 1)), mode_choice=mode_choice
    )
    fewer = next(a for a in report.actions if a.kind == "fewer_flights")
    assert fewer.savings.kg_co2e_per_year == pytest.approx(2 * 700.0 * SHORT_HAUL_WITH_RF * 2)
    s = fewer.savings
    assert s.kg_co2e_per_year_p10 < s.kg_co2e_per_year < s.kg_co2e_per_year_p90
    rail = next(a for a in report.actions if a.id.endswith("-to-rail"))
    rail_km = 700.0 * factor("detour_vs_great_circle", "rail").value
    hand = 2 * 2 * (700.0 * SHORT_HAUL_WITH_RF - rail_km * NATIONAL_RAIL)  # 2 legs x 2 people
    assert rail.savings.kg_co2e_per_year == pytest.approx(hand)
    assert rail.id in fewer.conflicts_with and fewer.id in rail.conflicts_with
    assert rail.savings.extra_minutes_per_year > 0


def test_long_haul_gets_no_rail_alternative(mode_choice):
    report = travel_report(
        household(flights(5500.0, "flight_long_haul", 1, 1)), mode_choice=mode_choice
    )
    assert [a.kind for a in report.actions] == ["fewer_flights"]


def test_every_factor_row_has_a_source_year_and_a_sane_range():
    table = transport_table().reset_index()
    assert table["source"].str.len().gt(10).all()
    assert table["year"].between(2000, 2030).all()
    assert table["status"].isin(["secondary", "estimate", "convention", "assumption"]).all()
    assert (table["low"] <= table["value"]).all() and (table["value"] <= table["high"]).all()
    assert not table.duplicated(["parameter", "key"]).any()


@pytest.mark.parametrize(("mode", "value"), sorted(REFERENCE.items()))
def test_emission_factors_match_the_reference(mode, value):
    row = factor("emission_factor", mode)
    assert row.value == value
    if value:
        assert "DESNZ 2024" in row.source and row.year == 2024
        per_vehicle = mode.startswith("car_") or mode in ("motorbike", "taxi")
        assert row.basis == ("per vehicle-km" if per_vehicle else "per passenger-km")


def test_electric_car_factor_within_the_reference_range():
    row = factor("emission_factor", "car_electric")
    assert 0.047 <= row.low <= row.value <= row.high <= 0.053
