"""Trip profiles of a chunk of households at once: group-wise numpy over one trips table.

:func:`trip_profiles` is the one place a household's trips become its :class:`TripProfile`
(``trip_profile`` and ``household_trip_profile`` are chunks of one): features by household
(one pandas group-sum over the chunk, the same compensated sum per household as alone), regular
journeys and flight routes by one sort of the chunk (:mod:`.trip_clusters`), and each household's
habits and fuel-car use for the mode-choice rows. Every figure of a household is computed from its
own rows in their own order, so it does not depend on which households share its chunk.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, partial

import numpy as np
import pandas as pd

from recommender.actions.travel import catalogue
from recommender.actions.travel.flights import FlightRoute
from recommender.actions.travel.mode_choice import ACTIVE_MODES, PT_MODES, is_peak
from recommender.actions.travel.profile import (
    FLIGHT_BANDS,
    WEEKS_PER_YEAR,
    RegularJourney,
    TripProfile,
    active_weeks_per_year,
    feature_matrix,
    feature_names,
    trips_frame,
    trips_table,
    weeks_by_group,
)
from recommender.actions.travel.trip_chunk import (
    TripChunk,
    chunk_of_frame,
    chunk_of_households,
    local_times,
    period_warnings,
)
from recommender.actions.travel.trip_clusters import clusters, medians, usual
from recommender.actions.travel.trip_table import FLIGHT_MODES, overlap_warnings, validate_trips
from recommender.domain import TRIP_MODES, Household
from recommender.errors import GreenrecError, InvalidInput, Problem

FUEL_CARS: tuple[str, ...] = ("car_petrol", "car_diesel", "car_hybrid")
Period = tuple[pd.Timestamp | None, pd.Timestamp | None]
_COLUMN = {name: k for k, name in enumerate(feature_names())}


@dataclass(frozen=True)
class CarUse:
    """A household's fuel-car driving, for the electric-car action and its mode-choice row."""

    km_per_year_by_mode: dict[str, float]
    mean_trip_km: float
    main_purpose: str
    peak_share: float
    mean_passengers: float


@dataclass(frozen=True)
class HouseholdTrips:
    """A household's trip profile and what its travel actions read from its trips."""

    profile: TripProfile
    peak_share: tuple[float, ...]  # of each regular journey's trips, aligned with the journeys
    flights: tuple[FlightRoute, ...]
    habits: dict[str, float]  # car_owner, pt_share, active_share
    car: CarUse | None
    modes_used: frozenset[str] = frozenset()


def data_period(household: Household) -> Period:
    """The household's data period: its readings' span (their last day included), if any."""
    readings = household.readings_kwh
    if readings is None or len(readings) == 0:
        return None, None
    return readings.index.min(), readings.index.max() + pd.Timedelta(days=1)


def households_trips(
    households: Sequence[Household], *, min_trips: int = 3
) -> list[HouseholdTrips | GreenrecError]:
    """The trips of each household of a chunk, or the error its trips raise (aligned)."""
    chunk, flagged = chunk_of_households(households)
    periods = [data_period(h) for h in households]
    timezones = [h.timezone for h in households]
    out: list[HouseholdTrips | GreenrecError] = list(
        trip_profiles(chunk, timezones=timezones, periods=periods, min_trips=min_trips)
    )
    for i in np.flatnonzero(flagged).tolist():  # validate_trips names what is wrong
        start, end = periods[i]
        try:
            frame, _ = validate_trips(
                trips_frame(households[i]), period_start=start, period_end=end
            )
        except GreenrecError as exc:
            out[i] = exc
            continue
        alone = chunk_of_frame(frame)
        out[i] = trip_profiles(
            alone,
            timezones=[timezones[i]],
            periods=[periods[i]],
            frames=[frame],
            min_trips=min_trips,
        )[0]
    return out


def household_trip_profile(household: Household, *, min_trips: int = 3) -> TripProfile:
    """:func:`trip_profile` of a household in its time zone; its readings span the data period."""
    result = households_trips([household], min_trips=min_trips)[0]
    if isinstance(result, GreenrecError):
        raise result
    return result.profile


