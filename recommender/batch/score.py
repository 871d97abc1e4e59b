"""Score a whole dataset of households through the one :class:`~recommender.service.Service`.

:func:`score_tables` streams the batch tables with :func:`recommender.io.iter_tables`, scores every
household that parsed with ``Service.recommend`` (so a household's row is the same answer the web
form, the API and the CLI give it) and writes three files to ``out_dir``:

``scores.parquet``
    One row per scored household (:data:`recommender.batch.rows.SCORES_SCHEMA`).
``actions.parquet``
    One row per household x ranked action (:data:`recommender.batch.rows.ACTIONS_SCHEMA`).
``failures.csv``
    One row per problem (:data:`recommender.batch.rows.FAILURE_COLUMNS`): rows the reader could not
    use (``stage`` "input") and households the engine could not score, e.g. too little history
    (``stage`` "engine").

Nothing is lost: every household id found in any input table is in exactly one of ``scores`` and
``failures`` (a household scored and later found to have readings out of order is moved to
``failures``), and :class:`ScoreSummary` counts add up: ``n_households == n_scored + n_failed``.

Engines: ``"local"`` scores in this process (``workers=1``) or in a
``concurrent.futures.ProcessPoolExecutor`` whose workers each load the models once; ``"dask"`` runs
``dask.delayed`` tasks over the same chunks on dask's local scheduler (synchronous for one worker,
processes otherwise) or on a ``dask.distributed`` cluster when ``scheduler`` names one. The answer
is the same whichever engine runs it: every household of a run is scored at the same ``now``.
"""

from __future__ import annotations

import csv
import logging
import math
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from recommender.batch.rows import (
    ACTIONS_SCHEMA,
    FAILURE_COLUMNS,
    SCORES_SCHEMA,
    action_rows,
    failure_rows,
    score_row,
)
from recommender.domain import Household
from recommender.errors import GreenrecError, InvalidInput, Problem
from recommender.io import iter_tables
from recommender.io.files import Source

log = logging.getLogger(__name__)

ENGINES = ("local", "dask")
MAX_TASK_HOUSEHOLDS = 200  # households per task sent to a worker (bounds a task's memory)
DASK_MISSING = (
    "the dask engine needs dask: pip install greenrec[dask] "
    "(and dask.distributed for a scheduler address: pip install 'dask[distributed]')"
)


@dataclass(frozen=True)
class ChunkResult:
    """What scoring one chunk of households gives: output rows and the ids in each outcome."""

    scores: list[dict[str, Any]]
    actions: list[dict[str, Any]]
    failures: list[dict[str, str]]
    scored_ids: list[str]
    failed_ids: list[str]
    n_internal_errors: int = 0


@dataclass(frozen=True)
class ScoreSummary:
    """Counts and timings of one :func:`score_tables` run.

    ``n_households == n_scored + n_failed`` (distinct ids); ``n_failed == n_input_failed +
    n_engine_failed``; ``n_failure_rows`` counts problems (a household may have several).
    """

    n_households: int
    n_scored: int
    n_failed: int
    n_input_failed: int
    n_engine_failed: int
    n_internal_errors: int  # engine failures that are not GreenrecError (a bug: see the log)
    n_failure_rows: int
    n_action_rows: int
    seconds: float
    seconds_read: float  # reading and parsing the tables, in this process
    engine: str
    workers: int
    model_version: str
    paths: dict[str, Path] = field(default_factory=dict)

    @property
    def households_per_s(self) -> float:
        return self.n_households / self.seconds if self.seconds > 0 else float("nan")


