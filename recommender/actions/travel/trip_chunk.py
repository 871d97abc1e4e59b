"""The trips of a chunk of households as one columnar table, checked and placed in local time.

:class:`TripChunk` holds one row per trip of every household of a chunk (households contiguous, in
input order; ``bounds[i]:bounds[i + 1]`` are household ``i``'s rows) as numpy columns, so the
travel profile reads them group-wise instead of household by household. Its rules are the ones of
:func:`recommender.actions.travel.trip_table.validate_trips`, written once here and used by both:
a household whose trips break a field rule is checked by ``validate_trips`` itself, which names
every problem (so its error is the one a table of its trips gets); the overlap and data-period
warnings are computed group-wise, each household's listed the same as if it were alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
import pandas as pd

from recommender.actions.travel.trip_table import period_warning
from recommender.clock import day_starts_ns
from recommender.domain import (
    DAY_NS,
    HOUR_NS,
    MINUTE_NS,
    TRIP_MODES,
    TRIP_PURPOSES,
    Household,
    Trip,
    TripColumns,
)


@dataclass(frozen=True)
class TripChunk:
    """One row per trip of a chunk of households (see the module docstring)."""

    bounds: np.ndarray  # (n_households + 1,) row offsets
    labels: np.ndarray  # each trip's row label in its household's own table
    start_ns: np.ndarray  # int64 ns since the epoch, UTC
    distance_km: np.ndarray
    mode: np.ndarray  # str objects
    purpose: np.ndarray
    passengers: np.ndarray  # whole numbers >= 1
    origin: np.ndarray  # (lat, lon) tuples or None
    destination: np.ndarray
    household_id: np.ndarray  # one per household

    @property
    def code(self) -> np.ndarray:
        """Each row's household position in the chunk."""
        return np.repeat(np.arange(len(self.bounds) - 1), np.diff(self.bounds))

    def __len__(self) -> int:
        return int(self.bounds[-1])

    @cached_property
    def mode_codes(self) -> tuple[np.ndarray, np.ndarray]:
        """Each row's mode as a code into the sorted distinct modes, and those modes."""
        return factorized(self.mode)

    @cached_property
    def purpose_codes(self) -> tuple[np.ndarray, np.ndarray]:
        """Each row's purpose as a code into the sorted distinct purposes, and those purposes."""
        return factorized(self.purpose)

    def is_mode(self, modes: Sequence[str]) -> np.ndarray:
        """Rows whose mode is one of ``modes``."""
        return member(self.mode, modes, self.mode_codes)

    def kept(self, keep: np.ndarray, bounds: np.ndarray, **columns: np.ndarray) -> TripChunk:
        """The chunk of the rows ``keep`` (households' rows now ``bounds``), ``columns`` given
        (the others taken as kept). The mode and purpose codes found already are kept with the
        rows (codes into the same distinct values, some of which may no longer occur): the
        columns are factorized once per chunk."""
        rest = {name: getattr(self, name)[keep] for name in _ROW_COLUMNS if name not in columns}
        out = replace(self, bounds=bounds, **rest, **columns)
        for name in ("mode_codes", "purpose_codes"):
            if name in self.__dict__:  # found already (cached_property keeps it there)
                codes, uniques = self.__dict__[name]
                out.__dict__[name] = (codes[keep], uniques)
        return out


_ROW_COLUMNS = (
    "labels", "start_ns", "distance_km", "mode", "purpose", "passengers", "origin", "destination"
)  # fmt: skip


