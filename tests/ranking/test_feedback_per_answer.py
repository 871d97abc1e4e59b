"""What a service asks its feedback store for each answer, done with less work: the same results.

``record_shown`` (an answer's shown events) leaves the same rows and counts as ``record_many``,
whatever is stored already; the history read through the statement built once counts what the
statement built per call counted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from recommender.feedback import FeedbackStore, validate_event
from recommender.feedback.history import history_of, tally
from recommender.feedback.store import _events

T0 = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)


def _event(household: str, action: str, minute: int, event_id: str | None, kind: str) -> Any:
    return validate_event(
        {
            "household_id": household,
            "action_id": action,
            "action_kind": kind,
            "event_type": kind,
            "timestamp": T0 + timedelta(minutes=minute),
            "event_id": event_id,
            "context": {"minute": minute, "score": 0.5},
        }
    )


EVENTS = st.lists(
    st.builds(
        _event,
        st.sampled_from(["h-1", "h-2"]),
        st.sampled_from(["a", "b", "c"]),
        st.integers(0, 2),
        st.sampled_from([None, "e-1", "e-2", "e-3"]),
        st.sampled_from(["shown", "accepted"]),
    ),
    max_size=6,
)


def _rows(store: FeedbackStore) -> list[tuple[Any, ...]]:
    with store._engine.connect() as conn:
        return [tuple(row) for row in conn.execute(sa.select(_events).order_by(_events.c.pk))]


@settings(max_examples=300, deadline=None)
@given(before=EVENTS, answer=EVENTS, owner=st.sampled_from([None, "partner"]))
def test_record_shown_stores_what_record_many_stores(before, answer, owner) -> None:
    stores = [FeedbackStore("sqlite://"), FeedbackStore("sqlite://")]
    views = [s if owner is None else s.for_owner(owner) for s in stores]
    for view in views:
        view.record_many(before)
    counts = (views[0].record_many(answer), views[1].record_shown(answer))
    assert counts[0] == counts[1]
    assert _rows(stores[0]) == _rows(stores[1])  # primary keys included
    for store in stores:
        store.close()


def test_a_repeated_answer_stores_nothing_and_says_so() -> None:
    store = FeedbackStore("sqlite://")
    events = [_event("h-1", a, 0, None, "shown") for a in ("a", "b")]
    assert store.record_shown(events) == 2
    assert store.record_shown(events) == 0
    assert store.record_shown([*events, _event("h-1", "c", 0, None, "shown")]) == 1
    assert len(_rows(store)) == 3
    assert store.record_shown([]) == 0


def _history_as_built_per_call(store: FeedbackStore, household_id: str) -> sa.Select:
    """The statement ``history`` and ``history_rows`` built per call (until commit 95596b8)."""
    columns = (_events.c.action_id, _events.c.action_kind, _events.c.event_type)
    return (
        sa.select(*columns)
        .where(_events.c.household_id == store._scope + household_id)
        .order_by(_events.c.timestamp_utc, _events.c.pk)
    )


@settings(max_examples=200, deadline=None)
@given(stored=EVENTS, other=EVENTS, owner=st.sampled_from([None, "partner"]))
def test_the_history_is_what_the_per_call_statement_read(stored, other, owner) -> None:
    store = FeedbackStore("sqlite://")
    view = store if owner is None else store.for_owner(owner)
    view.record_many(stored)
    store.for_owner("someone else").record_many(other)
    for household in ("h-1", "h-2", "h-3"):
        with store._engine.connect() as conn:
            rows = conn.execute(_history_as_built_per_call(view, household)).all()
        assert view.history_rows(household) == tally(rows)
        assert view.history(household).equals(history_of(rows))
    store.close()
