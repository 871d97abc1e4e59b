"""Trips read column-wise (recommender.io.trips) give exactly what parse_trip gives row by row:
a row taken column-wise is one parse_trip accepts with no problem, as the same Trip (value, unit,
zone); every other row is left to parse_trip, so the problems are parse_trip's."""

from __future__ import annotations

import pickle
from datetime import UTC
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recommender.domain import Trip, TripColumns
from recommender.errors import InvalidInput
from recommender.io import household_to_tables, iter_tables, parse_household, read_tables
from recommender.io import trips as trips_module
from recommender.io.trips import clean_trip_list, clean_trips
from recommender.io.validate import TRIP_FIELDS, parse_trip
from recommender.samples import sample_household_payload

STARTS = st.one_of(
    st.sampled_from(
        [
            "2024-01-02T08:00:00Z",
            "2024-01-02T08:00:00z",
            "2024-01-02T08:00:00+05:30",
            "2024-01-02T08:00:00.5-03:00",
            "2024-01-02T08:00:00.123456789Z",
            "2024-01-02T08:00:00",
            "2024-01-02 08:00:00+00:00",
            "1999-12-31T23:59:59Z",
            "2999-01-01T00:00:00Z",
            "2024-13-02T08:00:00Z",
            "2024-01-02T24:00:00Z",
            " 2024-01-02T08:00:00Z",
            "",
        ]
    ),
    st.datetimes(timezones=st.sampled_from([None, UTC])).map(pd.Timestamp),
    st.none(),
    st.integers(),
)
NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-5, 200),
    st.booleans(),
    st.none(),
    st.sampled_from(["12", "1,5", " 3 ", "nan", "", "2.0", "x", "1_000", 10**400]),
)
CHOICES = st.one_of(
    st.sampled_from(["car_petrol", "train", "bus", "commute", "leisure", "Car", ""]),
    st.none(),
    st.integers(),
)


@st.composite
def trip_items(draw: Any) -> object:
    if draw(st.integers(0, 20)) == 0:
        return draw(st.one_of(st.none(), st.text(max_size=3), st.lists(st.integers(), max_size=2)))
    item = {
        "start": draw(STARTS),
        "distance_km": draw(NUMBERS),
        "mode": draw(CHOICES),
        "purpose": draw(CHOICES),
    }
    if draw(st.booleans()):
        item["passengers"] = draw(NUMBERS)
    if draw(st.integers(0, 10)) == 0:
        item["speed"] = 3
    if draw(st.integers(0, 10)) == 0:
        del item["mode"]
    return item


def same_trip(a: Any, b: Any) -> bool:
    return a == b and (a.start.unit, repr(a.start.tz)) == (b.start.unit, repr(b.start.tz))


@settings(max_examples=300, deadline=None)
@given(st.lists(trip_items(), min_size=1, max_size=12))
def test_a_row_read_column_wise_is_what_parse_trip_gives_without_a_problem(items: list) -> None:
    read = clean_trip_list(items)
    assert read is not None
    clean = read.trips()
    assert len(clean) == len(items)
    for item, trip in zip(items, clean, strict=True):
        if trip is None:
            continue
        problems: list = []
        expected = parse_trip(item, lambda f: f, problems)
        assert problems == []
        assert same_trip(trip, expected)


def test_plain_trips_are_read_column_wise() -> None:
    """The sample's trips (plain, as a partner app sends them) all take the column-wise path."""
    items = sample_household_payload()["trips"]
    clean = clean_trip_list(items)
    assert clean is not None and clean.clean.all()


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_trips_table_columns_give_parse_trip_trips(tmp_path, fmt) -> None:
    """Typed columns (Parquet: an aware datetime column, int passengers) and text columns (CSV)."""
    items = sample_household_payload()["trips"][:30]
    frame = pd.DataFrame(items)
    frame["start"] = pd.to_datetime(frame["start"], format="ISO8601")
    path = tmp_path / f"trips.{fmt}"
    frame.to_parquet(path) if fmt == "parquet" else frame.to_csv(path, index=False)
    read = pd.read_parquet(path) if fmt == "parquet" else pd.read_csv(path, dtype=str)
    clean = clean_trips({c: read[c] for c in TRIP_FIELDS}, len(read)).trips()
    for i, trip in enumerate(clean):
        assert trip is not None
        record = {
            k: (v.item() if isinstance(v, np.generic) else v) for k, v in read.iloc[i].items()
        }
        problems: list = []
        assert same_trip(trip, parse_trip(record, lambda f: f, problems)) and problems == []


