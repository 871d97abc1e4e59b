"""Trip features: a household's regular journeys, km per year by mode, short car trips, flights.

Pure functions over a trips table (columns ``household_id, start, distance_km, mode, purpose,
passengers``; optional ``end`` or ``duration_minutes``, ``origin_lat/origin_lon/dest_lat/dest_lon``)
and a thin scikit-learn transformer, :class:`TripFeatures`, over the same table.

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

Canonical-field errors (unknown mode or purpose, negative distance) are also caught at parse time by
``recommender.io``; they are repeated here only because this module accepts a DataFrame directly.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from recommender.domain import TRIP_MODES, TRIP_PURPOSES, Household
from recommender.errors import InvalidInput, Problem

TRIP_COLUMNS: tuple[str, ...] = ("household_id", "start", "distance_km", "mode", "purpose")
CAR_MODES: tuple[str, ...] = ("car_petrol", "car_diesel", "car_hybrid", "car_electric")
FLIGHT_MODES: tuple[str, ...] = ("flight_domestic", "flight_short_haul", "flight_long_haul")
FLIGHT_BANDS: tuple[tuple[str, float, float], ...] = (
    ("lt500km", 0.0, 500.0),
    ("500_1000km", 500.0, 1000.0),
    ("1000_3700km", 1000.0, 3700.0),
    ("ge3700km", 3700.0, math.inf),
)
SHORT_TRIP_KM = 5.0
WEEKS_PER_YEAR = 365.25 / 7.0
MAX_LISTED = 20  # problems listed one by one per kind; the rest are summarised
# Fastest plausible speed by mode (km/h), data/factors/transport.csv ``max_plausible_kmh``.
_ROAD = (
    "car_petrol",
    "car_diesel",
    "car_hybrid",
    "car_electric",
    "motorbike",
    "taxi",
    "bus",
    "coach",
)
_SPEED_KEY = {m: "road" for m in _ROAD} | {m: "rail" for m in ("rail", "tram", "underground")}
_SPEED_KEY |= {m: "flight" for m in FLIGHT_MODES}
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


def _factors() -> pd.DataFrame:
    from recommender.actions.travel.catalogue import transport_table

    return transport_table()


def max_plausible_kmh(modes: pd.Series) -> np.ndarray:
    """Fastest plausible speed for each mode (km/h)."""
    table = _factors().loc["max_plausible_kmh"]["value"].to_dict()
    by_mode = {m: float(table[_SPEED_KEY.get(m, m)]) for m in TRIP_MODES}
    return pd.Series(modes).map(by_mode).to_numpy(dtype=float)


def active_weeks_per_year(purpose: str) -> float:
    """Weeks a year a journey of ``purpose`` is made (holidays excluded), from the factor table."""
    from recommender.actions.travel.catalogue import factor, has_factor

    key = purpose if has_factor("active_weeks_per_year", purpose) else "default"
    return factor("active_weeks_per_year", key).value


# --- validation --------------------------------------------------------------------------------
def _add(problems: list[Problem], rows: pd.Index, where: str, what: str, expected: str) -> None:
    for label in list(rows)[:MAX_LISTED]:
        problems.append(Problem(f"trips[{label}].{where}", what, expected))
    if len(rows) > MAX_LISTED:
        problems.append(
            Problem(f"trips.{where}", f"{len(rows) - MAX_LISTED} more rows: {what}", expected)
        )


def _unknown(
    problems: list[Problem], values: pd.Series, choices: tuple[str, ...], what: str
) -> None:
    bad = values[~values.isin(choices)]
    for label, value in list(bad.items())[:MAX_LISTED]:
        close = difflib.get_close_matches(str(value), choices, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        problems.append(
            Problem(
                f"trips[{label}].{what}",
                f"unknown {what} {value!r}{hint}",
                f"one of {', '.join(choices)}",
            )
        )
    if len(bad) > MAX_LISTED:
        problems.append(
            Problem(f"trips.{what}", f"{len(bad) - MAX_LISTED} more unknown values", "")
        )


def validate_trips(
    trips: pd.DataFrame,
    *,
    period_start: pd.Timestamp | None = None,
    period_end: pd.Timestamp | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """Check a trips table; return the clean table (``start`` UTC, passengers filled), warnings.

    Raises :class:`InvalidInput` listing every problem (``trips[<row>].<field>``: what, expected):
    missing columns, unreadable or offset-less starts, non-positive or non-numeric distances,
    unknown modes or purposes, passengers below 1, and where ``end`` or ``duration_minutes`` is
    given, trips that end before they start or move faster than their mode can. Warnings
    (strings starting ``DataQualityWarning:``) name trips that overlap the next one impossibly
    and trips outside ``[period_start, period_end]``.
    """
    missing = [c for c in TRIP_COLUMNS if c not in trips.columns]
    if missing:
        raise InvalidInput(
            [
                Problem("trips", f"missing column {c!r}", f"columns {', '.join(TRIP_COLUMNS)}")
                for c in missing
            ],
            source="trips",
        )
    problems: list[Problem] = []
    frame = trips.copy()
    start = _parse_times(frame["start"], "start", problems)
    frame["start"] = start
    distance = pd.to_numeric(frame["distance_km"], errors="coerce")
    _add(
        problems,
        frame.index[distance.isna()],
        "distance_km",
        "is not a number",
        "a distance in km > 0",
    )
    _add(problems, frame.index[distance < 0], "distance_km", "is negative", "a distance in km > 0")
    _add(problems, frame.index[distance == 0], "distance_km", "is zero", "a distance in km > 0")
    frame["distance_km"] = distance.astype(float)
    _unknown(problems, frame["mode"], TRIP_MODES, "mode")
    _unknown(problems, frame["purpose"], TRIP_PURPOSES, "purpose")
    if "passengers" in frame.columns:
        people = pd.to_numeric(frame["passengers"], errors="coerce")
        bad = people.isna() | (people < 1) | (people != np.floor(people))
        _add(
            problems,
            frame.index[bad],
            "passengers",
            "is not a whole number of people >= 1",
            "1, 2, 3 ...",
        )
        frame["passengers"] = people.fillna(1).clip(lower=1)
    else:
        frame["passengers"] = 1.0
    if not problems:
        _check_durations(frame, problems)
    if problems:
        raise InvalidInput(problems, source="trips")
    warnings = _overlap_warnings(frame) + _period_warnings(frame, period_start, period_end)
    return frame, warnings


def _parse_times(values: pd.Series, name: str, problems: list[Problem]) -> pd.Series:
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        parsed = values.dt.tz_convert("UTC")
    else:
        text = values.astype(str)
        naive = ~text.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$", regex=True) & values.notna()
        if pd.api.types.is_datetime64_any_dtype(values):
            naive = values.notna()
        _add(problems, values.index[naive], name, "has no UTC offset", "ISO 8601 with Z or +HH:MM")
        parsed = pd.to_datetime(values.where(~naive), utc=True, errors="coerce", format="ISO8601")
        unread = parsed.isna() & ~naive
        _add(
            problems,
            values.index[unread],
            name,
            "cannot be read as a time",
            "ISO 8601, e.g. 2024-01-02T08:00:00Z",
        )
    return parsed


def _check_durations(frame: pd.DataFrame, problems: list[Problem]) -> None:
    if "end" in frame.columns:
        end = _parse_times(frame["end"], "end", problems)
        hours = (end - frame["start"]).dt.total_seconds() / 3600.0
        where = "end"
    elif "duration_minutes" in frame.columns:
        hours = pd.to_numeric(frame["duration_minutes"], errors="coerce") / 60.0
        _add(
            problems,
            frame.index[hours.isna()],
            "duration_minutes",
            "is not a number",
            "minutes > 0",
        )
        where = "duration_minutes"
    else:
        return
    _add(
        problems, frame.index[hours <= 0], where, "the trip ends before it starts", "a duration > 0"
    )
    kmh = frame["distance_km"] / hours.where(hours > 0)
    limit = max_plausible_kmh(frame["mode"])
    for label in frame.index[(kmh > limit).to_numpy()][:MAX_LISTED]:
        row = frame.loc[label]
        problems.append(
            Problem(
                f"trips[{label}].{where}",
                f"{row['distance_km']:g} km by {row['mode']} in {hours[label] * 60:.0f} minutes "
                f"is {kmh[label]:.0f} km/h, impossible",
                f"at most {limit[frame.index.get_loc(label)]:.0f} km/h by {row['mode']}",
            )
        )


def _overlap_warnings(frame: pd.DataFrame) -> list[str]:
    ordered = frame.sort_values(["household_id", "start"], kind="stable")
    limit = max_plausible_kmh(ordered["mode"])
    min_hours = ordered["distance_km"].to_numpy() / limit
    earliest_end = (ordered["start"] + pd.to_timedelta(min_hours, unit="h")).to_numpy()
    starts, ids = ordered["start"].to_numpy(), ordered["household_id"].to_numpy()
    clash = np.zeros(len(ordered), dtype=bool)  # each trip against the next one (numpy: a
    clash[:-1] = (ids[:-1] == ids[1:]) & (earliest_end[:-1] > starts[1:])  # shift cost 4 ms)
    out = []
    labels = list(ordered.index)
    for pos in np.flatnonzero(clash)[:MAX_LISTED]:
        row, after = ordered.iloc[pos], ordered.iloc[pos + 1]
        out.append(
            f"DataQualityWarning: trips[{labels[pos]}] ({row['distance_km']:g} km by {row['mode']} "
            f"from {row['start']:%Y-%m-%d %H:%M} UTC) cannot have ended before "
            f"trips[{labels[pos + 1]}] "
            f"starts at {after['start']:%H:%M} UTC even at {limit[pos]:.0f} "
            "km/h; both kept (two people may travel at once) - check the start times"
        )
    return out


def _period_warnings(
    frame: pd.DataFrame, period_start: pd.Timestamp | None, period_end: pd.Timestamp | None
) -> list[str]:
    if period_start is None and period_end is None:
        return []
    lo = period_start if period_start is not None else frame["start"].min()
    hi = period_end if period_end is not None else frame["start"].max()
    outside = frame.index[(frame["start"] < lo) | (frame["start"] > hi)]
    if len(outside) == 0:
        return []
    shown = ", ".join(f"trips[{i}]" for i in list(outside)[:MAX_LISTED])
    more = f" and {len(outside) - MAX_LISTED} more" if len(outside) > MAX_LISTED else ""
    return [
        f"DataQualityWarning: {len(outside)} trip(s) fall outside the data's period "
        f"{lo:%Y-%m-%d} to {hi:%Y-%m-%d} ({shown}{more}); kept, annualised over the trips' own span"
    ]


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
        from recommender.actions.travel.catalogue import label

        days = weekday_phrase(self.weekdays)
        return f"{days} {self.distance_km:g} km {_PURPOSE_NOUN[self.purpose]} by {label(self.mode)}"


@dataclass(frozen=True)
class TripProfile:
    """What the trips of one household say, annualised."""

    trips: pd.DataFrame  # validated, with local ``weekday`` and ``hour`` columns
    weeks_observed: float
    km_per_year_by_mode: dict[str, float]
    short_car_trip_share: float
    car_trips_per_year: float
    flights_per_year_by_band: dict[str, float]
    regular_journeys: tuple[RegularJourney, ...]
    warnings: tuple[str, ...] = field(default_factory=tuple)


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


def weeks_observed(start: pd.Series) -> float:
    """Whole weeks covered by the trips (at least one)."""
    days = (start.max().normalize() - start.min().normalize()).days + 1
    return float(max(1, math.ceil(days / 7)))


def annual_scale(purpose: pd.Series | str, weeks: float) -> np.ndarray:
    """Factor from trips seen in ``weeks`` to trips a year, by purpose (see module docstring)."""
    purposes = pd.Series([purpose]) if isinstance(purpose, str) else purpose
    if weeks >= 52:
        return np.full(len(purposes), WEEKS_PER_YEAR / weeks)
    weeks_by_purpose = {p: active_weeks_per_year(p) for p in purposes.unique()}
    return purposes.map(weeks_by_purpose).to_numpy(dtype=float) / weeks


def trips_frame(household: Household) -> pd.DataFrame:
    """A household's trips as a trips table (row labels = positions in ``household.trips``)."""
    rows = [
        {
            "household_id": household.household_id,
            "start": t.start,
            "distance_km": t.distance_km,
            "mode": t.mode,
            "purpose": t.purpose,
            "passengers": t.passengers,
            "origin": t.origin,
            "destination": t.destination,
        }
        for t in household.trips
    ]
    columns = [*TRIP_COLUMNS, "passengers", "origin", "destination"]
    frame = pd.DataFrame(rows, columns=columns)
    if frame.empty:
        frame["start"] = pd.to_datetime(frame["start"], utc=True)
    return frame


