"""Done-when: a 12 km weekday car commute and a 3 km school run get the right alternatives, with
savings that match a hand calculation from the UK DESNZ 2024 factors in data/reference.md."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from travel_builders import SCHOOL_RUN, WEEKDAY_COMMUTE, diary, household

from recommender.actions.travel import travel_report
from recommender.actions.travel.catalogue import factor
from recommender.domain import Action

# kg CO2e per km, typed from data/reference.md (UK DESNZ 2024), not read from the code's table.
PETROL_CAR_PER_VEHICLE_KM = 0.16984
NATIONAL_RAIL_PER_PASSENGER_KM = 0.03546
LOCAL_BUS_PER_PASSENGER_KM = 0.10312
EBIKE_PER_KM = 0.003  # middle of data/reference.md's 0.002-0.004 estimate


@pytest.fixture(scope="module")
def report(mode_choice):
    trips = diary("2024-03-04", 4, WEEKDAY_COMMUTE + SCHOOL_RUN)
    return travel_report(household(trips), mode_choice=mode_choice)


def _by_journey(actions: tuple[Action, ...], purpose: str) -> dict[str, Action]:
    out = {}
    for a in actions:
        if "journey" in a.details and a.details["journey"]["purpose"] == purpose:
            out[a.details["alternative"]["mode"]] = a
    return out


def test_commute_gets_rail_bus_and_ebike_school_run_gets_walk_and_cycle(report):
    commute = _by_journey(report.actions, "commute")
    school = _by_journey(report.actions, "school")
    assert {"rail", "bus", "ebike"} <= set(commute)
    assert "walk" not in commute  # 12 km is beyond a walk
    assert {"walk", "cycle"} <= set(school)
    assert (
        "rail" not in school and "coach" not in school
    )  # 3 km is under rail's and coach's minimum


def test_commute_by_rail_matches_the_hand_calculation(report):
    rail = _by_journey(report.actions, "commute")["rail"]
    detour = factor("detour_vs_road", "rail").value  # an assumption row of the table
    weeks = factor("active_weeks_per_year", "commute").value  # 46: 52 less leave
    trips_per_year = 2 * 5 * weeks
    hand = (
        12 * trips_per_year * (PETROL_CAR_PER_VEHICLE_KM - NATIONAL_RAIL_PER_PASSENGER_KM * detour)
    )
    assert rail.savings.kg_co2e_per_year == pytest.approx(hand, rel=1e-9)
    s = rail.savings
    assert s.kg_co2e_per_year_p10 < s.kg_co2e_per_year < s.kg_co2e_per_year_p90


def test_commute_by_bus_and_ebike_match_the_hand_calculation(report):
    commute = _by_journey(report.actions, "commute")
    trips_per_year = 2 * 5 * factor("active_weeks_per_year", "commute").value
    car = 12 * PETROL_CAR_PER_VEHICLE_KM
    bus = 12 * factor("detour_vs_road", "bus").value * LOCAL_BUS_PER_PASSENGER_KM
    ebike = 12 * factor("detour_vs_road", "ebike").value * EBIKE_PER_KM
    assert commute["bus"].savings.kg_co2e_per_year == pytest.approx(trips_per_year * (car - bus))
    assert commute["ebike"].savings.kg_co2e_per_year == pytest.approx(
        trips_per_year * (car - ebike)
    )


def test_money_and_fuel_follow_the_cost_rows(report):
    rail = _by_journey(report.actions, "commute")["rail"]
    n = 2 * 5 * factor("active_weeks_per_year", "commute").value
    rail_km = 12 * factor("detour_vs_road", "rail").value
    car_cost = 12 * factor("cost_per_km", "car_petrol").value
    fare = factor("cost_per_trip", "rail").value + rail_km * factor("cost_per_km", "rail").value
    assert rail.savings.money_per_year == pytest.approx(n * (car_cost - fare))
    assert rail.savings.currency == "GBP"
    fuel = n * 12 * factor("energy_kwh_per_km", "car_petrol").value  # petrol no longer burnt
    assert rail.savings.kwh_per_year == pytest.approx(fuel)


def test_school_run_on_foot_saves_the_whole_car_trip(report):
    walk = _by_journey(report.actions, "school")["walk"]
    n = 2 * 5 * factor("active_weeks_per_year", "school").value  # 39 school weeks
    assert walk.savings.kg_co2e_per_year == pytest.approx(n * 3 * PETROL_CAR_PER_VEHICLE_KM)
    assert walk.savings.extra_minutes_per_year > 0


def test_explanations_name_the_journey_and_sources_cite_desnz(report):
    rail = _by_journey(report.actions, "commute")["rail"]
    assert "weekday 12 km commute by car" in rail.explanation
    assert any("0.03546" in s and "DESNZ 2024" in s for s in rail.sources)
    assert any("0.16984" in s for s in rail.sources)
    assert rail.id in _by_journey(report.actions, "commute")["bus"].conflicts_with


def test_tuesday_and_thursday_commute_is_named(mode_choice):
    legs = [(d, h, 12.0, "car_petrol", "commute", 1) for d in (1, 3) for h in (8.0, 17.5)]
    report = travel_report(household(diary("2024-03-04", 3, legs)), mode_choice=mode_choice)
    titles = " ".join(a.explanation for a in report.actions)
    assert "Tuesday and Thursday 12 km commute by car" in titles
    rail = _by_journey(report.actions, "commute")["rail"]
    assert rail.details["journey"]["trips_per_year"] == pytest.approx(
        2 * 2 * factor("active_weeks_per_year", "commute").value
    )


def test_every_figure_is_finite_and_likelihood_a_probability(report):
    assert report.actions
    for a in report.actions:
        s = a.savings
        for value in (
            s.kg_co2e_per_year,
            s.money_per_year,
            s.kwh_per_year,
            s.extra_minutes_per_year,
        ):
            assert math.isfinite(value)
        assert s.kg_co2e_per_year_p10 <= s.kg_co2e_per_year <= s.kg_co2e_per_year_p90
        assert s.money_per_year_p10 <= s.money_per_year <= s.money_per_year_p90
        assert s.kg_co2e_per_year > 0  # only alternatives that lower emissions are offered
        assert 0.0 <= a.likelihood <= 1.0


def test_max_extra_minutes_removes_slow_alternatives(mode_choice):
    trips = diary("2024-03-04", 2, WEEKDAY_COMMUTE + SCHOOL_RUN)
    relaxed = travel_report(household(trips, max_extra_minutes=60), mode_choice=mode_choice)
    strict = travel_report(household(trips, max_extra_minutes=5), mode_choice=mode_choice)
    for a in strict.actions:
        if "journey" in a.details:
            assert a.details["extra_minutes_per_trip"] <= 5
    assert len(strict.actions) < len(relaxed.actions)


def test_no_walk_longer_than_the_walking_limit(mode_choice):
    legs = [(d, h, 25.0, "car_diesel", "commute", 1) for d in range(5) for h in (8.0, 17.5)]
    report = travel_report(
        household(diary("2024-03-04", 2, legs), max_extra_minutes=600), mode_choice=mode_choice
    )
    modes = {a.details["alternative"]["mode"] for a in report.actions if "journey" in a.details}
    assert "walk" not in modes and "cycle" not in modes  # 25 km: beyond 3 km walks and 15 km rides
    assert "rail" in modes


def test_non_gbp_household_is_told_costs_are_in_gbp(mode_choice):
    trips = diary("2024-03-04", 1, WEEKDAY_COMMUTE)
    report = travel_report(household(trips, currency="EUR", region="FR"), mode_choice=mode_choice)
    assert any("GBP" in w and "EUR" in w for w in report.warnings)
    assert all(a.savings.currency == "GBP" for a in report.actions)


def test_no_trips_no_actions(mode_choice):
    report = travel_report(household([]), mode_choice=mode_choice)
    assert report.actions == () and report.profile.regular_journeys == ()


def test_same_input_same_answer(mode_choice):
    trips = diary("2024-03-04", 2, WEEKDAY_COMMUTE)
    a = travel_report(household(trips), mode_choice=mode_choice).actions
    b = travel_report(household(trips), mode_choice=mode_choice).actions
    assert [(x.id, x.savings, x.likelihood) for x in a] == [
        (x.id, x.savings, x.likelihood) for x in b
    ]


def test_summer_times_are_local(mode_choice):
    # 08:00 in London in July is 07:00 UTC; the journey must still read 08:00.
    trips = diary("2024-07-01", 1, WEEKDAY_COMMUTE)
    journeys = travel_report(household(trips), mode_choice=mode_choice).profile.regular_journeys
    assert journeys[0].departure_hours == (8.0, 17.5)
    assert pd.Timestamp(trips[0].start).hour == 7


def test_one_electric_car_action_for_all_the_car_km(report):
    electric = [a for a in report.actions if "electric" in a.id]
    assert [a.id for a in electric] == ["travel-electric-car"]
    commute_km = 12 * 10 * factor("active_weeks_per_year", "commute").value
    school_km = 3 * 10 * factor("active_weeks_per_year", "school").value
    ev = 0.050  # middle of data/reference.md's 0.047-0.053 per vehicle-km
    hand = (commute_km + school_km) * (PETROL_CAR_PER_VEHICLE_KM - ev)
    assert electric[0].savings.kg_co2e_per_year == pytest.approx(hand)
    assert electric[0].savings.extra_minutes_per_year == 0.0
    assert _by_journey(report.actions, "commute")["rail"].id in electric[0].conflicts_with
    figures = [v for v in vars(electric[0].savings).values() if not isinstance(v, str)]
    assert {type(v) for v in figures} == {float}  # the range too, not numpy scalars


def test_uk_figures_are_warned_of_only_where_travel_figures_are_shown(mode_choice):
    trips = diary("2024-03-04", 4, WEEKDAY_COMMUTE)
    abroad = travel_report(household(trips, currency="EUR", region="DE"), mode_choice=mode_choice)
    assert abroad.actions
    assert [w.split(":")[0] for w in abroad.warnings] == ["ApproximationWarning"] * 2
    assert "region is DE" in abroad.warnings[1] and "household's EUR" in abroad.warnings[0]
    no_trips = travel_report(household([], currency="EUR", region="DE"), mode_choice=mode_choice)
    assert no_trips.actions == () and no_trips.warnings == ()
