"""The two shapes of a readings series in the household JSON, read into columns.

``[{"timestamp", "kwh"}, ...]`` or compact ``{"start", "interval_minutes", "kwh": [...]}`` (the
latter parsed as whole arrays, with no object per reading); both give (UTC stamps, values, where)
for :mod:`recommender.io.normalise`. Temperatures use the same shapes with ``celsius``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd

from recommender.clock import daily_instants
from recommender.domain import DAILY_MINUTES
from recommender.errors import Problem
from recommender.io import schema
from recommender.io.cells import (
    Where,
    parse_numbers,
    parse_timestamp,
    parse_timestamps,
    row_problems,
)
from recommender.io.validate import unknown_keys


def readings_columns(
    raw: object, name: str, value: str, problems: list[Problem], *, timezone: str = "UTC"
) -> tuple[pd.Series | None, np.ndarray, Where]:
    """Parse either readings shape into (UTC stamps, values, where) for the normaliser.

    ``[{"timestamp", value}, ...]`` or compact ``{"start", "interval_minutes", value: [...]}``.
    """
    empty = np.array([], dtype="float64")
    if isinstance(raw, list):
        if not raw:
            problems.append(Problem(name, "is empty", f"a list of {{timestamp, {value}}}"))
            return None, empty, _where_list(name)
        if len(raw) > schema.MAX_READINGS_PER_HOUSEHOLD:
            problems.append(
                Problem(
                    name,
                    f"{len(raw):,} values",
                    f"at most {schema.MAX_READINGS_PER_HOUSEHOLD:,} per household",
                )
            )
            return None, empty, _where_list(name)
        where = _where_list(name)
        columns = _list_columns(raw, value)
        if columns is None:  # not every item a plain {timestamp, value}: each one is checked
            rows = _list_rows(raw, name, value, where, problems)
            columns = [r.get("timestamp") for r in rows], [r.get(value) for r in rows]
        stamps = parse_timestamps(pd.Series(columns[0], dtype=object), where, "timestamp", problems)
        negative_ok = value == "celsius"
        values = _plain_numbers(columns[1], negative_ok=negative_ok)
        if values is None:
            objects = pd.Series(columns[1], dtype=object)
            values = parse_numbers(objects, where, value, problems, negative_ok=negative_ok)
        return stamps, values, where
    if isinstance(raw, Mapping):
        return _compact(raw, name, value, problems, timezone)
    problems.append(
        Problem(
            name,
            f"expected a list or an object, got {type(raw).__name__}",
            f"[{{timestamp, {value}}}, ...] or {{start, interval_minutes, {value}: [...]}}",
        )
    )
    return None, empty, _where_list(name)


def _list_columns(raw: list[Any], value: str) -> tuple[list[Any], list[Any]] | None:
    """The timestamp and value columns when every item is a dict of exactly those two fields
    (nothing for :func:`_list_rows` to report), read without a check per item; None otherwise."""
    if set(map(type, raw)) != {dict} or set(map(len, raw)) != {2}:
        return None
    try:
        return list(map(itemgetter("timestamp"), raw)), list(map(itemgetter(value), raw))
    except KeyError:
        return None


def _list_rows(
    raw: list[Any], name: str, value: str, where: Where, problems: list[Problem]
) -> list[Mapping[str, Any]]:
    """The list form's rows, each checked for its fields (a non-object row reads as empty)."""
    is_map = [isinstance(r, Mapping) for r in raw]
    rows = raw if all(is_map) else [r if m else {} for r, m in zip(raw, is_map, strict=True)]
    for i in (i for i, m in enumerate(is_map) if not m):
        problems.append(
            Problem(
                f"{name}[{i}]",
                f"expected an object, got {type(raw[i]).__name__}",
                f"{{timestamp, {value}}}",
            )
        )
    keys = set().union(*(r.keys() for r in rows))
    for key in sorted(keys - {"timestamp", value}):
        first = next(i for i, r in enumerate(rows) if key in r)
        problems.append(
            Problem(
                f"{name}[{first}].{key}",
                f"unknown field {key!r}{schema.suggest(key, ('timestamp', value))}",
                f"'timestamp' and '{value}'",
            )
        )
    for key in ("timestamp", value):
        lacking = [i for i, r in enumerate(rows) if key not in r and is_map[i]]
        if lacking and key not in keys:
            problems.append(
                Problem(name, f"no reading has a {key!r} field", f"'{key}' in each reading")
            )
        elif lacking:
            row_problems(
                problems,
                lacking,
                where,
                key,
                _missing_text(key),
                f"'{key}' in each reading",
            )
    return rows