def test_bad_trips_are_named_in_row_order_among_good_ones() -> None:
    """The JSON list and the trips table name each bad row as parse_trip does, in row order."""
    payload = sample_household_payload()
    trips = [dict(t) for t in payload["trips"][:6]]
    trips[1]["distance_km"] = -3
    trips[4]["start"] = "2024-01-02T08:00:00"
    trips[4]["mode"] = "rocket"
    with pytest.raises(InvalidInput) as err:
        parse_household({**payload, "trips": trips})
    assert [p.where for p in err.value.problems] == [
        "trips[1].distance_km",
        "trips[4].start",
        "trips[4].mode",
    ]
    assert "-3 is negative" in err.value.problems[0].problem
    assert "no UTC offset" in err.value.problems[1].problem


def test_bad_trips_rows_in_a_table_are_named_by_row() -> None:
    household = parse_household(sample_household_payload())
    tables = household_to_tables(household)
    trips = tables["trips"].astype(object)
    trips.loc[2, "passengers"] = 1.5
    trips.loc[5, "purpose"] = "Commute"
    batch = read_tables(tables["households"], tables["readings"], trips)
    assert batch.households == []
    [(hid, error)] = batch.failures
    assert [(p.where, p.problem) for p in error.problems] == [
        ("trips row 3, column passengers", "1.5 is not a whole number"),
        ("trips row 6, column purpose", "unknown trip purpose 'Commute' (did you mean 'commute'?)"),
    ]


def _row_by_row(items: list[dict[str, Any]]) -> tuple[Trip, ...]:
    """What parse_trip gives each item, in time order (equal starts in their given order)."""
    trips = [parse_trip(item, lambda f: f, []) for item in items]
    return tuple(sorted((t for t in trips if t is not None), key=lambda t: t.start))


def test_plain_trips_reach_the_household_as_columns_of_parse_trips_values() -> None:
    payload = sample_household_payload()
    items = list(reversed(payload["trips"]))  # out of order: the reader sorts them
    items.append(dict(items[0]))  # the same start twice: a stable sort keeps both in order
    household = parse_household({**payload, "trips": items})
    assert isinstance(household.trips, TripColumns)
    expected = _row_by_row(items)
    assert len(household.trips) == len(expected)
    got = tuple(household.trips)
    assert all(same_trip(a, b) for a, b in zip(got, expected, strict=True))
    assert household.trips == expected and expected == household.trips
    assert same_trip(household.trips[-1], expected[-1])
    assert household.trips[2:5] == expected[2:5]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_a_trips_table_reaches_the_household_as_the_same_columns(tmp_path, fmt) -> None:
    household = parse_household(sample_household_payload())
    tables = household_to_tables(household)
    paths = {}
    for name, frame in tables.items():
        paths[name] = tmp_path / f"{name}.{fmt}"
        frame.to_parquet(paths[name]) if fmt == "parquet" else frame.to_csv(
            paths[name], index=False
        )
    [read] = read_tables(paths["households"], paths["readings"], paths["trips"]).households
    assert isinstance(read.trips, TripColumns)
    assert read.trips == household.trips


