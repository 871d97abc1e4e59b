"""Score a whole dataset of households through the one chunk function, losing nothing.

:func:`score_tables` streams the batch tables with :func:`recommender.io.iter_tables`, cuts them
into parts of ``part_households`` households, scores each part with
:func:`recommender.batch.chunk.score_task` on the chosen engine and writes each finished part
atomically into ``out_dir/.staging`` (:mod:`recommender.batch.parts`). When every part is in and
the counts add up, it writes the result files to ``out_dir`` and then ``manifest.json``
(:mod:`recommender.batch.manifest`):

``scores.parquet``
    One row per scored household (:data:`recommender.batch.rows.SCORES_SCHEMA`).
``actions.parquet``
    One row per household x ranked action (:data:`recommender.batch.rows.ACTIONS_SCHEMA`).
``failures.csv``
    One row per problem (:data:`recommender.batch.rows.FAILURE_COLUMNS`): rows the reader could not
    use (``stage`` "input") and households the engine could not score (``stage`` "engine").
``manifest.json``
    ``"status": "complete"``, the inputs' SHA-256, the model versions, the settings, the counts
    (``households_in == scored + failed``, checked), the result files' SHA-256 and the run's own
    measured footprint. Written last: without it, nothing in ``out_dir`` is a result.

A run that stops (an error, a kill) leaves only its staging folder; ``resume=True`` continues it
without redoing or duplicating a finished part, and the result is the same as an uninterrupted
run's. A household scored and later found to have readings out of order is withdrawn and
explained in ``failures.csv`` instead.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from recommender.batch.arguments import check_arguments, describe_run, instant
from recommender.batch.chunk import ChunkResult, forget_services
from recommender.batch.engines import run_dask, run_local
from recommender.batch.manifest import (
    RunCounts,
    clear_results,
    combine_parts,
    count_parts,
    write_manifest,
)
from recommender.batch.memory import release_freed_memory
from recommender.batch.parts import Part, Staging
from recommender.batch.progress import count_households, progress_bar
from recommender.domain import Footprint
from recommender.footprint import measure
from recommender.footprint.report import to_json
from recommender.io import iter_tables
from recommender.io.files import Source
from recommender.manifest import MODEL_NAMES

if TYPE_CHECKING:
    from recommender.service import Service

log = logging.getLogger(__name__)

PART_HOUSEHOLDS = 100  # households per part: one engine task, one atomic write
# households parsed and held by the reader at a time (a chunk may run over by the households of
# one block of readings rows): a parsed one-year hourly household with its trips holds about
# 1 MiB (the synthetic ones' ~1,400 trips are Python objects); the parts in flight to worker
# processes are held as pickled bytes, ~0.35 MiB a household, (workers + 1) parts at most
CHUNK_HOUSEHOLDS = 100
# Test hook: stop (block until killed) after this many parts are written, so a test can kill a
# run at a known point without sleeping on the machine's speed.
PAUSE_ENV = "GREENREC_BATCH_PAUSE_AFTER_PARTS"
EMPTY = ChunkResult([], [], [], [], [])
Engine = Callable[[Iterator[Part]], Iterator[tuple[Part, ChunkResult]]]


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
    n_parts: int = 0
    n_parts_resumed: int = 0  # parts an earlier, interrupted attempt had finished
    paths: dict[str, Path] = field(default_factory=dict)

    @property
    def households_per_s(self) -> float:
        return self.n_households / self.seconds if self.seconds > 0 else float("nan")


def _parts(batches: Iterator[Any], part_households: int) -> Iterator[Part]:
    """Cut the reader's batches into parts; the reader's failures ride with a batch's first part.
    The cut depends only on the input and the settings, so a resumed run cuts the same parts."""
    index = 0
    for batch in batches:
        homes, failures = batch.households, batch.failures
        for start in range(0, max(len(homes), 1), part_households):
            piece = homes[start : start + part_households]
            if piece or (failures and start == 0):
                yield Part(index, piece, failures if start == 0 else [])
                index += 1
        # hold no chunk while the reader reads and parses the next one (the engine keeps the
        # parts in flight, as compact bytes: see recommender.batch.engines)
        del batch, homes, failures, piece


def _footprint_scope(n_resumed: int) -> str:
    return (
        "this invocation only"
        + (f" (it resumed {n_resumed} parts finished earlier)" if n_resumed else "")
        + "; CPU time of this process and of its reaped child processes (local workers, a "
        "LocalCluster), not of a remote dask cluster's workers"
    )


def _pause_after() -> int | None:
    value = os.environ.get(PAUSE_ENV, "").strip()
    return int(value) if value else None


def _pause() -> None:
    print(f"greenrec: paused ({PAUSE_ENV})", file=sys.stderr, flush=True)
    while True:  # until the test kills this process
        time.sleep(3600)


@dataclass
class _Reading:
    """The reader's stream and the time spent in it (read, parse, validate: this process)."""

    stream: Iterator[Any]
    seconds: float = 0.0

    def __iter__(self) -> Iterator[Any]:
        while True:
            t0 = time.perf_counter()
            release_freed_memory()  # the last chunk's memory, before the next is read
            batch = next(self.stream, None)
            self.seconds += time.perf_counter() - t0
            if batch is None:
                return
            yield batch
            del batch  # not held while the next chunk is read


