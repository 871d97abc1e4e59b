"""The timestamp cells' shortcuts decide what the general pandas comparisons decide.

* :func:`cells._implausible` and :func:`cells.plausible_instants` (int64 ticks in the column's
  unit, bounds rounded inwards) against comparing the column with the plausible-date Timestamps,
  in every unit, at the bounds and at years nanoseconds cannot hold.
* :func:`cells._aware_timestamps` of a column with nothing to blank out (which skips the
  ``where``) against the same column through the ``where``.
"""

from __future__ import annotations

from collections.abc import Iterator
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from recommender.errors import Problem
from recommender.io import cells, schema

_PER_TICK = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}
# fixed bounds: the latest plausible date moves with the clock, between two calls of a test
_BOUNDS = (pd.Timestamp(schema.EARLIEST_TIMESTAMP), pd.Timestamp("2026-12-03T03:20:00.123456Z"))


@pytest.fixture(autouse=True)
def _fixed_bounds() -> Iterator[None]:
    with mock.patch.object(schema, "plausible_dates", lambda: _BOUNDS):
        yield


def _column(ticks: list[int | None], unit: str, tz: str = "UTC") -> pd.Series:
    nat = np.iinfo(np.int64).min
    raw = np.array([nat if t is None else t for t in ticks], dtype=np.int64)
    index = pd.DatetimeIndex(raw.view(f"datetime64[{unit}]")).tz_localize("UTC")
    return pd.Series(index.tz_convert(tz))


def _by_comparison(stamps: pd.Series) -> np.ndarray:
    """The rule as written before: the column compared with the bound Timestamps."""
    earliest, latest = schema.plausible_dates()
    return (stamps.notna() & ((stamps < earliest) | (stamps > latest))).to_numpy()


def _near_bounds(unit: str) -> st.SearchStrategy[int | None]:
    """Ticks a few units either side of each bound, anywhere in the unit's range, or NaT."""
    earliest, latest = _BOUNDS
    per = _PER_TICK[unit]
    bounds = [earliest.value // per, latest.value // per, (latest.value + per - 1) // per]
    near = st.builds(lambda b, d: b + d, st.sampled_from(bounds), st.integers(-3, 3))
    limit = np.iinfo(np.int64).max if unit == "ns" else 253_402_300_799 * 10**9 // per
    return st.one_of(near, st.integers(-limit, limit), st.none())


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
@given(data=st.data())
def test_implausible_ticks_decide_as_timestamps_compare(unit: str, data: st.DataObject) -> None:
    ticks = data.draw(st.lists(_near_bounds(unit), max_size=20))
    tz = data.draw(st.sampled_from(["UTC", "Europe/London", "Asia/Tokyo"]))
    stamps = _column(ticks, unit).dt.tz_convert(tz)
    assert cells._implausible(stamps).tolist() == _by_comparison(stamps).tolist()
    earliest, latest = schema.plausible_dates()
    index = pd.DatetimeIndex(stamps)
    within = index.notna() & (index >= earliest) & (index <= latest)
    assert cells.plausible_instants(index).tolist() == within.tolist()
    assert cells.plausible_instants(stamps).tolist() == within.tolist()


def _through_where(raw: pd.Series) -> pd.Series:
    """The general ending of _aware_timestamps: blank the implausible rows, then nanoseconds."""
    utc = raw.dt.tz_convert("UTC")
    keep = ~pd.Series(cells._implausible(utc), index=utc.index)
    return utc.where(keep).astype("datetime64[ns, UTC]")


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
@pytest.mark.parametrize("tz", ["UTC", "Europe/London"])
def test_a_clean_aware_column_reads_as_through_where(meter0, unit: str, tz: str) -> None:
    """Real readings' instants (the bundled sample), with nothing to blank out, in each unit."""
    ticks = (meter0.index.as_unit("s").asi8 * (10**9 // _PER_TICK[unit])).tolist()
    raw = _column(ticks, unit, tz).rename("timestamp")
    problems: list[Problem] = []
    fast = cells._aware_timestamps(raw, lambda i, c: f"row {i}", "timestamp", problems)
    assert problems == []
    pd.testing.assert_series_equal(fast, _through_where(raw))
    assert fast.array.asi8.tobytes() == _through_where(raw).array.asi8.tobytes()


@pytest.mark.parametrize("unit", ["ms", "us"])
@given(data=st.data())
def test_aware_columns_read_as_through_where(unit: str, data: st.DataObject) -> None:
    ticks = data.draw(
        st.lists(_near_bounds(unit), min_size=1, max_size=schema.MAX_PROBLEMS_PER_KIND)
    )
    raw = _column(ticks, unit)
    problems: list[Problem] = []
    fast = cells._aware_timestamps(raw, lambda i, c: f"row {i}", "timestamp", problems)
    pd.testing.assert_series_equal(fast, _through_where(raw))
    named = {p.where for p in problems}
    blank = raw.isna().to_numpy() | cells._implausible(raw)
    assert len(problems) == int(blank.sum()) and len(named) == len(problems)
