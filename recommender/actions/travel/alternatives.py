"""Greener alternatives for one regular journey, with per-trip and yearly figures and their ranges.

For a journey of road distance ``d`` km made ``N`` times a year by ``p`` people, the yearly saving
of alternative ``a`` over the current mode ``c`` is ``N x (E_c - E_a)`` where, per trip,

- a vehicle-km mode (cars, motorbike, taxi): ``E = d x detour x factor`` (one vehicle; everyone
  in it shares it), a lift share: that x ``p / max(occupancy, p + 1)``; e-bike and e-scooter:
  one each, ``x p``;
- a passenger-km mode (bus, coach, rail, tram, underground, walk, cycle):
  ``E = d x detour x factor x p``.

Money (GBP, UK 2024 running costs and fares, ``data/factors/transport.csv``) and the household's
own fuel/electricity kWh follow the same shapes. The central figures use each factor's value; the
P10-P90 range comes from 1,000 draws of every factor between its ``low`` and ``high`` (split normal,
those being its P10 and P90), of the detours, and of the trip count (Gamma on the trips seen).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np

from recommender.actions.travel import catalogue
from recommender.actions.travel.profile import RegularJourney
from recommender.actions.travel.routing import (
    OfflineRouter,
    Route,
    Router,
    RouteRequest,
    RoutingError,
)
from recommender.domain import Preferences

GROUND_ALTERNATIVES: tuple[str, ...] = (
    "walk",
    "cycle",
    "ebike",
    "bus",
    "coach",
    "rail",
    "cycle_rail",
    "tram",
    "underground",
    "car_share",
    "car_electric",
)
NEEDS_LOCAL_EVIDENCE: tuple[str, ...] = ("tram", "underground")  # offered only where used already
CAR_SHARE_PURPOSES: tuple[str, ...] = ("commute", "school", "business")
N_DRAWS = 1000
_Z90 = 1.2815515655446004  # standard normal P90


class Values:
    """Factor values: central (``rng=None``) or ``n`` split-normal draws, one per factor row."""

    def __init__(self, rng: np.random.Generator | None = None, n: int = N_DRAWS) -> None:
        self.rng, self.n = rng, n
        self._cache: dict[tuple[str, str], np.ndarray | float] = {}
        self.used: dict[tuple[str, str], catalogue.Factor] = {}

    def __call__(self, parameter: str, key: str) -> np.ndarray | float:
        if (parameter, key) not in self._cache:
            f = catalogue.factor(parameter, key)
            self.used[(parameter, key)] = f
            if self.rng is None:
                self._cache[(parameter, key)] = f.value
            else:
                z = self.rng.standard_normal(self.n)
                spread = np.where(z < 0, f.value - f.low, f.high - f.value) / _Z90
                self._cache[(parameter, key)] = np.maximum(f.value + z * spread, 0.0)
        return self._cache[(parameter, key)]

    def ratio(self, parameter: str, key: str) -> np.ndarray | float:
        """Draw / central value (1.0 when central) - scales a figure known only at its centre."""
        central = catalogue.factor(parameter, key).value
        return self(parameter, key) / central if central else 1.0

    def trips_per_year(self, journey: RegularJourney) -> np.ndarray | float:
        if self.rng is None:
            return journey.trips_per_year
        n = journey.trips_observed
        rate = self.rng.gamma(shape=n, scale=1.0 / n, size=self.n)
        weeks_key = (
            journey.purpose
            if catalogue.has_factor("active_weeks_per_year", journey.purpose)
            else "default"
        )
        scale = (
            self.ratio("active_weeks_per_year", weeks_key) if journey.weeks_observed < 52 else 1.0
        )
        return journey.trips_per_year * rate * scale


@dataclass(frozen=True)
class Leg:
    """One mode's figures for one trip of the journey (all passengers together)."""

    mode: str
    route: Route
    kg_co2e: float
    money: float
    kwh: float


