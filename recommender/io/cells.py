"""Reading one column of cells: timestamps and numbers, with a Problem per bad row.

The rules every reader shares (the household JSON, the batch tables, the importers, the trips
table): a timestamp carries a UTC offset and a plausible date; a number is finite, uses a decimal
point, and is never NaN in JSON (null marks a gap); every bad row is named, the first
``MAX_PROBLEMS_PER_KIND`` one by one and the rest counted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from recommender.errors import Problem
from recommender.io import schema
from recommender.io.instants import fixed_width_instants

Where = Callable[[int, str], str]  # (row position, column) -> "readings[12].kwh"


def row_problems(
    problems: list[Problem],
    positions: np.ndarray | list[int],
    where: Where,
    column: str,
    problem: Callable[[int], str],
    expected: str,
) -> None:
    """One Problem per row (the first ``MAX_PROBLEMS_PER_KIND``), then one counting the rest."""
    positions = list(positions)
    limit = schema.MAX_PROBLEMS_PER_KIND
    for pos in positions[:limit]:
        problems.append(Problem(where(int(pos), column), problem(int(pos)), expected))
    if len(positions) > limit:
        rest = len(positions) - limit
        problems.append(
            Problem(
                f"{where(int(positions[limit]), column)} and {rest - 1} more row(s)",
                f"{rest} more row(s) with the same problem, e.g. {problem(int(positions[limit]))}",
                expected,
            )
        )


def parse_timestamps(
    raw: pd.Series, where: Where, column: str, problems: list[Problem]
) -> pd.Series:
    """Parse ISO 8601 timestamps with a UTC offset into UTC; NaT (and a Problem) where not possible.

    Accepts strings (each must carry an offset: naive times are refused, never guessed) or an
    already tz-aware datetime column. Missing values are problems too. A column of plain instants
    (:func:`plain_instants`, what meters and apps write) is read at once; any other goes
    through :func:`parse_any_timestamps`, which names each problem.
    """
    raw = raw.reset_index(drop=True)
    parsed = plain_instants(raw) if len(raw) and raw.dtype.kind not in "mM" else None
    if parsed is not None and plausible_instants(parsed).all():  # NaT is not
        return pd.Series(parsed.as_unit("ns"))
    return parse_any_timestamps(raw, where, column, problems)


def parse_timestamp(value: Any, where: str, column: str, problems: list[Problem]) -> pd.Timestamp:
    """One timestamp, as :func:`parse_timestamps` parses a column of it (NaT and a Problem where
    not possible). A plain ISO 8601 text is read from its bytes, without a Series; anything else
    goes through :func:`parse_timestamps`."""
    if isinstance(value, str):
        nanoseconds = fixed_width_instants([value])
        if nanoseconds is not None:
            earliest, latest = schema.plausible_dates()
            instant = pd.Timestamp(int(nanoseconds[0]), tz="UTC")  # NaT for 30 February
            if instant is not pd.NaT and earliest <= instant <= latest:
                return instant
    column_of_one = pd.Series([value], dtype=object)
    parsed: pd.Timestamp = parse_timestamps(column_of_one, lambda i, c: where, column, problems)[0]
    return parsed


def _aware_timestamps(
    raw: pd.Series, where: Where, column: str, problems: list[Problem]
) -> pd.Series:
    """A tz-aware column (Parquet, a DataFrame) in UTC nanoseconds, a Problem and NaT for each
    instant outside :func:`schema.plausible_dates` (as text gets: a Parquet column in ms or us
    can hold years that nanoseconds cannot, and a meter cannot have)."""
    utc = raw.dt.tz_convert("UTC")
    out_of_range = _implausible(utc)
    _name_implausible(out_of_range, lambda i: utc.iloc[i].isoformat(), where, column, problems)
    missing = utc.array.asi8 == _NAT_TICKS
    row_problems(
        problems,
        np.flatnonzero(missing),
        where,
        column,
        lambda i: "timestamp is missing",
        "an ISO 8601 timestamp with an offset",
    )
    if not (missing.any() or out_of_range.any()):  # the usual column: nothing to blank out
        return utc.astype("datetime64[ns, UTC]")
    return utc.where(~pd.Series(out_of_range, index=utc.index)).astype("datetime64[ns, UTC]")


_NAT_TICKS = np.iinfo(np.int64).min  # NaT as an int64 tick count, in any unit
_NANOSECONDS_PER_TICK = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}


def _implausible(stamps: pd.Series) -> np.ndarray:
    """Which ``stamps`` (tz-aware) lie outside :func:`schema.plausible_dates` (NaT does not): the
    one date rule of text and tz-aware columns."""
    ticks, low, high = _plausible_ticks(stamps)
    return (ticks != _NAT_TICKS) & ((ticks < low) | (ticks > high))


def plausible_instants(stamps: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """Which ``stamps`` (tz-aware) are instants within :func:`schema.plausible_dates` (NaT is
    not): what comparing them with the two Timestamps gives, at a sixth of the cost."""
    ticks, low, high = _plausible_ticks(stamps)
    return (ticks >= low) & (ticks <= high)  # NaT, the least int64, is below low


def _plausible_ticks(stamps: pd.Series | pd.DatetimeIndex) -> tuple[np.ndarray, int, int]:
    """The stamps as int64 ticks in their own unit (NaT the least int64), and the first and last
    tick within :func:`schema.plausible_dates`: the bounds rounded inwards to the unit decide
    exactly as comparing the Timestamps does, and nothing is cast to nanoseconds, which cannot
    hold the years past 2262 the date rule exists to catch."""
    earliest, latest = schema.plausible_dates()
    if isinstance(stamps, pd.Series):
        unit, ticks = stamps.dt.unit, stamps.array.asi8
    else:
        unit, ticks = stamps.unit, stamps.asi8
    per_tick = _NANOSECONDS_PER_TICK[unit]
    low = -(-earliest.value // per_tick)  # the first tick not before earliest
    high = latest.value // per_tick  # the last tick not after latest
    return ticks, low, high


def _name_implausible(
    out_of_range: np.ndarray,
    shown: Callable[[int], object],
    where: Where,
    column: str,
    problems: list[Problem],
) -> None:
    """A Problem for each row :func:`_implausible` found, showing ``shown(row)``."""
    row_problems(
        problems,
        np.flatnonzero(out_of_range),
        where,
        column,
        lambda i: schema.implausible_date(shown(i), column)[0],
        schema.implausible_date("", column)[1],
    )


def plain_instants(
    cells: pd.Series | list[Any], max_fraction_digits: int = 9
) -> pd.DatetimeIndex | None:
    """The UTC instants of ``cells`` when every cell is a text in the plain ISO 8601 form
    (:func:`plain_instant_mask`), NaT where such a text is no instant (30 February); None when
    some cell is not plain. A column of one width (the usual one) is read from its bytes
    (:mod:`recommender.io.instants`), any other by one Arrow regex pass and one to_datetime."""
    values = cells.tolist() if isinstance(cells, pd.Series) else cells
    nanoseconds = fixed_width_instants(values, max_fraction_digits)
    if nanoseconds is not None:
        return pd.DatetimeIndex(nanoseconds.view("datetime64[ns]")).tz_localize("UTC")
    if not plain_instant_mask(cells, max_fraction_digits).all():
        return None
    objects = cells.to_numpy() if isinstance(cells, pd.Series) else np.asarray(cells, dtype=object)
    return pd.DatetimeIndex(pd.to_datetime(objects, utc=True, errors="coerce", format="ISO8601"))


def plain_instant_mask(cells: pd.Series | list[Any], max_fraction_digits: int = 9) -> np.ndarray:
    """Which cells are texts in the plain ISO 8601 form (``schema.plain_instant_pattern``)."""
    pattern = schema.plain_instant_pattern(max_fraction_digits)
    if len(cells) >= 64:  # one Arrow regex pass over the column, when it is all texts (or null)
        try:
            text = pa.array(cells, type=pa.string(), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            text = None
        if text is not None:
            matched = pc.fill_null(pc.match_substring_regex(text, f"^{pattern}$"), False)
            return np.asarray(matched.to_numpy(zero_copy_only=False), dtype=bool)
    regex = _compiled(pattern)
    return np.fromiter(
        (type(c) is str and regex.fullmatch(c) is not None for c in cells), bool, len(cells)
    )


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def parse_any_timestamps(
    raw: pd.Series, where: Where, column: str, problems: list[Problem]
) -> pd.Series:
    """:func:`parse_timestamps` of any column, each problem named."""
    raw = raw.reset_index(drop=True)
    if isinstance(raw.dtype, pd.DatetimeTZDtype):
        return _aware_timestamps(raw, where, column, problems)
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        row_problems(
            problems,
            np.arange(len(raw)),
            where,
            column,
            lambda i: f"timestamp {raw.iloc[i]} has no UTC offset",
            "an ISO 8601 timestamp with an offset, e.g. 2024-01-01T00:00:00Z",
        )
        return pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns, UTC]")
    if pd.api.types.infer_dtype(raw, skipna=True) in ("string", "empty"):
        text = raw.astype("string")
    else:
        text = raw.map(_as_text, na_action="ignore").astype("string")
    text = text.str.replace(r"z$", "Z", regex=True)  # RFC 3339 allows a lower-case z
    missing = text.isna() | (text.str.strip() == "")
    stamps = pd.to_datetime(text.where(~missing), utc=True, errors="coerce", format="ISO8601")
    aware = schema.has_offset(text.fillna(""))
    # Outside the dates a meter or a trip can have (which also keeps pandas' nanosecond index
    # safe: it cannot hold years past 2262, nor two times more than 292 years apart).
    out_of_range = _implausible(stamps)
    stamps = stamps.where(~pd.Series(out_of_range, index=stamps.index))
    bad = (~missing & stamps.isna() & ~out_of_range).to_numpy()
    naive = (~missing & stamps.notna() & ~aware).to_numpy()
    row_problems(
        problems,
        np.flatnonzero(missing.to_numpy()),
        where,
        column,
        lambda i: "timestamp is missing",
        "an ISO 8601 timestamp with an offset",
    )
    row_problems(
        problems,
        np.flatnonzero(bad),
        where,
        column,
        lambda i: f"cannot read {text.iloc[i]!r} as a timestamp",
        "an ISO 8601 timestamp with an offset, e.g. 2024-01-01T00:00:00Z",
    )
    _name_implausible(out_of_range, lambda i: text.iloc[i], where, column, problems)
    row_problems(
        problems,
        np.flatnonzero(naive),
        where,
        column,
        lambda i: f"timestamp {text.iloc[i]!r} has no UTC offset (local or UTC? we do not guess)",
        "an offset such as 'Z' or '+01:00'",
    )
    return stamps.where(~pd.Series(naive, index=stamps.index)).astype("datetime64[ns, UTC]")


def _as_text(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return value.isoformat() if value.tzinfo is not None else value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()  # datetime.datetime (aware or naive: the offset check decides)
    return str(value)


_DECIMAL_COMMA = re.compile(r"[-+]?\d+,\d+")


def parse_numbers(
    raw: pd.Series, where: Where, column: str, problems: list[Problem], *, negative_ok: bool = False
) -> np.ndarray:
    """Floats; NaN where missing (a missing reading, not an error); a Problem where not a number."""
    raw = raw.reset_index(drop=True)
    if isinstance(raw.dtype, np.dtype) and raw.dtype.kind == "f":
        # a float column (Parquet, a DataFrame): every cell is a number or NaN (missing); read
        # in one pass, where the general path below takes three (to_numeric, astype, copy)
        values = raw.to_numpy(dtype="float64", copy=True)
        bad = np.isinf(values)
    else:
        values, bad = _numbers_of_any(raw)
    row_problems(
        problems,
        np.flatnonzero(bad),
        where,
        column,
        lambda i: _not_a_number(raw.iloc[i]),
        f"a number ({column}) with a decimal point; null for a missing value",
    )
    values[bad] = np.nan
    if not negative_ok:
        negative = np.flatnonzero(values < 0)
        row_problems(
            problems,
            negative,
            where,
            column,
            lambda i: f"{values[i]:g} is negative",
            f"{column} >= 0"
            + (
                " (energy drawn from the grid: a home that exports solar power sends its import "
                "readings, not the net)"
                if column == "kwh"
                else ""
            ),
        )
        values[negative] = np.nan
    return values


def _numbers_of_any(raw: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """:func:`parse_numbers` of any column before its problems: each cell's float (a new array)
    and which cells are not numbers (texts, JSON constants, bools, infinities; blanks are
    missing values, not problems)."""
    if pd.api.types.is_bool_dtype(raw.dtype):
        return np.full(len(raw), np.nan), raw.notna().to_numpy()
    try:
        numbers = pd.to_numeric(raw, errors="coerce").astype("float64")
    except OverflowError:  # an integer beyond float64 (JSON has no limit): infinite, refused
        numbers = pd.to_numeric(raw.map(_huge_as_inf), errors="coerce").astype("float64")
    bad = np.isinf(numbers.to_numpy())
    if raw.dtype == object:  # NaN in a JSON document is not null (null is a missing
        # value), and true and false are not 1 and 0
        bad |= raw.map(lambda v: isinstance(v, JsonConstant | bool | np.bool_)).to_numpy(dtype=bool)
    unread = np.flatnonzero(numbers.isna().to_numpy())  # missing, or not a number
    if len(unread):
        sub = raw.iloc[unread]
        blank = sub.isna() | sub.map(lambda v: isinstance(v, str) and not v.strip()).astype(bool)
        bad[unread[~blank.to_numpy()]] = True
    return numbers.to_numpy(dtype="float64", copy=True), bad


def _huge_as_inf(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**1024:
        return float("inf") if value > 0 else float("-inf")
    return value


class JsonConstant:
    """``NaN``, ``Infinity`` or ``-Infinity`` in a JSON document, which JSON does not allow:
    decoded as this (``json.loads(text, parse_constant=JsonConstant)``) so the reader names the
    field, instead of a float NaN that would pass for a missing value."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _not_a_number(value: object) -> str:
    if isinstance(value, JsonConstant):
        return f"{value.text} is not a number (JSON has no {value.text}; null marks a gap)"
    if isinstance(value, int) and _huge_as_inf(value) is not value:
        return f"a {len(str(abs(value)))}-digit number is too large (at most about 1.8e308)"
    if isinstance(value, str) and _DECIMAL_COMMA.fullmatch(value.strip()):
        return f"{value!r} is not a number: a decimal comma? (write {value.replace(',', '.')!r})"
    return f"{value!r} is not a number"
