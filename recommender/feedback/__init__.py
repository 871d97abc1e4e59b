"""Feedback events: what a household was shown and what it did with each action.

Events are stored through SQLAlchemy, so the default SQLite file and any server database behind a
SQLAlchemy URL (``postgresql+psycopg://...``) work the same way. Each event is validated before it
is written (:class:`recommender.errors.InvalidInput` names every bad field) and recording is
idempotent: an event whose ``event_id`` is already stored, or that repeats the same
(household, action, event type, timestamp), is recorded once.

A ``shown`` event may carry ``context``: the feature snapshot the ranker used when it showed the
action (``Action.details["ranking_features"]``). The likelihood model learns from shown events
that carry one; the response (accepted, dismissed, done) is matched to the impression it follows.

Examples
--------
>>> from datetime import UTC, datetime
>>> store = FeedbackStore("sqlite://")  # in memory
>>> store.record({"household_id": "h-1", "action_id": "shift-dishwasher",
...               "event_type": "dismissed", "timestamp": datetime(2024, 5, 1, tzinfo=UTC)})
True
>>> int(store.history("h-1").loc["shift-dishwasher", "dismissed"])
1
"""

from recommender.feedback.events import (
    EVENT_COLUMNS,
    EVENT_TYPES,
    HISTORY_COLUMNS,
    RESPONSE_TYPES,
    FeedbackEvent,
    derived_event_id,
    validate_event,
)
from recommender.feedback.history import history_from_events
from recommender.feedback.store import FeedbackStore

__all__ = [
    "EVENT_COLUMNS",
    "EVENT_TYPES",
    "HISTORY_COLUMNS",
    "RESPONSE_TYPES",
    "FeedbackEvent",
    "FeedbackStore",
    "derived_event_id",
    "history_from_events",
    "validate_event",
]