def factorized(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes into the sorted distinct values (hashing, not sorting the rows), and the values."""
    codes, uniques = pd.factorize(values, sort=True)
    return codes, np.asarray(uniques, dtype=object)


def member(
    values: np.ndarray, choices: Sequence[str], codes: tuple[np.ndarray, np.ndarray] | None = None
) -> np.ndarray:
    """``np.isin(values, choices)`` for a column of strings, through its distinct values."""
    code, uniques = codes if codes is not None else factorized(values)
    return np.append(among(uniques, choices), False)[code]  # code -1: missing


def among(distinct: np.ndarray, choices: Sequence[str]) -> np.ndarray:
    """``np.isin(distinct, choices)`` of a few distinct values: a set lookup each (np.isin sorts
    both, a dozen times the cost for a dozen values)."""
    chosen = set(choices)
    return np.array([value in chosen for value in distinct.tolist()], dtype=bool)


def chunk_of_households(households: Sequence[Household]) -> tuple[TripChunk, np.ndarray]:
    """The chunk of ``households``' trips, and which households break a field rule (those are in
    the chunk without trips; ``validate_trips`` of their trips table says what is wrong)."""
    counts = np.array([len(h.trips) for h in households], dtype=np.int64)
    bounds = np.concatenate([[0], np.cumsum(counts)])
    parts = [_columns(h.trips) for h in households]
    start, aware, km, people, mode, purpose, origin, destination = (
        np.concatenate([part[k] for part in parts]) if parts else np.zeros(0, dtype=object)
        for k in range(8)
    )
    chunk = TripChunk(
        bounds=bounds,
        labels=np.arange(len(km)) - np.repeat(bounds[:-1], counts),
        start_ns=start.astype(np.int64),
        distance_km=km,
        mode=mode,
        purpose=purpose,
        passengers=people,
        origin=origin,
        destination=destination,
        household_id=np.array([h.household_id for h in households], dtype=object),
    )
    ok = aware.astype(bool) & _numbers_ok(km, positive=True) & _numbers_ok(people, whole=True)
    ok &= chunk.is_mode(TRIP_MODES) & member(chunk.purpose, TRIP_PURPOSES, chunk.purpose_codes)
    flagged = np.bincount(chunk.code[~ok], minlength=len(households)) > 0
    keep = ~flagged[chunk.code]  # a flagged household stays in the chunk without its trips
    counts[flagged] = 0
    bounds = np.concatenate([[0], np.cumsum(counts)])
    clean = chunk.kept(
        keep,
        bounds,
        distance_km=km[keep].astype(float),
        passengers=people[keep].astype(float),
    )
    return clean, flagged


def _columns(trips: Sequence[Trip]) -> tuple[np.ndarray, ...]:
    """A household's trips as the chunk's columns: start (ns), whether the start is tz-aware,
    distance, passengers, mode, purpose, origin and destination. Columns as the readers give them
    (:class:`TripColumns`, the usual case) are taken as they are; other trips field by field."""
    if isinstance(trips, TripColumns):
        nothing = np.full(len(trips), None, dtype=object)  # no reader has coordinates
        start = trips.start.as_unit("ns").asi8
        given = (trips.distance_km, trips.passengers, trips.mode, trips.purpose)
        return (start, np.ones(len(trips), bool), *given, nothing, nothing)
    aware = np.array(
        [isinstance(t.start, pd.Timestamp) and t.start.tzinfo is not None for t in trips], bool
    )
    start = np.array([t.start.value if a else 0 for t, a in zip(trips, aware, strict=True)])
    fields = tuple(
        np.fromiter((getattr(t, name) for t in trips), dtype=object, count=len(trips))
        for name in ("distance_km", "passengers", "mode", "purpose", "origin", "destination")
    )
    return (start.astype(np.int64), aware, *fields)


def chunk_of_frame(frame: pd.DataFrame) -> TripChunk:
    """The chunk of a validated trips table of ONE household (row labels kept)."""
    n = len(frame)
    empty = np.full(n, None, dtype=object)
    origin = frame["origin"].to_numpy(dtype=object) if "origin" in frame else empty
    destination = frame["destination"].to_numpy(dtype=object) if "destination" in frame else empty
    return TripChunk(
        bounds=np.array([0, n]),
        labels=frame.index.to_numpy(),
        start_ns=pd.DatetimeIndex(frame["start"]).as_unit("ns").asi8,
        distance_km=frame["distance_km"].to_numpy(dtype=float),
        mode=frame["mode"].to_numpy(dtype=object),
        purpose=frame["purpose"].to_numpy(dtype=object),
        passengers=frame["passengers"].to_numpy(dtype=float),
        origin=origin,
        destination=destination,
        household_id=frame["household_id"].to_numpy(dtype=object)[:1],
    )


def _numbers_ok(values: np.ndarray, *, positive: bool = False, whole: bool = False) -> np.ndarray:
    """Rows a table's number reader takes as they are (real numbers, finite; > 0 or whole >= 1)."""
    if values.dtype.kind in "fiu" or set(map(type, values)) <= {int, float}:
        real, x = np.ones(len(values), bool), values.astype(float)
    else:
        real = np.array([type(v) in (int, float) or isinstance(v, np.number) for v in values], bool)
        x = np.where(real, values, np.nan).astype(float)
    with np.errstate(invalid="ignore"):
        ok = real & np.isfinite(x)
        if positive:
            ok &= x > 0
        if whole:
            ok &= (x >= 1) & (x == np.floor(x))
    return ok


def local_times(
    chunk: TripChunk, timezones: Sequence[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each trip's local weekday (0 = Monday), decimal hour and local midnight (ns, UTC) in its
    household's time zone."""
    weekday = np.zeros(len(chunk), dtype=np.int32)
    hour = np.zeros(len(chunk), dtype=float)
    midnight = np.zeros(len(chunk), dtype=np.int64)
    zones = list(dict.fromkeys(timezones))
    # each row's zone as a code (in order of first appearance, as ``zones``), not a name: one
    # integer compare a row per zone
    zone_of_row = (
        pd.factorize(np.asarray(timezones, dtype=object), use_na_sentinel=False)[0][chunk.code]
        if len(zones) > 1
        else None
    )
    for z, zone in enumerate(zones):
        rows = np.flatnonzero(zone_of_row == z) if zone_of_row is not None else slice(None)
        utc = pd.DatetimeIndex(chunk.start_ns[rows].astype("datetime64[ns]"), tz="UTC")
        wall = utc.tz_convert(zone).tz_localize(None).asi8  # local clock time, ns (one lookup)
        day, into_day = np.divmod(wall, DAY_NS)
        weekday[rows] = (day + 3) % 7  # 1970-01-01 was a Thursday
        hour[rows] = into_day // HOUR_NS + (into_day % HOUR_NS) // MINUTE_NS / 60.0
        # one lookup a run of trips on one local day (a household's trips are in time order)
        new_day = np.diff(day, prepend=day[:1] - 1) != 0  # the first trip, and each change
        midnight[rows] = day_starts_ns(day[new_day], zone)[np.cumsum(new_day) - 1]
    return weekday, hour, midnight


def period_warnings(
    chunk: TripChunk, periods: Sequence[tuple[pd.Timestamp | None, pd.Timestamp | None]]
) -> list[list[str]]:
    """Per household: its trips outside its data period ``(start, end)`` (either may be None)."""
    out: list[list[str]] = []
    for i, (period_start, period_end) in enumerate(periods):
        a, b = chunk.bounds[i], chunk.bounds[i + 1]
        if (period_start is None and period_end is None) or a == b:
            out.append([])
            continue
        start = chunk.start_ns[a:b]
        lo = period_start if period_start is not None else pd.Timestamp(start.min(), tz="UTC")
        hi = period_end if period_end is not None else pd.Timestamp(start.max(), tz="UTC")
        outside = chunk.labels[a:b][(start < lo.value) | (start > hi.value)]
        out.append(period_warning(outside.tolist(), lo, hi) if len(outside) else [])
    return out
