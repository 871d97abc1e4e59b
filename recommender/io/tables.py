"""The batch tables of docs/product.md (households, readings, trips, optional temperature).

:func:`read_tables` reads them whole; :func:`iter_tables` streams the readings in chunks. Both give
:class:`BatchInput`: the households that parsed, and for every other household id found in any
table, an :class:`InvalidInput` listing every problem. Nothing is dropped without a report.
Rows are parsed by the same functions as the canonical JSON (``recommender.io.validate``,
``recommender.io.trips`` and ``recommender.io.normalise``), so a household reads the same from JSON
and from tables: each chunk's readings, temperature and trips columns once, as whole columns, then
each household's rows taken by their positions (a groupby of the ids), no dict per reading or
trip row (a households row, one per household, is read as one mapping by the field parsers).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from recommender.domain import Household, Tariff, Trip, TripColumns
from recommender.errors import InvalidInput, Problem
from recommender.io import schema
from recommender.io.files import Source, Table, iter_table, read_table
from recommender.io.household import assemble_household
from recommender.io.normalise import normalise_readings
from recommender.io.scan import Scanner, household_ids, id_column
from recommender.io.table_groups import (
    CodedIds,
    IdTable,
    Parsed,
    Rows,
    group_rows,
    series_of,
)
from recommender.io.table_rows import (
    TariffKey,
    plain_value,
    row_appliances,
    row_preferences,
    row_tariff_once,
    row_trips,
)
from recommender.io.temperature import normalise_temperature
from recommender.io.trips import CleanTrips, clean_trips
from recommender.io.validate import TRIP_FIELDS


@dataclass
class BatchInput:
    """Parsed households, and ``(household_id, InvalidInput)`` for every one that failed."""

    households: list[Household] = field(default_factory=list)
    failures: list[tuple[str, InvalidInput]] = field(default_factory=list)


def read_tables(
    households: Source,
    readings: Source,
    trips: Source | None = None,
    temperature: Source | None = None,
    *,
    max_file_bytes: int | None = None,
) -> BatchInput:
    """Read the batch tables whole (each file at most ``MAX_FILE_BYTES`` unless given).

    Each argument is a path (``.csv``, ``.parquet``, ``.jsonl``/``.json``) or a DataFrame. A
    file-level problem raises :class:`InvalidInput`; row problems go to ``failures``.
    """
    homes = read_table(
        households,
        "households",
        schema.HOUSEHOLD_REQUIRED,
        schema.HOUSEHOLD_OPTIONAL,
        max_bytes=max_file_bytes,
    )
    read = read_table(readings, "readings", schema.READINGS_COLUMNS, max_bytes=max_file_bytes)
    trip_table = (
        read_table(
            trips, "trips", schema.TRIPS_REQUIRED, schema.TRIPS_OPTIONAL, max_bytes=max_file_bytes
        )
        if trips is not None
        else None
    )
    temp = (
        read_table(temperature, "temperature", schema.TEMPERATURE_COLUMNS, max_bytes=max_file_bytes)
        if temperature is not None
        else None
    )
    return _assemble(homes, [(read, CodedIds.of(id_column(read.frame)))], trip_table, temp)


def iter_tables(
    households: Source,
    readings: Source,
    trips: Source | None = None,
    temperature: Source | None = None,
    *,
    chunk_households: int = 10_000,
    rows_per_chunk: int = 500_000,
    scratch_dir: Path | None = None,
) -> Iterator[BatchInput]:
    """Like :func:`read_tables`, streaming the readings (CSV, Parquet) ``rows_per_chunk`` at a time.

    The readings must be grouped by ``household_id`` (rows of one household together, as a sort
    gives); a household whose rows come back after another household's is reported as a failure.
    The households table is read whole; the trips and temperature tables are scanned for each
    chunk's households (:class:`recommender.io.scan.Scanner`: memory bounded by a chunk, whatever
    their size; fastest as Parquet sorted by ``household_id``; a CSV is copied once into
    ``scratch_dir``, default the system's temporary folder). No file-size limit applies.
    """
    homes = read_table(
        households,
        "households",
        schema.HOUSEHOLD_REQUIRED,
        schema.HOUSEHOLD_OPTIONAL,
        max_bytes=2**62,
    )
    scan = partial(Scanner, rows_per_chunk=rows_per_chunk, scratch_dir=scratch_dir)
    trip_scan: Scanner | None = None
    temp_scan: Scanner | None = None
    if trips is not None:
        trip_scan = scan(
            trips,
            "trips",
            schema.TRIPS_REQUIRED,
            schema.TRIPS_OPTIONAL,
            categorical=("mode", "purpose"),
        )
    if temperature is not None:
        temp_scan = scan(temperature, "temperature", schema.TEMPERATURE_COLUMNS)
    scanners = [s for s in (trip_scan, temp_scan) if s is not None]
    home_ids = household_ids(homes.frame)
    seen = np.array([], dtype=str)  # ids emitted: text in one array, no str kept (fragments)
    pending: list[Table] = []  # readings rows of households not emitted yet
    pending_ids: list[CodedIds] = []  # the household id of each of those rows, coded
    for chunk in iter_table(
        readings,
        "readings",
        schema.READINGS_COLUMNS,
        rows_per_chunk=rows_per_chunk,
        categorical=("household_id",),
    ):
        coded = CodedIds.of_column(chunk.frame["household_id"])
        found = np.asarray(coded.keys, dtype=object)
        again = sorted(found[np.isin(found, seen)].tolist())
        if again:
            yield BatchInput(failures=[(h, _not_grouped(chunk, coded, h)) for h in again])
            keep, coded = coded.only(~coded.which(again))
            chunk = chunk.subset(keep)
        if not len(coded.codes):
            continue
        pending.append(chunk)
        pending_ids.append(coded)
        still_open = coded.keys[coded.codes[-1]]  # its rows may go on in the next chunk
        done = _id_set(pending_ids) - {still_open}
        if len(done) >= chunk_households:
            batch = _batch(homes, home_ids, (pending, pending_ids), (trip_scan, temp_scan), done)
            seen = np.concatenate([seen, np.array(sorted(done), dtype=str)])
            open_rows = [ids.only(ids.which({still_open})) for ids in pending_ids]
            kept = [i for i, (rows, _) in enumerate(open_rows) if rows.any()]  # emptied piled up
            pending = [pending[i].subset(open_rows[i][0]) for i in kept]
            pending_ids = [open_rows[i][1] for i in kept]
            yield batch  # the finished households' raw rows are dropped before the chunk goes
            del batch  # and the chunk is not held here while the next one is read and parsed
    rest = _id_set(pending_ids) | (set(home_ids) - set(seen.tolist()))
    for scanner in scanners:  # ids in no table but this one
        rest |= scanner.ids() - set(seen.tolist())
    yield _batch(homes, home_ids, (pending, pending_ids), (trip_scan, temp_scan), rest)


def _not_grouped(chunk: Table, ids: CodedIds, household_id: str) -> InvalidInput:
    """The problem of a household whose readings come back after other households' readings."""
    first = int(np.flatnonzero(ids.codes == ids.keys.index(household_id))[0])
    return InvalidInput(
        Problem(
            chunk.where(first, "household_id"),
            f"readings of {household_id!r} appear again after other households' readings",
            "the readings file grouped by household_id (sort it)",
        ),
        source=chunk.name,
    )


