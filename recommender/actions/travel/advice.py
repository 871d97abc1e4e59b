"""Travel actions for a chunk of households (:func:`travel_reports`) or one (:func:`travel_report`).

:func:`travel_report` reads the household's trips (:mod:`.profile`), evaluates the
greener alternatives of each regular journey (:mod:`.alternatives`) and of its flights
(:mod:`.flights`), scores each with the mode-choice model (:mod:`.mode_choice`) and returns
``domain.Action`` objects with their savings, ranges, explanation and sources, plus the data-quality
warnings found on the way. :func:`travel_actions` returns the actions only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from sklearn.pipeline import Pipeline

from recommender.actions.travel import catalogue
from recommender.actions.travel.alternatives import (
    GROUND_ALTERNATIVES,
    Alternative,
    evaluate_many,
)
from recommender.actions.travel.household_level import (
    ASSUMPTIONS_SOURCE,
    Pending,
    electric_car_action,
    flight_actions,
    money_phrase,
    savings_of,
)
from recommender.actions.travel.mode_choice import choice_columns, likelihoods
from recommender.actions.travel.profile import RegularJourney, TripProfile
from recommender.actions.travel.profile_chunk import (
    HouseholdTrips,
    household_trip_profile,
    households_trips,
)
from recommender.actions.travel.routing import Router
from recommender.domain import Action, Household
from recommender.errors import GreenrecError

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


@lru_cache(maxsize=4096)  # usual departures are half hours: few distinct sets
def _hours(hours: tuple[float, ...]) -> str:
    times = [f"{int(h):02d}:{int(round((h % 1) * 60)):02d}" for h in hours]
    return times[0] if len(times) == 1 else ", ".join(times[:-1]) + " and " + times[-1]


def _journey_action(
    alt: Alternative, p: float, conflicts: tuple[str, ...], phrase: str, hours: str, subject: str
) -> Action:
    """``phrase``, ``hours`` and ``subject``: the journey's ``describe()``, ``_hours`` of its
    departures and the phrase without its mode (written once for all of a journey's
    alternatives)."""
    j, y, mode = alt.journey, alt.yearly, alt.option.mode
    current_kg = y["trips_per_year"] * alt.current.kg_co2e
    explanation = (
        f"Your {phrase} (about {y['trips_per_year']:.0f} trips a year, usually at "
        f"{hours}) emits about {current_kg:,.0f} kg CO2e a year. "
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
    title = f"{_VERB[mode]} your {subject}"
    if mode in ("walk", "cycle"):
        title = f"{_VERB[mode]} your {subject} instead of driving"
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
    groups: list[list[Alternative]], peak_shares: list[float], own: dict[str, float]
) -> list[dict[str, Any]]:
    rows = []
    for alts, peak in zip(groups, peak_shares, strict=True):
        detour = catalogue.detour(alts[0].journey.mode).value  # one journey's alternatives
        for alt in alts:
            j = alt.journey
            rows.append(
                {
                    "alternative": alt.option.mode,
                    "purpose": j.purpose,
                    "current_mode": j.mode,
                    "road_km": j.distance_km / detour,
                    "extra_minutes": alt.extra_minutes_per_trip,
                    "cost_diff": alt.option.money - alt.current.money,
                    "peak": peak,
                    "passengers": j.passengers,
                    **own,
                }
            )
    return rows


@dataclass(frozen=True)
class _Plan:
    """One household's travel actions waiting for their likelihoods (``rows``, in order)."""

    profile: TripProfile
    groups: list[list[Alternative]]  # each regular journey's feasible alternatives
    pending: list[Pending]  # the electric car, then the flights
    rows: list[dict[str, Any]]
    warnings: list[str]


def _plan(
    household: Household, trips: HouseholdTrips, alternatives: list[list[Alternative]]
) -> _Plan:
    """``alternatives``: each regular journey's feasible alternatives (the electric car left out:
    it is one household-level action)."""
    profile = trips.profile
    own = trips.habits
    kept = [(alts, peak) for alts, peak in zip(alternatives, trips.peak_share, strict=True) if alts]
    groups, peaks = [alts for alts, _ in kept], [peak for _, peak in kept]
    ids = [f"travel-{a.journey.journey_id}-to-{a.option.mode}" for alts in groups for a in alts]
    electric = electric_car_action(trips.car, own, ids)
    pending = [*([electric] if electric else []), *flight_actions(trips.flights, own)]
    rows = _choice_rows(groups, peaks, own) + [row for row, _ in pending if row is not None]
    # each group and each pending item is an action: the UK figures are only warned of when shown
    shown = bool(groups or pending)
    return _Plan(
        profile, groups, pending, rows, [*profile.warnings, *_uk_figures(household, shown)]
    )


def _uk_figures(household: Household, shown: bool) -> list[str]:
    """What the answer must say when it shows travel figures made for the UK elsewhere."""
    if not shown:
        return []
    warnings = []
    if household.tariff.currency != catalogue.CURRENCY:
        warnings.append(
            "ApproximationWarning: travel money figures are UK 2024 costs in "
            f"{catalogue.CURRENCY}, not in the household's {household.tariff.currency}"
        )
    if household.region != catalogue.COST_REGION:
        warnings.append(
            "ApproximationWarning: travel emission factors and costs are UK figures; "
            f"region is {household.region}"
        )
    return warnings