def score_households(
    service: Any,
    households: Sequence[Household],
    *,
    top_k: int = 5,
    now: pd.Timestamp | None = None,
) -> ChunkResult:
    """Score households one by one with ``service.recommend``; engine errors become failure rows.

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

_SERVICES: dict[str, Any] = {}


def _service_for(models_dir: str | None) -> Any:
    key = models_dir or ""
    if key not in _SERVICES:
        from recommender.service import Service

        _SERVICES[key] = Service.from_dir(Path(models_dir) if models_dir else None)
    return _SERVICES[key]


def _init_worker(models_dir: str | None) -> None:
    """Process-pool initializer: load the models once per worker process."""
    _service_for(models_dir)


def _score_task(
    models_dir: str | None, households: list[Household], top_k: int, now: pd.Timestamp
) -> ChunkResult:
    return score_households(_service_for(models_dir), households, top_k=top_k, now=now)


def _pieces(households: list[Household], workers: int) -> list[list[Household]]:
    """Split a batch into tasks: about four per worker, at most MAX_TASK_HOUSEHOLDS each."""
    if not households:
        return []
    size = max(1, min(MAX_TASK_HOUSEHOLDS, math.ceil(len(households) / (4 * workers))))
    return [households[i : i + size] for i in range(0, len(households), size)]


# --- writing -----------------------------------------------------------------------------------


class _Writer:
    """Appends rows to the three output files as chunks arrive, and keeps the counts."""

    def __init__(self, out_dir: Path) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        self.paths = {
            "scores": out_dir / "scores.parquet",
            "actions": out_dir / "actions.parquet",
            "failures": out_dir / "failures.csv",
        }
        self._scores = pq.ParquetWriter(self.paths["scores"], SCORES_SCHEMA)
        self._actions = pq.ParquetWriter(self.paths["actions"], ACTIONS_SCHEMA)
        self._fail_file = self.paths["failures"].open("w", newline="", encoding="utf-8")
        self._fail = csv.DictWriter(self._fail_file, fieldnames=FAILURE_COLUMNS)
        self._fail.writeheader()
        self.scored: set[str] = set()
        self.input_failed: set[str] = set()
        self.engine_failed: set[str] = set()
        self.n_internal = 0
        self.n_failure_rows = 0
        self.n_action_rows = 0
        self.model_version = ""

    def input_failures(self, failures: Iterable[tuple[str, InvalidInput]]) -> None:
        for hid, error in failures:
            self._failure_rows(failure_rows(hid, error, "input"))
            self.input_failed.add(hid)

    def add(self, result: ChunkResult) -> None:
        if result.scores:
            self._scores.write_table(pa.Table.from_pylist(result.scores, schema=SCORES_SCHEMA))
            self.model_version = result.scores[-1]["model_version"]
        if result.actions:
            self._actions.write_table(pa.Table.from_pylist(result.actions, schema=ACTIONS_SCHEMA))
        self._failure_rows(result.failures)
        self.scored.update(result.scored_ids)
        self.engine_failed.update(result.failed_ids)
        self.n_internal += result.n_internal_errors
        self.n_action_rows += len(result.actions)

    def _failure_rows(self, rows: list[dict[str, str]]) -> None:
        self._fail.writerows(rows)
        self.n_failure_rows += len(rows)

    def close(self) -> None:
        self._scores.close()
        self._actions.close()
        self._fail_file.close()
        # A household scored from one chunk of readings whose later rows came out of order is
        # reported by the reader afterwards: its score rested on part of its data, so drop it.
        moved = self.scored & self.input_failed
        if moved:
            for name in ("scores", "actions"):
                table = pq.read_table(self.paths[name])
                keep = pc.invert(pc.is_in(table["household_id"], value_set=pa.array(sorted(moved))))
                pq.write_table(table.filter(keep), self.paths[name])
                if name == "actions":
                    self.n_action_rows = table.filter(keep).num_rows
            self.scored -= moved


# --- engines -----------------------------------------------------------------------------------


def _local(
    batches: Iterator[list[Household]],
    workers: int,
    models_dir: str | None,
    service: Any,
    top_k: int,
    now: pd.Timestamp,
) -> Iterator[ChunkResult]:
    if workers == 1:
        if service is None:
            from recommender.service import Service

            service = Service.from_dir(Path(models_dir) if models_dir else None)
        for households in batches:
            for piece in _pieces(households, 1):
                yield score_households(service, piece, top_k=top_k, now=now)
        return
    # spawn, not fork: the parent may hold OpenMP/BLAS threads, which fork does not survive
    with ProcessPoolExecutor(
        workers,
        mp_context=get_context("spawn"),
        initializer=_init_worker,
        initargs=(models_dir,),
    ) as pool:
        pending: deque[Future[ChunkResult]] = deque()
        for households in batches:
            for piece in _pieces(households, workers):
                pending.append(pool.submit(_score_task, models_dir, piece, top_k, now))
                while len(pending) > 2 * workers:  # bounded: reading stays just ahead
                    yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _dask(
    batches: Iterator[list[Household]],
    workers: int,
    models_dir: str | None,
    top_k: int,
    now: pd.Timestamp,
    scheduler: str | None,
) -> Iterator[ChunkResult]:
    try:
        import dask
    except ImportError as exc:  # pragma: no cover - dask is installed in the dev venv
        raise ImportError(DASK_MISSING) from exc
    task = dask.delayed(_score_task)  # not pure: hashing every Household would cost more
    if scheduler is not None:
        try:
            from dask.distributed import Client
        except ImportError as exc:
            raise ImportError(DASK_MISSING) from exc
        # the cluster's workers must see models_dir (a shared path) and have greenrec installed
        with Client(scheduler) as client:
            for households in batches:
                tasks = [task(models_dir, p, top_k, now) for p in _pieces(households, workers)]
                yield from dask.compute(*tasks, scheduler=client)
        return
    if workers == 1:
        for households in batches:
            tasks = [task(models_dir, p, top_k, now) for p in _pieces(households, 1)]
            yield from dask.compute(*tasks, scheduler="synchronous")
        return
    with ProcessPoolExecutor(
        workers,
        mp_context=get_context("spawn"),
        initializer=_init_worker,
        initargs=(models_dir,),
    ) as pool:
        for households in batches:
            tasks = [task(models_dir, p, top_k, now) for p in _pieces(households, workers)]
            yield from dask.compute(*tasks, scheduler="processes", pool=pool)


# --- the entry point ---------------------------------------------------------------------------


def score_tables(
    households: Source,
    readings: Source,
    trips: Source | None = None,
    temperature: Source | None = None,
    *,
    out_dir: str | Path,
    models_dir: str | Path | None = None,
    workers: int = 1,
    chunk_households: int = 2000,
    engine: str = "local",
    rows_per_chunk: int = 500_000,
    top_k: int = 5,
    scheduler: str | None = None,
    now: pd.Timestamp | str | None = None,
    service: Any = None,
) -> ScoreSummary:
    """Score every household of the batch tables and write scores, actions and failures.

    Parameters
    ----------
    households, readings, trips, temperature : path (CSV, Parquet, JSON lines) or DataFrame
        The batch tables of docs/product.md; readings grouped by household_id.
    out_dir : folder for ``scores.parquet``, ``actions.parquet`` and ``failures.csv``
        (created if missing; files of an earlier run are replaced).
    models_dir : trained models (default: the registry's default directory).
    workers : processes scoring in parallel (1 = in this process).
    chunk_households : households read and parsed per chunk (bounds memory).
    rows_per_chunk : readings rows read at a time (CSV, Parquet).
    engine : ``"local"`` or ``"dask"``.
    top_k : actions kept per household.
    scheduler : address of a ``dask.distributed`` scheduler (``engine="dask"`` only).
    now : the instant every household is scored at (default: when the run starts).
    service : an already loaded Service to use in-process (``workers=1``, local engine only).

    Returns
    -------
    ScoreSummary

    Raises
    ------
    InvalidInput
        A file-level problem (missing columns, unreadable file) or unusable arguments.
    ImportError
        ``engine="dask"`` without dask installed (the message names ``pip install greenrec[dask]``).
    """
    problems = []
    if engine not in ENGINES:
        problems.append(Problem("engine", f"{engine!r}", " or ".join(ENGINES)))
    if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
        problems.append(Problem("workers", f"{workers!r}", "a whole number >= 1"))
    if not isinstance(chunk_households, int) or chunk_households < 1:
        problems.append(Problem("chunk_households", f"{chunk_households!r}", "a whole number >= 1"))
    if not isinstance(top_k, int) or isinstance(top_k, bool) or top_k < 1:
        problems.append(Problem("top_k", f"{top_k!r}", "a whole number >= 1"))
    if scheduler is not None and engine != "dask":
        problems.append(Problem("scheduler", "given without engine='dask'", "engine='dask'"))
    if service is not None and (engine != "local" or workers != 1):
        problems.append(
            Problem("service", "given with workers > 1 or dask", "models_dir for worker processes")
        )
    if problems:
        raise InvalidInput(problems, source="score_tables")
    if engine == "dask":
        try:
            import dask  # noqa: F401
        except ImportError as exc:
            raise ImportError(DASK_MISSING) from exc
    stamp = pd.Timestamp.now(tz="UTC") if now is None else pd.Timestamp(now)
    models = str(models_dir) if models_dir is not None else None
    started = time.perf_counter()
    read_seconds = 0.0
    writer = _Writer(Path(out_dir))

    def batches() -> Iterator[list[Household]]:
        nonlocal read_seconds
        stream = iter_tables(
            households,
            readings,
            trips,
            temperature,
            chunk_households=chunk_households,
            rows_per_chunk=rows_per_chunk,
        )
        while True:
            t0 = time.perf_counter()
            batch = next(stream, None)
            read_seconds += time.perf_counter() - t0
            if batch is None:
                return
            writer.input_failures(batch.failures)
            yield batch.households

    try:
        if engine == "local":
            results = _local(batches(), workers, models, service, top_k, stamp)
        else:
            results = _dask(batches(), workers, models, top_k, stamp, scheduler)
        for result in results:
            writer.add(result)
    finally:
        writer.close()
        _SERVICES.clear()  # models loaded in this process (dask's synchronous scheduler)
    seconds = time.perf_counter() - started
    failed = writer.input_failed | writer.engine_failed
    return ScoreSummary(
        n_households=len(writer.scored | failed),
        n_scored=len(writer.scored),
        n_failed=len(failed),
        n_input_failed=len(writer.input_failed),
        n_engine_failed=len(writer.engine_failed - writer.input_failed),
        n_internal_errors=writer.n_internal,
        n_failure_rows=writer.n_failure_rows,
        n_action_rows=writer.n_action_rows,
        seconds=seconds,
        seconds_read=read_seconds,
        engine=engine,
        workers=workers,
        model_version=writer.model_version,
        paths=dict(writer.paths),
    )
