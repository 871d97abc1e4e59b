"""FeedbackStore on a real SQLite file: validation, idempotence, events and history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from recommender.errors import InvalidInput
from recommender.feedback import (
    EVENT_COLUMNS,
    FeedbackEvent,
    FeedbackStore,
    history_from_events,
    validate_event,
)
from recommender.feedback.history import history_of, tally
from recommender.ranking.history import history_counts

T0 = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)


def ev(event_type: str = "shown", action_id: str = "standby", minutes: int = 0, **extra):
    return {
        "household_id": "h-1",
        "action_id": action_id,
        "event_type": event_type,
        "timestamp": T0 + timedelta(minutes=minutes),
        **extra,
    }


@pytest.fixture()
def store(tmp_path):
    s = FeedbackStore(f"sqlite:///{tmp_path / 'feedback.sqlite3'}")
    yield s
    s.close()


def test_record_and_read_back(store):
    assert store.record(ev("shown", action_kind="home_efficiency", context={"kind": "x"}))
    assert store.record(ev("dismissed", minutes=5))
    frame = store.events()
    assert list(frame.columns) == list(EVENT_COLUMNS)
    assert list(frame["event_type"]) == ["shown", "dismissed"]
    assert frame["timestamp"].iloc[1] == pd.Timestamp(T0 + timedelta(minutes=5))
    assert str(frame["timestamp"].dt.tz) == "UTC"
    assert frame["context"].iloc[0] == {"kind": "x"}
    assert frame["context"].iloc[1] is None


def test_forget_deletes_one_households_events_and_no_others(store):
    store.record_many(
        [ev("shown"), ev("accepted", minutes=1), ev("shown") | {"household_id": "h-2"}]
    )
    assert store.forget("h-1") == 2
    assert store.events("h-1").empty and store.history("h-1").empty
    assert list(store.events()["household_id"]) == ["h-2"]
    assert store.forget("h-1") == 0


def test_timestamps_with_other_offsets_are_stored_in_utc(store):
    paris = timezone(timedelta(hours=2))
    store.record(ev("accepted") | {"timestamp": datetime(2024, 5, 1, 10, 0, tzinfo=paris)})
    assert store.events()["timestamp"].iloc[0] == pd.Timestamp(T0)
    # the same instant written with another offset is the same event
    assert store.record(ev("accepted")) is False


def test_duplicates_are_idempotent(store):
    assert store.record(ev("shown", event_id="e-1")) is True
    assert store.record(ev("shown", event_id="e-1")) is False  # same event id
    assert store.record(ev("shown")) is False  # same household, action, type, timestamp
    assert store.record(ev("shown", event_id="e-2", minutes=1)) is True
    assert store.record_many([ev("done", minutes=9), ev("done", minutes=9)]) == 1
    assert len(store.events()) == 3


def test_store_persists_in_the_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'f.sqlite3'}"
    first = FeedbackStore(url)
    first.record(ev("accepted"))
    first.close()
    again = FeedbackStore(url)
    assert len(again.events()) == 1
    assert again.record(ev("accepted")) is False
    again.close()


def test_invalid_event_names_every_bad_field(store):
    with pytest.raises(InvalidInput) as info:
        store.record(
            {
                "household_id": "",
                "event_type": "clicked",
                "timestamp": datetime(2024, 5, 1, 8, 0),  # naive
                "colour": "red",
            }
        )
    where = {p.where for p in info.value.problems}
    assert where == {
        "events[0].household_id",
        "events[0].action_id",
        "events[0].event_type",
        "events[0].timestamp",
        "events[0].colour",
    }
    assert any("no time zone" in p.problem for p in info.value.problems)
    assert store.events().empty


def test_unparseable_timestamp_and_bad_context(store):
    with pytest.raises(InvalidInput) as info:
        validate_event(ev() | {"timestamp": "yesterday", "context": ["not", "a", "mapping"]})
    assert {p.where for p in info.value.problems} == {"timestamp", "context"}


def test_record_many_writes_nothing_when_one_event_is_bad(store):
    with pytest.raises(InvalidInput) as info:
        store.record_many([ev("shown"), ev("accepted") | {"event_type": "liked"}])
    assert [p.where for p in info.value.problems] == ["events[1].event_type"]
    assert store.events().empty


def test_event_objects_are_accepted(store):
    event = validate_event(ev("done") | {"timestamp": "2024-05-01T08:00:00+00:00"})
    assert isinstance(event, FeedbackEvent)
    assert event.timestamp == T0
    assert store.record(event)


def test_history_counts_and_status(store):
    store.record_many(
        [
            ev("shown", "standby", 0, action_kind="home_efficiency"),
            ev("dismissed", "standby", 1),
            ev("shown", "standby", 60),
            ev("dismissed", "standby", 61),
            ev("shown", "wash-30", 0, action_kind="home_efficiency"),
            ev("accepted", "wash-30", 2),
            ev("done", "wash-30", 3000),
            ev("shown", "tariff-tou", 0),
        ]
    )
    store.record({**ev("shown", "standby"), "household_id": "h-2"})
    history = store.history("h-1")
    assert history.loc["standby", ["shown", "dismissed", "accepted"]].tolist() == [2, 2, 0]
    assert history.loc["standby", "status"] == "dismissed"
    assert history.loc["wash-30", "status"] == "done"
    assert history.loc["tariff-tou", "status"] == "shown"
    assert history.loc["wash-30", "action_kind"] == "home_efficiency"
    assert len(store.events("h-2")) == 1
    assert store.history("nobody").empty


def test_bad_url_is_invalid_input():
    with pytest.raises(InvalidInput) as info:
        FeedbackStore("not a url")
    assert info.value.problems[0].where == "url"


def test_owners_see_only_their_own_households(store):
    acme, other = store.for_owner("acme"), store.for_owner("other")
    same_event = ev("shown", event_id="their-own-id")
    assert acme.record(same_event)
    assert other.record(same_event)  # the same id from another owner is another event
    assert acme.record(ev("dismissed", minutes=5))
    assert list(acme.events("h-1")["event_type"]) == ["shown", "dismissed"]
    assert list(acme.events()["household_id"]) == ["h-1", "h-1"]  # the ids the owner gave
    assert list(other.events("h-1")["event_type"]) == ["shown"]
    assert store.events("h-1").empty  # nobody's "h-1" is the unscoped store's
    assert other.forget("h-1") == 1
    assert len(acme.events("h-1")) == 2
    assert len(store.events()) == 2


def test_long_household_ids_keep_fixed_length_event_ids(service, sample_payload, tmp_path):
    """A household id of the longest accepted length still gets its shown events recorded."""
    store = FeedbackStore(f"sqlite:///{tmp_path / 'feedback.sqlite3'}")
    household_id = "h" * 200
    answer = service.with_feedback(store).recommend(
        {**sample_payload, "household_id": household_id}
    )
    shown = store.events(household_id)
    assert len(shown) == len(answer.actions) > 0
    assert shown["event_id"].str.len().max() <= 60


def _event_rows(min_size: int) -> st.SearchStrategy[list[tuple[str, str | None, str]]]:
    """Lists of ``(action_id, action_kind, event_type)`` events, as a household's history."""
    return st.lists(
        st.tuples(
            st.sampled_from(["standby", "wash-30c", "b", "a-1"]),
            st.sampled_from([None, "home_efficiency", "travel_mode"]),
            st.sampled_from(["shown", "accepted", "dismissed", "done"]),
        ),
        min_size=min_size,
        max_size=30,
    )


