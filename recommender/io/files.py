"""Read one table (CSV, Parquet, JSON lines / JSON records, or a DataFrame) and check its shape.

File-level problems (missing file, too big, empty, not UTF-8, wrong delimiter, missing or
misspelled columns) raise :class:`InvalidInput` at once: no row of such a file can be trusted.
Row-level problems are left to the callers, which attribute them to a household.
"""

from __future__ import annotations

import io
import json
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from recommender.errors import InvalidInput, Problem
from recommender.io import schema
from recommender.io.cells import JsonConstant
from recommender.io.limited import open_limited, read_limited

Source = str | Path | pd.DataFrame


@dataclass(frozen=True)
class Table:
    """A table's rows (raw values: strings from CSV, typed from Parquet) and how to name a row."""

    frame: pd.DataFrame
    name: str  # "readings.csv", or the table name for a DataFrame
    first_row: int  # the row number of frame's first row as the user counts (CSV header = row 1)
    rows: np.ndarray | None = None  # the row number of each row, once rows were selected

    def row(self, position: int) -> int:
        return int(self.rows[position]) if self.rows is not None else self.first_row + position

    def where(self, position: int, column: str) -> str:
        return f"{self.name} row {self.row(position)}, column {column}"

    def subset(self, mask: np.ndarray) -> Table:
        """The rows where ``mask`` is true, still named by their row numbers in the file."""
        numbers = (
            self.rows if self.rows is not None else self.first_row + np.arange(len(self.frame))
        )
        return Table(
            self.frame[mask].reset_index(drop=True), self.name, self.first_row, numbers[mask]
        )


def table_name(source: Source, default: str) -> str:
    return default if isinstance(source, pd.DataFrame) else Path(source).name


def read_table(
    source: Source,
    default_name: str,
    required: tuple[str, ...],
    optional: tuple[str, ...] = (),
    *,
    max_bytes: int | None = None,
) -> Table:
    """Read a whole table and check its columns (``max_bytes`` defaults to ``MAX_FILE_BYTES``)."""
    if isinstance(source, pd.DataFrame):
        check_columns(list(source.columns), default_name, required, optional)
        return Table(source.reset_index(drop=True), default_name, 1)
    path = _existing(source)
    limit = schema.MAX_FILE_BYTES if max_bytes is None else max_bytes
    schema.check_size(path.stat().st_size, limit, path.name)
    if _kind(path) == "parquet":
        _check_parquet_size(path, limit)
        frame = pd.read_parquet(path)
        first = 1
    elif _kind(path) == "json":
        frame, first = _read_json(path, read_limited(path, limit)), 1
    else:
        data = read_limited(path, limit)
        _check_text(data, path.name)
        frame, first = _read_csv_text(data, path.name), 2
    check_columns(list(frame.columns), path.name, required, optional)
    if frame.empty:
        raise InvalidInput(
            Problem(path.name, "has a header but no rows", "at least one row"), source=path.name
        )
    return Table(frame, path.name, first)


