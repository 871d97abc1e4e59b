"""Feedback events: one validated event, and the vocabulary of event types."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from recommender.errors import InvalidInput, Problem

EVENT_TYPES: tuple[str, ...] = ("shown", "accepted", "dismissed", "done")
RESPONSE_TYPES: tuple[str, ...] = ("accepted", "dismissed", "done")
HISTORY_COLUMNS: tuple[str, ...] = (
    "action_kind",
    "shown",
    "accepted",
    "dismissed",
    "done",
    "status",
)
EVENT_COLUMNS: tuple[str, ...] = (
    "event_id",
    "household_id",
    "action_id",
    "action_kind",
    "event_type",
    "timestamp",
    "context",
)
MAX_ID_LENGTH = 200


def derived_event_id(kind: str, *parts: str) -> str:
    """A fixed-length event id made from what identifies an event (household, action, showing):
    the same event always gets the same id, whatever the length of the ids it is made of."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"{kind}-{digest[:40]}"


@dataclass(frozen=True)
class FeedbackEvent:
    """One validated feedback event (build it with :func:`validate_event`)."""

    household_id: str
    action_id: str
    event_type: str  # one of EVENT_TYPES
    timestamp: datetime  # tz-aware, converted to UTC
    event_id: str | None = None
    action_kind: str | None = None
    context: Mapping[str, Any] | None = field(default=None, compare=False)


_FIELDS = tuple(f.name for f in fields(FeedbackEvent))


def _text(
    raw: Mapping[str, Any], name: str, where: str, problems: list[Problem], *, required: bool
) -> str | None:
    value = raw.get(name)
    if value is None:
        if required:
            problems.append(Problem(f"{where}{name}", "is missing", "a non-empty string"))
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_ID_LENGTH:
        problems.append(
            Problem(
                f"{where}{name}",
                f"{value!r} is not usable",
                f"a non-empty string of at most {MAX_ID_LENGTH} characters",
            )
        )
        return None
    return value.strip()


def event_timestamp(raw: Mapping[str, Any], where: str, problems: list[Problem]) -> datetime | None:
    value = raw.get("timestamp")
    expected = (
        "a time-zone-aware datetime or ISO 8601 string with an offset, e.g. 2024-05-01T08:00Z"
    )
    if value is None:
        problems.append(Problem(f"{where}timestamp", "is missing", expected))
        return None
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        problems.append(Problem(f"{where}timestamp", f"{value!r} is not a timestamp", expected))
        return None
    if stamp is pd.NaT or pd.isna(stamp):
        problems.append(Problem(f"{where}timestamp", "is empty (NaT)", expected))
        return None
    if stamp.tzinfo is None:
        problems.append(Problem(f"{where}timestamp", f"{value!r} has no time zone", expected))
        return None
    return stamp.tz_convert(UTC).to_pydatetime()


def validate_event(raw: FeedbackEvent | Mapping[str, Any], where: str = "") -> FeedbackEvent:
    """A :class:`FeedbackEvent` from a mapping (JSON payload) or an event; InvalidInput lists
    every bad field (``where`` prefixes the field names, e.g. ``"events[3]."``)."""
    if isinstance(raw, FeedbackEvent):
        raw = {name: getattr(raw, name) for name in _FIELDS}
    if not isinstance(raw, Mapping):
        raise InvalidInput(
            Problem(
                where or "event",
                f"{type(raw).__name__} is not an event",
                "a mapping with household_id, action_id, event_type, timestamp",
            ),
            source="feedback event",
        )
    problems: list[Problem] = [
        Problem(f"{where}{name}", "is not a field of a feedback event", f"one of {list(_FIELDS)}")
        for name in raw
        if name not in _FIELDS
    ]
    household_id = _text(raw, "household_id", where, problems, required=True)
    action_id = _text(raw, "action_id", where, problems, required=True)
    event_id = _text(raw, "event_id", where, problems, required=False)
    action_kind = _text(raw, "action_kind", where, problems, required=False)
    event_type = raw.get("event_type")
    if event_type not in EVENT_TYPES:
        problems.append(
            Problem(
                f"{where}event_type",
                f"{event_type!r} is not an event type",
                f"one of {list(EVENT_TYPES)}",
            )
        )
    timestamp = event_timestamp(raw, where, problems)
    context = raw.get("context")
    if context is not None:
        if not isinstance(context, Mapping):
            problems.append(
                Problem(
                    f"{where}context",
                    f"{type(context).__name__} is not a mapping",
                    "a mapping of feature name to number or string",
                )
            )
        else:
            try:
                json.dumps(dict(context), allow_nan=True)
            except (TypeError, ValueError) as exc:
                problems.append(
                    Problem(
                        f"{where}context",
                        f"is not JSON-serialisable ({exc})",
                        "a mapping of feature name to number or string",
                    )
                )
    if problems:
        raise InvalidInput(problems, source="feedback event")
    assert household_id and action_id and timestamp  # for the type checker: checked above
    return FeedbackEvent(
        household_id=household_id,
        action_id=action_id,
        event_type=str(event_type),
        timestamp=timestamp,
        event_id=event_id,
        action_kind=action_kind,
        context=dict(context) if context is not None else None,
    )
