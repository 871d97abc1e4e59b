"""A progress bar for batch runs: households/s and ETA on a terminal, silent otherwise."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
from tqdm import tqdm

from recommender.io.files import Source


def count_households(source: Source) -> int | None:
    """Rows of the households table, cheaply (Parquet metadata, one CSV column, JSON lines);
    None when it cannot be told without reading the table (the bar then shows no ETA)."""
    if isinstance(source, pd.DataFrame):
        return len(source)
    path = Path(source)
    suffixes = "".join(path.suffixes).lower()
    try:
        if suffixes.endswith(".parquet"):
            return int(pq.ParquetFile(path).metadata.num_rows)
        if suffixes.endswith(".csv"):
            return len(pd.read_csv(path, usecols=["household_id"], dtype=str))
        if suffixes.endswith(".jsonl"):
            with path.open("rb") as handle:
                return sum(1 for line in handle if line.strip())
    except (OSError, ValueError):  # the reader reports what is wrong with the file
        return None
    return None


def progress_bar(total: int | None, *, enabled: bool | None = None) -> Any:
    """A tqdm bar counting households; ``enabled=None``: only when stderr is a terminal."""
    on = sys.stderr.isatty() if enabled is None else enabled
    return tqdm(
        total=total,
        unit=" households",
        unit_scale=False,
        disable=not on,
        dynamic_ncols=True,
        smoothing=0.1,
        file=sys.stderr,
    )
