"""Engines: where the chunks are scored. Every engine runs the same :func:`score_task`.

``local``
    In this process (``workers=1``) or in a ``ProcessPoolExecutor`` of ``workers`` spawned
    processes, each loading the models once.
``dask``
    A ``dask.distributed`` cluster: a ``LocalCluster`` of ``workers`` processes started for the
    run, or the running cluster whose scheduler ``scheduler`` names (its workers must have
    greenrec installed and see ``models_dir``). One task per part.

Each engine yields ``(part, result)`` as parts finish, keeping at most one part waiting per
worker, so that memory stays flat however large the input. The local engine's worker processes
get a part's households pickled, and this process keeps only those bytes (about a third of the
parsed households' size) until the part's result is back.
"""

from __future__ import annotations

import io
import pickle
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from typing import TYPE_CHECKING, Any

import pandas as pd

from recommender.batch.chunk import (
    ChunkResult,
    init_worker,
    score_households,
    score_pickled,
    score_task,
    service_for,
)
from recommender.batch.parts import Part
from recommender.errors import GreenrecError

if TYPE_CHECKING:
    from recommender.service import Service

ENGINES = ("local", "dask")
# Where a LocalCluster's scheduler serves HTTP (its dashboard): loopback only, any free port. Its
# default, 8787 on every interface, warns (and moves) when another cluster holds the port.
LOOPBACK_ANY_PORT = "127.0.0.1:0"
DASK_MISSING = (
    "the dask engine needs dask and dask.distributed: pip install 'greenrec[dask]' "
    "(or pip install 'dask[distributed]')"
)


class EngineMissing(GreenrecError):
    """The engine asked for is not installed (the message says what to install)."""


def require_dask() -> None:
    """Raise :class:`EngineMissing` unless dask.distributed can be imported."""
    try:
        import dask.distributed  # noqa: F401
    except ImportError as exc:
        raise EngineMissing(DASK_MISSING) from exc


def run_local(
    parts: Iterator[Part],
    workers: int,
    models_dir: str | None,
    service: Service | None,
    top_k: int,
    now: pd.Timestamp,
) -> Iterator[tuple[Part, ChunkResult]]:
    if workers == 1:
        service = service or service_for(models_dir)
        for part in parts:
            result = score_households(service, part.households, top_k=top_k, now=now)
            yield part.sent(), result
            del part, result  # not held while the next part is read
        return
    # spawn, not fork: the parent may hold OpenMP/BLAS threads, which fork does not survive
    with ProcessPoolExecutor(
        workers, mp_context=get_context("spawn"), initializer=init_worker, initargs=(models_dir,)
    ) as pool:
        pending: deque[tuple[Part, Future[ChunkResult]]] = deque()
        for part in parts:
            # sent pickled: a part in flight is held here (until its result is back) as bytes,
            # about a third of the size of its parsed households, which are dropped now
            households = [pickled(part.households)]
            future = pool.submit(score_pickled, models_dir, households, top_k, now)
            pending.append((part.sent(), future))
            del part, households  # not held while the next part is read
            while len(pending) > workers:  # bounded: one part waiting per worker (memory)
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()


class _SeriesPickler(pickle.Pickler):
    """Pickles a Series as its values, index and name. pandas pickles a Series' index twice (as
    its axis and as its block's items): a one-year hourly household's readings travelled as
    three arrays of 70 KB where two hold them."""

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is pd.Series and not obj.attrs:
            return _series, (obj.to_numpy(), obj.index, obj.name)
        return NotImplemented


def _series(values: Any, index: pd.Index, name: Any) -> pd.Series:
    return pd.Series(values, index=index, name=name, copy=False)


def pickled(households: list[Any]) -> bytes:
    """A part's households as the bytes sent to a worker process (measured on 100 synthetic
    one-year hourly households: 184 KB a household instead of 255, 12 CPU-ms instead of 29)."""
    buffer = io.BytesIO()
    _SeriesPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(households)
    return buffer.getvalue()


def run_dask(
    parts: Iterator[Part],
    workers: int,
    models_dir: str | None,
    top_k: int,
    now: pd.Timestamp,
    scheduler: str | None,
) -> Iterator[tuple[Part, ChunkResult]]:
    require_dask()
    from dask.distributed import Client, LocalCluster  # optional extra, checked just above

    cluster: Any = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=LOOPBACK_ANY_PORT,
        )
    client = Client(cluster if cluster is not None else scheduler)
    try:
        slots = max(1, sum(client.nthreads().values()))
        pending: deque[tuple[Part, Any]] = deque()
        for part in parts:
            # scattered first: a large chunk travels as data, not inside the task graph
            [households] = client.scatter([part.households], hash=False)
            future = client.submit(score_task, models_dir, households, top_k, now, pure=False)
            pending.append((part.sent(), future))
            del part, households  # not held while the next part is read
            while len(pending) > slots:  # one part waiting per worker thread
                done, oldest = pending.popleft()
                yield done, oldest.result()
        while pending:
            done, oldest = pending.popleft()
            yield done, oldest.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