def _missing_text(key: str) -> Callable[[int], str]:
    return lambda i: f"{key!r} is missing"


def _where_list(name: str) -> Where:
    return lambda i, column: f"{name}[{i}].{column}"


def _compact(
    raw: Mapping[str, Any], name: str, value: str, problems: list[Problem], timezone: str
) -> tuple[pd.Series | None, np.ndarray, Where]:
    before = len(problems)
    unknown_keys(raw, ("start", "interval_minutes", value), lambda f: f"{name}.{f}", problems)
    where: Where = lambda i, column: f"{name}.{value}[{i}]"  # noqa: E731
    first = parse_timestamp(raw.get("start"), f"{name}.start", "start", problems)
    step = raw.get("interval_minutes")
    if step not in schema.ALLOWED_INTERVALS_MINUTES or isinstance(step, bool):
        problems.append(
            Problem(
                f"{name}.interval_minutes",
                f"{step!r} is not an accepted interval",
                "15, 30, 60 or 1440 (daily)",
            )
        )
    series = raw.get(value)
    if not isinstance(series, list) or not series:
        problems.append(
            Problem(f"{name}.{value}", "is missing or empty", f"a list of {value} values")
        )
    elif len(series) > schema.MAX_READINGS_PER_HOUSEHOLD:
        problems.append(
            Problem(
                f"{name}.{value}",
                f"{len(series):,} values",
                f"at most {schema.MAX_READINGS_PER_HOUSEHOLD:,} per household",
            )
        )
    if len(problems) > before:
        return None, np.array([], dtype="float64"), where
    assert isinstance(series, list) and isinstance(step, int)
    if _runs_into_future(first, step, len(series), f"{name}.{value}", problems):
        return None, np.array([], dtype="float64"), where
    if step == DAILY_MINUTES:  # daily: the household's local calendar days (23 or 25 h across DST)
        index = daily_instants(first, len(series), timezone)
    else:
        index = pd.date_range(first, periods=len(series), freq=f"{step}min")
    negative_ok = value == "celsius"
    values = _plain_numbers(series, negative_ok=negative_ok)
    if values is None:  # something to report: the general parser names each problem
        objects = pd.Series(series, dtype=object)
        values = parse_numbers(objects, where, value, problems, negative_ok=negative_ok)
    return pd.Series(index), values, where


def _runs_into_future(
    first: pd.Timestamp, step_minutes: int, n: int, field: str, problems: list[Problem]
) -> bool:
    """Whether a compact series (``first`` plus a step a value) runs later than
    :func:`schema.plausible_dates` allows (a wrong start, interval or count), with a Problem naming
    its first late value. Counted in minutes before any instant is built: 400,000 daily values
    would run past the years pandas can hold."""
    _, latest = schema.plausible_dates()
    minutes_to_latest = (latest - first).total_seconds() / 60.0
    first_late = int(minutes_to_latest // step_minutes) + 1
    if first_late >= n:
        return False
    instant = first + pd.Timedelta(minutes=first_late * step_minutes)
    when = instant.date().isoformat() if step_minutes == DAILY_MINUTES else instant.isoformat()
    problems.append(
        Problem(
            f"{field}[{first_late}]",
            f"{n:,} values every {step_minutes} minutes from {first.isoformat()} run into the "
            f"future: value {first_late} would be at {when}",
            f"values up to {latest.date()} (check start, interval_minutes and the values' count)",
        )
    )
    return True


def _plain_numbers(series: list[Any], *, negative_ok: bool) -> np.ndarray | None:
    """The values as one float64 array, without an object per reading, when every value is a
    plain JSON number (not a bool or string) or null (a gap: NaN), finite, and not negative unless
    allowed: what :func:`parse_numbers` gives such values. None otherwise."""
    if not set(map(type, series)) <= {float, int, type(None)}:
        return None
    try:
        values = np.asarray(series, dtype=np.float64)
    except OverflowError:  # an integer beyond float64: the general parser names it
        return None
    if np.isinf(values).any() or (not negative_ok and (values < 0).any()):
        return None
    return values
