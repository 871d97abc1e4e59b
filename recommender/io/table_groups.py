"""Each household's rows of a batch table, and its readings-like rows parsed.

The batch reader (:mod:`recommender.io.tables`) groups a chunk's rows by household id once, with
numpy (:func:`positions_by_id`: no index object per group, as ``groupby(...).indices`` makes),
and parses each table's timestamp and value columns once for all its households
(:func:`parse_whole`). A household's rows are usually one run of the table (the readings come
grouped by household): they are then taken as a slice, not gathered position by position.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from recommender.errors import Problem
from recommender.io.cells import Where, parse_numbers, parse_timestamps
from recommender.io.files import Table
from recommender.io.scan import ID, id_column

Parsed = tuple[pd.DatetimeIndex, np.ndarray, np.ndarray]  # stamps, values, suspect rows
Rows = list[tuple[Table, np.ndarray]]  # a household's rows: (table, ascending positions) each


@dataclass(frozen=True)
class CodedIds:
    """A table's household ids as a code per row (``keys[code]`` is the id): made once per
    chunk (one pass over its Arrow text), then selected and grouped with numpy. Every key has
    at least one row, and the keys are in the order their first rows come."""

    codes: np.ndarray  # int, one per row
    keys: list[str]

    @classmethod
    def of(cls, ids: Any) -> CodedIds:
        """The codes of an :func:`~recommender.io.scan.id_column` (which has no missing id):
        what ``pd.factorize`` gives (codes in the order the ids first come)."""
        grouped = cls._of_runs(ids)
        if grouped is not None:
            return grouped
        codes, uniques = pd.factorize(ids)
        return cls(codes, [str(k) for k in uniques.tolist()])

    @classmethod
    def _of_runs(cls, ids: Any) -> CodedIds | None:
        """The codes of ids that come in runs, one run per id (a readings file grouped by
        household, as it must be): each row's run number, found by comparing each id with the
        one before it (one pass in Arrow, where hashing every id takes five times as long).
        None when an id comes in more than one run (then factorize decides)."""
        text = pa.array(ids)
        if len(text) < 2 or text.null_count or not pa.types.is_large_string(text.type):
            return None
        new_run = pc.not_equal(text[1:], text[:-1]).to_numpy(zero_copy_only=False)
        starts = np.concatenate([[0], np.flatnonzero(new_run) + 1])
        keys = [str(k) for k in text.take(pa.array(starts)).to_pylist()]
        if len(set(keys)) < len(keys):
            return None
        return cls(np.concatenate([[0], np.cumsum(new_run)]), keys)

    @classmethod
    def of_column(cls, raw: pd.Series) -> CodedIds:
        """The codes of a table's raw ``household_id`` column: ``of(id_column(...))``. A
        categorical column (a Parquet file's ids read with their dictionary: a few hundred
        distinct ids, where the text of each of a chunk's million rows took most of the read) is
        coded from its categories, each read by :func:`id_column` once, and its row codes."""
        if not isinstance(raw.dtype, pd.CategoricalDtype):
            return cls.of(id_column(raw.to_frame(ID)))
        read = id_column(pd.DataFrame({ID: raw.cat.categories})).tolist() + [""]
        category_key, keys = pd.factorize(np.array(read, dtype=object))  # ids that strip alike
        rows = category_key[raw.cat.codes.to_numpy()]  # code -1 (missing): the last, ""
        if len(rows) >= 2:  # usually in runs, one per id (as _of_runs): no hashing of each row
            new_run = rows[1:] != rows[:-1]
            run_keys = rows[np.concatenate([[0], np.flatnonzero(new_run) + 1])]
            if len(np.unique(run_keys)) == len(run_keys):
                codes = np.concatenate([[0], np.cumsum(new_run)])
                return cls(codes, [str(keys[k]) for k in run_keys.tolist()])
        codes, first = pd.factorize(rows)
        return cls(codes, [str(keys[k]) for k in first.tolist()])

    def only(self, wanted: np.ndarray) -> tuple[np.ndarray, CodedIds]:
        """The rows of the ``wanted`` keys (a bool per key), and their codes: a key's rows are
        all kept or all dropped, so the keys left keep their order."""
        rows = wanted[self.codes]
        recode = np.cumsum(wanted) - 1
        keys = [k for k, w in zip(self.keys, wanted.tolist(), strict=True) if w]
        return rows, CodedIds(recode[self.codes[rows]], keys)

    def which(self, ids: Collection[str]) -> np.ndarray:
        """A bool per key: whether it is one of ``ids``."""
        return np.array([k in ids for k in self.keys], dtype=bool)


IdTable = tuple[Table, CodedIds]  # a table and its ids, when the caller coded them already


def positions_by_id(ids: CodedIds) -> Iterator[tuple[str, np.ndarray]]:
    """Each id with its row positions, ascending, ids in the order they first appear: what
    ``groupby(sort=False).indices`` gives, without its per-group index objects."""
    if not len(ids.codes):
        return
    order = np.argsort(ids.codes, kind="stable")  # linear for rows already grouped (usually)
    bounds = np.concatenate([[0], np.cumsum(np.bincount(ids.codes, minlength=len(ids.keys)))])
    starts, stops = bounds[:-1].tolist(), bounds[1:].tolist()
    for key, start, stop in zip(ids.keys, starts, stops, strict=True):
        yield key, order[start:stop]


def group_rows(
    tables: Sequence[IdTable | Table | None],
    problems: dict[str, list[Problem]],
    home_ids: set[str],
    what: str,
) -> dict[str, Rows]:
    """Each household's rows of ``tables`` (a problem for rows of an id with no households row).

    A table may come with its id column (``(table, ids)``), when the caller made it already.
    """
    grouped: dict[str, Rows] = {}
    for item in tables:
        if item is None:
            continue
        table, ids = item if isinstance(item, tuple) else (item, CodedIds.of(id_column(item.frame)))
        for hid, idx in positions_by_id(ids):
            if hid not in home_ids:
                problems.setdefault(hid, []).append(
                    Problem(
                        table.where(int(idx[0]), "household_id"),
                        f"{len(idx)} {what} row(s) for household_id {hid!r}, which has no row "
                        "in the households table",
                        "a households row for every household_id",
                    )
                )
                continue
            grouped.setdefault(hid, []).append((table, idx))
    return grouped


def run_of(positions: np.ndarray) -> slice | np.ndarray:
    """Ascending, distinct ``positions`` as a slice when they are one run (a household's rows of
    a grouped table: slicing is a view, where indexing by positions gathers a copy)."""
    if len(positions) and int(positions[-1]) - int(positions[0]) + 1 == len(positions):
        return slice(int(positions[0]), int(positions[-1]) + 1)
    return positions


def parse_whole(table: Table, value: str, cache: dict[int, Parsed]) -> Parsed:
    """Parse a table's timestamp and value columns once, vectorised, for all its households.

    Returns (stamps, values, suspect): rows where ``suspect`` is true (a bad or missing stamp or
    value) send their household down the slow path, which re-parses and names each problem.
    """
    key = id(table.frame)  # the tables outlive the cache (one _assemble call)
    if key not in cache:
        scratch: list[Problem] = []
        ignore: Where = lambda i, c: ""  # noqa: E731
        stamps = parse_timestamps(table.frame["timestamp"], ignore, "timestamp", scratch)
        values = parse_numbers(
            table.frame[value], ignore, value, scratch, negative_ok=(value == "celsius")
        )
        suspect = stamps.isna().to_numpy() | np.isnan(values)
        cache[key] = (pd.DatetimeIndex(stamps), values, suspect)
    return cache[key]


def series_of(
    parts: Rows, value: str, problems: list[Problem], cache: dict[int, Parsed]
) -> tuple[pd.DatetimeIndex | pd.Series, np.ndarray, Where]:
    """One household's rows of a readings-like table, parsed and concatenated: the stamps (a
    DatetimeIndex when every row read cleanly, else a Series with NaT where not), the values
    (a new array: never a view of the table's) and how to name a row."""
    offsets = np.cumsum([0] + [len(idx) for _, idx in parts])

    def where(i: int, column: str) -> str:
        part = int(np.searchsorted(offsets, i, side="right")) - 1
        table, idx = parts[part]
        return table.where(int(idx[i - offsets[part]]), column)

    parsed = [(parse_whole(table, value, cache), run_of(idx)) for table, idx in parts]
    if not any(p[2][rows].any() for p, rows in parsed):  # fast path: every row read cleanly
        pieces = [p[0][rows] for p, rows in parsed]
        stamps = pd.DatetimeIndex(pieces[0].append(pieces[1:])) if len(pieces) > 1 else pieces[0]
        values = np.concatenate([p[1][rows] for p, rows in parsed])
        return stamps, values, where
    frames = [table.frame.iloc[idx][["timestamp", value]] for table, idx in parts]
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    series = parse_timestamps(frame["timestamp"], where, "timestamp", problems)
    values = parse_numbers(frame[value], where, value, problems, negative_ok=(value == "celsius"))
    return series, values, where
