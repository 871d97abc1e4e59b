"""Trips read column-wise: the clean rows checked as whole columns, the rest row by row.

A household's trips arrive as columns (a trips table, or the household JSON's list read into
columns once). :func:`clean_trips` checks each column at once (timestamps parsed by one
``pd.to_datetime`` call, numbers converted and range-checked as arrays, modes and purposes looked
up) and gives the :class:`~recommender.domain.Trip` of every row that
:func:`~recommender.io.validate.parse_trip` would accept without a problem, with the same values;
every other row is None, and the caller reads it with ``parse_trip``, which names its problems.
Clean rows add no problems, so the problems and their order are exactly those of parsing every
row with ``parse_trip``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from recommender.domain import TRIP_MODES, TRIP_PURPOSES, Trip
from recommender.io import schema
from recommender.io.cells import plain_instant_mask
from recommender.io.validate import MAX_PASSENGERS, MAX_TRIP_KM, TRIP_FIELDS, is_blank

Column = Sequence[Any] | np.ndarray | pd.Series

_KEYS = frozenset(TRIP_FIELDS)


def clean_trips(columns: Mapping[str, Column], n_rows: int) -> list[Trip | None]:
    """The Trip of each row that parses without a problem, None for every other row.

    ``columns`` holds the trip fields (``passengers`` may be absent: one traveller); a row that is
    not plainly valid (a text that is not a plain instant, a bool, a blank required cell, ...) is
    None even when ``parse_trip`` would accept it, so the caller's row-by-row path decides.
    """
    starts, ok = _starts(columns["start"], n_rows)
    km, km_ok = _numbers(columns["distance_km"], n_rows)
    with np.errstate(invalid="ignore"):
        ok &= km_ok & (km > 0) & (km <= MAX_TRIP_KM)
    ok &= _choice(columns["mode"], TRIP_MODES) & _choice(columns["purpose"], TRIP_PURPOSES)
    passengers = np.ones(n_rows)
    if "passengers" in columns:
        raw = _objects(columns["passengers"])
        blank = np.fromiter(map(is_blank, raw), bool, n_rows)
        given, given_ok = _numbers(raw, n_rows)
        with np.errstate(invalid="ignore"):
            fine = given_ok & (given >= 1) & (given <= MAX_PASSENGERS) & (given == np.floor(given))
        ok &= blank | fine
        passengers = np.where(blank, 1.0, given)
    modes, purposes = _objects(columns["mode"]), _objects(columns["purpose"])
    rows = zip(starts, km.tolist(), modes, purposes, passengers.tolist(), ok.tolist(), strict=True)
    return [
        Trip(start=t, distance_km=k, mode=str(m), purpose=str(p), passengers=int(n))
        if good
        else None
        for t, k, m, p, n, good in rows
    ]


def clean_trip_list(raw: object) -> list[Trip | None] | None:
    """:func:`clean_trips` of the household JSON's ``trips`` list, read into columns once (an item
    that is not an object of the trip fields is None); None when ``raw`` is not a list."""
    if not isinstance(raw, list):
        return None
    plain = [r if type(r) is dict and _KEYS.issuperset(r) else None for r in raw]
    columns = {f: [None if r is None else r.get(f) for r in plain] for f in TRIP_FIELDS}
    return clean_trips(columns, len(raw))


def _objects(column: Column) -> list[Any]:
    """The column's cells as plain Python values (numpy scalars unwrapped, as the readers do)."""
    if isinstance(column, pd.Series | np.ndarray):
        return column.tolist()
    return list(column)


def _starts(column: Column, n_rows: int) -> tuple[list[Any], np.ndarray]:
    """Each start in UTC (a Timestamp of the unit ``parse_trip`` gives), and which are clean."""
    earliest, latest = schema.plausible_dates()
    if isinstance(column, pd.Series) and isinstance(column.dtype, pd.DatetimeTZDtype):
        stamps = pd.DatetimeIndex(column)  # tz-aware cells: parse_trip keeps their unit
    else:
        texts = _objects(column)
        # at most microseconds: pd.Timestamp of such a text (what parse_trip does) and
        # pd.to_datetime of the column give the same instant and unit
        plain = plain_instant_mask(texts, max_fraction_digits=6)
        cells = pd.Series(texts, dtype=object).where(plain, None)
        stamps = pd.DatetimeIndex(
            pd.to_datetime(cells, utc=True, errors="coerce", format="ISO8601")
        ).as_unit("us")
    ok = np.asarray(stamps.notna() & (stamps >= earliest) & (stamps <= latest), dtype=bool)
    return list(stamps.tz_convert("UTC")), ok


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


def _choice(column: Column, choices: tuple[str, ...]) -> np.ndarray:
    allowed = frozenset(choices)
    return np.fromiter(
        (isinstance(c, str) and c in allowed for c in _objects(column)), bool, len(column)
    )
