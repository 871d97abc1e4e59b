"""The stacked draws of alike alternatives are, row by row, the draws of each alternative alone.

:class:`StackedValues` draws a row's factors up front in one call (and keeps a factor without a
range as its value); a lazy :class:`Values` on the same seed draws them one by one as the
alternative's figures read them. Every (current mode, option) pair the advice evaluates, with and
without the active-weeks factor and the detour draw, must read the same numbers to the bit.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from recommender.actions.travel import catalogue
from recommender.actions.travel.alternatives import GROUND_ALTERNATIVES, _car_mode
from recommender.actions.travel.figures import (
    StackedValues,
    Values,
    _constant,
    _read_order,
    per_trip,
)
from recommender.actions.travel.profile import RegularJourney
from recommender.domain import TRIP_MODES

N = 200  # draws a factor: enough to see every branch of the split normal


def _journey(mode: str, purpose: str, weeks: float, trips: int) -> RegularJourney:
    return RegularJourney(
        journey_id=f"{purpose}-{trips}km-{mode}",
        purpose=purpose,
        mode=mode,
        distance_km=12.0,
        passengers=1.0,
        trips_observed=trips,
        weeks_observed=weeks,
        trips_per_year=trips * 52.0 / weeks,
        weekdays=(0,),
        departure_hours=(8.0,),
    )


def _alone(journey: RegularJourney, option: str, estimated: bool, seed: int) -> Values:
    """A lazy Values of one alternative, read in the order :func:`figures._samples` reads."""
    v = Values(np.random.default_rng(seed), N)
    v.rate = v.trips_per_year(journey)  # type: ignore[attr-defined]  # the Gamma draw first
    car = _car_mode(journey.mode)
    per_trip(journey.mode, 5.0, 1.0, v, car_mode=car)
    per_trip(option, 5.0, 1.0, v, car_mode=car, vary_detour=estimated)
    return v


GROUND = [m for m in TRIP_MODES if m not in catalogue.FLIGHT_MODES]
PAIRS = [(c, o) for c, o in itertools.product(GROUND, GROUND_ALTERNATIVES) if c != o]


@pytest.mark.parametrize(("current", "option"), PAIRS)
def test_each_row_is_the_alternative_drawn_alone(current, option):
    for estimated, (purpose, weeks) in itertools.product(
        (True, False), [("commute", 60.0), ("leisure", 8.0), ("school", 20.0)]
    ):
        journeys = [_journey(current, purpose, weeks, trips) for trips in (3, 7, 40)]
        seeds = [11, 12, 13]
        key = (current, option, _car_mode(current), estimated, weeks < 52, purpose)
        rngs = [np.random.default_rng(s) for s in seeds]
        observed = [float(j.trips_observed) for j in journeys]
        stacked = StackedValues(rngs, observed, _read_order(key), N)
        trips = stacked.trips_per_year_of(journeys)
        for row, (journey, seed) in enumerate(zip(journeys, seeds, strict=True)):
            alone = _alone(journey, option, estimated, seed)
            assert list(alone.used) == [(f.parameter, f.key) for f in _read_order(key).factors]
            assert trips[row].tobytes() == alone.rate.tobytes()  # type: ignore[attr-defined]
            for name in alone.used:
                value = stacked(*name)  # a row of draws, or the value of a factor without range
                got = value[row] if np.ndim(value) == 2 else np.full(N, value)
                assert got.tobytes() == alone(*name).tobytes(), (name, row)
            if not _trailing_constant(key):  # then each generator drew exactly as much
                assert alone.rng.random() == rngs[row].random()


def _trailing_constant(key: tuple) -> bool:
    """The last factor read has no range, so its normals are not drawn and the generators part."""
    return _constant(_read_order(key).factors[-1])


def test_a_factor_outside_the_read_order_raises():
    key = ("car_petrol", "bus", "car_petrol", True, False, "commute")
    stacked = StackedValues([np.random.default_rng(1)], [5.0], _read_order(key), N)
    with pytest.raises(KeyError, match="not drawn"):
        stacked("emission_factor", "tram")
