"""Feedback events in a SQL database (SQLAlchemy: a SQLite file by default, any server URL)."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa

from recommender.database import open_database
from recommender.errors import InvalidInput, Problem
from recommender.feedback.events import (
    EVENT_COLUMNS,
    MAX_ID_LENGTH,
    RESPONSE_TYPES,
    FeedbackEvent,
    derived_event_id,
    event_timestamp,
    validate_event,
)
from recommender.feedback.history import history_of, tally

# An owner's households are stored under a prefix: 16 hex characters of the owner's hash and "/".
SCOPE_LENGTH = 17
STORED_ID_LENGTH = MAX_ID_LENGTH + SCOPE_LENGTH

_metadata = sa.MetaData()
_events = sa.Table(
    "feedback_events",
    _metadata,
    sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.String(STORED_ID_LENGTH), nullable=True, unique=True),
    sa.Column("household_id", sa.String(STORED_ID_LENGTH), nullable=False, index=True),
    sa.Column("action_id", sa.String(MAX_ID_LENGTH), nullable=False),
    sa.Column("action_kind", sa.String(MAX_ID_LENGTH), nullable=True),
    sa.Column("event_type", sa.String(16), nullable=False),
    # UTC, stored naive because SQLite keeps no offset; converted back to aware on the way out.
    sa.Column("timestamp_utc", sa.DateTime(timezone=False), nullable=False),
    sa.Column("context", sa.Text, nullable=True),
    sa.UniqueConstraint(
        "household_id", "action_id", "event_type", "timestamp_utc", name="uq_feedback_event"
    ),
)


def _row(event: FeedbackEvent, scope: str) -> dict[str, Any]:
    """The stored row: in an owner's view (``scope``), the household id carries the owner's
    prefix and the event id is derived from it, so two owners' events never collide."""
    event_id = event.event_id
    if scope and event_id is not None:
        event_id = derived_event_id("owned", scope, event_id)
    return {
        "event_id": event_id,
        "household_id": scope + event.household_id,
        "action_id": event.action_id,
        "action_kind": event.action_kind,
        "event_type": event.event_type,
        "timestamp_utc": event.timestamp.astimezone(UTC).replace(tzinfo=None),
        "context": None if event.context is None else json.dumps(dict(event.context)),
    }


_IDENTITY = ("household_id", "action_id", "event_type", "timestamp_utc")
_PART_ROWS = 200  # rows looked up per query (SQLite allows 999 bound values on old builds)


def _identity(row: Mapping[str, Any]) -> tuple[Any, ...]:
    """What makes two events one: the household, action, type and time."""
    return tuple(row[name] for name in _IDENTITY)


