"""Importers for real files people have, into the engine's shapes.

Each reads one published format as it is and returns tz-aware UTC series or a canonical table.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from recommender.errors import InvalidInput, Problem


def read_eemeter_meter(path: str | Path) -> pd.Series:
    """Read an eemeter-style ``start,value`` meter CSV (optionally gzipped) as kWh per interval.

    Timestamps without an offset are taken as UTC (eemeter's convention). Returns the raw
    series (its own interval, duplicates kept) named ``kwh``; :func:`recommender.io.normalise`
    turns it into the engine's hourly series.
    """
    frame = _read_csv(path, expected=("start", "value"))
    stamps = pd.to_datetime(frame["start"], utc=True, errors="coerce", format="mixed")
    values = pd.to_numeric(frame["value"], errors="coerce")
    problems = [
        Problem(
            f"{Path(path).name} row {i + 2}, column start",
            f"cannot parse {raw!r}",
            "an ISO 8601 timestamp",
        )
        for i, raw in zip(stamps.index[stamps.isna()], frame["start"][stamps.isna()], strict=True)
    ][:20]
    if problems:
        raise InvalidInput(problems, source=str(path))
    return pd.Series(values.to_numpy(), index=pd.DatetimeIndex(stamps), name="kwh")


def read_eemeter_temperature(path: str | Path) -> pd.Series:
    """Read an eemeter sample temperature CSV (``,dt,tempC``; UTC) as hourly °C (``celsius``)."""
    frame = _read_csv(path, expected=("dt", "tempC"))
    stamps = pd.DatetimeIndex(pd.to_datetime(frame["dt"], utc=True, format="mixed"))
    series = pd.Series(pd.to_numeric(frame["tempC"], errors="coerce").to_numpy(), index=stamps)
    series = series[~series.index.duplicated()].sort_index()
    return series.rename("celsius")


def _read_csv(path: str | Path, expected: tuple[str, ...]) -> pd.DataFrame:
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(
            Problem(str(path), "file not found", "an existing file"), source=str(path)
        )
    frame = pd.read_csv(path)
    missing = [c for c in expected if c not in frame.columns]
    if missing:
        raise InvalidInput(
            Problem(
                path.name,
                f"missing column(s) {missing}; found {list(frame.columns)}",
                f"columns {list(expected)}",
            ),
            source=str(path),
        )
    return frame
