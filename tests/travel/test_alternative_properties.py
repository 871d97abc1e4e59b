"""Properties of the per-trip arithmetic and the yearly ranges, for any distance and party."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recommender.actions.travel.alternatives import GROUND_ALTERNATIVES, evaluate
from recommender.actions.travel.figures import Values, p10_p90, per_trip
from recommender.actions.travel.profile import RegularJourney
from recommender.domain import Preferences

km = st.floats(min_value=0.5, max_value=300.0, allow_nan=False)
people = st.integers(min_value=1, max_value=5)


@settings(max_examples=40, deadline=None)
@given(km, people)
def test_vehicle_km_modes_are_shared_and_passenger_km_modes_are_per_person(d, p):
    v = Values()
    car_one, *_ = per_trip("car_petrol", d, 1, v)
    car_p, *_ = per_trip("car_petrol", d, p, v)
    rail_one, *_ = per_trip("rail", d, 1, v)
    rail_p, *_ = per_trip("rail", d, p, v)
    share, *_ = per_trip("car_share", d, p, v, car_mode="car_petrol")
    assert car_p == pytest.approx(car_one)  # one car, however many are in it
    assert rail_p == pytest.approx(p * rail_one)  # a ticket each
    assert share == pytest.approx(car_one * p / max(2, p + 1)) and share < car_one


@settings(max_examples=25, deadline=None)
@given(km, people, st.sampled_from(GROUND_ALTERNATIVES), st.integers(min_value=3, max_value=60))
def test_yearly_figures_are_trips_times_per_trip_and_inside_their_range(d, p, mode, n):
    journey = RegularJourney(
        journey_id="j",
        purpose="commute",
        mode="car_diesel",
        distance_km=d,
        passengers=float(p),
        trips_observed=n,
        weeks_observed=4.0,
        trips_per_year=n * 46 / 4,
        weekdays=(0,),
        departure_hours=(8.0,),
    )
    alt = evaluate(journey, mode, preferences=Preferences(max_extra_minutes_per_trip=1e6))
    y = alt.yearly
    per_trip_saving = alt.current.kg_co2e - alt.option.kg_co2e
    assert y["kg_co2e"] == pytest.approx(journey.trips_per_year * per_trip_saving)
    for name in ("kg_co2e", "money", "kwh"):
        assert y[f"{name}_p10"] <= y[name] <= y[f"{name}_p90"]
    if alt.feasible:
        assert per_trip_saving > 0


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 4),
    st.integers(1, 1200),
    st.sampled_from([0, 1, 2, 3]),
    st.integers(0, 2**32 - 1),
)
def test_p10_p90_is_numpys_percentile_to_the_bit(rows, n, kind, seed):
    """Of the sorted draws, with ties, zeros, infinities and NaN among them."""
    rng = np.random.default_rng(seed)
    draws = rng.standard_normal((rows, 3, n)) * 10.0 ** rng.integers(-3, 4)
    if kind == 1:
        draws = np.round(draws)  # many ties
    if kind == 2:
        draws = np.maximum(draws, 0.0)  # half of them zero, as floored draws are
    if kind == 3:
        draws.flat[rng.integers(0, draws.size, 3)] = [np.inf, -np.inf, np.nan]
    with np.errstate(invalid="ignore"):  # inf - inf between the order statistics
        expected = np.percentile(draws, [10, 90], axis=2)
        got = p10_p90(draws.copy(), axis=2)
    np.testing.assert_array_equal(got, expected)
    assert got.tobytes() == expected.tobytes()