def trip_profile(
    trips: pd.DataFrame,
    *,
    timezone: str = "UTC",
    period_start: pd.Timestamp | None = None,
    period_end: pd.Timestamp | None = None,
    min_trips: int = 3,
) -> TripProfile:
    """Regular journeys, km a year by mode, short car trips and flights of ONE household's table
    (checked by ``validate_trips``; row labels kept)."""
    frame, _ = validate_trips(trips, period_start=period_start, period_end=period_end)
    if frame["household_id"].nunique() > 1:
        raise InvalidInput(
            Problem("trips.household_id", "holds several households", "one household")
        )
    return trip_profiles(
        chunk_of_frame(frame),
        timezones=[timezone],
        periods=[(period_start, period_end)],
        frames=[frame],
        min_trips=min_trips,
    )[0].profile


def trip_profiles(
    chunk: TripChunk,
    *,
    timezones: Sequence[str],
    periods: Sequence[Period],
    frames: Sequence[pd.DataFrame] | None = None,
    min_trips: int = 3,
) -> list[HouseholdTrips]:
    """The profile of each household of a validated chunk. ``frames``: each household's validated
    table when the chunk came from one (else the chunk's own rows make it)."""
    n = len(chunk.bounds) - 1
    code = chunk.code
    weekday, hour, midnight = local_times(chunk, timezones)
    weeks = weeks_by_group(code, n, midnight)
    overlaps = overlap_warnings(
        code, n, chunk.start_ns, chunk.distance_km, chunk.mode, chunk.labels, chunk.mode_codes
    )
    outside = period_warnings(chunk, periods)
    features = feature_matrix(
        code, n, weeks[code], chunk.purpose_codes, chunk.mode_codes, chunk.distance_km
    )
    peak = is_peak(hour)
    ground = ~chunk.is_mode(FLIGHT_MODES)
    habits = _habits(chunk)
    fuel = chunk.is_mode(FUEL_CARS)
    has_coords = ~(pd.isna(chunk.origin) | pd.isna(chunk.destination))
    coords = has_coords if has_coords.any() else None
    journeys = _journeys(chunk, weeks, weekday, hour, peak, ground, coords, min_trips)
    flights = _flight_routes(chunk, weeks, ~ground)
    out = []
    for i in range(n):
        a, b = chunk.bounds[i], chunk.bounds[i + 1]
        warnings = (*overlaps[i], *outside[i])
        if frames is not None:  # its own validated table, with the local times
            frame = frames[i]
            local = {"weekday": weekday[a:b], "hour": hour[a:b]} if b > a else {}
            table = partial(frame.assign, **local)
        else:
            table = partial(_table, chunk, i, weekday, hour)
        if a == b:
            profile = TripProfile(
                0.0, {}, 0.0, 0.0, {band: 0.0 for band, _, _ in FLIGHT_BANDS}, (), warnings, table
            )
            out.append(HouseholdTrips(profile, (), (), habits[i], None))
            continue
        row = features[i]
        km_by_mode = {m: float(row[k]) for k, m in enumerate(TRIP_MODES) if row[k] > 0}
        mine = journeys[i]
        profile = TripProfile(
            weeks_observed=float(weeks[i]),
            km_per_year_by_mode=km_by_mode,
            short_car_trip_share=float(row[_COLUMN["short_car_trip_share"]]),
            car_trips_per_year=float(row[_COLUMN["car_trips_per_year"]]),
            flights_per_year_by_band={
                band: float(row[_COLUMN[f"flights_per_year_{band}"]]) for band, _, _ in FLIGHT_BANDS
            },
            regular_journeys=tuple(j for j, _ in mine),
            warnings=warnings,
            table=table,
        )
        car = _car_use(chunk, a, b, km_by_mode, fuel[a:b], peak[a:b])
        shares = tuple(p for _, p in mine)
        modes = chunk.mode[a:b]
        out.append(HouseholdTrips(profile, shares, flights[i], habits[i], car, frozenset(modes)))
    return out


