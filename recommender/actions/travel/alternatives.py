"""Greener alternatives for regular journeys, with per-trip and yearly figures and their ranges.

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
those being its P10 and P90), of the detours, and of the trip count (Gamma on the trips seen):
common random numbers, each factor's draws shared by every trip (:mod:`.figures`).

:func:`evaluate_many` evaluates many (journey, mode) pairs at once (a chunk's households
together) as arrays; :func:`evaluate` and :func:`alternatives_for` are its one-journey forms.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from recommender.actions.travel import catalogue
from recommender.actions.travel.figures import N_DRAWS, Values, per_trip, yearly_figures
from recommender.actions.travel.profile import RegularJourney
from recommender.actions.travel.routing import (
    OFFLINE_SOURCE,
    OfflineRouter,
    Route,
    Router,
    RouteRequest,
    RoutingError,
    offline_routes,
)
from recommender.actions.travel.row_groups import row_groups
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


def _car_mode(current: str) -> str:
    """The household's car, for a lift share: the journey's, or a petrol car."""
    return current if current in catalogue.CAR_MODES else "car_petrol"


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
    The draws are shared (:func:`.figures.factor_draws`), so skipping one changes no other's
    figures.
    """
    out = evaluate_many(
        [journey],
        [mode],
        preferences=[preferences],
        modes_used=[modes_used],
        router=router,
        n_draws=n_draws,
        ranges_if_infeasible=ranges_if_infeasible,
    )[0]
    assert out is not None  # infeasible ones are kept unless asked otherwise
    return out


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
    modes = [m for m in GROUND_ALTERNATIVES if m != journey.mode]
    out = evaluate_many(
        [journey] * len(modes),
        modes,
        preferences=[preferences] * len(modes),
        modes_used=[modes_used] * len(modes),
        router=router,
        ranges_if_infeasible=include_infeasible,
        keep_infeasible=include_infeasible,
    )
    return [a for a in out if a is not None]


def evaluate_many(
    journeys: Sequence[RegularJourney],
    modes: Sequence[str],
    *,
    preferences: Sequence[Preferences],
    modes_used: Sequence[frozenset[str]],
    router: Router | None = None,
    n_draws: int = N_DRAWS,
    ranges_if_infeasible: bool = True,
    keep_infeasible: bool = True,
) -> list[Alternative | None]:
    """:func:`evaluate` of each (journey, mode) pair, as arrays: routes and central figures by
    mode, the feasibility rules as masks, the ranges of alike pairs over the shared draws. Aligned
    with the pairs; ``None`` for an infeasible pair unless ``keep_infeasible``."""
    n = len(journeys)
    mode = np.array(modes, dtype=object)
    current = np.array([j.mode for j in journeys], dtype=object)
    car_of = {m: _car_mode(m) for m in set(current.tolist())}
    car = np.array([car_of[m] for m in current.tolist()], dtype=object)
    people = np.array([j.passengers for j in journeys], dtype=float)
    cur, alt, warnings = _routes(journeys, mode, router)
    central = Values()
    cur_fig = _figures(current, cur.km, people, car, central)
    alt_fig = _figures(mode, alt.km, people, car, central)
    extra = alt.minutes - cur.minutes
    rules = _rules(journeys, mode, alt.km, extra, (alt_fig[0], cur_fig[0]), preferences, modes_used)
    feasible = ~np.any([mask for mask, _ in rules], axis=0) if n else np.ones(0, bool)
    keep = np.ones(n, bool) if keep_infeasible else feasible
    ranged = keep & (feasible | ranges_if_infeasible)
    yearly = yearly_figures(journeys, mode, car, (cur, alt), (cur_fig, alt_fig), ranged, n_draws)
    out: list[Alternative | None] = [None] * n
    kept = np.flatnonzero(keep)
    legs = _legs(journeys, kept, mode, (cur, alt), (cur_fig, alt_fig))
    broken = kept[~feasible[kept]].tolist()  # a feasible pair breaks no rule: no reasons
    reasons = {i: tuple(message(i) for mask, message in rules if mask[i]) for i in broken}
    columns = (extra[kept].tolist(), feasible[kept].tolist(), car[kept].tolist())
    for i, (now, option), extra_i, feasible_i, car_i in zip(
        kept.tolist(), legs, *columns, strict=True
    ):
        j = journeys[i]
        out[i] = Alternative(
            journey=j,
            current=now,
            option=option,
            feasible=feasible_i,
            reasons=reasons.get(i, ()),
            extra_minutes_per_trip=extra_i,
            yearly=yearly.get(i, {}),
            sources=_sources(j.mode, option.mode, str(car_i)),
            warnings=warnings[i],
        )
    return out


