"""Flights: rail instead of a short-haul flight, and one fewer return flight a year.

A flight trip is one leg; its ``distance_km`` is taken as great-circle km (the DESNZ per
passenger-km factors already carry their distance uplift). Flights are annualised over at least a
year (:mod:`.profile`); a household's flights are grouped into routes by mode and distance
(within 25 %) with its trip profile (:mod:`.profile_chunk`). Rail replaces a flight up to
``max_route_km rail_for_flight`` (1,000 km great-circle), over the great-circle km x
``detour_vs_great_circle rail``, at intercity speed, access and fares. The household's
``max_extra_minutes_per_trip`` is NOT applied to flights: it is about everyday trips, and a
holiday's extra hours by train are shown (and lower the likelihood) rather than hiding the option.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recommender.actions.travel import catalogue
from recommender.actions.travel.figures import N_DRAWS, Values, p10_p90


@dataclass(frozen=True)
class FlightRoute:
    """Flights of similar distance: one leg's km, people on board, legs a year."""

    route_id: str
    mode: str
    distance_km: float
    passengers: float
    legs_observed: int
    legs_per_year: float


def _flight_leg(route: FlightRoute, v: Values):
    km, p = route.distance_km, route.passengers
    kg = km * v("emission_factor", route.mode) * p
    money = p * (v("cost_per_trip", "flight") + km * v("cost_per_km", "flight"))
    return kg, money


def _rail_leg(route: FlightRoute, v: Values):
    rail_km = route.distance_km * v("detour_vs_great_circle", "rail")
    kg = rail_km * v("emission_factor", "rail") * route.passengers
    money = route.passengers * rail_km * v("cost_per_km", "rail_intercity")
    return kg, money


def flight_minutes(km: float) -> float:
    return catalogue.factor("access_minutes", "flight").value + float(
        60 * km / catalogue.speed_kmh("flight", km)
    )


def rail_minutes(km: float) -> float:
    rail_km = km * catalogue.factor("detour_vs_great_circle", "rail").value
    speed = catalogue.factor("speed_kmh_long", "rail").value
    return catalogue.factor("access_minutes", "rail_intercity").value + 60 * rail_km / speed


def _ranges(mid: dict[str, float], sample: dict[str, np.ndarray]) -> dict[str, float]:
    out = {}
    bands = p10_p90(np.stack([np.broadcast_to(sample[name], (N_DRAWS,)) for name in mid]))
    for (name, value), (p10, p90) in zip(mid.items(), bands.T, strict=True):
        out[name], out[f"{name}_p10"], out[f"{name}_p90"] = value, min(p10, value), max(p90, value)
    return {k: float(v) for k, v in out.items()}


def rail_for_flight(route: FlightRoute) -> dict[str, float] | None:
    """Yearly figures of taking the train for this route's legs, or None beyond rail's reach."""
    if (
        route.mode == "flight_long_haul"
        or route.distance_km > catalogue.factor("max_route_km", "rail_for_flight").value
    ):
        return None
    central, draws = Values(), Values(N_DRAWS)
    n = route.legs_per_year
    (fk, fm), (rk, rm) = _flight_leg(route, central), _rail_leg(route, central)
    (fk_d, fm_d), (rk_d, rm_d) = _flight_leg(route, draws), _rail_leg(route, draws)
    out = _ranges(
        {"kg_co2e": n * (fk - rk), "money": n * (fm - rm)},
        {"kg_co2e": n * (fk_d - rk_d), "money": n * (fm_d - rm_d)},
    )
    extra = rail_minutes(route.distance_km) - flight_minutes(route.distance_km)
    out.update(extra_minutes_per_trip=extra, extra_minutes=n * extra, trips_per_year=n)
    out.update(rail_km=route.distance_km * catalogue.factor("detour_vs_great_circle", "rail").value)
    return out


def one_fewer_return_flight(route: FlightRoute) -> dict[str, float]:
    """Yearly figures of skipping one return flight (two legs) of this route."""
    central, draws = Values(), Values(N_DRAWS)
    legs = min(2.0, route.legs_per_year)
    (fk, fm), (fk_d, fm_d) = _flight_leg(route, central), _flight_leg(route, draws)
    out = _ranges(
        {"kg_co2e": legs * fk, "money": legs * fm}, {"kg_co2e": legs * fk_d, "money": legs * fm_d}
    )
    out.update(legs_skipped=legs)
    return out


def flight_sources(route: FlightRoute, with_rail: bool) -> tuple[str, ...]:
    rows = [("emission_factor", route.mode), ("cost_per_km", "flight"), ("cost_per_trip", "flight")]
    if with_rail:
        rows += [
            ("emission_factor", "rail"),
            ("detour_vs_great_circle", "rail"),
            ("cost_per_km", "rail_intercity"),
        ]
    return tuple(catalogue.factor(p, k).cite() for p, k in rows)