def _table(chunk: TripChunk, i: int, weekday: np.ndarray, hour: np.ndarray) -> pd.DataFrame:
    """Household ``i``'s validated trips table (as ``validate_trips`` returns it) with the local
    ``weekday`` and ``hour`` (a household without trips: without them)."""
    a, b = int(chunk.bounds[i]), int(chunk.bounds[i + 1])
    if a == b:
        return empty_trips()
    return pd.DataFrame(
        {
            "household_id": np.full(b - a, chunk.household_id[i], dtype=object),
            "start": pd.DatetimeIndex(chunk.start_ns[a:b].astype("datetime64[ns]"), tz="UTC"),
            "distance_km": chunk.distance_km[a:b],
            "mode": chunk.mode[a:b],
            "purpose": chunk.purpose[a:b],
            "passengers": chunk.passengers[a:b].astype(np.int64),
            "origin": chunk.origin[a:b],
            "destination": chunk.destination[a:b],
            "weekday": weekday[a:b],
            "hour": hour[a:b],
        },
        index=pd.RangeIndex(b - a),
    )


@cache
def _empty_trips() -> pd.DataFrame:
    return validate_trips(trips_table("", ()))[0]


def empty_trips() -> pd.DataFrame:
    """The validated trips table of a household without trips (as ``validate_trips`` gives it)."""
    return _empty_trips().copy()


def _habits(chunk: TripChunk) -> list[dict[str, float]]:
    """Each household's own habits: car owner, shares of its trips by PT and by active modes."""
    out = []
    car, pt, active = (chunk.is_mode(m) for m in (catalogue.CAR_MODES, PT_MODES, ACTIVE_MODES))
    for a, b in zip(chunk.bounds[:-1].tolist(), chunk.bounds[1:].tolist(), strict=True):
        n = max(b - a, 1)
        out.append(
            {
                "car_owner": float(car[a:b].any()),
                "pt_share": float(pt[a:b].sum() / n),
                "active_share": float(active[a:b].sum() / n),
            }
        )
    return out


def _car_use(
    chunk: TripChunk,
    a: int,
    b: int,
    km_by_mode: dict[str, float],
    rows: np.ndarray,
    peak: np.ndarray,
) -> CarUse | None:
    """``rows``: the household's fuel-car trips."""
    fuel_km = {m: km for m, km in km_by_mode.items() if m in FUEL_CARS}
    if not fuel_km:
        return None
    codes, purposes = chunk.purpose_codes  # sorted: the first of the most common, as np.unique
    counts = np.bincount(codes[a:b][rows], minlength=len(purposes))
    km = chunk.distance_km[a:b][rows]
    return CarUse(
        km_per_year_by_mode=fuel_km,
        mean_trip_km=float(km.sum() / len(km)),
        main_purpose=str(purposes[np.argmax(counts)]),
        peak_share=float(peak[rows].mean()),
        mean_passengers=float(chunk.passengers[a:b][rows].sum() / len(km)),
    )


def _coords(chunk: TripChunk, rows: np.ndarray, has: np.ndarray | None) -> tuple:
    """The first of ``rows`` with both ends as (lat, lon), if any (``has``: rows with both,
    None when no row of the chunk has them: the readers' tables have no coordinates)."""
    if has is None:
        return None, None
    for r in rows[has[rows]].tolist():
        o, d = chunk.origin[r], chunk.destination[r]
        if isinstance(o, tuple) and isinstance(d, tuple):
            return o, d
    return None, None


