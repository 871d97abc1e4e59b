"""The rows of a few households from a table too big to hold, streamed and filtered.

The batch reader streams the readings a chunk of households at a time; the trips and temperature
tables may be as big, so for each chunk they are scanned for that chunk's households only
(:func:`rows_of`), never held whole. Memory stays bounded by one chunk and one block of rows,
whatever the file's size. Row numbers are kept, so a problem still names the row in the file.

In Parquet, a row group whose ``household_id`` statistics (min and max) cannot hold any of the
chunk's ids is skipped unread: a file sorted by ``household_id`` (as ``ORDER BY household_id``
gives, and ``greenrec synth`` writes) is read once over the whole run; an unsorted one is read
once per chunk (slower, same answers, same memory). A CSV file is read once into a temporary
indexed copy (:mod:`recommender.io.spill`), which each chunk then reads its rows from.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from recommender.io.files import (
    Source,
    Table,
    check_columns,
    is_csv,
    iter_table,
    open_parquet,
    parquet_blocks,
)
from recommender.io.spill import CsvSpill
from recommender.io.validate import is_blank

ID = "household_id"
MAX_CACHED_ROWS = 2**20  # a row group this small (pyarrow's default most) is read once and kept


def household_ids(frame: pd.DataFrame) -> pd.Series:
    """A table's ``household_id`` column as stripped strings ("" where blank)."""
    return id_column(frame).astype(object)


def id_column(frame: pd.DataFrame) -> pd.Series:
    """:func:`household_ids` as pandas text (``str``, held by Arrow): no Python object per row,
    for the readings' millions of rows (each one a small object, they fragmented the reading
    process's memory chunk after chunk)."""
    ids = frame[ID]
    if not pd.api.types.is_string_dtype(ids.dtype):
        ids = ids.map(lambda v: None if is_blank(v) else str(v), na_action="ignore")
    return ids.astype("string").str.strip().fillna("").astype("str")


