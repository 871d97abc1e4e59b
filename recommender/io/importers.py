"""Importers for real files people have, into the engine's shapes.

Each reads one published format as it is and returns tz-aware UTC series or a canonical
``readings`` table (``household_id``, ``timestamp`` tz-aware UTC, ``kwh``), which
:func:`recommender.io.read_tables` then validates and normalises like any other table.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from recommender.errors import InvalidInput, Problem
from recommender.io import schema
from recommender.io.files import read_table
from recommender.io.limited import read_limited
from recommender.io.normalise import parse_numbers, parse_timestamps, row_problems


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
    return pd.Series(values.to_numpy(), index=pd.DatetimeIndex(stamps).as_unit("ns"), name="kwh")


def read_eemeter_temperature(path: str | Path) -> pd.Series:
    """Read an eemeter sample temperature CSV (``,dt,tempC``; UTC) as hourly °C (``celsius``)."""
    frame = _read_csv(path, expected=("dt", "tempC"))
    stamps = pd.DatetimeIndex(pd.to_datetime(frame["dt"], utc=True, format="mixed")).as_unit("ns")
    series = pd.Series(pd.to_numeric(frame["tempC"], errors="coerce").to_numpy(), index=stamps)
    series = series[~series.index.duplicated()].sort_index()
    return series.rename("celsius")


def _read_csv(path: str | Path, expected: tuple[str, ...]) -> pd.DataFrame:
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(
            Problem(str(path), "file not found", "an existing file"), source=str(path)
        )
    frame = pd.read_csv(io.BytesIO(read_limited(path, schema.MAX_FILE_BYTES)))
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


UCI_TIMEZONE = "Europe/Paris"  # the UCI household (Sceaux, France) logs local wall-clock time


def read_start_value_csv(
    path: str | Path, household_id: str, *, naive_timezone: str | None = None
) -> pd.DataFrame:
    """Read an eemeter-style ``start,value`` CSV (kWh per interval) as a readings table.

    Timestamps must carry a UTC offset. A file of naive timestamps is refused (every such row is
    named) unless ``naive_timezone`` says what they are: ``"UTC"`` (eemeter's own convention) or
    an IANA zone, in which case a local time that does not exist or is ambiguous at a
    daylight-saving change is a problem, never a guess.
    """
    table = read_table(path, Path(path).name, ("start", "value"))
    problems: list[Problem] = []
    raw = table.frame["start"].reset_index(drop=True)
    if naive_timezone is None:
        stamps = parse_timestamps(raw, table.where, "start", problems)
    else:
        stamps = _localise(raw, naive_timezone, table.where, problems)
    kwh = parse_numbers(table.frame["value"], table.where, "value", problems)
    if problems:
        raise InvalidInput(problems, source=table.name)
    return pd.DataFrame(
        {"household_id": household_id, "timestamp": stamps.dt.as_unit("ns"), "kwh": kwh}
    )


def _localise(raw: pd.Series, timezone: str, where, problems: list[Problem]) -> pd.Series:
    if schema.check_timezone(timezone, "naive_timezone", problems) is None:
        return pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns, UTC]")
    text = raw.astype("string")
    aware = schema.has_offset(text.fillna(""))
    parsed = pd.to_datetime(text.where(~aware), errors="coerce", format="ISO8601")
    local = pd.DatetimeIndex(parsed).tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
    stamps = pd.Series(local, index=raw.index).dt.tz_convert("UTC")
    with_offset = pd.to_datetime(text.where(aware), utc=True, errors="coerce", format="ISO8601")
    stamps = stamps.where(~aware, with_offset)
    unread = np.flatnonzero((parsed.isna() & ~aware & text.notna()).to_numpy())
    shifted = np.flatnonzero((stamps.isna() & parsed.notna()).to_numpy())
    row_problems(
        problems,
        unread,
        where,
        "start",
        lambda i: f"cannot read {text.iloc[i]!r}",
        "an ISO 8601 timestamp",
    )
    row_problems(
        problems,
        shifted,
        where,
        "start",
        lambda i: (
            f"{text.iloc[i]} does not exist or happens twice in {timezone} (a daylight-"
            "saving change)"
        ),
        "timestamps with a UTC offset, or the zone the file was really written in",
    )
    return stamps


UCI_COLUMNS = ("Date", "Time", "Global_active_power")


def _read_uci_frame(path: Path) -> pd.DataFrame:
    """The UCI file's three columns as text; InvalidInput for a file that is not that format."""
    if not path.is_file():
        raise InvalidInput(
            Problem(str(path), "file not found", "an existing file"), source=str(path)
        )
    try:
        frame = pd.read_csv(
            io.BytesIO(read_limited(path, schema.MAX_FILE_BYTES)),
            sep=";",
            dtype=str,
            keep_default_na=False,
            encoding="utf-8",
            usecols=lambda c: c in UCI_COLUMNS,
        )
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InvalidInput(
            Problem(
                path.name,
                f"cannot be read as the UCI format ({exc})",
                "';'-separated Date;Time;Global_active_power;...",
            ),
            source=path.name,
        ) from None
    missing = [c for c in UCI_COLUMNS if c not in frame.columns]
    if missing:
        raise InvalidInput(
            Problem(
                path.name,
                f"missing column(s) {missing}",
                "the UCI header Date;Time;Global_active_power;...",
            ),
            source=path.name,
        )
    return frame


def _uci_minutes(
    frame: pd.DataFrame, name: str, timezone: str
) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """Each row's UTC minute and kW; InvalidInput names every unreadable or non-existent time."""
    problems: list[Problem] = []

    def where(i: int, column: str) -> str:
        return f"{name} row {i + 2}, column {column}"

    local = pd.to_datetime(
        frame["Date"] + " " + frame["Time"], format="%d/%m/%Y %H:%M:%S", errors="coerce"
    )
    row_problems(
        problems,
        np.flatnonzero(local.isna().to_numpy()),
        where,
        "Date",
        lambda i: f"cannot read {frame['Date'].iloc[i]} {frame['Time'].iloc[i]!r}",
        "d/m/Y and H:M:S",
    )
    power = frame["Global_active_power"].replace("?", "")
    kw = parse_numbers(power, where, "Global_active_power", problems)
    try:  # an autumn hour logged twice is told apart by the rows' order
        stamps = pd.DatetimeIndex(local).tz_localize(timezone, ambiguous="infer", nonexistent="NaT")
    except ValueError:
        stamps = pd.DatetimeIndex(local).tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
    shifted = np.flatnonzero(stamps.isna() & local.notna().to_numpy())
    row_problems(
        problems,
        shifted,
        where,
        "Time",
        lambda i: f"{local.iloc[i]} does not exist, or is ambiguous, in {timezone}",
        "local times that exist (a daylight-saving change skips an hour)",
    )
    if problems:
        raise InvalidInput(problems, source=name)
    return stamps, kw


def read_uci_household_power(
    path: str | Path, household_id: str = "uci-household", *, timezone: str = UCI_TIMEZONE
) -> pd.DataFrame:
    """Read the UCI "Individual household electric power consumption" file as hourly readings.

    The format: ``;``-separated, ``Date`` d/m/Y and ``Time`` H:M:S in local time (France), one row
    a minute, ``Global_active_power`` the minute's mean power in kW, ``?`` where the logger missed
    it. A minute's energy is kW / 60 kWh; an hour's is the sum of its 60 minutes, and is left
    missing (NaN) unless all 60 are there. Returns a readings table in UTC.
    """
    path = Path(path)
    frame = _read_uci_frame(path)
    stamps, kw = _uci_minutes(frame, path.name, timezone)
    utc = stamps.tz_convert("UTC")
    minutes = pd.Series(kw / 60.0, index=utc)
    hours = minutes.groupby(utc.floor("h"))
    kwh = hours.sum(min_count=1).where(hours.count() == 60)
    complete = np.flatnonzero(kwh.notna().to_numpy())
    if len(complete) == 0:
        raise InvalidInput(
            Problem(
                path.name,
                "no complete hour of readings",
                "60 minutes of Global_active_power in at least one hour",
            ),
            source=path.name,
        )
    kwh = kwh.iloc[complete[0] : complete[-1] + 1]  # incomplete first/last hours left out
    return pd.DataFrame(
        {
            "household_id": household_id,
            "timestamp": pd.DatetimeIndex(kwh.index).as_unit("ns"),
            "kwh": kwh.to_numpy(),
        }
    )
