"""Travel actions for one household: the service's entry point.

:func:`travel_report` reads the household's trips (:mod:`.profile`), evaluates the
greener alternatives of each regular journey (:mod:`.alternatives`) and of its flights
(:mod:`.flights`), scores each with the mode-choice model (:mod:`.mode_choice`) and returns
``domain.Action`` objects with their savings, ranges, explanation and sources, plus the data-quality
warnings found on the way. :func:`travel_actions` returns the actions only.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from recommender.actions.travel import catalogue
from recommender.actions.travel.alternatives import N_DRAWS, Alternative, Values, alternatives_for
from recommender.actions.travel.flights import (
    FlightRoute,
    flight_minutes,
    flight_routes,
    flight_sources,
    one_fewer_return_flight,
    rail_for_flight,
    rail_minutes,
)
from recommender.actions.travel.mode_choice import (
    ACTIVE_MODES,
    PT_MODES,
    choice_features,
    is_peak,
    likelihood,
)
from recommender.actions.travel.profile import RegularJourney, TripProfile, household_trip_profile
from recommender.actions.travel.routing import Router
from recommender.domain import Action, Household, Savings
from recommender.quantities import money_text

ASSUMPTIONS_SOURCE = (
    "detours, speeds, access times, running costs and fares: UK 2024 assumptions in GBP, "
    "each a row of data/factors/transport.csv marked 'assumption' with its reasoning"
)
_VERB = {
    "walk": "Walk",
    "cycle": "Cycle",
    "ebike": "Ride an e-bike for",
    "escooter": "Ride an e-scooter for",
    "bus": "Take the bus for",
    "coach": "Take the coach for",
    "rail": "Take the train for",
    "cycle_rail": "Cycle to the station and take the train for",
    "tram": "Take the tram for",
    "underground": "Take the underground for",
    "car_share": "Share a lift for",
}


@dataclass(frozen=True)
class TravelReport:
    """The travel actions of one household, the trip profile behind them and the warnings."""

    actions: tuple[Action, ...]
    profile: TripProfile
    warnings: tuple[str, ...]


def habits(profile: TripProfile) -> dict[str, float]:
    """The household's own habits from its trips: car owner, shares by PT and by active modes."""
    modes = profile.trips["mode"] if len(profile.trips) else pd.Series(dtype=str)
    n = max(len(modes), 1)
    return {
        "car_owner": float(modes.isin(catalogue.CAR_MODES).any()),
        "pt_share": float(modes.isin(PT_MODES).sum() / n),
        "active_share": float(modes.isin(ACTIVE_MODES).sum() / n),
    }


def _money(amount: float) -> str:
    return (
        f"{money_text(abs(amount), catalogue.CURRENCY)} a year {'less' if amount >= 0 else 'more'}"
    )


def _hours(hours: tuple[float, ...]) -> str:
    times = [f"{int(h):02d}:{int(round((h % 1) * 60)):02d}" for h in hours]
    return times[0] if len(times) == 1 else ", ".join(times[:-1]) + " and " + times[-1]


def _savings(y: dict[str, float], extra_minutes: float) -> Savings:
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


def _journey_action(alt: Alternative, p: float, conflicts: tuple[str, ...]) -> Action:
    j, y, mode = alt.journey, alt.yearly, alt.option.mode
    phrase = j.describe()
    current_kg = y["trips_per_year"] * alt.current.kg_co2e
    explanation = (
        f"Your {phrase} (about {y['trips_per_year']:.0f} trips a year, usually at "
        f"{_hours(j.departure_hours)}) emits about {current_kg:,.0f} kg CO2e a year. "
        f"By {catalogue.label(mode)} ({alt.option.route.distance_km:.1f} km a trip) it would emit "
        f"{current_kg - y['kg_co2e']:,.0f} kg: {y['kg_co2e']:,.0f} kg CO2e less "
        f"(P10-P90 {y['kg_co2e_p10']:,.0f}-{y['kg_co2e_p90']:,.0f}), {_money(y['money'])}, "
        f"{alt.extra_minutes_per_trip:+.0f} minutes a trip. Costs are UK 2024 assumptions in GBP."
    )
    details: dict[str, Any] = {
        "journey": {
            "id": j.journey_id,
            "description": phrase,
            "purpose": j.purpose,
            "mode": j.mode,
            "distance_km": j.distance_km,
            "passengers": j.passengers,
            "trips_observed": j.trips_observed,
            "weeks_observed": j.weeks_observed,
            "trips_per_year": y["trips_per_year"],
            "weekdays": list(j.weekdays),
            "departure_hours": list(j.departure_hours),
        },
        "current": _leg(alt.current),
        "alternative": _leg(alt.option),
        "extra_minutes_per_trip": alt.extra_minutes_per_trip,
        "likelihood_source": "mode-choice model",
        "warnings": list(alt.warnings),
    }
    title = f"{_VERB[mode]} your {phrase.rsplit(' by ', 1)[0]}"
    if mode in ("walk", "cycle"):
        title = f"{_VERB[mode]} your {phrase.rsplit(' by ', 1)[0]} instead of driving"
    return Action(
        id=f"travel-{j.journey_id}-to-{mode}",
        kind="travel_mode",
        title=title,
        savings=_savings(y, y["extra_minutes"]),
        explanation=explanation,
        likelihood=float(p),
        sources=(*alt.sources, ASSUMPTIONS_SOURCE),
        conflicts_with=conflicts,
        details=details,
    )


