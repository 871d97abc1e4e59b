"""Importer for a UK supplier's consumption CSV, as Octopus Energy's dashboard download gives it.

The layout: a header ``Consumption (kWh), Start, End`` (a space after each comma), then one row per
interval (half-hourly from a smart meter) with the interval's kWh and its start and end as ISO 8601
timestamps with a UTC offset (``2024-01-01T00:00:00+00:00``; in summer ``+01:00``). Other columns a
supplier adds (estimated cost, say) are ignored. Each interval must end after it starts and last at
most a day; a row that breaks a rule is named with its row number, as in every reader here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from recommender.errors import InvalidInput, Problem
from recommender.io import schema
from recommender.io.cells import parse_numbers, parse_timestamps, row_problems
from recommender.io.files import _check_text, _read_csv_text, check_columns

CONSUMPTION, START, END = "Consumption (kWh)", "Start", "End"
COLUMNS = (CONSUMPTION, START, END)
# a daily export's local day lasts 25 hours across the autumn clock change
MAX_INTERVAL = pd.Timedelta(hours=25)


def read_supplier_csv(
    path: str | Path, household_id: str, *, max_bytes: int | None = None
) -> pd.DataFrame:
    """Read a ``Consumption (kWh), Start, End`` CSV as a readings table (household_id,
    timestamp UTC = the interval's start, kwh).

    Raises :class:`InvalidInput` listing every problem: a missing column, a timestamp without an
    offset, a consumption that is not a number, an interval that ends before it starts.
    """
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(Problem(str(path), "file not found", "an existing file"), str(path))
    limit = schema.MAX_FILE_BYTES if max_bytes is None else max_bytes
    schema.check_size(path.stat().st_size, limit, path.name)
    data = path.read_bytes()
    _check_text(data, path.name)
    frame = _read_csv_text(data, path.name)
    frame.columns = [str(c).strip() for c in frame.columns]
    extra = tuple(c for c in frame.columns if c not in COLUMNS)
    check_columns(list(frame.columns), path.name, COLUMNS, extra)
    if frame.empty:
        raise InvalidInput(
            Problem(path.name, "has a header but no rows", "at least one row"), source=path.name
        )
    frame = frame.apply(lambda column: column.str.strip())

    def where(i: int, column: str) -> str:
        return f"{path.name} row {i + 2}, column {column}"

    problems: list[Problem] = []
    kwh = parse_numbers(frame[CONSUMPTION], where, CONSUMPTION, problems)
    start = parse_timestamps(frame[START], where, START, problems)
    end = parse_timestamps(frame[END], where, END, problems)
    length = end - start
    wrong = np.flatnonzero(
        ((length <= pd.Timedelta(0)) | (length > MAX_INTERVAL)).fillna(False).to_numpy()
    )
    row_problems(
        problems,
        wrong,
        where,
        END,
        lambda i: f"the interval {frame[START].iloc[i]} to {frame[END].iloc[i]} is not usable",
        "an End after its Start, at most a local day (25 hours) later",
    )
    if problems:
        raise InvalidInput(problems, source=path.name)
    return pd.DataFrame(
        {"household_id": household_id, "timestamp": start.dt.as_unit("ns"), "kwh": kwh}
    )


__all__ = ["read_supplier_csv"]
