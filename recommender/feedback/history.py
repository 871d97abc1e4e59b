"""A household's feedback as per-action counts, for the ranker."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from recommender.feedback.events import EVENT_TYPES, HISTORY_COLUMNS


def history_from_events(events: pd.DataFrame) -> pd.DataFrame:
    """Per-action counts of each event type, indexed by ``action_id`` (``events`` in time order,
    as :meth:`FeedbackStore.events` gives them); see :func:`history_of`."""
    columns = (events[name].tolist() for name in ("action_id", "action_kind", "event_type"))
    return history_of(zip(*columns, strict=True))


def history_of(events: Iterable[tuple[str, str | None, str]]) -> pd.DataFrame:
    """Per-action counts of ``(action_id, action_kind, event_type)`` events in time order.

    Columns :data:`HISTORY_COLUMNS`: ``action_kind`` (the last one given, or None), the counts of
    ``shown``, ``accepted``, ``dismissed`` and ``done``, and ``status``: the latest response
    (``accepted``, ``dismissed`` or ``done``), or ``shown`` when there was none. Rows in action
    id order: :func:`tally`'s rows as a frame.
    """
    rows = tally(events)
    ids = list(rows)
    frame = pd.DataFrame(
        {
            "action_kind": pd.Series([rows[a]["action_kind"] for a in ids], dtype=object),
            **{t: pd.Series([rows[a][t] for a in ids], dtype="int64") for t in EVENT_TYPES},
            "status": pd.Series([rows[a]["status"] for a in ids], dtype=object),
        }
    )
    if ids:
        frame.index = pd.Index(ids, name="action_id")
    frame.index.name = "action_id"
    return frame.loc[:, list(HISTORY_COLUMNS)]


def tally(events: Iterable[tuple[str, str | None, str]]) -> dict[str, dict[str, Any]]:
    """The rows of :func:`history_of` as ``{action_id: {column: value}}``, in action id order.

    Counted in one pass over a household's few dozen events, without a frame: the ranker reads
    this mapping as it is (the service's hot path).
    """
    counts: dict[str, dict[str, int]] = {}
    kinds: dict[str, str | None] = {}
    status: dict[str, str] = {}
    for action_id, kind, event_type in events:
        per_type = counts.setdefault(action_id, dict.fromkeys(EVENT_TYPES, 0))
        if event_type in per_type:
            per_type[event_type] += 1
        if isinstance(kind, str) or action_id not in kinds:
            kinds[action_id] = kind if isinstance(kind, str) else None
        if event_type != "shown":
            status[action_id] = event_type
    return {
        action_id: {
            "action_kind": kinds[action_id],
            **counts[action_id],
            "status": status.get(action_id, "shown"),
        }
        for action_id in sorted(counts)
    }
