"""``evaluate_many`` reads its arrays once as lists: each pair's legs, routes, feasibility and
reasons the same as that pair's own arrays give them (the per-pair reads it replaced), with
infeasible pairs kept, so the reasons are read too.
"""

from __future__ import annotations

import numpy as np

from recommender.actions.travel.alternatives import GROUND_ALTERNATIVES, evaluate_many
from recommender.actions.travel.profile import RegularJourney
from recommender.domain import Preferences


def _journeys(rng: np.random.Generator, n: int) -> list[RegularJourney]:
    modes = ("car_petrol", "car_diesel", "bus", "rail", "walk", "car_electric", "tram")
    purposes = ("commute", "shopping", "school", "leisure")
    out = []
    for k in range(n):
        observed = int(rng.integers(3, 80))
        weeks = float(rng.choice([4.0, 30.0, 52.0, 60.0]))
        out.append(
            RegularJourney(
                journey_id=f"j{k}",
                purpose=str(rng.choice(purposes)),
                mode=str(rng.choice(modes)),
                distance_km=float(np.round(rng.gamma(2.0, 6.0), 1)) + 0.1,
                passengers=float(rng.integers(1, 4)),
                trips_observed=observed,
                weeks_observed=weeks,
                trips_per_year=observed * 52.0 / weeks,
                weekdays=(0, 2),
                departure_hours=(8.0,),
            )
        )
    return out


def test_each_pair_is_what_it_is_alone_and_reasons_name_the_broken_rules():
    rng = np.random.default_rng(7)
    journeys = [j for j in _journeys(rng, 25) for _ in GROUND_ALTERNATIVES]
    modes = list(GROUND_ALTERNATIVES) * 25
    preferences = [Preferences(max_extra_minutes_per_trip=float(rng.choice([5, 30, 1e6])))]
    used = [frozenset({"tram"}) if k % 3 else frozenset() for k in range(len(modes))]
    together = evaluate_many(journeys, modes, preferences=preferences * len(modes), modes_used=used)
    assert any(a is not None and not a.feasible for a in together)
    assert any(a is not None and a.feasible for a in together)
    for k, alt in enumerate(together):
        alone = evaluate_many(
            [journeys[k]], [modes[k]], preferences=preferences, modes_used=[used[k]]
        )[0]
        assert alt == alone  # legs, routes, figures, feasibility, reasons, yearly figures
        assert alt is not None and alt.feasible == (alt.reasons == ())
        assert type(alt.current.route.distance_km) is float and type(alt.feasible) is bool
