"""A household's feedback history as the ranker reads it: per action its counts and status.

:func:`normalise_history` is the rule (what a history may look like, what each part means and the
errors); :func:`history_counts` reads the same into plain Python for the ranker's hot path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from recommender.errors import InvalidInput, Problem
from recommender.feedback import EVENT_TYPES, HISTORY_COLUMNS

IN_PROGRESS = ("accepted", "done")


def normalise_history(
    history: pd.DataFrame | Mapping[str, Mapping[str, Any]] | None,
) -> pd.DataFrame:
    """History as :meth:`recommender.feedback.FeedbackStore.history` returns it, from that frame,
    a mapping ``{action_id: {"dismissed": 2, ...}}`` or None (no history)."""
    if history is None:
        history = {}
    if isinstance(history, Mapping):
        history = pd.DataFrame.from_dict(dict(history), orient="index")
    if not isinstance(history, pd.DataFrame):
        raise InvalidInput(
            Problem(
                "history",
                f"{type(history).__name__} is not a history",
                "FeedbackStore.history(household_id) or a mapping",
            ),
            source="history",
        )
    frame = history.copy()
    problems = []
    for name in EVENT_TYPES:
        if name not in frame:
            frame[name] = 0
        values = pd.to_numeric(frame[name], errors="coerce")
        if values.isna().any() or (values < 0).any():
            problems.append(
                Problem(
                    f"history.{name}", "has missing, non-numeric or negative counts", "counts >= 0"
                )
            )
        frame[name] = values.fillna(0).astype("int64")
    if problems:
        raise InvalidInput(problems, source="history")
    if "action_kind" not in frame:
        frame["action_kind"] = None
    if "status" not in frame:
        accepted = (frame["accepted"] + frame["done"]).tolist()
        dismissed = frame["dismissed"].tolist()
        frame["status"] = [_status(a, d) for a, d in zip(accepted, dismissed, strict=True)]
    frame.index = frame.index.astype(str)
    frame.index.name = "action_id"
    return frame.loc[:, list(HISTORY_COLUMNS)]


@dataclass(frozen=True)
class HistoryCounts:
    """A household's normalised history (:func:`normalise_history`) as plain Python, for the
    ranker's hot path: per action id its ``(shown, accepted, dismissed, done)`` counts, its
    ``action_kind`` (None when not given) and its ``status``."""

    counts: dict[str, tuple[int, int, int, int]]
    kind: dict[str, Any]
    status: dict[str, Any]

    def of(self, action_id: str) -> tuple[int, int, int, int]:
        return self.counts.get(action_id, (0, 0, 0, 0))

    def in_progress(self) -> set[str]:
        """Ids the household accepted or did (status ``accepted`` or ``done``)."""
        return {i for i, status in self.status.items() if status in IN_PROGRESS}


def history_counts(
    history: pd.DataFrame | Mapping[str, Mapping[str, Any]] | None,
) -> HistoryCounts:
    """:func:`normalise_history`'s result as :class:`HistoryCounts`, with the same checks.

    Clean input (what ``FeedbackStore.history`` returns, or a mapping of whole-number counts) is
    read directly; anything else goes through :func:`normalise_history`, which makes the rules
    and raises the errors for both.
    """
    if history is None or (isinstance(history, Mapping) and not history):
        return HistoryCounts({}, {}, {})
    if isinstance(history, pd.DataFrame) and _clean_frame(history):
        return _counts_of(history)
    if isinstance(history, Mapping):
        clean = _clean_mapping(history)
        if clean is not None:
            return clean
    return _counts_of(normalise_history(history))


def _is_count(value: Any) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool) and bool(value >= 0)


def _clean_mapping(history: Mapping[Any, Any]) -> HistoryCounts | None:
    """The counts of a mapping whose rows all give the same count names as whole numbers >= 0
    (and statuses as strings, or none); None when it is not that clean."""
    rows = list(history.items())
    if not all(isinstance(i, str) and isinstance(row, Mapping) for i, row in rows):
        return None
    given = [name for name in EVENT_TYPES if name in rows[0][1]]
    has_status = "status" in rows[0][1]
    counts, kind, status = {}, {}, {}
    for action_id, row in rows:
        if any((name in row) != (name in given) for name in EVENT_TYPES):
            return None
        values = tuple(row.get(name, 0) for name in EVENT_TYPES)
        if not all(_is_count(v) for v in values) or ("status" in row) != has_status:
            return None
        action_kind = row.get("action_kind")
        if not (action_kind is None or isinstance(action_kind, str)):
            return None
        if has_status and not isinstance(row["status"], str):
            return None
        shown, accepted, dismissed, done = (int(v) for v in values)
        counts[action_id] = (shown, accepted, dismissed, done)
        kind[action_id] = action_kind
        status[action_id] = row["status"] if has_status else _status(accepted + done, dismissed)
    return HistoryCounts(counts, kind, status)


def _clean_frame(frame: pd.DataFrame) -> bool:
    """Whether a history frame needs no normalising: string ids once each, counts as whole
    numbers >= 0 (a missing count column reads as zeros, as in :func:`normalise_history`)."""
    index = frame.index
    if not index.is_unique or not all(isinstance(i, str) for i in index):
        return False
    for name in EVENT_TYPES:
        if name not in frame:
            continue
        column = frame[name]
        if not pd.api.types.is_integer_dtype(column.dtype) or (len(column) and column.min() < 0):
            return False
    return True


def _status(accepted: int, dismissed: int) -> str:
    """The status a history without one implies: accepted (or done) before dismissed."""
    return "accepted" if accepted > 0 else "dismissed" if dismissed > 0 else "shown"


def _counts_of(frame: pd.DataFrame) -> HistoryCounts:
    """A normalised (or clean, see :func:`_clean_frame`) history frame as HistoryCounts."""
    ids = [str(i) for i in frame.index]
    n = len(ids)
    if len(set(ids)) < n:
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        raise InvalidInput(
            Problem("history", f"action id(s) {repeated} appear more than once", "one row each"),
            source="history",
        )
    columns = [
        frame[name].to_numpy(dtype="int64").tolist() if name in frame else [0] * n
        for name in EVENT_TYPES
    ]
    counts = dict(zip(ids, zip(*columns, strict=True), strict=True)) if n else {}
    if "action_kind" in frame:
        raw = frame["action_kind"].astype(object)
        kinds = raw.where(raw.notna(), None).tolist()
    else:
        kinds = [None] * n
    if "status" in frame:
        statuses = frame["status"].tolist()
    else:
        statuses = [_status(c[1] + c[3], c[2]) for c in counts.values()]
    return HistoryCounts(
        counts, dict(zip(ids, kinds, strict=True)), dict(zip(ids, statuses, strict=True))
    )