def test_a_household_with_a_trip_not_read_column_wise_gets_trip_objects() -> None:
    """A start parse_trip accepts but the column reader leaves to it (nanoseconds)."""
    payload = sample_household_payload()
    items = [dict(t) for t in payload["trips"][:5]]
    items[3]["start"] = items[3]["start"].replace(":00+00:00", ":00.123456789+00:00")
    household = parse_household({**payload, "trips": items})
    assert isinstance(household.trips, tuple)
    assert household.trips == _row_by_row(items)


def test_trip_columns_are_read_only() -> None:
    trips = parse_household(sample_household_payload()).trips
    assert isinstance(trips, TripColumns)
    with pytest.raises(ValueError, match="read-only"):
        trips.distance_km[0] = 1.0


def test_trip_columns_survive_pickling_read_only() -> None:
    """As a batch worker receives them."""
    trips = parse_household(sample_household_payload()).trips
    copy = pickle.loads(pickle.dumps(trips))
    assert isinstance(copy, TripColumns) and copy == trips
    assert not copy.passengers.flags.writeable


@given(st.lists(CHOICES, max_size=30))
def test_a_column_s_choices_are_its_cells_choices(cells: list[Any]) -> None:
    """A table's column (its distinct cells looked up once) gives each cell's choice, and which
    cells are one, as the cells one by one and ``pd.notna`` do."""
    choices = ("car_petrol", "train", "bus", "commute", "leisure")
    one_by_one = [c if isinstance(c, str) and c in choices else None for c in cells]
    columns = [pd.Series(cells, dtype=object), np.array(cells, dtype=object)]
    if all(isinstance(c, str) for c in cells):
        columns.append(pd.Series(cells, dtype="str"))
    for column in [*columns, cells]:
        values, is_one = trips_module._choice(column, choices)
        assert values.dtype == object and values.tolist() == one_by_one
        assert is_one.dtype == bool and is_one.tolist() == pd.notna(values).tolist()


def test_trips_read_with_their_dictionaries_read_as_the_whole_table(tmp_path) -> None:
    """iter_tables reads a Parquet trips file's modes and purposes with their dictionaries (a
    categorical per row group): the same trips and the same problems as read_tables, which reads
    the texts, with bad modes and purposes among good ones across row groups."""
    household = parse_household(sample_household_payload())
    tables = household_to_tables(household)
    trips = tables["trips"].astype({"mode": object, "purpose": object})
    trips.loc[3, "mode"] = "rocket"
    trips.loc[40, "mode"] = " train"
    trips.loc[41, "purpose"] = None
    trips.loc[77, "mode"] = ""
    paths = {name: tmp_path / f"{name}.parquet" for name in tables}
    for name, frame in {**tables, "trips": trips}.items():
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), paths[name], 30)
    args = (paths["households"], paths["readings"], paths["trips"])
    whole = read_tables(*args)
    [streamed] = iter_tables(*args)
    assert streamed.households == whole.households == []
    assert [(h, e.problems) for h, e in streamed.failures] == [
        (h, e.problems) for h, e in whole.failures
    ]
    assert len(whole.failures[0][1].problems) == 4
    clean_path = tmp_path / "clean_trips.parquet"
    pq.write_table(pa.Table.from_pandas(tables["trips"], preserve_index=False), clean_path, 30)
    [batch] = iter_tables(*args[:2], clean_path)
    [read] = batch.households
    assert isinstance(read.trips, TripColumns) and read.trips == household.trips


@given(st.lists(st.integers(-30, 29), max_size=40))
def test_trip_columns_taken_at_positions_are_the_rows_indexed(positions: list[int]) -> None:
    """CleanTrips.columns takes the start column at positions (``take``): what indexing the
    DatetimeIndex by them gives (negative, repeated and unsorted positions too)."""
    clean = clean_trip_list(sample_household_payload()["trips"][:30])
    assert clean is not None
    rows = np.array(positions, dtype=np.int64)
    taken = clean.columns(rows)
    pd.testing.assert_index_equal(taken.start, clean.start[rows], exact=True)
    assert taken.start.freq is None and taken == tuple(clean.columns(slice(None)).take(rows))