def _score_parts(
    staging: Staging,
    parts: Iterator[Part],
    engine: Engine,
    bar: Any,
) -> None:
    """Write each part as it finishes; skip the parts an earlier attempt finished."""
    done = staging.done()
    pause_after = _pause_after()
    written = 0

    def wrote(part: Part) -> None:
        nonlocal written
        bar.update(part.n_in)
        written += 1
        if pause_after is not None and written >= pause_after:
            _pause()

    def todo() -> Iterator[Part]:
        for part in parts:
            if part.index in done:
                bar.update(part.n_in)
            elif not part.households:  # only the reader's failures: nothing to score
                staging.write_part(part, EMPTY)
                wrote(part)
            else:
                yield part
            del part  # not held while the next part is read

    for part, result in engine(todo()):
        staging.write_part(part, result)
        wrote(part)


def score_tables(
    households: Source,
    readings: Source,
    trips: Source | None = None,
    temperature: Source | None = None,
    *,
    out_dir: str | Path,
    models_dir: str | Path | None = None,
    workers: int = 1,
    chunk_households: int = CHUNK_HOUSEHOLDS,
    part_households: int = PART_HOUSEHOLDS,
    engine: str = "local",
    rows_per_chunk: int = 500_000,
    top_k: int = 5,
    scheduler: str | None = None,
    now: pd.Timestamp | str | None = None,
    service: Service | None = None,
    resume: bool = False,
    progress: bool | None = False,
    region: str | None = None,
) -> ScoreSummary:
    """Score every household of the batch tables; see the module docstring for the files.

    Parameters
    ----------
    households, readings, trips, temperature : path (CSV, Parquet, JSON lines) or DataFrame
        The batch tables of docs/product.md; readings grouped by household_id.
    out_dir : folder for the results (created if missing; an earlier run's results are removed
        when a new run starts, its manifest first).
    models_dir : trained models (default: the registry's default directory).
    workers : processes scoring in parallel (local: 1 = in this process; dask: LocalCluster size).
    chunk_households : households read and parsed per chunk (bounds memory).
    part_households : households per part (one task, one atomic write; the unit of resume).
    rows_per_chunk : readings rows read at a time (CSV, Parquet).
    engine : ``"local"`` or ``"dask"``; scheduler : a dask.distributed scheduler's address.
    top_k : actions kept per household.
    now : the instant every household is scored at (default: when the run starts; a resumed run
        keeps the interrupted run's).
    service : an already loaded Service to use in-process (``workers=1``, local engine only).
    resume : continue the interrupted run staged in ``out_dir``.
    progress : show a progress bar (None: when stderr is a terminal).
    region : where this machine is (ISO alpha-2), for the run's measured footprint.

    Raises
    ------
    InvalidInput
        A file-level problem, unusable arguments, or a resume that does not match the staged run.
    ModelNotFound
        No trained models. :class:`~recommender.batch.engines.EngineMissing`: dask not installed.
    """
    check_arguments(**locals())
    out = Path(out_dir)
    model_dir = Path(models_dir) if models_dir is not None else None
    sources: dict[str, Source | None] = {"households": households, "readings": readings}
    sources |= {"trips": trips, "temperature": temperature}
    run_info = describe_run(sources, model_dir, service, top_k, chunk_households, part_households)
    run_info["rows_per_chunk"] = rows_per_chunk
    if now is not None or not resume:  # a resumed run keeps the staged run's instant
        run_info["now"] = (instant(now) or pd.Timestamp.now(tz="UTC")).isoformat()
    staging, run_info = _stage(out, run_info, resume)
    stream = iter_tables(
        households, readings, trips, temperature, chunk_households=chunk_households,
        rows_per_chunk=rows_per_chunk, scratch_dir=staging.scratch,
    )  # fmt: skip
    reading = _Reading(stream)
    models, when = (str(model_dir) if model_dir else None), pd.Timestamp(run_info["now"])
    engine_run = _engine(engine, workers, models, service, top_k, when, scheduler)
    n_resumed = len(staging.done())
    started = time.perf_counter()
    with progress_bar(count_households(households), enabled=progress) as bar:
        counts, paths, footprint = _execute(
            staging, _parts(iter(reading), part_households), engine_run, bar, region
        )
    seconds = time.perf_counter() - started
    run = {"engine": engine, "workers": workers, "scheduler": scheduler, "seconds": seconds}
    paths["manifest"] = _publish(staging, run_info, counts, paths, run, footprint, n_resumed)
    return _summary(counts, paths, run_info, seconds, reading.seconds, engine, workers, n_resumed)


