"""The list form of a series (``[{"timestamp", "kwh"}, ...]``) and plain hourly temperatures take
a path of whole arrays; it must give exactly what the general path gives: values, stamps and
problems (text, order and caps) alike, for any input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recommender.errors import InvalidInput
from recommender.io import parse_household_json, schema
from recommender.io.cells import parse_any_timestamps, parse_numbers, parse_timestamps
from recommender.io.readings import _list_rows, _where_list, readings_columns
from recommender.io.temperature import hourly_temperature, normalise_temperature
from recommender.samples import sample_household_payload

STAMPS = st.one_of(
    st.integers(0, 400).map(
        lambda h: (pd.Timestamp("2024-01-01T00:00:00Z") + pd.Timedelta(hours=h)).isoformat()
    ),
    st.sampled_from(
        [
            "2024-01-01T00:00:00Z",
            "2024-01-01T00:00:00z",
            "2024-01-01 01:00:00+01:00",
            "2024-01-01T00:30:00.123456789-05:30",
            "2024-01-01T00:00:00",
            "1999-12-31T23:00:00Z",
            "2999-01-01T00:00:00Z",
            "2024-02-30T00:00:00Z",
            "",
            "  ",
            "yesterday",
        ]
    ),
    st.none(),
    st.integers(),
    st.booleans(),
)
VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**6), 10**6),
    st.just(10**400),
    st.booleans(),
    st.none(),
    st.sampled_from(["0.3", "1,5", ""]),
)


@st.composite
def items(draw, column: str) -> object:
    roll = draw(st.integers(0, 30))
    if roll == 0:
        return draw(st.one_of(st.none(), st.text(max_size=2), st.integers()))
    item = {"timestamp": draw(STAMPS), column: draw(VALUES)}
    if roll == 1:
        del item[column]
    elif roll == 2:
        item["kWh"] = 1.0
    return item


def general(raw: list, column: str) -> tuple[pd.Series, np.ndarray, list]:
    """The list form read item by item: what readings_columns gave before its array path."""
    problems: list = []
    where = _where_list("readings")
    rows = _list_rows(raw, "readings", column, where, problems)
    stamps = parse_any_timestamps(
        pd.Series([r.get("timestamp") for r in rows], dtype=object), where, "timestamp", problems
    )
    values = parse_numbers(
        pd.Series([r.get(column) for r in rows], dtype=object),
        where,
        column,
        problems,
        negative_ok=(column == "celsius"),
    )
    return stamps, values, problems


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["kwh", "celsius"]), st.data())
def test_the_list_form_reads_as_the_general_path_reads_it(column: str, data) -> None:
    raw = data.draw(st.lists(items(column), min_size=1, max_size=30))
    problems: list = []
    stamps, values, _ = readings_columns(raw, "readings", column, problems)
    expected_stamps, expected_values, expected_problems = general(raw, column)
    assert [p.to_dict() for p in problems] == [p.to_dict() for p in expected_problems]
    np.testing.assert_array_equal(values, expected_values)
    pd.testing.assert_series_equal(stamps, expected_stamps)


def test_many_plain_rows_take_the_array_path_and_agree() -> None:
    """The sample's real temperatures (23,508 list items): no problem, same stamps and values."""
    raw = sample_household_payload()["temperature"]
    problems: list = []
    stamps, values, _ = readings_columns(raw, "temperature", "celsius", problems)
    expected_stamps, expected_values, expected_problems = general(raw, "celsius")
    assert problems == expected_problems == []
    np.testing.assert_array_equal(values, expected_values)
    pd.testing.assert_series_equal(stamps, expected_stamps)


@settings(max_examples=300, deadline=None)
@given(st.lists(STAMPS, min_size=1, max_size=80), st.booleans())
def test_a_column_of_timestamps_reads_as_the_general_parser_reads_it(texts, typed) -> None:
    """parse_timestamps' whole-column path (object cells, or a text column as CSV gives)."""
    column = pd.Series(texts, dtype=object)
    if typed and all(isinstance(t, str) for t in texts):
        column = column.astype("str")
    where = _where_list("readings")
    problems: list = []
    stamps = parse_timestamps(column, where, "timestamp", problems)
    expected_problems: list = []
    expected = parse_any_timestamps(column, where, "timestamp", expected_problems)
    assert [p.to_dict() for p in problems] == [p.to_dict() for p in expected_problems]
    pd.testing.assert_series_equal(stamps, expected)


def test_problems_past_the_cap_are_counted_as_before() -> None:
    raw = [
        {"timestamp": f"2024-01-01T{h:02d}:00:00", "kwh": -1.0 if h % 2 else 0.5} for h in range(24)
    ]
    problems: list = []
    readings_columns(raw, "readings", "kwh", problems)
    expected = general(raw, "kwh")[2]
    assert [p.to_dict() for p in problems] == [p.to_dict() for p in expected]
    assert len(problems) == 2 * (schema.MAX_PROBLEMS_PER_KIND + 1)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from([60, 60, 60, 60, 30, 0, 90, 120]), min_size=0, max_size=40),
    st.sampled_from([0, 0, 15]),
    st.data(),
)
def test_temperature_on_the_hours_is_what_the_general_path_gives(steps, first_minute, data):
    minutes = np.cumsum([first_minute, *steps])
    stamps = pd.Series(
        pd.Timestamp("2024-03-01T00:00:00Z") + pd.to_timedelta(minutes, unit="min")
    ).astype("datetime64[ns, UTC]")
    celsius = np.array(
        data.draw(
            st.lists(
                st.one_of(st.floats(-70, 70), st.just(-0.0), st.just(float("nan")), st.just(61.0)),
                min_size=len(stamps),
                max_size=len(stamps),
            )
        ),
        dtype="float64",
    )
    where = _where_list("temperature")
    fast_problems: list = []
    fast, fast_warnings = normalise_temperature(
        stamps, celsius, where=where, problems=fast_problems
    )
    slow_problems: list = []
    slow, slow_warnings = hourly_temperature(stamps, celsius, where=where, problems=slow_problems)
    assert [p.to_dict() for p in fast_problems] == [p.to_dict() for p in slow_problems]
    assert fast_warnings == slow_warnings
    if slow is None:
        assert fast is None
    else:
        assert fast is not None
        pd.testing.assert_series_equal(fast, slow)
        assert fast.index.freq == slow.index.freq
        np.testing.assert_array_equal(np.signbit(fast.to_numpy()), np.signbit(slow.to_numpy()))


def test_numbers_too_large_for_a_float_are_named_not_raised() -> None:
    problems: list = []
    raw = [{"timestamp": "2024-01-01T00:00:00Z", "kwh": 10**400}]
    _, values, _ = readings_columns(raw, "readings", "kwh", problems)
    assert np.isnan(values[0])
    assert [(p.where, p.problem) for p in problems] == [
        ("readings[0].kwh", "a 401-digit number is too large (at most about 1.8e308)")
    ]
    with pytest.raises(InvalidInput) as err:
        parse_household_json('{"household_id": 1' + "0" * 5000 + "}")
    assert err.value.problems[0].problem == "a number with thousands of digits"
