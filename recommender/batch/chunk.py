"""The one chunk function every engine runs: score a list of households, get rows back.

Local processes and Dask workers alike call :func:`score_task`; each worker process loads the
models once (:func:`service_for`) and reuses them for every chunk it is sent.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from recommender.batch.rows import action_rows, failure_rows, score_row
from recommender.domain import Household
from recommender.errors import GreenrecError
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
    """Score households with ``service.recommend``; engine errors become failure rows.

    A :class:`~recommender.errors.GreenrecError` (too little history, an input the engine
    rejects) is the household's answer; any other exception is a bug, logged with its traceback
    and reported as a failure so the rest of the batch still runs.
    """
    scores: list[dict[str, Any]] = []
    actions: list[dict[str, Any]] = []
    failures: list[dict[str, str]] = []
    scored: list[str] = []
    failed: list[str] = []
    internal = 0
    for home in households:
        try:
            rec = service.recommend(home, now=now, top_k=top_k)
        except GreenrecError as exc:
            failures += failure_rows(home.household_id, exc, "engine")
            failed.append(home.household_id)
            continue
        except Exception as exc:  # a bug: keep the batch going, say so loudly
            log.exception("internal error scoring household %r", home.household_id)
            failures += failure_rows(home.household_id, exc, "engine (internal error)")
            failed.append(home.household_id)
            internal += 1
            continue
        scores.append(score_row(rec))
        actions += action_rows(rec)
        scored.append(home.household_id)
    return ChunkResult(scores, actions, failures, scored, failed, internal)


# --- workers: each process loads the models once ---------------------------------------------

_SERVICES: dict[str, Service] = {}


def service_for(models_dir: str | None) -> Service:
    """The service of this process for ``models_dir`` (loaded on first use, then reused)."""
    key = models_dir or ""
    if key not in _SERVICES:
        _SERVICES[key] = Service.from_dir(Path(models_dir) if models_dir else None)
    return _SERVICES[key]


def forget_services() -> None:
    """Drop the models loaded in this process (the in-process engines, after a run)."""
    _SERVICES.clear()


def init_worker(models_dir: str | None) -> None:
    """Process-pool initializer: load the models once per worker process."""
    service_for(models_dir)


def score_task(
    models_dir: str | None, households: list[Household], top_k: int, now: pd.Timestamp
) -> ChunkResult:
    """One engine task: a chunk of households through this process's service."""
    return score_households(service_for(models_dir), households, top_k=top_k, now=now)
