"""Compact readings take a fast path (one float64 array, no object per reading); it must give
exactly what the general number parser gives, values and problems alike, for any input."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from recommender.io import cells
from recommender.io.cells import (
    parse_any_timestamps,
    parse_numbers,
    parse_timestamp,
    parse_timestamps,
)
from recommender.io.readings import readings_columns

VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**6), 10**6),
    st.booleans(),
    st.none(),
    st.text(max_size=4),
)


@given(st.lists(VALUES, min_size=1, max_size=40), st.sampled_from(["kwh", "celsius"]))
def test_compact_values_parse_as_the_general_parser_would(values: list, column: str) -> None:
    fast_problems: list = []
    payload = {"start": "2024-01-01T00:00:00Z", "interval_minutes": 60, column: values}
    _, fast, _ = readings_columns(payload, "readings", column, fast_problems)
    slow_problems: list = []
    slow = parse_numbers(
        pd.Series(values, dtype=object),
        lambda i, c: f"readings.{column}[{i}]",
        column,
        slow_problems,
        negative_ok=(column == "celsius"),
    )
    np.testing.assert_array_equal(fast, slow)
    assert [p.to_dict() for p in fast_problems] == [p.to_dict() for p in slow_problems]


def test_plain_numbers_take_the_fast_path_and_keep_their_values() -> None:
    kwh = [0.31, 2, 0.0, float("nan"), 1e-9]
    payload = {"start": "2024-01-01T00:00:00Z", "interval_minutes": 60, "kwh": kwh}
    problems: list = []
    stamps, values, _ = readings_columns(payload, "readings", "kwh", problems)
    assert not problems
    assert values.dtype == np.float64
    np.testing.assert_array_equal(values, np.array(kwh))
    assert stamps is not None and len(stamps) == len(kwh)


@given(
    st.datetimes(min_value=pd.Timestamp("1990-01-01"), max_value=pd.Timestamp("2090-01-01")),
    # both sides of the plausible dates (2000 to shortly after today): either may be refused
    st.integers(-14 * 60, 14 * 60).map(lambda m: m - m % 15),
    st.booleans(),
)
def test_a_plain_start_reads_as_the_general_parser_reads_it(when, offset_minutes, zulu) -> None:
    sign = "+" if offset_minutes >= 0 else "-"
    hours, minutes = divmod(abs(offset_minutes), 60)
    text = when.strftime("%Y-%m-%dT%H:%M:%S") + (
        "Z" if zulu else f"{sign}{hours:02d}:{minutes:02d}"
    )
    general_problems: list = []
    where = lambda i, c: "readings.start"  # noqa: E731
    general = parse_any_timestamps(
        pd.Series([text], dtype=object), where, "start", general_problems
    )
    payload = {"start": text, "interval_minutes": 60, "kwh": [1.0]}
    fast_problems: list = []
    stamps, _, _ = readings_columns(payload, "readings", "kwh", fast_problems)
    assert [p.to_dict() for p in fast_problems] == [p.to_dict() for p in general_problems]
    if general_problems:
        assert stamps is None
    else:
        assert stamps is not None
        assert stamps.iloc[0] == general.iloc[0] and stamps.dtype == general.dtype


def test_a_start_of_the_right_shape_that_is_no_instant_is_reported() -> None:
    problems: list = []
    payload = {"start": "2024-13-01T00:00:00Z", "interval_minutes": 60, "kwh": [1.0]}
    readings_columns(payload, "readings", "kwh", problems)
    assert [p.where for p in problems] == ["readings.start"]


STARTS = st.one_of(
    st.sampled_from(
        [
            "2022-01-01T00:00:00Z",
            "2022-01-01 00:00:00.5-05:30",
            "2022-06-01T12:00:00.123456789Z",
            "2022-02-30T00:00:00Z",  # no such day
            "1900-01-01T00:00:00Z",  # before the earliest plausible reading
            "2400-01-01T00:00:00Z",  # too far ahead
            "2022-01-01T00:00:00",  # no offset: refused, never guessed
            "2022-01-01T00:00Z",
        ]
    ),
    st.datetimes().map(lambda d: d.isoformat() + "Z"),
    st.text(max_size=25),
    st.integers(),
    st.none(),
)


@given(STARTS)
def test_a_start_parses_as_a_column_of_one_would(start: object) -> None:
    fast_problems: list = []
    fast = parse_timestamp(start, "readings.start", "start", fast_problems)
    slow_problems: list = []
    column = pd.Series([start], dtype=object)
    slow = parse_timestamps(column, lambda i, c: "readings.start", "start", slow_problems)[0]
    assert (fast is pd.NaT and slow is pd.NaT) or (fast == slow and fast.unit == slow.unit)
    assert [p.to_dict() for p in fast_problems] == [p.to_dict() for p in slow_problems]


@given(
    st.lists(st.floats(allow_nan=True, allow_infinity=True, width=32), max_size=30),
    st.sampled_from(["float32", "float64"]),
)
def test_a_float_column_reads_as_the_general_parser_would(values: list, dtype: str) -> None:
    """A float column (Parquet's) is read in one pass: the values, and the cells that are not
    numbers (the infinities), of the general path, and an array of its own."""
    raw = pd.Series(values, dtype=dtype)
    numbers, bad = cells._numbers_of_any(raw)  # the general path, before the problems
    np.testing.assert_array_equal(raw.to_numpy(dtype="float64", copy=True), numbers)
    np.testing.assert_array_equal(np.isinf(numbers), bad)
    problems: list = []
    parsed = parse_numbers(raw, lambda i, c: f"kwh[{i}]", "kwh", problems, negative_ok=True)
    expected = numbers.copy()
    expected[bad] = np.nan
    np.testing.assert_array_equal(parsed, expected)
    assert parsed.flags.writeable and not np.shares_memory(parsed, raw.to_numpy())
    assert [p.where for p in problems] == [f"kwh[{i}]" for i in np.flatnonzero(bad)]
