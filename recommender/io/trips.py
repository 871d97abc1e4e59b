"""Trips read column-wise: the clean rows checked as whole columns, the rest row by row.

A household's trips arrive as columns (a trips table, or the household JSON's list read into
columns once). :func:`clean_trips` checks each column at once (timestamps parsed by one
``pd.to_datetime`` call, numbers converted and range-checked as arrays, modes and purposes looked
up) and marks every row that :func:`~recommender.io.validate.parse_trip` would accept without a
problem: such rows become :class:`~recommender.domain.TripColumns` (no Python object per trip)
or, one by one, the :class:`~recommender.domain.Trip` ``parse_trip`` gives, with the same values.
Every other row is left to the caller, which reads it with ``parse_trip``, which names its
problems. Clean rows add no problems, so the problems and their order are exactly those of
parsing every row with ``parse_trip``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from recommender.domain import TRIP_MODES, TRIP_PURPOSES, Trip, TripColumns
from recommender.io.cells import plain_instant_mask, plain_instants, plausible_instants
from recommender.io.validate import MAX_PASSENGERS, MAX_TRIP_KM, TRIP_FIELDS, is_blank

Column = Sequence[Any] | np.ndarray | pd.Series

_KEYS = frozenset(TRIP_FIELDS)


@dataclass(frozen=True)
class CleanTrips:
    """Every row's trip fields read column-wise, and which rows are ``clean`` (the values of the
    other rows are placeholders: those rows are parsed by ``parse_trip``)."""

    start: pd.DatetimeIndex  # UTC, of the unit parse_trip gives
    distance_km: np.ndarray
    mode: np.ndarray  # the vocabulary's own str, None where not one of it
    purpose: np.ndarray
    passengers: np.ndarray  # int64
    clean: np.ndarray  # bool

    def columns(self, rows: np.ndarray | slice) -> TripColumns:
        """The trips of ``rows`` (clean ones), in that order, as columns. Positions are taken
        (``take``: what indexing by them gives, without pandas' checks of an indexer, which
        cost twice the gather for a household's thousand trips)."""
        fields = (self.distance_km, self.mode, self.purpose, self.passengers)
        start = self.start[rows] if isinstance(rows, slice) else self.start.take(rows)
        return TripColumns(start, *(column[rows] for column in fields))

    def trips(self, rows: np.ndarray | slice = slice(None)) -> list[Trip | None]:
        """The Trip of each of ``rows`` (all by default) that is clean (``parse_trip``'s), None
        for every other one."""
        trips = self.columns(rows)
        return [
            t if good else None for t, good in zip(trips, self.clean[rows].tolist(), strict=True)
        ]


def clean_trips(columns: Mapping[str, Column], n_rows: int) -> CleanTrips:
    """Each row's fields, and the rows that parse without a problem.

    ``columns`` holds the trip fields (``passengers`` may be absent: one traveller); a row that is
    not plainly valid (a text that is not a plain instant, a bool, a blank required cell, ...) is
    not clean even when ``parse_trip`` would accept it, so the caller's row-by-row path decides.
    """
    starts, ok = _starts(columns["start"], n_rows)
    km, km_ok = _numbers(columns["distance_km"], n_rows)
    with np.errstate(invalid="ignore"):
        ok &= km_ok & (km > 0) & (km <= MAX_TRIP_KM)
    (mode, is_mode), (purpose, is_purpose) = (
        _choice(columns["mode"], TRIP_MODES),
        _choice(columns["purpose"], TRIP_PURPOSES),
    )
    ok &= is_mode & is_purpose
    passengers = np.ones(n_rows)
    if "passengers" in columns:
        given, blank, given_ok = _passengers(columns["passengers"], n_rows)
        with np.errstate(invalid="ignore"):
            fine = given_ok & (given >= 1) & (given <= MAX_PASSENGERS) & (given == np.floor(given))
        ok &= blank | fine
        passengers = np.where(blank, 1.0, given)
    whole = np.where(ok, passengers, 1.0).astype(np.int64)  # what int() gives a clean row's count
    return CleanTrips(starts, km, mode, purpose, whole, ok)


def clean_trip_list(raw: object) -> CleanTrips | None:
    """:func:`clean_trips` of the household JSON's ``trips`` list, read into columns once (an item
    that is not an object of the trip fields is not clean); None when ``raw`` is not a list."""
    if not isinstance(raw, list):
        return None
    plain = [r if type(r) is dict and _KEYS.issuperset(r) else None for r in raw]
    columns = {f: [None if r is None else r.get(f) for r in plain] for f in TRIP_FIELDS}
    return clean_trips(columns, len(raw))


def in_time_order(trips: Sequence[Trip]) -> Sequence[Trip]:
    """The trips sorted by start, equal starts in their given order (a stable sort)."""
    if not isinstance(trips, TripColumns):
        return tuple(sorted(trips, key=lambda t: t.start))
    order = np.argsort(trips.start.asi8, kind="stable")
    return trips if bool((order == np.arange(len(order))).all()) else trips.take(order)


def _objects(column: Column) -> list[Any]:
    """The column's cells as plain Python values (numpy scalars unwrapped, as the readers do)."""
    if isinstance(column, pd.Series | np.ndarray):
        return column.tolist()
    return list(column)


def _starts(column: Column, n_rows: int) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """Each start in UTC (a Timestamp of the unit ``parse_trip`` gives), and which are clean."""
    if isinstance(column, pd.Series) and isinstance(column.dtype, pd.DatetimeTZDtype):
        stamps = pd.DatetimeIndex(column)  # tz-aware cells: parse_trip keeps their unit
    else:
        texts = _objects(column)
        # at most microseconds: pd.Timestamp of such a text (what parse_trip does) and
        # pd.to_datetime of the column give the same instant and unit
        parsed = plain_instants(texts, max_fraction_digits=6)
        if parsed is None:  # not every text is plain: the plain ones read, the others not clean
            plain = plain_instant_mask(texts, max_fraction_digits=6)
            cells = pd.Series(texts, dtype=object).where(plain, None)
            parsed = pd.DatetimeIndex(
                pd.to_datetime(cells, utc=True, errors="coerce", format="ISO8601")
            )
        stamps = parsed.as_unit("us")
    return stamps.tz_convert("UTC"), plausible_instants(stamps)


def _numbers(column: Column, n_rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Each cell as ``float(cell)`` (what ``schema.check_number`` reads), and which are finite
    numbers or number texts (not bools, blanks or other objects)."""
    if isinstance(column, pd.Series | np.ndarray) and np.asarray(column).dtype.kind in "fiu":
        values = np.asarray(column, dtype=np.float64)
        return values, np.isfinite(values)
    cells = _objects(column)
    if set(map(type, cells)) <= {float, int, str}:
        try:  # every cell reads: one pass in C
            values = np.fromiter(map(float, cells), np.float64, n_rows)
            return values, np.isfinite(values)
        except (ValueError, OverflowError):
            pass  # some text is not a number, or an integer beyond float64: cell by cell below
    values = np.full(n_rows, np.nan)
    ok = np.zeros(n_rows, dtype=bool)
    for i, cell in enumerate(cells):
        if type(cell) in (float, int, str):
            try:
                values[i] = float(cell)
            except (ValueError, OverflowError):
                continue
            ok[i] = True
    ok &= np.isfinite(values)
    return values, ok


def _choice(column: Column, choices: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Each cell that is one of ``choices`` as that choice's own str (the value ``str(cell)``
    gives), None for every other cell; and which cells are one (what ``pd.notna`` of the first
    would say, found from the distinct cells, not by another pass over every row)."""
    canonical = dict(zip(choices, choices, strict=True))
    if isinstance(column, pd.Series | np.ndarray):  # a table's column: each distinct cell once
        try:
            codes, distinct = pd.factorize(column)
        except TypeError:  # an unhashable cell: cell by cell below
            pass
        else:
            found = [canonical.get(c) if isinstance(c, str) else None for c in distinct]
            is_one = np.array([f is not None for f in found] + [False])  # code -1: missing
            return np.array([*found, None], dtype=object)[codes], is_one[codes]
    cells = _objects(column)
    values = np.array([canonical.get(c) if isinstance(c, str) else None for c in cells], object)
    return values, np.asarray(pd.notna(values), dtype=bool)


def _passengers(column: Column, n_rows: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each cell as a number (:func:`_numbers`), which cells are blank (one traveller) and which
    are numbers."""
    given, given_ok = _numbers(column, n_rows)
    blank = np.zeros(n_rows, dtype=bool)
    unread = np.flatnonzero(~given_ok)
    if len(unread):  # a blank cell (None, NaN, spaces) never reads as a finite number
        cells = _objects(column)
        blank[unread] = [is_blank(cells[i]) for i in unread.tolist()]
    return given, blank, given_ok