def _legs(
    journeys: Sequence[RegularJourney],
    rows: np.ndarray,
    mode: np.ndarray,
    routes: tuple[_Routes, _Routes],
    figures: tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]],
) -> list[tuple[Leg, Leg]]:
    """The current and the alternative leg of each of the pairs ``rows``, the arrays read once
    (as lists: a numpy scalar read per figure costs more than the figure's Leg)."""
    modes = [str(m) for m in mode[rows].tolist()]
    current_modes = [journeys[i].mode for i in rows.tolist()]
    legs = []
    for k, leg_modes in enumerate((current_modes, modes)):
        figure = (x[rows].tolist() for x in figures[k])
        legs.append(
            [Leg(*leg) for leg in zip(leg_modes, routes[k].routes(rows), *figure, strict=True)]
        )
    return list(zip(*legs, strict=True))


@dataclass
class _Routes:
    """Route km, minutes, source and whether estimated, per pair."""

    km: np.ndarray
    minutes: np.ndarray
    source: list[str]
    estimated: np.ndarray

    def routes(self, rows: np.ndarray) -> list[Route]:
        """:meth:`route` of each of ``rows``, the arrays read once."""
        sources = [self.source[i] for i in rows.tolist()]
        columns = (self.km[rows].tolist(), self.minutes[rows].tolist(), sources)
        estimated = self.estimated[rows].tolist()
        return [Route(*values) for values in zip(*columns, estimated, strict=True)]


def _routes(
    journeys: Sequence[RegularJourney], mode: np.ndarray, router: Router | None
) -> tuple[_Routes, _Routes, list[tuple[str, ...]]]:
    """Each pair's current and alternative routes, and its routing warnings (none offline)."""
    n = len(journeys)
    detours = {m: catalogue.detour(m).value for m in {j.mode for j in journeys}}
    road = np.array([j.distance_km / detours[j.mode] for j in journeys])
    current = np.array([j.mode for j in journeys], dtype=object)
    warnings: list[tuple[str, ...]] = [()] * n
    if router is None or type(router) is OfflineRouter:  # by mode, as arrays
        cur = _Routes(*offline_routes(current, road), [OFFLINE_SOURCE] * n, np.ones(n, bool))
        alt = _Routes(*offline_routes(mode, road), [OFFLINE_SOURCE] * n, np.ones(n, bool))
    else:  # one request at a time, as the router answers them
        pairs = []
        for i, j in enumerate(journeys):
            ends = (j.origin, j.destination)
            found: list[str] = []
            c = _route(router, RouteRequest(j.mode, float(road[i]), *ends), found)
            a = _route(router, RouteRequest(str(mode[i]), float(road[i]), *ends), found)
            pairs.append((c, a))
            warnings[i] = tuple(found)
        cur, alt = (
            _Routes(
                np.array([p[k].distance_km for p in pairs], dtype=float),
                np.array([p[k].minutes for p in pairs], dtype=float),
                [p[k].source for p in pairs],
                np.array([p[k].estimated for p in pairs], dtype=bool),
            )
            for k in (0, 1)
        )
    same = np.flatnonzero(mode == "car_electric")  # the same car trip in an electric car
    alt.km[same], alt.minutes[same], alt.estimated[same] = (
        cur.km[same],
        cur.minutes[same],
        cur.estimated[same],
    )
    for i in same.tolist():
        alt.source[i] = cur.source[i]
    return cur, alt, warnings