def _stage(out: Path, run_info: dict[str, Any], resume: bool) -> tuple[Staging, dict[str, Any]]:
    """The staging folder of a new run, or of the interrupted one (whose settings must match);
    an earlier run's results are removed only after these checks."""
    out.mkdir(parents=True, exist_ok=True)
    staging = Staging(out)
    if resume:
        run_info = {**staging.resume(run_info), "greenrec_version": run_info["greenrec_version"]}
    else:
        staging.start(run_info)
    clear_results(out)  # after the checks: a refused --resume leaves an earlier run alone
    return staging, run_info


def _publish(
    staging: Staging,
    run_info: dict[str, Any],
    counts: RunCounts,
    paths: dict[str, Path],
    run: dict[str, Any],
    footprint: Footprint,
    n_resumed: int,
) -> Path:
    """Write the manifest (the run is complete from this moment) and drop the staging folder."""
    extra = {
        "run": run,
        "resumed_parts": n_resumed,
        "footprint": {**to_json(footprint), "scope": _footprint_scope(n_resumed)},
    }
    manifest = write_manifest(staging.out_dir, run_info, counts, paths, extra)
    staging.remove()
    return manifest


def _engine(
    engine: str,
    workers: int,
    models: str | None,
    service: Service | None,
    top_k: int,
    when: pd.Timestamp,
    scheduler: str | None,
) -> Engine:
    """The chosen engine as a function from parts to their scored results."""
    if engine == "local":
        return lambda parts: run_local(parts, workers, models, service, top_k, when)
    return lambda parts: run_dask(parts, workers, models, top_k, when, scheduler)


def _execute(
    staging: Staging, parts: Iterator[Part], engine: Engine, bar: Any, region: str | None
) -> tuple[RunCounts, dict[str, Path], Footprint]:
    """Score and write every part, then check the counts and publish the result files; on any
    failure say so in the staging folder and re-raise (no manifest is written)."""
    try:
        with measure("batch-score", region=region) as meter:
            _score_parts(staging, parts, engine, bar)
            counts, paths = combine_parts(staging, count_parts(staging))
    except BaseException as error:
        staging.record_failure(error)
        raise
    finally:
        forget_services()  # models loaded in this process
    return counts, paths, meter.footprint


def _summary(
    counts: RunCounts,
    paths: dict[str, Path],
    run_info: dict[str, Any],
    seconds: float,
    seconds_read: float,
    engine: str,
    workers: int,
    n_resumed: int,
) -> ScoreSummary:
    return ScoreSummary(
        n_households=counts.households_in,
        n_scored=counts.scored,
        n_failed=counts.failed,
        n_input_failed=counts.input_failed,
        n_engine_failed=counts.engine_failed,
        n_internal_errors=counts.internal_errors,
        n_failure_rows=counts.failure_rows,
        n_action_rows=counts.action_rows,
        seconds=seconds,
        seconds_read=seconds_read,
        engine=engine,
        workers=workers,
        model_version="+".join(run_info["models"][name] for name in MODEL_NAMES),
        n_parts=counts.parts,
        n_parts_resumed=n_resumed,
        paths=paths,
    )
