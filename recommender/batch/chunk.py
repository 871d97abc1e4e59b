"""The one chunk function every engine runs: score a list of households, get rows back.

Local processes and Dask workers alike call :func:`score_task`; each worker process loads the
models once (:func:`service_for`) and reuses them for every chunk it is sent.
"""

from __future__ import annotations

import gc
import logging
import pickle
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from recommender.batch.memory import release_freed_memory
from recommender.batch.rows import action_rows, failure_rows, score_row
from recommender.domain import Household
from recommender.errors import GreenrecError

if TYPE_CHECKING:
    from recommender.service import Service

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChunkResult:
    """What scoring one chunk of households gives: output rows and the ids in each outcome."""

    scores: list[dict[str, Any]]
    actions: list[dict[str, Any]]
    failures: list[dict[str, str]]
    scored_ids: list[str]
    failed_ids: list[str]
    n_internal_errors: int = 0


def score_households(
    service: Any,
    households: Sequence[Household],
    *,
    top_k: int = 5,
    now: pd.Timestamp | None = None,
) -> ChunkResult:
    """Score a chunk of households together (``service.answers``); errors become failure rows.

    A :class:`~recommender.errors.GreenrecError` (too little history, an input the engine
    rejects) is the household's answer. Any other exception is a bug: the chunk is then scored
    one household at a time, so the household that raises it is logged with its traceback and
    reported as a failure while the rest of the batch still runs.
    """
    try:
        answers: list[Any] = service.answers(households, now=now, top_k=top_k)
    except Exception:  # a bug somewhere in the chunk: find the household, keep the others
        log.exception(
            "internal error scoring a chunk of %d; scoring it one by one", len(households)
        )
        answers = [_alone(service, home, top_k=top_k, now=now) for home in households]
    result = ChunkResult([], [], [], [], [])
    internal = 0
    for home, answer in zip(households, answers, strict=True):
        if isinstance(answer, Exception):
            bug = not isinstance(answer, GreenrecError)
            stage = "engine (internal error)" if bug else "engine"
            result.failures.extend(failure_rows(home.household_id, answer, stage))
            result.failed_ids.append(home.household_id)
            internal += bug
            continue
        result.scores.append(score_row(answer))
        result.actions.extend(action_rows(answer))
        result.scored_ids.append(home.household_id)
    return replace(result, n_internal_errors=internal)


def _alone(service: Any, home: Household, *, top_k: int, now: pd.Timestamp | None) -> Any:
    """One household's answer, or the exception it raised (logged when it is a bug)."""
    try:
        return service.answers([home], now=now, top_k=top_k)[0]
    except Exception as exc:
        log.exception("internal error scoring household %r", home.household_id)
        return exc


# --- workers: each process loads the models once ---------------------------------------------

_SERVICES: dict[str, Service] = {}


def service_for(models_dir: str | None) -> Service:
    """The service of this process for ``models_dir`` (loaded on first use, then reused)."""
    # imported here, not at the top: the reading process of a run with worker processes never
    # loads models, and importing the service (scikit-learn, scipy) would cost it ~110 MiB
    from recommender.service import Service

    key = models_dir or ""
    if key not in _SERVICES:
        _SERVICES[key] = Service.from_dir(Path(models_dir) if models_dir else None)
        # Everything loaded so far (modules, models) lives as long as the process: frozen, the
        # garbage collector's full collections, set off by the chunks' many short-lived objects,
        # no longer scan it each time (measured in worker processes on 1,000 synthetic
        # households: 1.1 of ~16 CPU-ms a household went to full collections, 0.1 frozen)
        gc.freeze()
    return _SERVICES[key]


def forget_services() -> None:
    """Drop the models loaded in this process (the in-process engines, after a run) and hand
    what :func:`service_for` froze back to the garbage collector."""
    if _SERVICES:
        _SERVICES.clear()
        gc.unfreeze()


def init_worker(models_dir: str | None) -> None:
    """Process-pool initializer: load the models once per worker process."""
    service_for(models_dir)


def score_task(
    models_dir: str | None, households: list[Household], top_k: int, now: pd.Timestamp
) -> ChunkResult:
    """One engine task: a chunk of households through this process's service (what it freed
    given back to the system before the worker waits for its next chunk)."""
    result = score_households(service_for(models_dir), households, top_k=top_k, now=now)
    release_freed_memory()
    return result


def score_pickled(
    models_dir: str | None, households: list[bytes], top_k: int, now: pd.Timestamp
) -> ChunkResult:
    """:func:`score_task` on a chunk of households pickled by the reading process (the local
    engine's worker processes: the reader then holds a part in flight as these bytes only).

    ``households`` is a list holding the bytes, emptied here: the pool keeps the task's arguments
    while it runs, so bare bytes would stay in the worker's memory beside the households."""
    return score_task(models_dir, pickle.loads(households.pop()), top_k, now)
