"""A household's feedback as per-action counts, for the ranker."""

from __future__ import annotations

import pandas as pd

from recommender.feedback.events import EVENT_TYPES, HISTORY_COLUMNS


def history_from_events(events: pd.DataFrame) -> pd.DataFrame:
    """Per-action counts of each event type, indexed by ``action_id``.

    Columns :data:`HISTORY_COLUMNS`: ``action_kind`` (last one given, or None), the counts of
    ``shown``, ``accepted``, ``dismissed`` and ``done``, and ``status``: the latest response
    (``accepted``, ``dismissed`` or ``done``), or ``shown`` when there was none.
    """
    if events.empty:
        frame = pd.DataFrame({c: pd.Series(dtype="int64") for c in EVENT_TYPES})
        frame.insert(0, "action_kind", pd.Series(dtype=object))
        frame["status"] = pd.Series(dtype=object)
        frame.index.name = "action_id"
        return frame
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