def _figures(
    mode: np.ndarray, km: np.ndarray, people: np.ndarray, car: np.ndarray, v: Values
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Central kg CO2e, money and kWh per trip of each pair, by (mode, car)."""
    out = (np.empty(len(mode)), np.empty(len(mode)), np.empty(len(mode)))
    for (m, c), rows in row_groups(mode, car):
        figures = per_trip(str(m), km[rows], people[rows], v, car_mode=str(c))
        for target, value in zip(out, figures, strict=True):
            target[rows] = value
    return out


Rule = tuple[np.ndarray, Callable[[int], str]]  # which pairs break it, and the reason of pair i


def _rules(
    journeys: Sequence[RegularJourney],
    mode: np.ndarray,
    km: np.ndarray,
    extra: np.ndarray,
    kg: tuple[np.ndarray, np.ndarray],  # option, current
    preferences: Sequence[Preferences],
    modes_used: Sequence[frozenset[str]],
) -> list[Rule]:
    """Why a pair is not feasible: each rule as a mask over the pairs, with its reason."""
    current = np.array([j.mode for j in journeys], dtype=object)
    purpose = np.array([j.purpose for j in journeys], dtype=object)
    most = _limits("max_route_km", mode, np.inf)
    least = _limits("min_route_km", mode, -np.inf)
    max_extra = np.array([p.max_extra_minutes_per_trip for p in preferences], dtype=float)
    pairs = zip(mode.tolist(), modes_used, strict=True)
    unseen = np.array([m in NEEDS_LOCAL_EVIDENCE and m not in used for m, used in pairs], bool)
    fuel = ("car_petrol", "car_diesel", "car_hybrid")
    no_lift = ~np.isin(current, catalogue.CAR_MODES) | ~np.isin(purpose, CAR_SHARE_PURPOSES)
    return [
        (mode == current, lambda i: "already the journey's mode"),
        (
            (mode == "car_electric") & ~np.isin(current, fuel),
            lambda i: "an electric car only replaces a petrol, diesel or hybrid car",
        ),
        (
            (mode == "car_share") & no_lift,
            lambda i: "lift sharing replaces a car on a commute, school run or business trip",
        ),
        (km > most, lambda i: f"{km[i]:.1f} km is beyond {most[i]:g} km by {mode[i]}"),
        (km < least, lambda i: f"{km[i]:.1f} km is under the {least[i]:g} km {mode[i]} needs"),
        (
            unseen,
            lambda i: f"no {mode[i]} trips in the diary, so no sign of a {mode[i]} service nearby",
        ),
        (
            extra > max_extra,
            lambda i: (
                f"{extra[i]:.0f} extra minutes a trip is over the household's {max_extra[i]:g}"
            ),
        ),
        (kg[0] >= kg[1], lambda i: "does not lower emissions"),
    ]


def _limits(parameter: str, mode: np.ndarray, missing: float) -> np.ndarray:
    by_mode = {
        m: catalogue.factor(parameter, m).value if catalogue.has_factor(parameter, m) else missing
        for m in dict.fromkeys(mode.tolist())
    }
    return np.array([by_mode[m] for m in mode.tolist()], dtype=float)


@cache
def _sources(current: str, mode: str, car: str) -> tuple[str, ...]:
    """The factor rows an alternative's figures cite (those read by its two legs)."""
    v = Values()
    per_trip(current, 1.0, 1.0, v, car_mode=car)
    per_trip(mode, 1.0, 1.0, v, car_mode=car)
    return tuple(
        f.cite()
        for (param, _), f in sorted(v.used.items())
        if param in ("emission_factor", "cost_per_km", "energy_kwh_per_km")
    )
