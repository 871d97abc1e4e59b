"""A column of plain ISO 8601 instants of one width, read from its bytes at once.

A meter export or an app writes every timestamp of a column alike (``2024-01-01T00:00:00+00:00``
8,760 times): same width, same layout. Such a column is read here as one block of bytes, one row
per cell: each field's digits checked and combined by numpy, each date and time checked for range,
with no regular expression and no parser call per cell.

What is read is the plain form of :func:`recommender.io.schema.plain_instant_pattern` (a ``T`` or a
space, seconds, an optional fraction, ``Z`` or ``+HH:MM``), and only where pandas' ISO 8601 parser
(``pd.to_datetime(..., format="ISO8601")``, what the readers used before) gives the same instant:
a real calendar date in 1970-2200, hours 0-23, minutes and seconds 0-59, an offset up to 23:59.
Any other column (two widths, another layout, a 24:00, a 30 February, a year outside) gives None
and the caller reads it as before, so the values, and the problems, are those of the general
readers (tests/io/test_instants.py compares them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

_NS_PER_SECOND = 1_000_000_000

# "YYYY-MM-DDTHH:MM:SS": where each field's digits sit, and the separators between them
_FIELDS = {
    "year": (0, 4),
    "month": (5, 7),
    "day": (8, 10),
    "hour": (11, 13),
    "minute": (14, 16),
    "second": (17, 19),
}
_SEPARATORS = {4: b"-", 7: b"-", 13: b":", 16: b":"}  # and a "T" or a space at 10
_DATE_TIME_WIDTH = 19
_ROWS_AT_ONCE = 65_536  # a table's column in runs of this many cells (a few MB each)
_YEARS = (1970, 2200)  # pandas' nanoseconds hold these; the plausible dates lie within
# The first day of each month from January 1970 to January 2201, in days since 1970 (numpy's
# calendar, made once: a lookup per reading instead of a calendar conversion)
_FIRST_DAYS = (
    np.arange((_YEARS[1] + 1 - 1970) * 12 + 1)
    .astype("datetime64[M]")
    .astype("datetime64[D]")
    .astype(np.int64)
)


def fixed_width_instants(cells: Sequence[Any], max_fraction_digits: int = 9) -> np.ndarray | None:
    """UTC nanoseconds since 1970 (int64) of each cell, when every cell is a text of the plain form
    (module docstring) and the cells of each run of ``_ROWS_AT_ONCE`` share one width and layout;
    None otherwise. (A table's long column is read run by run, so that its bytes and digits are
    never all held at once.)"""
    parts = []
    for start in range(0, len(cells), _ROWS_AT_ONCE):
        part = _one_width(cells[start : start + _ROWS_AT_ONCE], max_fraction_digits)
        if part is None:
            return None
        parts.append(part)
    return np.concatenate(parts) if len(parts) > 1 else (parts[0] if parts else None)


def _one_width(cells: Sequence[Any], max_fraction_digits: int) -> np.ndarray | None:
    """:func:`fixed_width_instants` of cells that must all have one width and layout."""
    block = _byte_block(cells)
    if block is None:
        return None
    width = block.shape[1]
    zulu = block[0, -1] == ord("Z")
    end = width - (1 if zulu else 6)  # where the offset starts
    n_fraction = end - _DATE_TIME_WIDTH - 1  # digits after the "."; -1: no fraction
    if end < _DATE_TIME_WIDTH or n_fraction == 0 or n_fraction > max_fraction_digits:
        return None
    separators = dict(_SEPARATORS)
    numerals = [c for start, stop in _FIELDS.values() for c in range(start, stop)]
    if n_fraction > 0:
        separators[_DATE_TIME_WIDTH] = b"."
        numerals += range(_DATE_TIME_WIDTH + 1, end)
    if zulu:
        separators[end] = b"Z"
    else:
        separators[end + 3] = b":"
        numerals += [end + 1, end + 2, end + 4, end + 5]
    if not _laid_out(block, separators, numerals, end, zulu):
        return None
    seconds = _seconds_since_1970(block)
    if seconds is None:
        return None
    nanoseconds = seconds * _NS_PER_SECOND
    if n_fraction > 0:
        nanoseconds += _number(block, _DATE_TIME_WIDTH + 1, end) * 10 ** (9 - n_fraction)
    if not zulu:
        offset_minutes = _offset_minutes(block, end)
        if offset_minutes is None:
            return None
        nanoseconds -= offset_minutes * 60 * _NS_PER_SECOND
    return nanoseconds


def _byte_block(cells: Sequence[Any]) -> np.ndarray | None:
    """The cells' ASCII bytes as a (cells, width) uint8 array, when every cell is a text, all of
    one width and long enough for an instant; None otherwise."""
    try:
        widths = set(map(len, cells))
        joined = "".join(cells).encode("ascii")
    except (TypeError, UnicodeEncodeError):  # a cell that is no text, or a non-ASCII text
        return None
    if len(widths) != 1 or min(widths) <= _DATE_TIME_WIDTH:  # the shortest instant: "...:SSZ"
        return None
    return np.frombuffer(joined, dtype=np.uint8).reshape(len(cells), -1)


def _laid_out(
    block: np.ndarray, separators: dict[int, bytes], numerals: list[int], end: int, zulu: bool
) -> bool:
    """Every row has a digit in each column of ``numerals``, the ``separators``, a ``T`` or a
    space between date and time, and a sign before an offset."""
    at = list(separators)
    expected = np.frombuffer(b"".join(separators.values()), dtype=np.uint8)
    digits = block[:, numerals]
    between = block[:, 10]
    return bool(
        ((digits >= ord("0")) & (digits <= ord("9"))).all()
        and (block[:, at] == expected).all()
        and ((between == ord("T")) | (between == ord(" "))).all()
        and (zulu or ((block[:, end] == ord("+")) | (block[:, end] == ord("-"))).all())
    )


def _number(block: np.ndarray, start: int, stop: int) -> np.ndarray:
    """The decimal number written in columns ``start`` to ``stop`` (digits, checked) of each row."""
    digits = block[:, start:stop].astype(np.int64) - ord("0")
    return digits @ 10 ** np.arange(stop - start - 1, -1, -1, dtype=np.int64)


def _seconds_since_1970(block: np.ndarray) -> np.ndarray | None:
    """Each row's date and time of day in seconds since 1970 (before its offset), or None unless
    every one is a real calendar date in ``_YEARS`` and a time of 00:00:00 to 23:59:59."""
    year, month, day, hour, minute, second = (_number(block, *at) for at in _FIELDS.values())
    in_range = (
        (year >= _YEARS[0])
        & (year <= _YEARS[1])
        & (month >= 1)
        & (month <= 12)
        & (day >= 1)
        & (hour <= 23)
        & (minute <= 59)
        & (second <= 59)
    )
    if not in_range.all():
        return None
    months = (year - 1970) * 12 + (month - 1)
    first_day = _FIRST_DAYS[months]
    if not (day <= _FIRST_DAYS[months + 1] - first_day).all():  # 30 February, 31 April, ...
        return None
    days = first_day + (day - 1)
    return ((days * 24 + hour) * 60 + minute) * 60 + second


def _offset_minutes(block: np.ndarray, end: int) -> np.ndarray | None:
    """Each row's UTC offset ``+HH:MM`` (from column ``end``) in minutes east, or None unless
    all are at most 23:59."""
    hours, minutes = _number(block, end + 1, end + 3), _number(block, end + 4, end + 6)
    if not ((hours <= 23) & (minutes <= 59)).all():
        return None
    return np.where(block[:, end] == ord("+"), 1, -1) * (hours * 60 + minutes)