def iter_table(
    source: Source,
    default_name: str,
    required: tuple[str, ...],
    optional: tuple[str, ...] = (),
    *,
    rows_per_chunk: int = 500_000,
    categorical: tuple[str, ...] = (),
) -> Iterator[Table]:
    """The same table in chunks of rows (CSV and Parquet stream; JSON and DataFrames are sliced).

    A streamed CSV may hold at most ``MAX_STREAM_BYTES`` once decompressed; JSON is read whole,
    so it keeps the ``MAX_FILE_BYTES`` limit (CSV or Parquet for larger tables). A Parquet text
    column named in ``categorical`` comes as a pandas categorical (:func:`open_parquet`)."""
    if isinstance(source, pd.DataFrame) or _kind(_existing(source)) == "json":
        whole = read_table(source, default_name, required, optional)
        for start in range(0, len(whole.frame), rows_per_chunk):
            part = whole.frame.iloc[start : start + rows_per_chunk].reset_index(drop=True)
            yield Table(part, whole.name, whole.first_row + start)
        return
    path = _existing(source)
    if path.stat().st_size == 0:
        raise InvalidInput(
            Problem(path.name, "the file is empty", "a header row and data rows"), source=path.name
        )
    if _kind(path) == "parquet":
        parquet = open_parquet(path, categorical)
        check_columns(parquet.schema_arrow.names, path.name, required, optional)
        offset = 1
        for block in parquet_blocks(parquet, rows_per_chunk):
            frame = block.to_pandas()
            yield Table(frame, path.name, offset)
            offset += len(frame)
        return
    offset = 2
    try:
        with (
            open_limited(path, schema.MAX_STREAM_BYTES) as handle,
            pd.read_csv(
                handle, dtype=str, keep_default_na=False, chunksize=rows_per_chunk, encoding="utf-8"
            ) as reader,
        ):  # closed also when a check below raises
            for n, frame in enumerate(reader):
                if n == 0:
                    _check_delimiter(list(frame.columns), path.name, _first_row_text(frame))
                    check_columns(list(frame.columns), path.name, required, optional)
                yield Table(frame, path.name, offset)
                offset += len(frame)
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            Problem(
                f"{path.name} near row {offset}",
                f"not UTF-8 text ({exc.reason})",
                "a UTF-8 encoded CSV file",
            ),
            source=path.name,
        ) from None


def parquet_blocks(
    parquet: pq.ParquetFile, rows: int, columns: list[str] | None = None
) -> Iterator[pa.Table]:
    """A Parquet file's rows in blocks of ``rows`` (the last one shorter), read a row group at a
    time: one ``iter_batches`` over the whole file (pyarrow 26) kept about 30 MiB of Arrow memory
    per two or three row groups read, so a large file's read grew without bound. The blocks are
    the ones that call gave (a block may span two row groups)."""
    carry: pa.Table | None = None
    for group in range(parquet.num_row_groups):
        for batch in parquet.iter_batches(rows, row_groups=[group], columns=columns):
            block = pa.Table.from_batches([batch])
            block = block if carry is None else pa.concat_tables([carry, block])
            while block.num_rows >= rows:
                yield block.slice(0, rows)
                block = block.slice(rows)
            carry = block if block.num_rows else None
    if carry is not None:
        yield carry


def _existing(source: str | Path) -> Path:
    path = Path(source)
    if not path.is_file():
        raise InvalidInput(
            Problem(str(path), "file not found", "an existing file"), source=str(path)
        )
    return path


def is_csv(path: Path) -> bool:
    """Whether a table file is read as CSV (any name that is not Parquet or JSON)."""
    return _kind(path) == "csv"