def _leg(leg: Any) -> dict[str, Any]:
    return {
        "mode": leg.mode,
        "route_km": leg.route.distance_km,
        "minutes": leg.route.minutes,
        "kg_co2e_per_trip": leg.kg_co2e,
        "money_per_trip": leg.money,
        "kwh_per_trip": leg.kwh,
        "route_source": leg.route.source,
    }


def _choice_rows(
    alts: list[Alternative], profile: TripProfile, own: dict[str, float]
) -> pd.DataFrame:
    rows = []
    for alt in alts:
        j = alt.journey
        hours = profile.trips.loc[list(j.rows), "hour"].to_numpy() if j.rows else np.array([12.0])
        rows.append(
            {
                "alternative": alt.option.mode,
                "purpose": j.purpose,
                "current_mode": j.mode,
                "road_km": j.distance_km / catalogue.detour(j.mode).value,
                "extra_minutes": alt.extra_minutes_per_trip,
                "cost_diff": alt.option.money - alt.current.money,
                "peak": float(is_peak(hours).mean()),
                "passengers": j.passengers,
                **own,
            }
        )
    return choice_features(pd.DataFrame(rows))


def _flight_actions(
    routes: tuple[FlightRoute, ...], model: Pipeline, own: dict[str, float]
) -> list[Action]:
    actions: list[Action] = []
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
            p = float(likelihood(model, choice_features(pd.DataFrame([row])))[0])
            actions.append(
                Action(
                    id=rail_id,
                    kind="travel_mode",
                    title=f"Take the train instead of your {route.distance_km:,.0f} km flights",
                    savings=_savings(rail, rail["extra_minutes"]),
                    explanation=(
                        f"You fly about {route.legs_per_year:.1f} legs of "
                        f"{route.distance_km:,.0f} km a year with {route.passengers:g} on board. "
                        f"By train (about {rail['rail_km']:,.0f} km, "
                        f"{rail_minutes(route.distance_km) / 60:.1f} h door to door against "
                        f"{flight_minutes(route.distance_km) / 60:.1f} h by air) that is "
                        f"{rail['kg_co2e']:,.0f} kg CO2e a year less "
                        f"(P10-P90 {rail['kg_co2e_p10']:,.0f}-"
                        f"{rail['kg_co2e_p90']:,.0f}), {_money(rail['money'])}."
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
            )
        if i == 0:
            fewer = one_fewer_return_flight(route)
            actions.append(
                Action(
                    id=fewer_id,
                    kind="fewer_flights",
                    title=f"Take one fewer {route.distance_km:,.0f} km return flight a year",
                    savings=_savings(fewer, 0.0),
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
            )
    return actions


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


def _electric_car_action(
    profile: TripProfile, model: Pipeline, own: dict[str, float], overlapping: list[str]
) -> Action | None:
    """One household-level action: the same car km in an electric car (a purchase, not a trip)."""
    fuel_cars = ("car_petrol", "car_diesel", "car_hybrid")
    km_by_mode = {m: km for m, km in profile.km_per_year_by_mode.items() if m in fuel_cars}
    if not km_by_mode:
        return None
    central = _electric_car_figures(km_by_mode, Values())
    rng = np.random.default_rng(zlib.crc32(b"electric-car"))
    draws = _electric_car_figures(km_by_mode, Values(rng, N_DRAWS))
    yearly: dict[str, float] = {}
    for name in ("kg_co2e", "money", "kwh"):
        p10, p90 = np.percentile(np.broadcast_to(draws[name], (N_DRAWS,)), [10, 90])
        mid = float(central[name])
        yearly |= {name: mid, f"{name}_p10": min(p10, mid), f"{name}_p90": max(p90, mid)}
    trips = profile.trips[profile.trips["mode"].isin(fuel_cars)]
    mean_km = float(trips["distance_km"].mean())
    car_km = sum(km_by_mode.values())
    row = {
        "alternative": "car_electric",
        "purpose": str(trips["purpose"].mode().iloc[0]),
        "current_mode": max(km_by_mode, key=lambda m: km_by_mode[m]),
        "road_km": mean_km,
        "extra_minutes": 0.0,
        "cost_diff": -yearly["money"] / car_km * mean_km,
        "peak": float(is_peak(trips["hour"].to_numpy()).mean()),
        "passengers": float(trips["passengers"].mean()),
        **own,
    }
    p = float(likelihood(model, choice_features(pd.DataFrame([row])))[0])
    rows = [("emission_factor", m) for m in (*km_by_mode, "car_electric")]
    rows += [("cost_per_km", m) for m in (*km_by_mode, "car_electric")]
    return Action(
        id="travel-electric-car",
        kind="travel_mode",
        title="Make your next car electric",
        savings=_savings(yearly, 0.0),
        explanation=(
            f"You drive about {car_km:,.0f} km a year in a fuel car. The same km in an electric "
            f"car would emit {yearly['kg_co2e']:,.0f} kg CO2e a year less (P10-P90 "
            f"{yearly['kg_co2e_p10']:,.0f}-{yearly['kg_co2e_p90']:,.0f}, UK grid electricity) and "
            f"cost {_money(yearly['money'])} to run. Buying the car is not counted."
        ),
        likelihood=p,
        sources=(*(catalogue.factor(a, b).cite() for a, b in rows), ASSUMPTIONS_SOURCE),
        conflicts_with=tuple(
            i for i in overlapping if i.startswith("travel-") and "flight" not in i
        ),
        details={"car_km_per_year": km_by_mode, "likelihood_source": "mode-choice model"},
    )


def travel_report(
    household: Household, *, mode_choice: Pipeline, router: Router | None = None
) -> TravelReport:
    """Greener-travel actions of a household, the trip profile behind them, and the warnings.

    ``mode_choice`` is a fitted model (the service loads it from ``models/``; nothing is trained
    on the spot: :func:`train_mode_choice` makes one and says what it learned from)."""
    profile = household_trip_profile(household)
    warnings = list(profile.warnings)
    if household.tariff.currency != catalogue.CURRENCY:
        warnings.append(
            "ApproximationWarning: travel money figures are UK 2024 costs in "
            f"{catalogue.CURRENCY}, "
            f"not in the household's {household.tariff.currency}"
        )
    if household.region != catalogue.COST_REGION:
        warnings.append(
            "ApproximationWarning: travel emission factors and costs are UK figures; "
            f"region is {household.region}"
        )
    model = mode_choice
    own = habits(profile)
    modes_used = frozenset(profile.trips["mode"]) if len(profile.trips) else frozenset()
    groups = []
    for journey in profile.regular_journeys:
        alts = alternatives_for(
            journey, preferences=household.preferences, modes_used=modes_used, router=router
        )
        alts = [a for a in alts if a.option.mode != "car_electric"]  # one household-level action
        if alts:
            groups.append(alts)
    flat = [alt for alts in groups for alt in alts]
    p = likelihood(model, _choice_rows(flat, profile, own)) if flat else np.array([])
    actions: list[Action] = []
    k = 0
    for alts in groups:
        ids = [f"travel-{a.journey.journey_id}-to-{a.option.mode}" for a in alts]
        for i, alt in enumerate(alts):
            actions.append(_journey_action(alt, p[k], tuple(x for x in ids if x != ids[i])))
            warnings.extend(alt.warnings)
            k += 1
    electric = _electric_car_action(profile, model, own, [a.id for a in actions])
    if electric is not None:
        actions.append(electric)
    actions.extend(_flight_actions(flight_routes(profile), model, own))
    return TravelReport(tuple(actions), profile, tuple(dict.fromkeys(warnings)))


def travel_actions(
    household: Household, *, mode_choice: Pipeline, router: Router | None = None
) -> list[Action]:
    """The travel actions of :func:`travel_report` (kinds ``travel_mode`` and ``fewer_flights``)."""
    return list(travel_report(household, mode_choice=mode_choice, router=router).actions)


def journeys(household: Household) -> tuple[RegularJourney, ...]:
    """The household's regular journeys (for the form's trip summary)."""
    return household_trip_profile(household).regular_journeys
