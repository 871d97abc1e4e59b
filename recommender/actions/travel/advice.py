"""Travel actions for one household: the service's entry point.

:func:`travel_report` reads the household's trips (:mod:`.profile`), evaluates the
greener alternatives of each regular journey (:mod:`.alternatives`) and of its flights
(:mod:`.flights`), scores each with the mode-choice model (:mod:`.mode_choice`) and returns
``domain.Action`` objects with their savings, ranges, explanation and sources, plus the data-quality
warnings found on the way. :func:`travel_actions` returns the actions only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from recommender.actions.travel import catalogue
from recommender.actions.travel.alternatives import Alternative, alternatives_for
from recommender.actions.travel.flights import flight_routes
from recommender.actions.travel.household_level import (
    ASSUMPTIONS_SOURCE,
    electric_car_action,
    flight_actions,
    money_phrase,
    savings_of,
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
from recommender.domain import Action, Household

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


def _hours(hours: tuple[float, ...]) -> str:
    times = [f"{int(h):02d}:{int(round((h % 1) * 60)):02d}" for h in hours]
    return times[0] if len(times) == 1 else ", ".join(times[:-1]) + " and " + times[-1]


def _journey_action(alt: Alternative, p: float, conflicts: tuple[str, ...]) -> Action:
    j, y, mode = alt.journey, alt.yearly, alt.option.mode
    phrase = j.describe()
    current_kg = y["trips_per_year"] * alt.current.kg_co2e
    explanation = (
        f"Your {phrase} (about {y['trips_per_year']:.0f} trips a year, usually at "
        f"{_hours(j.departure_hours)}) emits about {current_kg:,.0f} kg CO2e a year. "
        f"By {catalogue.label(mode)} ({alt.option.route.distance_km:.1f} km a trip) it would emit "
        f"{current_kg - y['kg_co2e']:,.0f} kg: {y['kg_co2e']:,.0f} kg CO2e less "
        f"(P10-P90 {y['kg_co2e_p10']:,.0f}-{y['kg_co2e_p90']:,.0f}), {money_phrase(y['money'])}, "
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
        savings=savings_of(y, y["extra_minutes"]),
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
) -> list[dict[str, Any]]:
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
    return rows


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
    ids = [f"travel-{a.journey.journey_id}-to-{a.option.mode}" for a in flat]
    electric = electric_car_action(profile, own, ids)
    pending = [*([electric] if electric else []), *flight_actions(flight_routes(profile), own)]
    rows = _choice_rows(flat, profile, own) + [row for row, _ in pending if row is not None]
    p = likelihood(model, choice_features(pd.DataFrame(rows))) if rows else np.array([])
    actions: list[Action] = []
    k = 0
    for alts in groups:
        ids = [f"travel-{a.journey.journey_id}-to-{a.option.mode}" for a in alts]
        for i, alt in enumerate(alts):
            actions.append(_journey_action(alt, p[k], tuple(x for x in ids if x != ids[i])))
            warnings.extend(alt.warnings)
            k += 1
    for row, build in pending:  # the electric car, then the flights, as before
        actions.append(build(float(p[k]) if row is not None else 0.0))
        k += row is not None
    return TravelReport(tuple(actions), profile, tuple(dict.fromkeys(warnings)))


def travel_actions(
    household: Household, *, mode_choice: Pipeline, router: Router | None = None
) -> list[Action]:
    """The travel actions of :func:`travel_report` (kinds ``travel_mode`` and ``fewer_flights``)."""
    return list(travel_report(household, mode_choice=mode_choice, router=router).actions)


def journeys(household: Household) -> tuple[RegularJourney, ...]:
    """The household's regular journeys (for the form's trip summary)."""
    return household_trip_profile(household).regular_journeys