@dataclass(frozen=True)
class Alternative:
    """An alternative to a journey's current mode, with yearly savings and their P10-P90."""

    journey: RegularJourney
    current: Leg
    option: Leg
    feasible: bool
    reasons: tuple[str, ...]  # why it is not feasible (empty when feasible)
    extra_minutes_per_trip: float
    yearly: dict[str, float] = field(default_factory=dict)  # central, p10, p90 of each figure
    sources: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def per_trip(
    mode: str,
    route_km: np.ndarray | float,
    passengers: np.ndarray | float,
    v: Values,
    *,
    car_mode: str = "car_petrol",
    vary_detour: bool = False,
) -> tuple:
    """kg CO2e, money (GBP) and kWh of one trip by ``mode`` over ``route_km`` for ``passengers``.

    ``car_mode``: the household's car, for a lift share. ``vary_detour``: the route km is an offline
    estimate, so it varies with the mode's detour draw. Works on arrays (the simulated population).
    """
    p = passengers
    detour_key = "rail" if mode == "cycle_rail" else catalogue.family(mode)
    km = route_km * (v.ratio("detour_vs_road", detour_key) if vary_detour else 1.0)
    if mode == "cycle_rail":
        money = p * (v("cost_per_trip", "rail") + km * v("cost_per_km", "rail"))
        return km * v("emission_factor", "rail") * p, money, 0.0 * km
    if mode == "car_share":
        share = p / np.maximum(v("car_share_occupancy", "car_share"), p + 1)
        return (
            km * v("emission_factor", car_mode) * share,
            km * v("cost_per_km", car_mode) * share,
            km * v("energy_kwh_per_km", car_mode) * share,
        )
    people = 1.0 if mode in (*catalogue.CAR_MODES, "motorbike", "taxi") else p
    kg = km * v("emission_factor", mode) * people
    fixed = v("cost_per_trip", mode) if catalogue.has_factor("cost_per_trip", mode) else 0.0
    money = fixed * (1.0 if mode == "taxi" else people) + km * v("cost_per_km", mode) * people
    has_kwh = catalogue.has_factor("energy_kwh_per_km", mode)
    kwh = km * v("energy_kwh_per_km", mode) * people if has_kwh else 0.0 * km
    return kg, money, kwh


def _car_mode(journey: RegularJourney) -> str:
    return journey.mode if journey.mode in catalogue.CAR_MODES else "car_petrol"


def _route(router: Router, request: RouteRequest, warnings: list[str]) -> Route:
    try:
        return router.route(request)
    except RoutingError as exc:
        warnings.append(f"routing failed, offline estimate used for {request.mode}: {exc}")
        return OfflineRouter().route(request)


def evaluate(
    journey: RegularJourney,
    mode: str,
    *,
    preferences: Preferences,
    modes_used: frozenset[str] = frozenset(),
    router: Router | None = None,
    n_draws: int = N_DRAWS,
    ranges_if_infeasible: bool = True,
) -> Alternative:
    """Figures and feasibility of taking ``mode`` instead of the journey's current mode.

    ``ranges_if_infeasible=False`` skips the Monte Carlo ranges of an infeasible alternative
    (its ``yearly`` is then empty): a caller that drops infeasible ones need not pay for them.
    Each alternative's draws are seeded by its own journey and mode, so skipping one changes no
    other's figures.
    """
    router = router or OfflineRouter()
    warnings: list[str] = []
    road_km = journey.distance_km / catalogue.detour(journey.mode).value
    ends = (journey.origin, journey.destination)
    cur_route = _route(router, RouteRequest(journey.mode, road_km, *ends), warnings)
    alt_route = _route(router, RouteRequest(mode, road_km, *ends), warnings)
    if mode == "car_electric":  # the same car trip in an electric car: same route and time
        alt_route = Route(
            cur_route.distance_km, cur_route.minutes, cur_route.source, cur_route.estimated
        )
    central = Values()
    legs = []
    for m, r in ((journey.mode, cur_route), (mode, alt_route)):
        kg, money, kwh = per_trip(
            m, r.distance_km, journey.passengers, central, car_mode=_car_mode(journey)
        )
        legs.append(Leg(m, r, float(kg), float(money), float(kwh)))
    current, option = legs
    extra = option.route.minutes - current.route.minutes
    reasons = _infeasible(journey, mode, option, current, extra, preferences, modes_used)
    rng = np.random.default_rng(zlib.crc32(f"{journey.journey_id}>{mode}".encode()))
    draws = Values(rng, n_draws)
    skip = bool(reasons) and not ranges_if_infeasible
    yearly = {} if skip else _yearly(journey, (current, option), central, draws)
    used = {**central.used, **draws.used}
    sources = tuple(
        f.cite()
        for (param, _), f in sorted(used.items())
        if param in ("emission_factor", "cost_per_km", "energy_kwh_per_km")
    )
    return Alternative(
        journey=journey,
        current=current,
        option=option,
        feasible=not reasons,
        reasons=tuple(reasons),
        extra_minutes_per_trip=float(extra),
        yearly=yearly,
        sources=sources,
        warnings=tuple(warnings),
    )


