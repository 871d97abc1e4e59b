"""Opening the SQL database behind a store (feedback events, API keys): any SQLAlchemy URL, a
SQLite file by default, its tables created on first use.

A SQLite file is opened in write-ahead-log mode with ``synchronous=NORMAL``, SQLite's
recommended setting for a server: a commit appends to the log without waiting for the disk
twice, and readers do not block the writer (the API records what each answer showed, so every
request writes). Measured on this machine (see the commit): recording an answer's shown actions
went from 20 ms of wall time (2.1 ms CPU) to 0.6 ms. A commit is safe when the process dies; on
a power cut the last commits can be lost, never the file. WAL needs the file on a local disk
(not a network share); other databases are opened as given.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any

import sqlalchemy as sa

from recommender.errors import InvalidInput, Problem


def open_database(url: str, metadata: sa.MetaData, *, store: str) -> sa.Engine:
    """An engine on ``url`` with ``metadata``'s tables created; a URL SQLAlchemy cannot use is
    an :class:`InvalidInput` naming it (``store`` says whose: "feedback store", "key store")."""
    try:
        engine = sa.create_engine(url)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError) as exc:
        raise InvalidInput(
            Problem(
                "url",
                f"{url!r} is not a usable database URL ({exc})",
                "a SQLAlchemy URL such as sqlite:///greenrec.sqlite3",
            ),
            source=store,
        ) from exc
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        sa.event.listen(engine, "connect", _write_ahead_log)
    _create_tables(engine, metadata)
    return engine


def _create_tables(engine: sa.Engine, metadata: sa.MetaData) -> None:
    """``metadata``'s tables, created where missing. Processes that open one new database at
    once (gunicorn's workers, each on its first request) race between "is the table there?" and
    "create it", and the loser got "table ... already exists": a 500 on that request (seen once
    in ~9,000 requests of benchmarks/api.py). That error is harmless when every table is there
    now, so it is checked and raised only when one is still missing."""
    try:
        metadata.create_all(engine)
    except (sa.exc.OperationalError, sa.exc.ProgrammingError, sa.exc.IntegrityError):
        if set(metadata.tables) - set(sa.inspect(engine).get_table_names()):
            raise


WAL_ATTEMPTS = 8  # tries of the WAL switch on a connection, the pause growing 20 ms each time


def _write_ahead_log(dbapi_connection: Any, _record: Any) -> None:
    """Every new connection to a SQLite file asks for WAL (a no-op once the file is in WAL).

    Switching a new file to WAL takes an exclusive lock. Two processes that open one new file at
    once (gunicorn's workers) can each hold a shared lock and want the exclusive one: SQLite then
    answers "database is locked" at once, without its busy timeout, to one of them (seen once in
    a run of benchmarks/api.py: that worker's request failed). The other's switch is done within
    milliseconds, so the loser tries again after a pause, and finds the file in WAL."""
    cursor = dbapi_connection.cursor()
    for attempt in range(1, WAL_ATTEMPTS + 1):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == WAL_ATTEMPTS:
                raise
            time.sleep(0.02 * attempt)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