def _kind(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if ".parquet" in suffixes or ".pq" in suffixes:
        return "parquet"
    if ".jsonl" in suffixes or ".json" in suffixes or ".ndjson" in suffixes:
        return "json"
    return "csv"


def open_parquet(path: Path, categorical: Collection[str] = ()) -> pq.ParquetFile:
    """The Parquet file at ``path``, or :class:`InvalidInput` saying it is not one (pyarrow's
    ArrowInvalid is a ValueError). Its text columns named in ``categorical`` are read with their
    dictionary, as pandas categoricals (a column of few distinct values, such as household ids or
    trip modes: decoding a text per row cost more than the rest of the file)."""
    try:
        names = pq.read_schema(path).names if categorical else []
        dictionary = [c for c in categorical if c in names]  # pyarrow fails on a missing one
        return pq.ParquetFile(path, read_dictionary=dictionary or None)
    except (OSError, ValueError) as exc:
        raise InvalidInput(
            Problem(path.name, f"not a readable Parquet file ({exc})", "a Parquet file"),
            source=path.name,
        ) from None


def _check_parquet_size(path: Path, limit: int) -> None:
    """Refuse a Parquet file whose columns take more than ``limit`` bytes uncompressed."""
    metadata = open_parquet(path).metadata
    size = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
    schema.check_size(size, limit, f"{path.name} (uncompressed)")


def _check_text(data: bytes, name: str) -> None:
    if not data.strip():
        raise InvalidInput(
            Problem(name, "the file is empty", "a header row and data rows"), source=name
        )
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidInput(
            Problem(
                f"{name} row {line}",
                f"not UTF-8 text (byte 0x{data[exc.start]:02x} at position {exc.start}: "
                f"{exc.reason})",
                "a UTF-8 encoded file (re-save it as 'CSV UTF-8')",
            ),
            source=name,
        ) from None


def _read_csv_text(data: bytes, name: str) -> pd.DataFrame:
    try:
        frame = pd.read_csv(
            io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig"
        )
    except pd.errors.ParserError as exc:
        raise InvalidInput(
            Problem(
                name,
                f"cannot be read as CSV: {exc}",
                "comma-separated columns with the same count on every row",
            ),
            source=name,
        ) from None
    _check_delimiter(list(frame.columns), name, _first_row_text(frame))
    return frame


def _first_row_text(frame: pd.DataFrame) -> str:
    """The first data row as read: pandas puts the fields beyond the header's count into the
    index, so a decimal comma in a semicolon file shows up there."""
    if frame.empty:
        return ""
    fields = [str(v) for v in frame.iloc[0]]
    if not isinstance(frame.index, pd.RangeIndex):
        fields.insert(0, str(frame.index[0]))
    return ",".join(fields)


def _check_delimiter(columns: list[str], name: str, first_row: str = "") -> None:
    if len(columns) == 1:
        header = str(columns[0])
        for sep, label in ((";", "semicolons"), ("\t", "tabs"), ("|", "pipes")):
            if sep in header:
                commas = "," in first_row
                raise InvalidInput(
                    Problem(
                        f"{name} row 1",
                        f"the columns are separated by {label} ({header[:60]!r})"
                        + (" and numbers use decimal commas" if commas else ""),
                        "comma-separated columns"
                        + (" and decimal points (0.31, not 0,31)" if commas else ""),
                    ),
                    source=name,
                )


def _read_json(path: Path, text: bytes) -> pd.DataFrame:
    _check_text(text, path.name)
    records = []
    if _kind(path) == "json" and ".jsonl" not in path.suffixes and text.lstrip()[:1] == b"[":
        try:
            records = json.loads(text, parse_constant=JsonConstant)
        except json.JSONDecodeError as exc:
            raise InvalidInput(
                Problem(
                    f"{path.name} line {exc.lineno}, column {exc.colno}",
                    f"not valid JSON: {exc.msg}",
                    "a JSON array of objects",
                ),
                source=path.name,
            ) from None
    else:
        for n, line in enumerate(text.decode("utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line, parse_constant=JsonConstant))
            except json.JSONDecodeError as exc:
                raise InvalidInput(
                    Problem(
                        f"{path.name} row {n}",
                        f"not valid JSON: {exc.msg}",
                        "one JSON object per line",
                    ),
                    source=path.name,
                ) from None
    bad = [i for i, r in enumerate(records) if not isinstance(r, dict)]
    if bad:
        raise InvalidInput(
            Problem(
                f"{path.name} row {bad[0] + 1}", "is not a JSON object", "one JSON object per row"
            ),
            source=path.name,
        )
    return pd.DataFrame.from_records(records).astype(object)


def check_columns(
    columns: list[str], name: str, required: tuple[str, ...], optional: tuple[str, ...]
) -> None:
    """Every required column present, no unknown ones (each named, with the closest match)."""
    known = (*required, *optional)
    problems = []
    for column in columns:
        if column not in known:
            missing = tuple(c for c in known if c not in columns)
            hint = schema.suggest(str(column), missing or known)
            problems.append(
                Problem(f"{name} column {column!r}", f"unknown column{hint}", schema.one_of(known))
            )
    for column in required:
        if column not in columns:
            problems.append(
                Problem(f"{name} column {column!r}", "is missing", f"columns {', '.join(required)}")
            )
    dup = sorted({c for c in columns if columns.count(c) > 1})
    if dup:
        problems.append(
            Problem(f"{name} row 1", f"column(s) {dup} appear more than once", "each column once")
        )
    if problems:
        raise InvalidInput(problems, source=name)
