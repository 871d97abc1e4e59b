"""The household-level travel actions: the electric car and the flights (rail instead, one fewer).

Each is returned *pending* its likelihood: the mode-choice row to predict and a function that
builds the action once the likelihood is known, so :func:`recommender.actions.travel.advice.
travel_report` predicts every row of a household in one call of the mode-choice model.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from recommender.actions.travel import catalogue
from recommender.actions.travel.figures import N_DRAWS, Values, p10_p90
from recommender.actions.travel.flights import (
    FlightRoute,
    flight_minutes,
    flight_sources,
    one_fewer_return_flight,
    rail_for_flight,
    rail_minutes,
)
from recommender.actions.travel.profile_chunk import CarUse
from recommender.domain import Action, Savings
from recommender.quantities import money_text

ASSUMPTIONS_SOURCE = (
    "detours, speeds, access times, running costs and fares: UK 2024 assumptions in GBP, "
    "each a row of data/factors/transport.csv marked 'assumption' with its reasoning"
)


def money_phrase(amount: float) -> str:
    return (
        f"{money_text(abs(amount), catalogue.CURRENCY)} a year {'less' if amount >= 0 else 'more'}"
    )


def savings_of(y: dict[str, float], extra_minutes: float) -> Savings:
    return Savings(
        kwh_per_year=y.get("kwh", 0.0),
        kg_co2e_per_year=y["kg_co2e"],
        money_per_year=y["money"],
        currency=catalogue.CURRENCY,
        kwh_per_year_p10=y.get("kwh_p10", 0.0),
        kwh_per_year_p90=y.get("kwh_p90", 0.0),
        kg_co2e_per_year_p10=y["kg_co2e_p10"],
        kg_co2e_per_year_p90=y["kg_co2e_p90"],
        money_per_year_p10=y["money_p10"],
        money_per_year_p90=y["money_p90"],
        extra_minutes_per_year=extra_minutes,
        energy="transport",
    )


# An action waiting for its likelihood: the mode-choice row to predict (None: no likelihood) and
# what builds the action from it. One predict serves every row of a household.
Pending = tuple[dict[str, Any] | None, Callable[[float], Action]]


def flight_actions(routes: tuple[FlightRoute, ...], own: dict[str, float]) -> list[Pending]:
    actions: list[Pending] = []
    for i, route in enumerate(routes):
        rail = rail_for_flight(route)
        fewer_id = f"travel-fewer-flights-{route.route_id}"
        rail_id = f"travel-{route.route_id}-to-rail"
        if rail is not None:
            row = {
                "alternative": "rail",
                "purpose": "leisure",
                "current_mode": route.mode,
                "road_km": rail["rail_km"],
                "extra_minutes": rail["extra_minutes_per_trip"],
                "cost_diff": -rail["money"] / max(rail["trips_per_year"], 1e-9),
                "peak": 0.0,
                "passengers": route.passengers,
                **own,
            }
            actions.append((row, partial(_rail_action, route, rail, i, rail_id, fewer_id)))
        if i == 0:
            actions.append((None, partial(_fewer_flights_action, route, fewer_id, rail_id, rail)))
    return actions


def _rail_action(
    route: FlightRoute, rail: dict[str, Any], i: int, rail_id: str, fewer_id: str, p: float
) -> Action:
    return Action(
        id=rail_id,
        kind="travel_mode",
        title=f"Take the train instead of your {route.distance_km:,.0f} km flights",
        savings=savings_of(rail, rail["extra_minutes"]),
        explanation=(
            f"You fly about {route.legs_per_year:.1f} legs of "
            f"{route.distance_km:,.0f} km a year with {route.passengers:g} on board. "
            f"By train (about {rail['rail_km']:,.0f} km, "
            f"{rail_minutes(route.distance_km) / 60:.1f} h door to door against "
            f"{flight_minutes(route.distance_km) / 60:.1f} h by air) that is "
            f"{rail['kg_co2e']:,.0f} kg CO2e a year less "
            f"(P10-P90 {rail['kg_co2e_p10']:,.0f}-"
            f"{rail['kg_co2e_p90']:,.0f}), {money_phrase(rail['money'])}."
        ),
        likelihood=p,
        sources=(*flight_sources(route, with_rail=True), ASSUMPTIONS_SOURCE),
        conflicts_with=(fewer_id,) if i == 0 else (),
        details={
            "route": route.__dict__,
            "likelihood_source": "mode-choice model",
            **rail,
        },
    )


def _fewer_flights_action(
    route: FlightRoute, fewer_id: str, rail_id: str, rail: dict[str, Any] | None, _p: float
) -> Action:
    fewer = one_fewer_return_flight(route)
    return Action(
        id=fewer_id,
        kind="fewer_flights",
        title=f"Take one fewer {route.distance_km:,.0f} km return flight a year",
        savings=savings_of(fewer, 0.0),
        explanation=(
            f"Your flights of about {route.distance_km:,.0f} km "
            f"({route.legs_per_year:.1f} legs a year, {route.passengers:g} on board) "
            "are your largest flying. One fewer return "
            f"flight saves about {fewer['kg_co2e']:,.0f} kg CO2e a year (P10-P90 "
            f"{fewer['kg_co2e_p10']:,.0f}-{fewer['kg_co2e_p90']:,.0f}) and "
            f"£{fewer['money']:,.0f} in fares, if the trip is not replaced by another."
        ),
        sources=(*flight_sources(route, with_rail=False), ASSUMPTIONS_SOURCE),
        conflicts_with=(rail_id,) if rail is not None else (),
        details={
            "route": route.__dict__,
            "likelihood_source": "none (ranker's prior)",
            **fewer,
        },
    )


def _electric_car_figures(km_by_mode: dict[str, float], v: Values) -> dict[str, Any]:
    ev = "car_electric"
    out: dict[str, Any] = {"kg_co2e": 0.0, "money": 0.0, "kwh": 0.0}
    for mode, km in km_by_mode.items():
        out["kg_co2e"] = out["kg_co2e"] + km * (
            v("emission_factor", mode) - v("emission_factor", ev)
        )
        out["money"] = out["money"] + km * (v("cost_per_km", mode) - v("cost_per_km", ev))
        out["kwh"] = out["kwh"] + km * (v("energy_kwh_per_km", mode) - v("energy_kwh_per_km", ev))
    return out


def electric_car_action(
    car: CarUse | None, own: dict[str, float], overlapping: list[str]
) -> Pending | None:
    """One household-level action: the same car km in an electric car (a purchase, not a trip)."""
    if car is None:
        return None
    km_by_mode = car.km_per_year_by_mode
    central = _electric_car_figures(km_by_mode, Values())
    draws = _electric_car_figures(km_by_mode, Values(N_DRAWS))
    yearly: dict[str, float] = {}
    names = ("kg_co2e", "money", "kwh")
    bands = p10_p90(np.stack([np.broadcast_to(draws[name], (N_DRAWS,)) for name in names]))
    for name, (p10, p90) in zip(names, bands.T.tolist(), strict=True):  # floats, as mid is
        mid = float(central[name])
        yearly |= {name: mid, f"{name}_p10": min(p10, mid), f"{name}_p90": max(p90, mid)}
    car_km = sum(km_by_mode.values())
    row = {
        "alternative": "car_electric",
        "purpose": car.main_purpose,
        "current_mode": max(km_by_mode, key=lambda m: km_by_mode[m]),
        "road_km": car.mean_trip_km,
        "extra_minutes": 0.0,
        "cost_diff": -yearly["money"] / car_km * car.mean_trip_km,
        "peak": car.peak_share,
        "passengers": car.mean_passengers,
        **own,
    }
    return row, partial(_electric_action, km_by_mode, yearly, overlapping)


def _electric_action(
    km_by_mode: dict[str, float], yearly: dict[str, float], overlapping: list[str], p: float
) -> Action:
    car_km = sum(km_by_mode.values())
    rows = [("emission_factor", m) for m in (*km_by_mode, "car_electric")]
    rows += [("cost_per_km", m) for m in (*km_by_mode, "car_electric")]
    return Action(
        id="travel-electric-car",
        kind="travel_mode",
        title="Make your next car electric",
        savings=savings_of(yearly, 0.0),
        explanation=(
            f"You drive about {car_km:,.0f} km a year in a fuel car. The same km in an electric "
            f"car would emit {yearly['kg_co2e']:,.0f} kg CO2e a year less (P10-P90 "
            f"{yearly['kg_co2e_p10']:,.0f}-{yearly['kg_co2e_p90']:,.0f}, UK grid electricity) and "
            f"cost {money_phrase(yearly['money'])} to run. Buying the car is not counted."
        ),
        likelihood=p,
        sources=(*(catalogue.factor(a, b).cite() for a, b in rows), ASSUMPTIONS_SOURCE),
        conflicts_with=tuple(
            i for i in overlapping if i.startswith("travel-") and "flight" not in i
        ),
        details={"car_km_per_year": km_by_mode, "likelihood_source": "mode-choice model"},
    )
