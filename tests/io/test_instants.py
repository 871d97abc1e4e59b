"""A column of plain instants of one width is read from its bytes (recommender.io.instants); it must
read exactly the columns that the whole-column path before it read (an Arrow regex pass for the
plain form, then ``pd.to_datetime(..., format="ISO8601")``), to the same instants."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st

from recommender.io import instants, schema
from recommender.io.cells import plain_instants
from recommender.io.instants import fixed_width_instants
from recommender.samples import sample_household_payload

# Each field's range and the wider range it is now and then drawn from (month 13, hour 24, ...)
FIELDS = {
    "year": ((1970, 2200), (0, 9999)),
    "month": ((1, 12), (0, 99)),
    "day": ((1, 31), (0, 99)),
    "hour": ((0, 23), (0, 99)),
    "minute": ((0, 59), (0, 99)),
    "second": ((0, 59), (0, 99)),
    "offset_hours": ((0, 23), (0, 99)),
    "offset_minutes": ((0, 59), (0, 99)),
}


@st.composite
def layouts(draw) -> tuple[str, int, str]:
    """How a column writes its instants: the date-time separator, the fraction's digits (-1:
    none, 0: a bare point) and the offset's shape."""
    between = draw(st.sampled_from(["T", "T", "T", " ", " ", "t", "_"]))
    fraction_digits = draw(st.sampled_from([-1, -1, -1, *range(11)]))
    offset = draw(st.sampled_from(["Z", "Z", "z", "", "+HH:MM", "+HH:MM", "+HH:MM", "+HHMM"]))
    return between, fraction_digits, offset


@st.composite
def near_instants(draw, layout: tuple[str, int, str]) -> str:
    """A text in ``layout``, now and then with one field out of its range."""
    between, fraction_digits, offset = layout
    wide = draw(st.sampled_from([*[None] * 8, *FIELDS]))
    value = {
        name: draw(st.integers(*(edges if name == wide else valid)))
        for name, (valid, edges) in FIELDS.items()
    }
    date = f"{value['year']:04d}-{value['month']:02d}-{value['day']:02d}"
    time = f"{value['hour']:02d}:{value['minute']:02d}:{value['second']:02d}"
    digits = st.text("0123456789", min_size=fraction_digits, max_size=fraction_digits)
    fraction = "" if fraction_digits < 0 else "." + draw(digits)
    if offset.startswith("+"):
        offset = offset.replace("+", draw(st.sampled_from(["+", "-", "-", "~"])))
        offset = offset.replace("HH", f"{value['offset_hours']:02d}")
        offset = offset.replace("MM", f"{value['offset_minutes']:02d}")
    return f"{date}{between}{time}{fraction}{offset}"


@st.composite
def columns(draw) -> list:
    """A column of one layout (the shape the byte path reads), now and then with another
    cell: an instant of another layout, None, a number, any text."""
    layout = draw(layouts())
    cells = draw(st.lists(near_instants(layout), min_size=1, max_size=6))
    other = st.one_of(
        layouts().flatmap(near_instants), st.none(), st.integers(), st.text(max_size=25)
    )
    if draw(st.integers(0, 3)) == 0:
        cells.insert(draw(st.integers(0, len(cells))), draw(other))
    return cells


def before(cells: list, max_fraction_digits: int) -> pd.DatetimeIndex | None:
    """What the readers did before the byte path: every cell plain (the schema's pattern), then
    one to_datetime of the column; None when some cell is not plain."""
    pattern = re.compile(schema.plain_instant_pattern(max_fraction_digits))
    if not all(isinstance(c, str) and pattern.fullmatch(c) for c in cells):
        return None
    objects = np.asarray(cells, dtype=object)
    return pd.DatetimeIndex(pd.to_datetime(objects, utc=True, errors="coerce", format="ISO8601"))


@settings(max_examples=1000, deadline=None)
@given(columns(), st.sampled_from([6, 9]))
# one width, two layouts: the byte path leaves it to the general readers (found by a random run)
@example(["1970-01-01T00:00:00.000000Z", "1970-01-01T00:00:00.0+00:00"], 9)
def test_bytes_read_exactly_what_to_datetime_reads_to_the_same_instants(
    cells: list, max_fraction_digits: int
) -> None:
    read = fixed_width_instants(cells, max_fraction_digits)
    expected = before(cells, max_fraction_digits)
    readable = (
        expected is not None
        and not expected.hasnans
        and len({re.sub(r"\d", "0", cell) for cell in cells}) == 1  # one width and layout
        and ((expected.year >= 1970) & (expected.year <= 2200)).all()
    )
    if read is None:
        assert not readable, cells
    else:
        assert expected is not None and not expected.hasnans, cells
        assert read.tolist() == expected.as_unit("ns").asi8.tolist(), cells


@settings(max_examples=200, deadline=None)
@given(columns(), st.sampled_from([6, 9]))
def test_plain_instants_are_those_of_the_path_before(cells: list, max_fraction_digits: int) -> None:
    """Byte path or not, plain_instants gives what the whole-column path gave."""
    got = plain_instants(cells, max_fraction_digits)
    expected = before(cells, max_fraction_digits)
    if expected is None:
        assert got is None
    elif fixed_width_instants(cells, max_fraction_digits) is None:  # the path before itself
        assert got is not None
        pd.testing.assert_index_equal(got, expected)
    else:  # the same instants, in nanoseconds (the unit the readers convert to)
        assert got is not None and str(got.tz) == "UTC"
        assert got.as_unit("ns").asi8.tolist() == expected.as_unit("ns").asi8.tolist()


def test_a_real_meter_column_is_read_from_its_bytes() -> None:
    """The sample's real temperature stamps (23,508 of one width) take the byte path."""
    texts = [t["timestamp"] for t in sample_household_payload()["temperature"]]
    read = fixed_width_instants(texts)
    assert read is not None
    expected = pd.to_datetime(np.asarray(texts, dtype=object), utc=True, format="ISO8601")
    assert read.tolist() == expected.as_unit("ns").asi8.tolist()


def test_a_long_column_is_read_run_by_run(monkeypatch) -> None:
    """Runs of another width (here of 4 cells) read as the whole column does."""
    monkeypatch.setattr(instants, "_ROWS_AT_ONCE", 4)
    texts = [t["timestamp"] for t in sample_household_payload()["temperature"][:10]]
    texts[4:8] = [t.replace("+00:00", "Z") for t in texts[4:8]]
    read = fixed_width_instants(texts)
    expected = pd.to_datetime(np.asarray(texts, dtype=object), utc=True, format="ISO8601")
    assert read is not None and read.tolist() == expected.as_unit("ns").asi8.tolist()
    texts[5] = texts[0]  # two widths in one run
    assert fixed_width_instants(texts) is None


def test_columns_off_the_plain_form_are_left_to_the_general_readers() -> None:
    good = "2024-03-31T01:30:00+01:00"
    for cells in (
        [good, "2024-03-31T01:30:00Z"],  # two widths
        [good, "2024-02-30T01:30:00+01:00"],  # no such day
        [good, "2024-03-31T24:00:00+01:00"],  # hour 24
        [good, "2024-03-31T01:30:60+01:00"],  # a leap second
        [good, "2024-03-31T01:30:00+24:00"],  # no such offset
        [good, "2024-03-31T01:30:00+01:0x"],
        ["2024-03-31T01:30:00.1234567Z"],  # more fraction digits than asked for (6)
        [good, None],
        ["2024-03-31T01:30:00"],  # naive: never guessed
        [],
    ):
        assert fixed_width_instants(cells, max_fraction_digits=6) is None, cells