def household_trip_profile(household: Household, *, min_trips: int = 3) -> TripProfile:
    """:func:`trip_profile` of a household in its time zone; its readings span the data period."""
    readings = household.readings_kwh
    has_period = readings is not None and len(readings) > 0
    return trip_profile(
        trips_frame(household),
        timezone=household.timezone,
        period_start=readings.index.min() if has_period else None,
        period_end=readings.index.max() + pd.Timedelta(days=1) if has_period else None,
        min_trips=min_trips,
    )


def trip_profile(
    trips: pd.DataFrame,
    *,
    timezone: str = "UTC",
    period_start: pd.Timestamp | None = None,
    period_end: pd.Timestamp | None = None,
    min_trips: int = 3,
) -> TripProfile:
    """Regular journeys, km a year by mode, short car trips and flights of ONE household."""
    frame, warnings = validate_trips(trips, period_start=period_start, period_end=period_end)
    if frame["household_id"].nunique() > 1:
        raise InvalidInput(
            Problem("trips.household_id", "holds several households", "one household")
        )
    if frame.empty:
        return TripProfile(
            frame, 0.0, {}, 0.0, 0.0, {b: 0.0 for b, _, _ in FLIGHT_BANDS}, (), tuple(warnings)
        )
    local = frame["start"].dt.tz_convert(timezone)
    frame["weekday"] = local.dt.day_of_week
    frame["hour"] = local.dt.hour + local.dt.minute / 60.0
    weeks = weeks_observed(local)
    table = features_table(frame, timezone)
    features = {str(k): float(v) for k, v in table.iloc[0].items()}
    journeys = regular_journeys(frame, weeks, min_trips=min_trips)
    return TripProfile(
        trips=frame,
        weeks_observed=weeks,
        km_per_year_by_mode={
            m[len("km_per_year_") :]: v
            for m, v in features.items()
            if m.startswith("km_per_year_") and v > 0
        },
        short_car_trip_share=features["short_car_trip_share"],
        car_trips_per_year=features["car_trips_per_year"],
        flights_per_year_by_band={b: features[f"flights_per_year_{b}"] for b, _, _ in FLIGHT_BANDS},
        regular_journeys=journeys,
        warnings=tuple(warnings),
    )


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
    hid = frame["household_id"].to_numpy()
    day = frame["start"].dt.tz_convert(timezone).dt.normalize()
    by_household = day.groupby(hid)
    days = (by_household.transform("max") - by_household.transform("min")).dt.days + 1
    weeks = np.maximum(1.0, np.ceil(days.to_numpy(dtype=float) / 7.0))
    active = {p: active_weeks_per_year(p) for p in frame["purpose"].unique()}
    active_weeks = frame["purpose"].map(active).to_numpy(dtype=float)
    scale = np.where(weeks >= 52, WEEKS_PER_YEAR / weeks, active_weeks / weeks)
    mode = frame["mode"].to_numpy()
    is_flight = np.isin(mode, FLIGHT_MODES)
    scale = np.where(is_flight, 1.0 / np.maximum(weeks / WEEKS_PER_YEAR, 1.0), scale)
    dist = frame["distance_km"].to_numpy(dtype=float)
    car = np.isin(mode, CAR_MODES)
    columns: dict[str, np.ndarray] = {
        "_km": dist * scale,
        "car_trips_per_year": scale * car,
        "_short": scale * (car & (dist < SHORT_TRIP_KM)),
    }
    for band, lo, hi in FLIGHT_BANDS:
        columns[f"flights_per_year_{band}"] = scale * (is_flight & (dist >= lo) & (dist < hi))
    parts = pd.DataFrame(columns, index=frame.index)
    sums = parts.drop(columns="_km").groupby(hid, sort=True).sum()
    km = parts["_km"].groupby([hid, mode]).sum().unstack(fill_value=0)
    out = pd.DataFrame(0.0, index=sums.index, columns=feature_names())
    for m in km.columns:
        out[f"km_per_year_{m}"] = km[m].reindex(out.index).to_numpy()
    for col in sums.columns.drop("_short"):
        out[col] = sums[col].to_numpy()
    cars = sums["car_trips_per_year"].to_numpy()
    out["short_car_trip_share"] = np.divide(
        sums["_short"].to_numpy(), cars, out=np.zeros(len(cars)), where=cars > 0
    )
    out.index.name = "household_id"
    return out


