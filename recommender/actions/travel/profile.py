"""Travel profile: a household's regular journeys, km per year by mode, short car trips, flights.

What a profile holds (:class:`TripProfile`, :class:`RegularJourney`), the trip features as
group-wise arrays (:func:`feature_matrix`, one row per household of a chunk) and a thin
scikit-learn transformer, :class:`TripFeatures`, over a trips table (columns ``household_id,
start, distance_km, mode, purpose, passengers``; optional ``end`` or ``duration_minutes``,
``origin_lat/origin_lon/dest_lat/dest_lon``). The profiles themselves are built for a chunk of
households at once by :mod:`.profile_chunk` (``trip_profile`` and ``household_trip_profile``
there are its chunks of one).

Decisions, written down:

- **Regular journey** = trips of one purpose and one current mode whose distances lie within 25 %
  (+0.3 km) of each other, seen at least ``min_trips`` times. Outbound and return legs (08:00 out,
  17:30 back) stay one journey, because a person who takes the train to work also takes it home;
  the usual departure times are reported with the journey and feed the mode-choice model.
- **Annualising**: a diary that covers less than 52 weeks is scaled by its weeks (rounded up to
  whole weeks) to the purpose's active weeks a year (commute 46, school 39, other 52;
  ``data/factors/transport.csv``). Flights are annualised over at least one year: one flight seen
  in a four-week diary counts as one a year, not thirteen.
- **Plausibility**: trips carry only a start, so "a 300 km trip in 10 minutes" is checked (as an
  error) where an ``end`` or ``duration_minutes`` column is present, and otherwise (as a warning)
  where a trip could not have ended before the household's next trip starts even at the fastest
  plausible speed of its mode - a warning only, since two people in one household may travel at
  once.
- **Period**: trips outside the household's data period (its meter readings, when given) are kept
  and reported as warnings; the trips' own span sets the annualisation.

A table given directly is checked by :func:`recommender.actions.travel.trip_table.validate_trips`,
which reads each field with the same readers as the household JSON.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from recommender.actions.travel.catalogue import factor, has_factor, label
from recommender.actions.travel.trip_chunk import among, factorized
from recommender.actions.travel.trip_table import FLIGHT_MODES, TRIP_COLUMNS, validate_trips
from recommender.clock import day_starts_ns
from recommender.domain import DAY_NS, TRIP_MODES, Household, Trip
from recommender.errors import InvalidInput, Problem

CAR_MODES: tuple[str, ...] = ("car_petrol", "car_diesel", "car_hybrid", "car_electric")
FLIGHT_BANDS: tuple[tuple[str, float, float], ...] = (
    ("lt500km", 0.0, 500.0),
    ("500_1000km", 500.0, 1000.0),
    ("1000_3700km", 1000.0, 3700.0),
    ("ge3700km", 3700.0, math.inf),
)
SHORT_TRIP_KM = 5.0
WEEKS_PER_YEAR = 365.25 / 7.0
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_PURPOSE_NOUN = {
    "commute": "commute",
    "school": "school run",
    "shopping": "shopping trip",
    "leisure": "leisure trip",
    "business": "business trip",
    "visit": "visit",
    "holiday": "holiday trip",
    "other": "trip",
}


def active_weeks_per_year(purpose: str) -> float:
    """Weeks a year a journey of ``purpose`` is made (holidays excluded), from the factor table."""
    key = purpose if has_factor("active_weeks_per_year", purpose) else "default"
    return factor("active_weeks_per_year", key).value


# --- profile of one household ------------------------------------------------------------------
@dataclass(frozen=True)
class RegularJourney:
    """A journey the household makes again and again, with its observed and yearly counts."""

    journey_id: str
    purpose: str
    mode: str
    distance_km: float  # median one-way distance of the trips
    passengers: float  # mean people per trip
    trips_observed: int
    weeks_observed: float
    trips_per_year: float
    weekdays: tuple[int, ...]  # 0 = Monday, local time
    departure_hours: tuple[float, ...]  # usual local departure times, decimal hours
    rows: tuple[object, ...] = ()  # labels of the trips in the input table
    origin: tuple[float, float] | None = None
    destination: tuple[float, float] | None = None

    def describe(self) -> str:
        """E.g. ``"Tuesday and Thursday 12 km commute by car"``."""
        days = _weekday_phrase(tuple(self.weekdays))
        return f"{days} {self.distance_km:g} km {_PURPOSE_NOUN[self.purpose]} by {label(self.mode)}"


@dataclass(frozen=True)
class TripProfile:
    """What the trips of one household say, annualised.

    ``trips`` is its validated trips table with the local ``weekday`` and ``hour`` of each trip,
    made by ``table`` when first read (the travel actions never read it: a chunk does not pay
    for a table per household that nobody looks at)."""

    weeks_observed: float
    km_per_year_by_mode: dict[str, float]
    short_car_trip_share: float
    car_trips_per_year: float
    flights_per_year_by_band: dict[str, float]
    regular_journeys: tuple[RegularJourney, ...]
    warnings: tuple[str, ...] = field(default_factory=tuple)
    table: Callable[[], pd.DataFrame] = field(default=pd.DataFrame, repr=False, compare=False)

    @cached_property
    def trips(self) -> pd.DataFrame:
        """The validated trips table, with local ``weekday`` and ``hour`` columns."""
        return self.table()


def weekday_phrase(days: tuple[int, ...]) -> str:
    """``(1, 3)`` -> ``"Tuesday and Thursday"``; Monday to Friday -> ``"weekday"``."""
    days = tuple(sorted(set(days)))
    if days == (0, 1, 2, 3, 4):
        return "weekday"
    if days == (5, 6):
        return "weekend"
    if len(days) == 7:
        return "daily"
    names = [_WEEKDAYS[d] for d in days]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@lru_cache(maxsize=256)  # a journey's usual days: one of at most 127 sets
def _weekday_phrase(days: tuple[int, ...]) -> str:
    """:func:`weekday_phrase`, written once per set of days (each regular journey asks)."""
    return weekday_phrase(days)


def trips_frame(household: Household) -> pd.DataFrame:
    """A household's trips as a trips table (row labels = positions in ``household.trips``)."""
    return trips_table(household.household_id, household.trips)


