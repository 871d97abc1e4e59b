"""What recording an answer costs the feedback store, on a SQLite file, per journal mode.

    python benchmarks/feedback_store.py [--answers 200]

Every API answer records the actions it showed (``FeedbackStore.record_shown``) and reads the
household's history first (``FeedbackStore.history_rows``). This times both on a fresh SQLite file
in a temporary folder, with the store as greenrec opens it (write-ahead log, synchronous=NORMAL)
and, in the same run, with SQLite's own defaults (rollback journal, synchronous=FULL) for
comparison. The actions are those the bundled sample household is shown. Prints the median CPU
and wall milliseconds per answer; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from _models import models_or_train  # benchmarks/_models.py (scripts run from benchmarks/)

from recommender.feedback.store import FeedbackStore
from recommender.ranking import shown_events
from recommender.samples import sample_household_payload
from recommender.service import Service


def _medians(call: Callable[[int], object], count: int) -> tuple[float, float]:
    cpu, wall = [], []
    for i in range(count):
        started_cpu, started_wall = time.process_time(), time.perf_counter()
        call(i)
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started_wall)
    return statistics.median(cpu) * 1000, statistics.median(wall) * 1000


def _sqlite_defaults(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=DELETE")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _store(folder: str, sqlite_defaults: bool) -> FeedbackStore:
    store = FeedbackStore(f"sqlite:///{folder}/feedback.sqlite3")
    if sqlite_defaults:  # runs after recommender.database's own listener on each new connection
        sa.event.listen(store._engine, "connect", _sqlite_defaults)
        store._engine.dispose()
    return store


def _time_store(
    store: FeedbackStore, ranked: Sequence[Any], answers: int
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Medians of recording ``answers`` households' showings, then of reading their histories."""
    now = datetime.now(UTC)
    record = _medians(lambda i: store.record_shown(shown_events(f"h-{i}", ranked, now)), answers)
    history = _medians(lambda i: store.history_rows(f"h-{i}"), answers)
    return record, history


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=200)
    parser.add_argument("--models-dir", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        service = Service.from_dir(models_or_train(args.models_dir, scratch))
        ranked = service.recommend(sample_household_payload()).actions
        print(f"{len(ranked)} actions shown per answer; {args.answers} answers per store")
        modes = (("greenrec (WAL, NORMAL)", False), ("SQLite defaults", True))
        for label, sqlite_defaults in modes:
            with tempfile.TemporaryDirectory(dir=scratch) as folder:
                store = _store(folder, sqlite_defaults).for_owner("benchmark")
                record, history = _time_store(store, ranked, args.answers)
                print(
                    f"{label:24} record_shown {record[0]:5.2f} CPU-ms {record[1]:6.2f} wall-ms"
                    f"   history_rows {history[0]:5.2f} CPU-ms {history[1]:6.2f} wall-ms"
                )


if __name__ == "__main__":
    main()
