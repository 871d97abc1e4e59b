"""The half-hours a run's grid intensity averages over: a run within one half-hour (an answer)
takes a shortcut, which must give the slots the range gave."""

from __future__ import annotations

from datetime import UTC, timedelta, timezone

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from recommender.footprint.intensity import MAX_SLOTS, _slots


def reference(start: pd.Timestamp, end: pd.Timestamp) -> list[pd.Timestamp]:
    """``_slots`` before the shortcut (until commit 95596b8)."""
    first, last = start.floor("30min"), end.floor("30min")
    slots = list(pd.date_range(first, last, freq="30min"))
    if len(slots) > MAX_SLOTS:
        step = len(slots) / MAX_SLOTS
        slots = [slots[int(i * step)] for i in range(MAX_SLOTS)]
    return slots


ZONES = st.sampled_from([UTC, "UTC", timezone(timedelta(hours=1)), None])
UNITS = st.sampled_from(["s", "ms", "us", "ns"])
STARTS = st.builds(
    lambda ns, unit, tz: pd.Timestamp(ns, unit="ns", tz=tz).as_unit(unit),
    st.integers(1_600_000_000 * 10**9, 1_900_000_000 * 10**9),
    UNITS,
    ZONES,
)


@settings(max_examples=500, deadline=None)
@given(STARTS, st.integers(0, 5 * 3600 * 10**9), UNITS, st.booleans())
def test_the_slots_are_the_ranges(start, length_ns, unit, same_unit) -> None:
    end = (start + pd.Timedelta(length_ns, unit="ns")).as_unit(start.unit if same_unit else unit)
    got, want = _slots(start, end), reference(start, end)
    assert got == want
    assert [(s.unit, s.tzinfo) for s in got] == [(s.unit, s.tzinfo) for s in want]


def test_a_run_of_a_few_milliseconds_has_its_one_half_hour() -> None:
    start = pd.Timestamp("2024-05-01T08:29:59.995", tz="UTC")
    assert _slots(start, start + pd.Timedelta("4ms")) == [pd.Timestamp("2024-05-01T08:00Z")]
    assert len(_slots(start, start + pd.Timedelta("6ms"))) == 2