def _distance_groups(
    distance: np.ndarray, tolerance: float = 0.25, slack_km: float = 0.3
) -> np.ndarray:
    """Group ids: a new group starts above the group's first distance x (1 + tol) + slack."""
    order = np.argsort(distance, kind="stable")
    groups = np.empty(len(distance), dtype=int)
    gid, first = -1, -math.inf
    for pos in order:
        if distance[pos] > first * (1 + tolerance) + slack_km:
            gid, first = gid + 1, distance[pos]
        groups[pos] = gid
    return groups


def _usual(values: np.ndarray, share: float = 0.25) -> tuple[float, ...]:
    """Values that occur at least ``share`` times as often as the most common one."""
    uniq, counts = np.unique(values, return_counts=True)
    return tuple(float(u) for u in uniq[counts >= share * counts.max()])


def regular_journeys(
    frame: pd.DataFrame, weeks: float, *, min_trips: int = 3
) -> tuple[RegularJourney, ...]:
    """Cluster non-flight trips by purpose + mode + distance; keep clusters of ``min_trips``+."""
    out: list[RegularJourney] = []
    ground = frame[~frame["mode"].isin(FLIGHT_MODES)]
    for (purpose, mode), group in ground.groupby(["purpose", "mode"], sort=True):
        ids = _distance_groups(group["distance_km"].to_numpy())
        for gid in np.unique(ids):
            trips = group[ids == gid]
            if len(trips) < min_trips:
                continue
            km = float(np.round(trips["distance_km"].median(), 1))
            coords = _coords(trips)
            out.append(
                RegularJourney(
                    journey_id=f"{purpose}-{km:g}km-{mode}",
                    purpose=str(purpose),
                    mode=str(mode),
                    distance_km=km,
                    passengers=float(trips["passengers"].mean()),
                    trips_observed=len(trips),
                    weeks_observed=weeks,
                    trips_per_year=float(annual_scale(str(purpose), weeks)[0] * len(trips)),
                    weekdays=tuple(int(d) for d in _usual(trips["weekday"].to_numpy())),
                    departure_hours=_usual(np.round(trips["hour"].to_numpy() * 2) / 2),
                    rows=tuple(trips.index),
                    origin=coords[0],
                    destination=coords[1],
                )
            )
    return tuple(sorted(out, key=lambda j: -j.trips_per_year * j.distance_km))


def _coords(trips: pd.DataFrame) -> tuple[tuple[float, float] | None, tuple[float, float] | None]:
    if "origin" not in trips.columns or "destination" not in trips.columns:
        return None, None
    for o, d in zip(trips["origin"], trips["destination"], strict=True):
        if isinstance(o, tuple) and isinstance(d, tuple):
            return o, d
    return None, None


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