def _alternatives(
    households: Sequence[Household],
    trips: Sequence[HouseholdTrips | GreenrecError],
    router: Router | None,
) -> list[list[list[Alternative]]]:
    """Each household's journeys' feasible alternatives, evaluated for the whole chunk at once."""
    # the (household, journey, journey, mode) of each pair, as columns
    house: list[int] = []
    number: list[int] = []
    journeys: list[RegularJourney] = []
    modes: list[str] = []
    for h, mine in enumerate(trips):
        if isinstance(mine, GreenrecError):
            continue
        for k, journey in enumerate(mine.profile.regular_journeys):
            options = [m for m in GROUND_ALTERNATIVES if m not in (journey.mode, "car_electric")]
            house += [h] * len(options)
            number += [k] * len(options)
            journeys += [journey] * len(options)
            modes += options
    used = [_used(t) for t in trips]
    evaluated = evaluate_many(
        journeys,
        modes,
        preferences=[households[h].preferences for h in house],
        modes_used=[used[h] for h in house],
        router=router,
        ranges_if_infeasible=False,
        keep_infeasible=False,
    )
    out: list[list[list[Alternative]]] = [
        [[] for _ in t.profile.regular_journeys] if not isinstance(t, GreenrecError) else []
        for t in trips
    ]
    for h, k, alt in zip(house, number, evaluated, strict=True):
        if alt is not None:
            out[h][k].append(alt)
    return out


def _used(trips: HouseholdTrips | GreenrecError) -> frozenset[str]:
    return trips.modes_used if isinstance(trips, HouseholdTrips) else frozenset()


def _report(plan: _Plan, p: np.ndarray) -> TravelReport:
    actions: list[Action] = []
    warnings = list(plan.warnings)
    k = 0
    likelihood = p.tolist()  # floats, read once
    for alts in plan.groups:  # one journey's alternatives
        ids = [f"travel-{a.journey.journey_id}-to-{a.option.mode}" for a in alts]
        phrase, hours = alts[0].journey.describe(), _hours(tuple(alts[0].journey.departure_hours))
        subject = phrase.rsplit(" by ", 1)[0]
        for own, alt in zip(ids, alts, strict=True):
            others = tuple([x for x in ids if x != own])
            actions.append(_journey_action(alt, likelihood[k], others, phrase, hours, subject))
            warnings.extend(alt.warnings)
            k += 1
    for row, build in plan.pending:  # the electric car, then the flights, as before
        actions.append(build(likelihood[k] if row is not None else 0.0))
        k += row is not None
    return TravelReport(tuple(actions), plan.profile, tuple(dict.fromkeys(warnings)))


def travel_reports(
    households: Sequence[Household], *, mode_choice: Pipeline, router: Router | None = None
) -> list[TravelReport | GreenrecError]:
    """:func:`travel_report` of each household of a chunk, aligned with ``households``: its
    report, or the :class:`GreenrecError` its data raised (one bad household costs the others
    nothing). Trips are read as one table, and the mode-choice model scores every row of the
    chunk in one pass; each household's answer is the one it gets alone."""
    chunk = households_trips(households)
    alternatives = _alternatives(households, chunk, router)
    plans: list[_Plan | GreenrecError] = []
    for household, trips, alts in zip(households, chunk, alternatives, strict=True):
        if isinstance(trips, GreenrecError):
            plans.append(trips)
            continue
        try:
            plans.append(_plan(household, trips, alts))
        except GreenrecError as exc:
            plans.append(exc)
    ready = [plan for plan in plans if isinstance(plan, _Plan)]
    bounds = np.cumsum([0, *(len(plan.rows) for plan in ready)])
    rows = [row for plan in ready for row in plan.rows]
    columns = {c: [row[c] for row in rows] for c in rows[0]} if rows else {}
    p = likelihoods(mode_choice, choice_columns(columns), bounds) if rows else None
    out: list[TravelReport | GreenrecError] = []
    k = 0
    for plan in plans:
        if isinstance(plan, GreenrecError):
            out.append(plan)
            continue
        out.append(_report(plan, p[bounds[k] : bounds[k + 1]] if p is not None else np.array([])))
        k += 1
    return out


def travel_report(
    household: Household, *, mode_choice: Pipeline, router: Router | None = None
) -> TravelReport:
    """Greener-travel actions of a household, the trip profile behind them, and the warnings.

    ``mode_choice`` is a fitted model (the service loads it from ``models/``; nothing is trained
    on the spot: :func:`train_mode_choice` makes one and says what it learned from). A chunk of
    one of :func:`travel_reports`; raises the household's error."""
    report = travel_reports([household], mode_choice=mode_choice, router=router)[0]
    if isinstance(report, GreenrecError):
        raise report
    return report


def travel_actions(
    household: Household, *, mode_choice: Pipeline, router: Router | None = None
) -> list[Action]:
    """The travel actions of :func:`travel_report` (kinds ``travel_mode`` and ``fewer_flights``)."""
    return list(travel_report(household, mode_choice=mode_choice, router=router).actions)


def journeys(household: Household) -> tuple[RegularJourney, ...]:
    """The household's regular journeys (for the form's trip summary)."""
    return household_trip_profile(household).regular_journeys