def _journeys(
    chunk: TripChunk,
    weeks: np.ndarray,
    weekday: np.ndarray,
    hour: np.ndarray,
    peak: np.ndarray,
    ground: np.ndarray,
    has_coords: np.ndarray | None,
    min_trips: int,
) -> list[list[tuple[RegularJourney, float]]]:
    """Each household's regular journeys (sorted as :func:`.profile.regular_journeys` sorts them)
    with the share of each one's trips at peak time."""
    p_code, purposes = chunk.purpose_codes
    m_code, modes = chunk.mode_codes
    cl = clusters(chunk.code, p_code * len(modes) + m_code, chunk.distance_km, ground)
    n = len(cl.first)
    of_row = np.repeat(np.arange(n), cl.size)
    regular = np.flatnonzero(cl.size >= min_trips)  # the clusters read below (few of them)
    days = _true_columns(usual(of_row, weekday[cl.order].astype(np.int64), 7, n)[regular])
    half_hours = np.round(hour[cl.order] * 2).astype(np.int64)
    hours = _true_columns(usual(of_row, half_hours, 49, n)[regular])
    km = np.round(medians(chunk.distance_km, cl), 1)
    people = np.add.reduceat(chunk.passengers[cl.order], cl.first) if n else np.zeros(0)
    at_peak = np.add.reduceat(peak[cl.order].astype(np.int64), cl.first) if n else people
    out: list[list[tuple[RegularJourney, float]]] = [[] for _ in range(len(chunk.bounds) - 1)]
    # the regular clusters' figures read as lists once (a numpy scalar a figure costs more)
    columns = (cl.code, cl.size, cl.key // len(modes), cl.key % len(modes), km, people, at_peak)
    read = zip(
        *(x[regular].tolist() for x in columns), days, hours, cl.members_of(regular), strict=True
    )
    weeks_of = weeks.tolist()
    for h, size, p, m, median_km, riders, peaks, usual_days, usual_hours, rows in read:
        purpose, mode, w = str(purposes[p]), str(modes[m]), float(weeks_of[h])
        scale = WEEKS_PER_YEAR / w if w >= 52 else active_weeks_per_year(purpose) / w
        origin, destination = _coords(chunk, rows, has_coords)
        journey = RegularJourney(
            journey_id=f"{purpose}-{median_km:g}km-{mode}",
            purpose=purpose,
            mode=mode,
            distance_km=median_km,
            passengers=float(riders / size),
            trips_observed=size,
            weeks_observed=w,
            trips_per_year=float(scale * size),
            weekdays=tuple(usual_days),
            departure_hours=tuple(half / 2 for half in usual_hours),
            rows=tuple(chunk.labels[rows].tolist()),
            origin=origin,
            destination=destination,
        )
        out[h].append((journey, float(peaks / size)))
    return [sorted(js, key=lambda jp: -jp[0].trips_per_year * jp[0].distance_km) for js in out]


def _true_columns(mask: np.ndarray) -> list[list[int]]:
    """Each row's True columns (``np.flatnonzero`` of each row), read in one pass."""
    row, column = np.nonzero(mask)
    bounds = np.searchsorted(row, np.arange(len(mask) + 1)).tolist()
    columns = column.tolist()
    return [columns[a:b] for a, b in itertools.pairwise(bounds)]


def _flight_routes(
    chunk: TripChunk, weeks: np.ndarray, flights: np.ndarray
) -> list[tuple[FlightRoute, ...]]:
    """Each household's flights grouped by mode and distance (within 25 %), largest first."""
    out: list[list[FlightRoute]] = [[] for _ in range(len(chunk.bounds) - 1)]
    if not flights.any():
        return [()] * len(out)
    m_code, modes = chunk.mode_codes
    cl = clusters(chunk.code, m_code, chunk.distance_km, flights)
    km = np.round(medians(chunk.distance_km, cl), 0)
    people = np.add.reduceat(chunk.passengers[cl.order], cl.first)
    for c in range(len(cl.first)):
        h, size, mode = int(cl.code[c]), int(cl.size[c]), str(modes[cl.key[c]])
        years = max(float(weeks[h]) / WEEKS_PER_YEAR, 1.0)
        out[h].append(
            FlightRoute(
                route_id=f"{mode}-{float(km[c]):g}km",
                mode=mode,
                distance_km=float(km[c]),
                passengers=float(people[c] / size),
                legs_observed=size,
                legs_per_year=size / years,
            )
        )
    return [tuple(sorted(r, key=lambda r: -r.legs_per_year * r.distance_km)) for r in out]
