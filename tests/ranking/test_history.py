"""history_counts reads a history exactly as normalise_history does (fast for clean input)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recommender.errors import InvalidInput
from recommender.feedback import EVENT_TYPES, history_from_events
from recommender.ranking.history import history_counts, normalise_history

COUNT = st.one_of(
    st.integers(-1, 4), st.sampled_from(["2", "x", 1.5, 2.0, True, None, float("nan")])
)


@st.composite
def mappings(draw):
    """Histories as mappings, clean or not: counts given or left out, of any type."""
    ids = draw(st.lists(st.sampled_from(["a", "b", "c", "d"]), unique=True, max_size=4))
    names = draw(st.sets(st.sampled_from(EVENT_TYPES)))
    ragged = draw(st.booleans())  # some rows leave out names other rows give
    status = draw(st.sampled_from([None, "all", "some"]))
    out = {}
    for i, action_id in enumerate(ids):
        row = {n: draw(COUNT) for n in names if not (ragged and i % 2 and n == min(names))}
        if status == "all" or (status == "some" and i % 2):
            row["status"] = draw(st.sampled_from(["accepted", "done", "dismissed", "shown"]))
        if draw(st.booleans()):
            row["action_kind"] = draw(st.sampled_from([None, "travel_mode", "tariff_switch"]))
        out[action_id] = row
    return out


def _as_read(frame: pd.DataFrame) -> tuple[dict, dict, dict]:
    """A normalised history frame as history_counts answers it (counts, kind, status)."""
    counts = {i: tuple(int(row[n]) for n in EVENT_TYPES) for i, row in frame.iterrows()}
    kind = {i: None if pd.isna(k) else k for i, k in frame["action_kind"].items()}
    return counts, kind, dict(frame["status"].items())


def _same_reading(history) -> None:
    try:
        expected = _as_read(normalise_history(history))
    except InvalidInput as error:
        with pytest.raises(InvalidInput) as raised:
            history_counts(history)
        assert raised.value.problems == error.problems
        return
    read = history_counts(history)
    assert (read.counts, read.kind, read.status) == expected


@settings(max_examples=300, deadline=None)
@given(mappings())
def test_mappings_and_their_frames_read_as_normalise_history_reads_them(history):
    _same_reading(history)
    _same_reading(pd.DataFrame.from_dict(history, orient="index"))


def test_the_stores_history_frame_reads_as_normalise_history_reads_it():
    t0 = datetime(2024, 6, 1, tzinfo=UTC)
    rows = [
        ("wash-30", "home_efficiency", "shown"),
        ("wash-30", "home_efficiency", "dismissed"),
        ("tou-tariff", "tariff_switch", "shown"),
        ("tou-tariff", None, "accepted"),
        ("tou-tariff", None, "done"),
        ("line-dry", None, "shown"),
    ]
    events = pd.DataFrame(
        [
            {
                "household_id": "h",
                "action_id": a,
                "action_kind": k,
                "event_type": e,
                "timestamp": t0 + timedelta(days=n),
            }
            for n, (a, k, e) in enumerate(rows)
        ]
    )
    history = history_from_events(events)
    _same_reading(history)
    _same_reading(history.drop(columns=["status", "action_kind"]))
    _same_reading(history.astype({"shown": float}))  # not clean: through normalise_history
    _same_reading(history_from_events(events.iloc[:0]))
    assert history_counts(history).in_progress() == {"tou-tariff"}


def test_a_history_naming_an_action_twice_is_refused():
    history = pd.DataFrame(
        {"shown": [1, 2], "accepted": [0, 0], "dismissed": [0, 1], "done": [0, 0]},
        index=["wash-30", "wash-30"],
    )
    with pytest.raises(InvalidInput) as info:
        history_counts(history)
    assert [p.where for p in info.value.problems] == ["history"]
    assert "wash-30" in info.value.problems[0].problem