def _parts(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for begin in range(0, len(rows), _PART_ROWS):
        yield rows[begin : begin + _PART_ROWS]


# What may already be stored of a set of rows: the same household and time, or the same event
# id. Built once (building the expression cost more than running it, per answer); its lists
# are bound when it runs (an empty list matches nothing).
_STORED = sa.select(*[_events.c[name] for name in (*_IDENTITY, "event_id")]).where(
    sa.or_(
        sa.and_(
            _events.c.household_id.in_(sa.bindparam("households", expanding=True)),
            _events.c.timestamp_utc.in_(sa.bindparam("stamps", expanding=True)),
        ),
        _events.c.event_id.in_(sa.bindparam("ids", expanding=True)),
    )
)

_INSERT = _events.insert()  # built once: one executemany of the new rows per answer

# One household's events in time order, as the ranker counts them: built once (building it cost
# about as much as running it, before each answer); the household's stored id is bound per run.
_HISTORY = (
    sa.select(_events.c.action_id, _events.c.action_kind, _events.c.event_type)
    .where(_events.c.household_id == sa.bindparam("stored_id"))
    .order_by(_events.c.timestamp_utc, _events.c.pk)
)


def _unstored(conn: sa.Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows whose event is not stored yet (by its identity, or by its ``event_id``), looked
    up in one query."""
    lists = {
        "households": sorted({row["household_id"] for row in rows}),
        "stamps": sorted({row["timestamp_utc"] for row in rows}),
        "ids": sorted({row["event_id"] for row in rows} - {None}),
    }
    stored = conn.execute(_STORED, lists).all()
    stored_identities = {tuple(found[:-1]) for found in stored}
    stored_ids = {found[-1] for found in stored} - {None}
    return [
        row
        for row in rows
        if _identity(row) not in stored_identities and row["event_id"] not in stored_ids
    ]


def _first_of_each(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows without repeats among themselves (the same identity or event id twice)."""
    seen: set[Any] = set()
    first = []
    for row in rows:
        keys = {_identity(row), row["event_id"]} - {None}
        if not keys & seen:
            seen |= keys
            first.append(row)
    return first


class FeedbackStore:
    """Feedback events in a SQL database (a SQLite file by default).

    Parameters
    ----------
    url : str
        Any SQLAlchemy URL; ``"sqlite://"`` is an in-memory store (tests, benchmarks).
    """

    def __init__(self, url: str = "sqlite:///greenrec-feedback.sqlite3") -> None:
        self.url = url
        self._engine = open_database(url, _metadata, store="feedback store")
        self._scope = ""  # every household; see for_owner

    def for_owner(self, owner: str) -> FeedbackStore:
        """This store as one owner sees it (an API partner: every key of one name).

        The owner's household ids are its own: two owners' ``"h-1"`` are two households, and
        neither can read, answer for or forget the other's. Events come back with the ids the
        owner gave. The view shares this store's connections (close the store, not the view).
        """
        view = copy.copy(self)
        view._scope = hashlib.sha256(owner.encode()).hexdigest()[: SCOPE_LENGTH - 1] + "/"
        return view

    def __repr__(self) -> str:
        return f"FeedbackStore({self._engine.url.render_as_string(hide_password=True)!r})"

    def close(self) -> None:
        """Release the database connections."""
        self._engine.dispose()

    def record(self, event: FeedbackEvent | Mapping[str, Any]) -> bool:
        """Validate and store one event; True if it was new, False if it was already stored."""
        return self.record_many([event]) == 1

    def record_many(self, events: Iterable[FeedbackEvent | Mapping[str, Any]]) -> int:
        """Validate all events first (InvalidInput lists every problem, nothing is written), then
        store the new ones in one transaction; returns how many were new."""
        validated, problems = [], []
        for i, raw in enumerate(events):
            try:
                validated.append(validate_event(raw, where=f"events[{i}]."))
            except InvalidInput as exc:
                problems.extend(exc.problems)
        if problems:
            raise InvalidInput(problems, source="feedback events")
        return self._store_new([_row(event, self._scope) for event in validated])

    def record_shown(self, events: Iterable[FeedbackEvent]) -> int:
        """:meth:`record_many` for the ``shown`` events a service has just built for an answer
        (``recommender.ranking.shown_events``: each already through :func:`validate_event`, each
        at the answer's own new time): the same rows stored, with less work per answer.

        Not validated again, and inserted at once: such events are new (one already stored
        needs the same household answered twice in one microsecond), so the lookup of what is
        stored runs only when the insert meets a stored one (a unique key holds every event's
        identity and id); then nothing of that try is kept (a server database's sequence may skip
        the primary keys it drew; SQLite's do not) and :meth:`record_many`'s way runs.
        """
        rows = _first_of_each([_row(event, self._scope) for event in events])
        if not rows:
            return 0
        try:
            with self._engine.begin() as conn:
                conn.execute(_INSERT, rows)  # one executemany
        except sa.exc.IntegrityError:  # one is stored already: rolled back, looked up below
            return self._store_new(rows)
        return len(rows)

    def _store_new(self, rows: list[dict[str, Any]]) -> int:
        """Insert the rows whose event is not stored yet (nor repeated before them), in one
        transaction; how many were new."""
        with self._engine.begin() as conn:
            fresh = [row for part in _parts(_first_of_each(rows)) for row in _unstored(conn, part)]
            if fresh:
                conn.execute(_INSERT, fresh)  # one executemany
        return len(fresh)

    def record_response(
        self,
        household_id: str,
        action_id: str,
        event_type: str,
        *,
        shown_at: datetime | str | None = None,
        now: datetime | None = None,
    ) -> bool:
        """Record what a household did with an action it was shown; True if new.

        The action must have been shown to the household (a ``shown`` event, written by a
        service that keeps this store): at ``shown_at`` when given (the answer's
        ``generated_at``), else its latest showing. Recording is idempotent per (household,
        action, response, showing): the same click twice is stored once. InvalidInput names
        the field that is wrong (an unknown action, a showing that never happened).
        """
        if event_type not in RESPONSE_TYPES:
            raise InvalidInput(
                Problem(
                    "event_type",
                    f"{event_type!r} is not a response",
                    f"one of {list(RESPONSE_TYPES)}",
                ),
                source="feedback",
            )
        showings = self._showings(household_id, action_id)
        if showings.empty:
            raise InvalidInput(
                Problem(
                    "action_id",
                    f"{action_id!r} was never shown to household {household_id!r}",
                    "the id of an action in an answer given to this household by a service "
                    "that keeps this feedback store (e.g. `greenrec recommend --feedback URL`)",
                ),
                source="feedback",
            )
        showing = showings.iloc[-1]
        if shown_at is not None:
            problems: list[Problem] = []
            wanted = event_timestamp({"timestamp": shown_at}, "", problems)
            match = showings[showings["timestamp"] == wanted] if wanted else showings.iloc[:0]
            if problems or match.empty:
                raise InvalidInput(
                    [replace(p, where="shown_at") for p in problems]
                    or Problem(
                        "shown_at",
                        f"{action_id!r} was not shown to {household_id!r} at {shown_at}",
                        "the generated_at of an answer that listed it",
                    ),
                    source="feedback",
                )
            showing = match.iloc[-1]
        shown_iso = showing["timestamp"].isoformat()
        return self.record(
            {
                "event_id": derived_event_id(
                    "response", household_id, action_id, event_type, shown_iso
                ),
                "household_id": household_id,
                "action_id": action_id,
                "action_kind": showing["action_kind"],
                "event_type": event_type,
                "timestamp": now or datetime.now(UTC),
            }
        )

    def _showings(self, household_id: str, action_id: str) -> pd.DataFrame:
        """The ``shown`` events of one action for one household, oldest first."""
        events = self.events(household_id)
        return events[(events["action_id"] == action_id) & (events["event_type"] == "shown")]

    def events(self, household_id: str | None = None) -> pd.DataFrame:
        """Stored events in time order, columns :data:`EVENT_COLUMNS` (``timestamp`` tz-aware UTC,
        ``context`` a dict or None)."""
        query = sa.select(_events).order_by(_events.c.timestamp_utc, _events.c.pk)
        if household_id is not None:
            query = query.where(_events.c.household_id == self._scope + household_id)
        elif self._scope:
            query = query.where(_events.c.household_id.startswith(self._scope, autoescape=True))
        with self._engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        frame = pd.DataFrame(
            {
                "event_id": pd.Series([r["event_id"] for r in rows], dtype=object),
                "household_id": pd.Series(
                    [r["household_id"][len(self._scope) :] for r in rows], dtype=object
                ),
                "action_id": pd.Series([r["action_id"] for r in rows], dtype=object),
                "action_kind": pd.Series([r["action_kind"] for r in rows], dtype=object),
                "event_type": pd.Series([r["event_type"] for r in rows], dtype=object),
                "timestamp": pd.to_datetime(
                    pd.Series([r["timestamp_utc"] for r in rows], dtype="datetime64[us]")
                ).dt.tz_localize(UTC),
                "context": pd.Series(
                    [None if r["context"] is None else json.loads(r["context"]) for r in rows],
                    dtype=object,
                ),
            }
        )
        return frame.loc[:, list(EVENT_COLUMNS)]

    def forget(self, household_id: str) -> int:
        """Delete every event stored for ``household_id`` (what was shown, the answers and their
        feature snapshots), for a person who asks to be forgotten; returns how many were deleted.
        A model already trained on them keeps what it learned until it is retrained."""
        with self._engine.begin() as conn:
            stored_id = self._scope + household_id
            done = conn.execute(sa.delete(_events).where(_events.c.household_id == stored_id))
        return int(done.rowcount or 0)

    def history(self, household_id: str) -> pd.DataFrame:
        """Per-action counts for one household, for the ranker: see :func:`history_of` (read as
        rows, in time order, without a frame of events)."""
        with self._engine.connect() as conn:
            return history_of(conn.execute(_HISTORY, {"stored_id": self._scope + household_id}))

    def history_rows(self, household_id: str) -> dict[str, dict[str, Any]]:
        """:meth:`history` as ``{action_id: {column: value}}`` (:func:`tally`), which the ranker
        reads without building a frame: what a service asks for before each answer."""
        with self._engine.connect() as conn:
            return tally(conn.execute(_HISTORY, {"stored_id": self._scope + household_id}))
