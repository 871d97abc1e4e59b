"""A CSV table's rows read once into a temporary SQLite file, then read back per household.

The batch reader asks the trips and temperature tables for each chunk's households
(:class:`recommender.io.scan.Scanner`). A Parquet file sorted by household is read about once
over a run (its row groups are skipped by their statistics), but a CSV can only be read from its
start: scanned per chunk, a trips CSV was read whole for every chunk of 100 households, so the
run grew with the square of its households (measured: a 1,000-household run took 54 s with CSV
trips against 28 s with the same trips as sorted Parquet, and every further 1,000 households add
1.4 million rows to each of the chunks' scans; ``benchmarks/batch_trips.py`` measures the layouts
side by side).

So a CSV is read once, block by block as the CSV reader gives it (text, row numbers of the
file), into a SQLite file in a temporary folder, indexed by household id (stripped, as the
scanner compares them); each chunk then reads only its rows, in file order. Cost: one pass over
the file plus an index (about 2.5 s per million rows here), a disk copy of the table for the run
(removed when the scanner is dropped), memory of one block. The copy goes in the system's
temporary folder unless a folder is given: a batch run gives its own staging folder, so a run
killed before it could remove the copy leaves it there, where the next attempt clears it.
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

from recommender.io.files import Table

IDS_PER_QUERY = 500  # below SQLite's smallest limit on bound values (999)


class _Scratch:
    """A SQLite file in a temporary folder (made in ``parent``, default the system's temporary
    folder), removed when this object is dropped."""

    def __init__(self, parent: Path | None = None) -> None:
        self._folder = tempfile.mkdtemp(prefix="greenrec-spill-", dir=parent)
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

    ``key_of`` gives each block's household ids as the scanner compares them (stripped text);
    ``parent`` the folder to make the copy in (default: the system's temporary folder).
    """

    def __init__(
        self,
        blocks: Iterable[Table],
        key_of: Callable[[pd.DataFrame], pd.Series],
        parent: Path | None = None,
    ) -> None:
        super().__init__(parent)
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
        numbers = block.rows if block.rows is not None else block.first_row + np.arange(len(frame))
        rows = numbers.tolist()
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


def _parts(ids: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(ids), IDS_PER_QUERY):
        yield ids[start : start + IDS_PER_QUERY]


def _remove(db: sqlite3.Connection, folder: str) -> None:
    db.close()
    shutil.rmtree(folder, ignore_errors=True)
