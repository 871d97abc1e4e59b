"""The factor and trip-count draws shared by every trip: what they are, and that a pair's range
is its own draws' P10-P90 whatever the pairs it is computed with.

A range is a Monte Carlo estimate over common random numbers (``figures.factor_draws``,
``figures.rate_draws``): each factor's draws come from its own seeded generator, so a pair's range
must not depend on the journey's id, the other pairs of the chunk, or their order; and the
chunk's block arithmetic must give what the one-pair formula gives on the same draws.
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest

from recommender.actions.travel import catalogue
from recommender.actions.travel.alternatives import (
    GROUND_ALTERNATIVES,
    Alternative,
    _car_mode,
    evaluate_many,
)
from recommender.actions.travel.figures import (
    N_DRAWS,
    Values,
    factor_draws,
    per_trip,
    rate_draws,
)
from recommender.actions.travel.profile import RegularJourney
from recommender.domain import TRIP_MODES, Preferences

GROUND = [m for m in TRIP_MODES if m not in catalogue.FLIGHT_MODES]
ANY = Preferences(max_extra_minutes_per_trip=1e6)


def _journey(mode: str, purpose: str, weeks: float, trips: int, km: float = 12.0) -> RegularJourney:
    return RegularJourney(
        journey_id=f"{purpose}-{trips}-{mode}",
        purpose=purpose,
        mode=mode,
        distance_km=km,
        passengers=2.0,
        trips_observed=trips,
        weeks_observed=weeks,
        trips_per_year=trips * 52.0 / min(weeks, 52.0),
        weekdays=(0,),
        departure_hours=(8.0,),
    )


def _ranged_factors() -> list[catalogue.Factor]:
    keys = {(p, k) for p in ("emission_factor", "cost_per_km") for k in GROUND}
    factors = [catalogue.factor(p, k) for p, k in sorted(keys) if catalogue.has_factor(p, k)]
    return [f for f in factors if f.low < f.value < f.high]


@pytest.mark.parametrize("factor", _ranged_factors(), ids=lambda f: f"{f.parameter}-{f.key}")
def test_a_factors_draws_have_its_p10_value_and_p90(factor):
    draws = factor_draws(factor.parameter, factor.key)
    assert draws.shape == (N_DRAWS,) and not draws.flags.writeable and (draws >= 0).all()
    p10, p50, p90 = np.percentile(draws, [10, 50, 90])
    spread = factor.high - factor.low  # 1,000 draws: each quantile within a few % of the spread
    assert p10 == pytest.approx(max(factor.low, 0.0), abs=0.08 * spread)
    assert p50 == pytest.approx(factor.value, abs=0.08 * spread)
    assert p90 == pytest.approx(factor.high, abs=0.08 * spread)


def test_a_factor_without_a_range_is_its_value_and_factors_are_independent():
    fixed = [(p, k) for p, k in _all_keys() if _is_fixed(catalogue.factor(p, k))]
    assert fixed, "the table has factors without a range"
    for p, k in fixed:
        assert factor_draws(p, k) == catalogue.factor(p, k).value
    a, b = (factor_draws(f.parameter, f.key) for f in _ranged_factors()[:2])
    assert abs(np.corrcoef(a, b)[0, 1]) < 0.1  # their own generators: no common draws


def _all_keys() -> list[tuple[str, str]]:
    return [(str(p), str(k)) for p, k in catalogue.transport_table().index]


def _is_fixed(f: catalogue.Factor) -> bool:
    return f.low == f.value == f.high and f.value > 0


@pytest.mark.parametrize("trips", [1, 3, 40, 400])
def test_rate_draws_have_mean_one_and_the_variance_of_a_count(trips):
    draws = rate_draws(float(trips))
    assert not draws.flags.writeable and (draws > 0).all()
    assert draws.mean() == pytest.approx(1.0, abs=4 / np.sqrt(trips * N_DRAWS))
    assert draws.var() == pytest.approx(1.0 / trips, rel=0.25)


def test_draws_are_the_same_in_a_fresh_process_cache():
    f = _ranged_factors()[0]
    before = np.array(factor_draws(f.parameter, f.key)), np.array(rate_draws(7.0))
    factor_draws.cache_clear()
    rate_draws.cache_clear()
    after = factor_draws(f.parameter, f.key), rate_draws(7.0)
    for x, y in zip(before, after, strict=True):
        assert x.tobytes() == y.tobytes()


PAIRS = [(c, o) for c, o in itertools.product(GROUND, GROUND_ALTERNATIVES) if c != o]


@pytest.mark.parametrize(("current", "option"), PAIRS)
def test_a_pairs_range_is_its_own_draws_whatever_it_is_computed_with(current, option):
    journeys = [
        _journey(current, purpose, weeks, trips)
        for (purpose, weeks), trips in itertools.product(
            [("commute", 60.0), ("leisure", 8.0)], (3, 40)
        )
    ]
    for journey, alt in zip(journeys, _evaluated(journeys, option), strict=True):
        renamed = dataclasses.replace(journey, journey_id="another-id")
        assert _evaluated([renamed], option)[0].yearly == alt.yearly  # alone, another id
        expected = _one_pair(alt)
        for k, name in enumerate(("kg_co2e", "money", "kwh")):
            mid = alt.yearly[name]
            assert alt.yearly[f"{name}_p10"] == min(expected[0, k], mid), name
            assert alt.yearly[f"{name}_p90"] == max(expected[1, k], mid), name


def _evaluated(journeys: list[RegularJourney], option: str) -> list[Alternative]:
    done = evaluate_many(
        journeys,
        [option] * len(journeys),
        preferences=[ANY] * len(journeys),
        modes_used=[frozenset()] * len(journeys),
    )
    assert all(a is not None for a in done)
    return [a for a in done if a is not None]


def _one_pair(alt: Alternative) -> np.ndarray:
    """The one-pair formula on the shared draws: (P10, P90) x (kg, money, kWh)."""
    journey, v = alt.journey, Values(N_DRAWS)
    trips = v.trips_per_year([journey])[0]
    car, people = _car_mode(journey.mode), journey.passengers
    c = per_trip(journey.mode, alt.current.route.distance_km, people, v, car_mode=car)
    estimated = alt.option.route.estimated
    a = per_trip(
        alt.option.mode,
        alt.option.route.distance_km,
        people,
        v,
        car_mode=car,
        vary_detour=estimated,
    )
    savings = np.stack([np.broadcast_to(trips * (c[k] - a[k]), (N_DRAWS,)) for k in range(3)])
    return np.percentile(savings, [10, 90], axis=1)