def trips_table(household_id: str, trips: Sequence[Trip]) -> pd.DataFrame:
    """Trips as a trips table (row labels = positions in ``trips``)."""
    rows = [
        {
            "household_id": household_id,
            "start": t.start,
            "distance_km": t.distance_km,
            "mode": t.mode,
            "purpose": t.purpose,
            "passengers": t.passengers,
            "origin": t.origin,
            "destination": t.destination,
        }
        for t in trips
    ]
    columns = [*TRIP_COLUMNS, "passengers", "origin", "destination"]
    frame = pd.DataFrame(rows, columns=columns)
    if frame.empty:
        frame["start"] = pd.to_datetime(frame["start"], utc=True)
    return frame


def feature_names() -> list[str]:
    """Columns of :func:`features_table` (and of :class:`TripFeatures`)."""
    return (
        [f"km_per_year_{m}" for m in TRIP_MODES]
        + ["car_trips_per_year", "short_car_trip_share"]
        + [f"flights_per_year_{b}" for b, _, _ in FLIGHT_BANDS]
    )


def features_table(frame: pd.DataFrame, timezone: str = "UTC") -> pd.DataFrame:
    """One row per household of a validated trips table, vectorised over all households.

    The diary's span is counted in whole local days of ``timezone``.
    """
    code, ids = pd.factorize(frame["household_id"], sort=True)
    wall = pd.DatetimeIndex(frame["start"]).tz_convert(timezone).tz_localize(None)
    midnight_ns = day_starts_ns(wall.as_unit("ns").asi8 // DAY_NS, timezone)
    weeks = weeks_by_group(code, len(ids), midnight_ns)
    out = feature_matrix(
        code,
        len(ids),
        weeks[code],
        factorized(frame["purpose"].to_numpy()),
        factorized(frame["mode"].to_numpy()),
        frame["distance_km"].to_numpy(dtype=float),
    )
    return pd.DataFrame(out, index=pd.Index(ids, name="household_id"), columns=feature_names())


def weeks_by_group(code: np.ndarray, n_groups: int, midnight_ns: np.ndarray) -> np.ndarray:
    """Whole weeks each group's trips cover (their local midnights; >= 1; 0 without trips)."""
    first = np.full(n_groups, np.iinfo(np.int64).max)
    last = np.full(n_groups, np.iinfo(np.int64).min)
    np.minimum.at(first, code, midnight_ns)
    np.maximum.at(last, code, midnight_ns)
    has = np.bincount(code, minlength=n_groups) > 0
    days = (last[has] - first[has]) // DAY_NS + 1
    weeks = np.zeros(n_groups)
    weeks[has] = np.maximum(1.0, np.ceil(days / 7.0))
    return weeks


def feature_matrix(
    code: np.ndarray,
    n_groups: int,
    weeks: np.ndarray,
    purpose: tuple[np.ndarray, np.ndarray],
    mode: tuple[np.ndarray, np.ndarray],
    dist: np.ndarray,
) -> np.ndarray:
    """(groups, :func:`feature_names`) of validated trips in groups (households ``0..n-1``);
    each row's ``weeks`` is its household's; ``purpose`` and ``mode`` as codes into their
    distinct values, and those (:func:`.trip_chunk.factorized`: each looked up once). Each
    household's sums read its own rows in their own order, one reduction per chunk, so its
    figures do not depend on its chunk: counts by :func:`group_sums`, km by mode by pandas'
    group sum (compensated, in row order)."""
    purpose_code, purposes = purpose
    active = np.array([active_weeks_per_year(p) for p in purposes], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):  # weeks >= 1 wherever there are trips
        scale = np.where(weeks >= 52, WEEKS_PER_YEAR / weeks, active[purpose_code] / weeks)
    mode_code, modes_seen = mode
    is_flight = among(modes_seen, FLIGHT_MODES)[mode_code]
    scale = np.where(is_flight, 1.0 / np.maximum(weeks / WEEKS_PER_YEAR, 1.0), scale)
    car = among(modes_seen, CAR_MODES)[mode_code]
    parts = np.column_stack(
        [scale * car, scale * (car & (dist < SHORT_TRIP_KM))]
        + [scale * (is_flight & (dist >= lo) & (dist < hi)) for _, lo, hi in FLIGHT_BANDS]
    )
    sums = group_sums(code, n_groups, parts)
    modes = TRIP_MODES
    km = np.zeros(n_groups * len(modes))
    if len(code):
        # (a distinct value no row has any more, from rows left out, gets any position)
        position = np.array([modes.index(m) if m in modes else 0 for m in modes_seen], np.int64)
        key = code * len(modes) + position[mode_code]
        by_mode = pd.Series(dist * scale).groupby(key, sort=True).sum()
        km[by_mode.index.to_numpy()] = by_mode.to_numpy()
    out = np.zeros((n_groups, len(feature_names())))
    out[:, : len(modes)] = km.reshape(n_groups, len(modes))
    cars = sums[:, 0]
    out[:, len(modes)] = cars
    out[:, len(modes) + 1] = np.divide(sums[:, 1], cars, out=np.zeros(n_groups), where=cars > 0)
    out[:, len(modes) + 2 :] = sums[:, 2:]
    return out


def group_sums(code: np.ndarray, n_groups: int, values: np.ndarray) -> np.ndarray:
    """(groups, columns) sums of ``values``' rows by group ``code`` (``0..n_groups-1``), each
    group's rows in their order: ``np.add.reduceat`` of each column over the rows sorted by group
    (stably), the reduction pandas' group sum makes of sorted groups, without its set-up. The
    rows of a chunk are sorted already (households contiguous)."""
    if np.any(code[1:] < code[:-1]):
        order = np.argsort(code, kind="stable")
        code, values = code[order], values[order]
    out = np.zeros((n_groups, values.shape[1]))
    if len(code):
        starts = np.flatnonzero(np.r_[True, code[1:] != code[:-1]])
        columns = np.ascontiguousarray(values.T)  # each column's rows contiguous, as in pandas
        out[code[starts]] = np.add.reduceat(columns, starts, axis=1).T
    return out


# --- the transformer ---------------------------------------------------------------------------
class TripFeatures(TransformerMixin, BaseEstimator):
    """One row per household: km per year by mode, car trips, short car share, flights per band.

    Parameters
    ----------
    timezone : str, default="UTC"
        Time zone whose local days count the span each household's diary covers.

    Examples
    --------
    >>> import pandas as pd
    >>> trips = pd.DataFrame({"household_id": ["h1", "h1"], "start": ["2024-01-02T08:00Z",
    ...     "2024-01-02T17:00Z"], "distance_km": [3.0, 3.0], "mode": ["car_petrol"] * 2,
    ...     "purpose": ["shopping"] * 2, "passengers": [1, 1]})
    >>> TripFeatures().fit_transform(trips).loc["h1", "short_car_trip_share"]
    np.float64(1.0)
    """

    def __init__(self, timezone: str = "UTC") -> None:
        self.timezone = timezone

    def fit(self, X: pd.DataFrame, y: object = None) -> TripFeatures:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
            problem = Problem("timezone", f"unknown time zone {self.timezone!r}", "an IANA name")
            raise InvalidInput(problem, source="TripFeatures") from exc
        validate_trips(X)
        self.feature_names_out_ = np.array(feature_names(), dtype=object)
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        check_is_fitted(self, "feature_names_out_")
        frame, _ = validate_trips(X)
        return features_table(frame, self.timezone)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        check_is_fitted(self, "feature_names_out_")
        return self.feature_names_out_.copy()