def _id_set(columns: list[CodedIds]) -> set[str]:
    """The household ids found in the coded id columns."""
    return {h for ids in columns for h in ids.keys}


def _batch(
    homes: Table,
    home_ids: pd.Series,
    pending: tuple[list[Table], list[CodedIds]],
    scanned: tuple[Scanner | None, Scanner | None],
    scope: set[str],
) -> BatchInput:
    """The households of ``scope``: their rows of the pending readings (each table with its id
    column, made once when it was read) and of the scanned trips and temperature tables."""
    trips, temp = (None if s is None else s.rows_of(scope) for s in scanned)
    readings = []
    for table, ids in zip(*pending, strict=True):
        keep, kept_ids = ids.only(ids.which(scope))
        readings.append((table.subset(keep), kept_ids))
    return _assemble(homes.subset(home_ids.isin(scope).to_numpy()), readings, trips, temp)


def _assemble(
    homes: Table, readings: list[IdTable], trips: Table | None, temp: Table | None
) -> BatchInput:
    out = BatchInput()
    problems: dict[str, list[Problem]] = {}
    frame = homes.frame
    ids = household_ids(frame)
    duplicated = ids.duplicated(keep="first").to_numpy()
    for dup in np.flatnonzero(duplicated).tolist():
        problems.setdefault(ids[dup], []).append(
            Problem(
                homes.where(dup, "household_id"),
                f"household_id {ids[dup]!r} appears on more than one row",
                "one row per household",
            )
        )
    for blank in np.flatnonzero((ids == "").to_numpy()).tolist():
        problems.setdefault("", []).append(
            Problem(homes.where(blank, "household_id"), "household_id is empty", "an id")
        )
    home_ids = set(ids)
    by_home = group_rows(readings, problems, home_ids, "readings")
    temps = group_rows([temp], problems, home_ids, "temperature")
    trips_by_home = group_rows([trips], problems, home_ids, "trips")
    records = frame.to_dict(orient="records")
    clean = _clean_trips(trips)
    memo = _Memo({}, {})
    for pos, hid in enumerate(ids):
        if hid == "" or duplicated[pos]:
            continue
        row = {str(k): plain_value(v) for k, v in records[pos].items()}
        found: list[Problem] = problems.setdefault(hid, [])
        home = _household(
            hid,
            row,
            partial(_where_col, homes, pos),
            by_home.get(hid),
            temps.get(hid),
            _trips_of(clean, trips_by_home.get(hid, [])),
            found,
            memo,
        )
        if home is not None and not found:
            out.households.append(home)
    for hid, found in problems.items():
        if found:
            out.failures.append((hid, InvalidInput(found, source=f"household {hid!r}")))
    return out