class Scanner:
    """Scans one table for the rows of a chunk's households, chunk after chunk.

    The file's columns are checked once, when the scanner is made (a bad file fails before any
    household is scored). The last Parquet row group read is kept: consecutive chunks of a sorted
    file mostly fall in the same group, which is then read once. A CSV's copy is made in
    ``scratch_dir`` (default: the system's temporary folder). Parquet text columns named in
    ``categorical`` come as pandas categoricals.
    """

    def __init__(
        self,
        source: Source,
        default_name: str,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
        *,
        rows_per_chunk: int = 500_000,
        scratch_dir: Path | None = None,
        categorical: tuple[str, ...] = (),
    ) -> None:
        self.source, self.required, self.optional = source, required, optional
        self.scratch_dir = scratch_dir
        self.rows_per_chunk = rows_per_chunk
        path = None if isinstance(source, pd.DataFrame) else Path(source)
        self.name = default_name if path is None else path.name
        self._parquet = (
            open_parquet(path, categorical)
            if path is not None and path.suffix.lower() in (".parquet", ".pq")
            else None
        )
        self._last: tuple[int, pa.Array, pa.Table] | None = None  # group, its ids, its rows
        self._csv = path is not None and self._parquet is None and is_csv(path)
        self._spill: CsvSpill | None = None  # a CSV's rows by household, made when first asked
        if self._parquet is not None:
            check_columns(self._parquet.schema_arrow.names, self.name, required, optional)
        else:
            next(self._tables(), None)  # the first block: columns, delimiter, encoding checked

    def rows_of(self, ids: Collection[str]) -> Table:
        """The rows whose household is one of ``ids``, in file order, with their row numbers in
        the file (an empty table when there are none)."""
        wanted = sorted(set(ids))
        if self._csv:
            parts = self._spilled_rows(wanted)
        else:
            parts = list(
                self._parquet_rows(wanted) if self._parquet is not None else self._rows(wanted)
            )
        if not parts:
            return Table(pd.DataFrame(columns=[ID]), self.name, 1, np.zeros(0, dtype=np.int64))
        frame = pd.concat([p.frame for p in parts], ignore_index=True)
        rows = np.concatenate([p.rows for p in parts if p.rows is not None])
        return Table(frame, self.name, int(rows[0]), rows)

    def ids(self) -> set[str]:
        """Every household id in the table (one pass over its id column; a set as big as the
        number of households, not of rows)."""
        if self._csv:
            return self._spilled().ids()
        if self._parquet is None:
            return {str(h) for t in self._tables() for h in id_column(t.frame).unique()}
        found: set[str] = set()
        for block in parquet_blocks(self._parquet, self.rows_per_chunk, columns=[ID]):
            found.update(str(h) for h in pc.unique(_arrow_ids(block.column(0))).to_pylist())
        return found

    def _spilled(self) -> CsvSpill:
        """The CSV's rows by household (:mod:`recommender.io.spill`): one pass over the file
        for the whole run, not one per chunk."""
        if self._spill is None:
            self._spill = CsvSpill(self._tables(), id_column, self.scratch_dir)
        return self._spill

    def _spilled_rows(self, wanted: list[str]) -> list[Table]:
        frame, rows = self._spilled().rows_of(wanted)
        return [Table(frame, self.name, int(rows[0]), rows)] if len(rows) else []

    def _tables(self) -> Iterator[Table]:
        return iter_table(
            self.source, self.name, self.required, self.optional, rows_per_chunk=self.rows_per_chunk
        )

    def _rows(self, wanted: list[str]) -> Iterator[Table]:
        for table in self._tables():
            keep = id_column(table.frame).isin(wanted).to_numpy()
            if keep.any():
                yield table.subset(keep)

    def _parquet_rows(self, wanted: list[str]) -> Iterator[Table]:
        """The wanted rows of each row group that may hold them (row 1 = the first row)."""
        assert self._parquet is not None
        meta = self._parquet.metadata
        column = meta.schema.names.index(ID)
        first_row = 1
        for group in range(self._parquet.num_row_groups):
            n_rows = meta.row_group(group).num_rows
            if _may_hold(meta.row_group(group).column(column).statistics, wanted):
                value_set = pa.array(wanted, type=pa.string())
                for offset, ids, block in self._blocks(group, n_rows):
                    keep = pc.is_in(ids, value_set=value_set).to_numpy(zero_copy_only=False)
                    if keep.any():
                        frame = block.filter(pa.array(keep)).to_pandas()
                        rows = first_row + offset + np.flatnonzero(keep)
                        yield Table(frame, self.name, first_row, rows)
            first_row += n_rows

    def _blocks(self, group: int, n_rows: int) -> Iterator[tuple[int, pa.Array, pa.Table]]:
        """A row group's rows with their ids, as (offset in the group, ids, rows): a group of at
        most ``MAX_CACHED_ROWS`` whole and kept for the next chunk, a bigger one streamed."""
        assert self._parquet is not None
        if n_rows > MAX_CACHED_ROWS:
            offset = 0
            for batch in self._parquet.iter_batches(self.rows_per_chunk, row_groups=[group]):
                block = pa.Table.from_batches([batch])
                yield offset, _arrow_ids(block.column(ID)), block
                offset += block.num_rows
            return
        if self._last is None or self._last[0] != group:
            block = self._parquet.read_row_group(group)
            self._last = (group, _arrow_ids(block.column(ID)), block)
        yield 0, self._last[1], self._last[2]


def _arrow_ids(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """:func:`household_ids` in Arrow (no Python object per row): text stripped, blank as ""."""
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        ids = household_ids(pd.DataFrame({ID: column.to_pandas()}))
        return pa.array(ids.tolist(), type=pa.string())
    text = pc.fill_null(pc.utf8_trim_whitespace(column), "")
    return pa.concat_arrays(text.chunks) if isinstance(text, pa.ChunkedArray) else text


def _may_hold(statistics: Any, wanted: list[str]) -> bool:
    """Whether a row group with these ``household_id`` statistics may hold a wanted id (ids are
    compared stripped: trailing blanks only lower a value, leading ones turn pruning off)."""
    if statistics is None or not statistics.has_min_max:
        return True
    low, high = statistics.min, statistics.max
    if not isinstance(low, str) or not isinstance(high, str) or low != low.lstrip():
        return True
    at = bisect.bisect_left(wanted, low.rstrip())
    return at < len(wanted) and wanted[at] <= high