def _crosstab_history(events: pd.DataFrame) -> pd.DataFrame:
    """The pandas formulation history_of replaced (kept here as its reference)."""
    from recommender.feedback import EVENT_TYPES, HISTORY_COLUMNS

    counts = (
        pd.crosstab(events["action_id"], events["event_type"])
        .reindex(columns=list(EVENT_TYPES), fill_value=0)
        .astype("int64")
    )
    counts.columns.name = None
    kinds = events.dropna(subset=["action_kind"]).groupby("action_id")["action_kind"].last()
    responses = events[events["event_type"] != "shown"]
    status = responses.groupby("action_id")["event_type"].last()
    kind = kinds.reindex(counts.index).astype(object)
    counts.insert(0, "action_kind", kind.where(kind.notna(), None))
    counts["status"] = status.reindex(counts.index).fillna("shown").astype(object)
    counts.index.name = "action_id"
    return counts.loc[:, list(HISTORY_COLUMNS)]


@given(_event_rows(min_size=1))
def test_history_counts_as_the_crosstab_did(rows) -> None:
    events = pd.DataFrame(rows, columns=["action_id", "action_kind", "event_type"])
    pd.testing.assert_frame_equal(history_from_events(events), _crosstab_history(events))


@given(_event_rows(min_size=0))
def test_the_ranker_reads_the_rows_as_it_reads_the_frame(rows) -> None:
    """The service hands the ranker ``history_rows`` (no frame); it must count the same."""
    frame = history_of(rows)
    assert history_counts(tally(rows)) == history_counts(frame)
    assert list(tally(rows)) == frame.index.tolist()


def test_a_batch_of_events_stores_each_once(store):
    batch = [
        ev("shown", action_id="a", event_id="e-1"),
        ev("shown", action_id="a"),  # the same event as the first (same identity)
        ev("shown", action_id="b", event_id="e-1"),  # the first's id again
        ev("shown", action_id="c"),
    ]
    assert store.record_many(batch) == 2
    again = [ev("shown", action_id="c"), ev("shown", action_id="d", event_id="e-1")]
    assert store.record_many([*again, ev("shown", action_id="e")]) == 1
    assert sorted(store.events()["action_id"]) == ["a", "c", "e"]
