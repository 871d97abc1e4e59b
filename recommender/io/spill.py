"""A table's rows read once into a temporary SQLite file, then read back per household.

The batch reader asks the trips and temperature tables for each chunk's households
(:class:`recommender.io.scan.Scanner`). A Parquet file sorted by household is read about once
over a run (its row groups are skipped by their statistics), but a CSV can only be read from its
start, and an unsorted Parquet file's row groups may each hold any household: scanned per chunk,
such a file was read whole for every chunk of 100 households, so the run grew with the square of
its households (measured: a 1,000-household run took 54 s with CSV trips against 28 s with the
same trips as sorted Parquet, and every further 1,000 households add 1.4 million rows to each of
the chunks' scans; ``benchmarks/batch_trips.py`` measures the layouts side by side).

So such a table is read once, block by block, into a SQLite file in a temporary folder, indexed
by household id (stripped, as the scanner compares them); each chunk then reads only its rows,
in file order, with their row numbers. A CSV's cells are kept as the text the CSV reader gives;
a Parquet block's rows as Arrow IPC bytes per household (types, values and nulls as read).
Cost: one pass over the file plus an index (about 3 s per million CSV rows here), a disk copy of
the table for the run (removed when the scanner is dropped), memory of one block.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import weakref
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from recommender.io.files import Table

IDS_PER_QUERY = 500  # below SQLite's smallest limit on bound values (999)
ID = "household_id"
ROW = "__greenrec_row__"  # a spilled Arrow row's number in the file


class _Scratch:
    """A SQLite file in a temporary folder, removed when this object is dropped."""

    def __init__(self) -> None:
        self._folder = tempfile.mkdtemp(prefix="greenrec-spill-")
        self._db = sqlite3.connect(Path(self._folder) / "rows.sqlite3")
        weakref.finalize(self, _remove, self._db, self._folder)
        self._db.execute("PRAGMA journal_mode=OFF")  # a scratch copy: nothing to recover
        self._db.execute("PRAGMA synchronous=OFF")

    def _indexed(self) -> None:
        self._db.execute("CREATE INDEX IF NOT EXISTS by_household ON spilled (k, r)")
        self._db.commit()

    def ids(self) -> set[str]:
        """Every household id in the table."""
        return {k for (k,) in self._db.execute("SELECT DISTINCT k FROM spilled")}


class CsvSpill(_Scratch):
    """The rows of a CSV table (the :class:`Table` blocks of one pass) by household id.

    ``key_of`` gives each block's household ids as the scanner compares them (stripped text).
    """

    def __init__(
        self, blocks: Iterable[Table], key_of: Callable[[pd.DataFrame], pd.Series]
    ) -> None:
        super().__init__()
        self.columns: list[str] = []
        for block in blocks:
            self._append(block, key_of(block.frame))
        self._indexed()

    def _append(self, block: Table, keys: pd.Series) -> None:
        frame = block.frame
        if not self.columns:
            self.columns = [str(c) for c in frame.columns]
            cells = ", ".join(f"c{i} TEXT" for i in range(len(self.columns)))
            self._db.execute(f"CREATE TABLE spilled (k TEXT, r INTEGER, {cells})")
        rows = [block.row(i) for i in range(len(frame))]
        values = zip(keys.tolist(), rows, *(frame[c].tolist() for c in frame.columns), strict=True)
        marks = ", ".join("?" * (len(self.columns) + 2))
        self._db.executemany(f"INSERT INTO spilled VALUES ({marks})", values)

    def rows_of(self, wanted: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
        """The rows of the ``wanted`` households, in file order, and their row numbers."""
        found = sorted(
            (row for part in _parts(wanted) for row in self._query(part)), key=lambda r: r[0]
        )
        frame = pd.DataFrame([row[1:] for row in found], columns=self.columns, dtype=str)
        return frame, np.array([row[0] for row in found], dtype=np.int64)

    def _query(self, ids: list[str]) -> Iterator[tuple]:
        marks = ", ".join("?" * len(ids))
        names = ", ".join(f"c{i}" for i in range(len(self.columns)))
        # only placeholders and column numbers are formatted into the statement; ids are bound
        return self._db.execute(f"SELECT r, {names} FROM spilled WHERE k IN ({marks})", ids)


class ArrowSpill(_Scratch):
    """The rows of a Parquet table (its Arrow blocks of one pass, ``(first row, block)``) by
    household id, each household's rows of a block kept as Arrow IPC bytes: the same types,
    values and nulls when read back. For a file not sorted by household, which the scanner
    would otherwise read whole for every chunk."""

    def __init__(
        self, blocks: Iterable[tuple[int, pa.Table]], key_of: Callable[[pa.Array], pa.Array]
    ) -> None:
        super().__init__()
        self._db.execute("CREATE TABLE spilled (k TEXT, r INTEGER, rows BLOB)")
        for first_row, block in blocks:
            self._append(first_row, block, key_of(block.column(ID)))
        self._indexed()

    def _append(self, first_row: int, block: pa.Table, keys: pa.Array) -> None:
        block = block.append_column(ROW, pa.array(first_row + np.arange(block.num_rows)))
        codes, uniques = pd.factorize(np.asarray(keys.to_pylist(), dtype=object))
        order = np.argsort(codes, kind="stable")  # each household's rows together, in order
        ends = np.cumsum(np.bincount(codes, minlength=len(uniques)))
        starts = ends - np.bincount(codes, minlength=len(uniques))
        values = []
        for key, start, end in zip(uniques.tolist(), starts.tolist(), ends.tolist(), strict=True):
            rows = block.take(order[start:end])
            values.append((key, first_row + int(order[start]), _ipc_bytes(rows)))
        self._db.executemany("INSERT INTO spilled VALUES (?, ?, ?)", values)

    def rows_of(self, wanted: list[str]) -> tuple[pa.Table, np.ndarray] | None:
        """The rows of the ``wanted`` households, in file order, and their row numbers (None
        when there are none)."""
        found = [
            pa.ipc.open_stream(blob).read_all()
            for part in _parts(wanted)
            for (blob,) in self._db.execute(
                f"SELECT rows FROM spilled WHERE k IN ({', '.join('?' * len(part))})", part
            )
        ]
        if not found:
            return None
        table = pa.concat_tables(found)
        table = table.take(pc.sort_indices(table.column(ROW)))
        rows = table.column(ROW).to_numpy()
        return table.drop_columns([ROW]), rows


def _ipc_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _parts(ids: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(ids), IDS_PER_QUERY):
        yield ids[start : start + IDS_PER_QUERY]


def _remove(db: sqlite3.Connection, folder: str) -> None:
    db.close()
    shutil.rmtree(folder, ignore_errors=True)