def _yearly(
    journey: RegularJourney, legs: tuple[Leg, Leg], central: Values, draws: Values
) -> dict[str, float]:
    current, option = legs
    out: dict[str, float] = {}
    n_central = central.trips_per_year(journey)
    n_draw = draws.trips_per_year(journey)
    p, car = journey.passengers, _car_mode(journey)
    cur = per_trip(current.mode, current.route.distance_km, p, draws, car_mode=car)
    alt = per_trip(
        option.mode,
        option.route.distance_km,
        p,
        draws,
        car_mode=car,
        vary_detour=option.route.estimated,
    )
    names = ("kg_co2e", "money", "kwh")
    samples = np.stack(
        [
            np.broadcast_to(n_draw * (np.asarray(cur[i]) - np.asarray(alt[i])), (draws.n,))
            for i in range(len(names))
        ]
    )
    bands = np.percentile(samples, [10, 90], axis=1)  # one call for the three figures
    for i, name in enumerate(names):
        mid = n_central * (getattr(current, name) - getattr(option, name))
        p10, p90 = bands[0, i], bands[1, i]
        out[name] = float(mid)
        out[f"{name}_p10"] = float(min(p10, mid))
        out[f"{name}_p90"] = float(max(p90, mid))
    out["trips_per_year"] = float(n_central)
    out["extra_minutes"] = float(n_central * (option.route.minutes - current.route.minutes))
    return out


def _infeasible(
    journey: RegularJourney,
    mode: str,
    option: Leg,
    current: Leg,
    extra_minutes: float,
    preferences: Preferences,
    modes_used: frozenset[str],
) -> list[str]:
    reasons = []
    km = option.route.distance_km
    if mode == journey.mode:
        reasons.append("already the journey's mode")
    if mode == "car_electric" and journey.mode not in ("car_petrol", "car_diesel", "car_hybrid"):
        reasons.append("an electric car only replaces a petrol, diesel or hybrid car")
    if mode == "car_share" and (
        journey.mode not in catalogue.CAR_MODES or journey.purpose not in CAR_SHARE_PURPOSES
    ):
        reasons.append("lift sharing replaces a car on a commute, school run or business trip")
    if (
        catalogue.has_factor("max_route_km", mode)
        and km > catalogue.factor("max_route_km", mode).value
    ):
        reasons.append(
            f"{km:.1f} km is beyond {catalogue.factor('max_route_km', mode).value:g} km by {mode}"
        )
    if (
        catalogue.has_factor("min_route_km", mode)
        and km < catalogue.factor("min_route_km", mode).value
    ):
        reasons.append(
            f"{km:.1f} km is under the "
            f"{catalogue.factor('min_route_km', mode).value:g} km {mode} needs"
        )
    if mode in NEEDS_LOCAL_EVIDENCE and mode not in modes_used:
        reasons.append(f"no {mode} trips in the diary, so no sign of a {mode} service nearby")
    if extra_minutes > preferences.max_extra_minutes_per_trip:
        reasons.append(
            f"{extra_minutes:.0f} extra minutes a trip is over the household's "
            f"{preferences.max_extra_minutes_per_trip:g}"
        )
    if option.kg_co2e >= current.kg_co2e:
        reasons.append("does not lower emissions")
    return reasons


def alternatives_for(
    journey: RegularJourney,
    *,
    preferences: Preferences,
    modes_used: frozenset[str] = frozenset(),
    router: Router | None = None,
    include_infeasible: bool = False,
) -> list[Alternative]:
    """Every ground alternative for a journey (feasible ones only unless ``include_infeasible``)."""
    if journey.mode in catalogue.FLIGHT_MODES:
        return []
    out = [
        evaluate(
            journey,
            mode,
            preferences=preferences,
            modes_used=modes_used,
            router=router,
            ranges_if_infeasible=include_infeasible,
        )
        for mode in GROUND_ALTERNATIVES
        if mode != journey.mode
    ]
    return out if include_infeasible else [a for a in out if a.feasible]