@dataclass(frozen=True)
class _Memo:
    """What one _assemble call reads once for all its households: each readings/temperature
    table's columns (parsed vectorised) and each distinct tariff."""

    parsed: dict[int, Parsed]
    tariffs: dict[TariffKey, Tariff]


def _clean_trips(trips: Table | None) -> CleanTrips | None:
    """The trips table's rows read column-wise at once."""
    if trips is None:
        return None
    columns = {c: trips.frame[c] for c in TRIP_FIELDS if c in trips.frame.columns}
    return clean_trips(columns, len(trips.frame))


TripRows = TripColumns | list[tuple[Table, int, Trip | None]]


def _trips_of(clean: CleanTrips | None, parts: list[tuple[Table, np.ndarray]]) -> TripRows:
    """A household's trips: as columns when all its rows are clean (the usual case), else each
    row (table, position, its Trip when clean: the others are parsed by ``row_trips``)."""
    if clean is None or not parts:
        return []
    [(table, rows)] = parts  # one trips table
    if clean.clean[rows].all():
        return clean.columns(rows)
    return list(zip([table] * len(rows), rows.tolist(), clean.trips(rows), strict=True))


def _household(
    hid: str,
    row: Mapping[str, Any],
    where_col: Any,
    readings: Rows | None,
    temps: Rows | None,
    trips: TripRows,
    problems: list[Problem],
    memo: _Memo,
) -> Household | None:
    region = schema.check_region(row["region"], where_col("region"), problems)
    tz = schema.check_timezone(row["timezone"], where_col("timezone"), problems)
    fuel = schema.check_fuel(row.get("fuel"), where_col("fuel"), problems)
    tariff = row_tariff_once(row, where_col, problems, memo.tariffs)
    appliances = row_appliances(row, where_col, problems)
    prefs = row_preferences(row, where_col, problems)
    parsed_trips = trips if isinstance(trips, TripColumns) else row_trips(trips, problems)
    series = None
    if not readings:
        problems.append(
            Problem(
                where_col("household_id"),
                f"household {hid!r} has no readings",
                "readings rows for every household",
            )
        )
    else:
        stamps, kwh, where = series_of(readings, "kwh", problems, memo.parsed)
        series = normalise_readings(
            stamps,
            kwh,
            timezone=tz or "UTC",
            where=where,
            problems=problems,
            field=f"readings of {hid!r}",
        )
    temperature: pd.Series | None = None
    t_warn: tuple[str, ...] = ()
    if temps:
        stamps, celsius, where = series_of(temps, "celsius", problems, memo.parsed)
        temperature, t_warn = normalise_temperature(
            pd.Series(stamps) if isinstance(stamps, pd.DatetimeIndex) else stamps,
            celsius,
            where=where,
            problems=problems,
        )
    if problems or series is None or tariff is None:
        return None
    return assemble_household(
        hid,
        str(region),
        str(tz),
        tariff,
        series,
        (temperature, t_warn),
        (appliances, parsed_trips, prefs),
        fuel=fuel,
    )


def _where_col(table: Table, position: int, column: str) -> str:
    return table.where(position, column)
