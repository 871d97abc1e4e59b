"""Write a synthetic population as the three batch tables (docs/tables.md), in bounded memory.

Households are generated one seeding block (512 households) at a time; each table's rows are
buffered up to a fixed number of rows and then written - as a Parquet row group
(``pyarrow.parquet.ParquetWriter``) or appended to a CSV file (``pyarrow.csv.CSVWriter``, header
once). Peak memory is therefore set by the block and the buffer, not by the number of households:
measured peak RSS 369 MB for 10,000 and 415 MB for 100,000 households x 28 days (Parquet; 168 MB
of it is the interpreter and libraries), see ``benchmarks/synth.py``.

Timestamps are UTC: Parquet stores them as ``timestamp[s, tz=UTC]``, CSV as ISO 8601 text with the
offset (``2024-01-01T00:00:00+00:00``). Empty cells (no appliance, flat tariff rates) are nulls.
The same arguments give byte-identical files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from recommender.domain import APPLIANCE_KINDS, TRIP_MODES, TRIP_PURPOSES
from recommender.errors import InvalidInput, Problem
from recommender.synth._blocks import BLOCK
from recommender.synth.households import draw_traits, households_columns
from recommender.synth.meters import LocalCalendar, hourly_kwh_for, validated_index
from recommender.synth.trips import trips_for_block

DEFAULT_START = "2024-01-01T00:00:00Z"  # a Monday
DEFAULT_DAYS = 28
FORMATS = ("parquet", "csv")
ROWS_PER_WRITE = (
    131_072  # rows per Parquet row group (DuckDB writes 122,880): bounds memory and lets
)
# a reader skip the groups of households it does not need
_UTC = pa.timestamp("s", tz="UTC")


def _households_schema() -> pa.Schema:
    fields = [
        ("household_id", pa.string()),
        ("region", pa.string()),
        ("timezone", pa.string()),
        ("tariff_type", pa.string()),
        ("price_per_kwh", pa.float64()),
        ("currency", pa.string()),
        ("tariff_rates", pa.string()),
    ]
    for kind in APPLIANCE_KINDS:
        fields += [(f"{kind}_cycles_per_week", pa.float64()), (f"{kind}_usual_start", pa.string())]
    fields += [
        ("quiet_hours_start", pa.string()),
        ("quiet_hours_end", pa.string()),
        ("max_extra_minutes_per_trip", pa.float64()),
    ]
    return pa.schema(fields)


def schemas(fmt: str = "parquet") -> dict[str, pa.Schema]:
    """The Arrow schema of each table as written in ``fmt`` (timestamps are text in CSV)."""
    stamp = _UTC if fmt == "parquet" else pa.string()
    return {
        "households": _households_schema(),
        "readings": pa.schema(
            [("household_id", pa.string()), ("timestamp", stamp), ("kwh", pa.float32())]
        ),
        "trips": pa.schema(
            [
                ("household_id", pa.string()),
                ("start", stamp),
                ("distance_km", pa.float64()),
                ("mode", pa.string()),
                ("purpose", pa.string()),
                ("passengers", pa.int64()),
            ]
        ),
    }


def write_population(
    out_dir: str | Path,
    n_households: int,
    days: int = DEFAULT_DAYS,
    seed: int = 0,
    fmt: str = "parquet",
    start: str | pd.Timestamp = DEFAULT_START,
    rows_per_write: int = ROWS_PER_WRITE,
) -> dict[str, Path]:
    """Write households, readings and trips of ``n_households`` synthetic households.

    Parameters
    ----------
    out_dir : folder to write to (created if missing; existing tables there are replaced).
    n_households, days, seed, start : the population (see
        :func:`recommender.synth.meters.synthetic_hourly_kwh`); readings cover ``days`` days of
        hourly kWh from ``start``, trips the same local dates.
    fmt : ``"parquet"`` or ``"csv"``.
    rows_per_write : rows buffered per table before a write (a Parquet row group); bounds memory.

    Returns
    -------
    ``{"households": path, "readings": path, "trips": path}``.
    """
    paths, _ = write_population_counted(
        out_dir, n_households, days, seed, fmt, start, rows_per_write
    )
    return paths


def write_population_counted(
    out_dir: str | Path,
    n_households: int,
    days: int = DEFAULT_DAYS,
    seed: int = 0,
    fmt: str = "parquet",
    start: str | pd.Timestamp = DEFAULT_START,
    rows_per_write: int = ROWS_PER_WRITE,
) -> tuple[dict[str, Path], dict[str, int]]:
    """:func:`write_population`, also returning the number of rows written per table."""
    problems = []
    if fmt not in FORMATS:
        problems.append(Problem("fmt", f"got {fmt!r}", f"one of {list(FORMATS)}"))
    if not isinstance(rows_per_write, int) or rows_per_write < 1:
        problems.append(Problem("rows_per_write", f"got {rows_per_write!r}", "an integer >= 1"))
    try:
        index = validated_index(n_households, start, days, seed, 0)
    except InvalidInput as error:
        problems = error.problems + problems
    if problems:
        raise InvalidInput(problems, source="write_population")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = schemas(fmt)
    paths = {name: out / f"{name}.{fmt}" for name in tables}
    sinks = {name: _Sink(paths[name], tables[name], fmt, rows_per_write) for name in tables}
    calendar = LocalCalendar(index)
    start_date = index[0].tz_localize(None).normalize()
    stamps = _stamp_array(_seconds(index), fmt)
    done = False
    try:
        for block in range((n_households + BLOCK - 1) // BLOCK):
            traits = draw_traits(BLOCK, seed, block * BLOCK)
            keep = min(BLOCK, n_households - block * BLOCK)
            kwh = hourly_kwh_for(traits, calendar, seed, block)[:keep]
            sinks["households"].add(_households_arrow(traits.iloc[:keep]))
            sinks["readings"].add(_readings_arrow(traits, kwh, stamps))
            trips = trips_for_block(traits, seed, block, start_date, days)
            sinks["trips"].add(_trips_arrow(traits, trips, keep, fmt))
        done = True
    finally:
        for sink in sinks.values():
            sink.close(flush=done)
    return paths, {name: sink.rows for name, sink in sinks.items()}


class _Sink:
    """One output table: buffers Arrow tables and writes them in batches of ``rows_per_write``."""

    def __init__(self, path: Path, schema: pa.Schema, fmt: str, rows_per_write: int) -> None:
        self.schema, self.rows_per_write, self.rows = schema, rows_per_write, 0
        self._buffer: list[pa.Table] = []
        self._buffered = 0
        self._writer: Any
        self._parquet = fmt == "parquet"
        if self._parquet:
            self._writer = pq.ParquetWriter(path, schema, compression="zstd")
        else:
            self._writer = pa_csv.CSVWriter(path, schema)

    def add(self, table: pa.Table) -> None:
        self._buffer.append(table.cast(self.schema))
        self._buffered += table.num_rows
        if self._buffered >= self.rows_per_write:
            self.flush()

    def flush(self) -> None:
        if self._buffer:
            table = pa.concat_tables(self._buffer).combine_chunks()
            if self._parquet:
                self._writer.write_table(table, row_group_size=max(table.num_rows, 1))
            else:
                self._writer.write_table(table)
            self.rows += table.num_rows
        self._buffer, self._buffered = [], 0

    def close(self, flush: bool = True) -> None:
        if flush:
            self.flush()
        self._writer.close()


def _seconds(index: pd.DatetimeIndex) -> np.ndarray:
    return (
        index.tz_convert("UTC")
        .tz_localize(None)
        .to_numpy()
        .astype("datetime64[s]")
        .astype(np.int64)
    )


def _stamp_array(seconds: np.ndarray, fmt: str) -> pa.Array:
    stamps = pa.array(seconds, type=_UTC)
    if fmt == "parquet":
        return stamps
    return pc.strftime(stamps, format="%Y-%m-%dT%H:%M:%S+00:00")


def _households_arrow(traits: pd.DataFrame) -> pa.Table:
    columns = households_columns(traits)
    return pa.table(
        {
            f.name: pa.array(columns[f.name], type=f.type, from_pandas=True)
            for f in _households_schema()
        }
    )


def _readings_arrow(traits: pd.DataFrame, kwh: np.ndarray, stamps: pa.Array) -> pa.Table:
    n, hours = kwh.shape
    ids = pa.array(traits["household_id"].to_numpy()[:n], type=pa.string())
    return pa.table(
        {
            "household_id": ids.take(np.repeat(np.arange(n), hours)),
            "timestamp": stamps.take(np.tile(np.arange(hours), n)),
            "kwh": pa.array(np.round(kwh, 3).ravel()),
        }
    )


def _trips_arrow(
    traits: pd.DataFrame, trips: dict[str, np.ndarray], keep: int, fmt: str
) -> pa.Table:
    rows = trips["row"] < keep
    ids = pa.array(traits["household_id"].to_numpy()[:keep], type=pa.string())
    return pa.table(
        {
            "household_id": ids.take(trips["row"][rows]),
            "start": _stamp_array(trips["start_s"][rows], fmt),
            "distance_km": pa.array(trips["distance_km"][rows]),
            "mode": pa.array(TRIP_MODES, type=pa.string()).take(trips["mode_code"][rows]),
            "purpose": pa.array(TRIP_PURPOSES, type=pa.string()).take(trips["purpose_code"][rows]),
            "passengers": pa.array(trips["passengers"][rows]),
        }
    )
