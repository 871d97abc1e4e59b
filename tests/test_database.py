"""The SQL stores' databases: a SQLite file is opened for a server (write-ahead log)."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa

from recommender import database
from recommender.database import open_database
from recommender.feedback.store import FeedbackStore


def _pragmas(engine: sa.Engine) -> tuple[str, int]:
    with engine.connect() as conn:
        mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar_one()
        synchronous = conn.exec_driver_sql("PRAGMA synchronous").scalar_one()
    return str(mode), int(synchronous)


def test_a_sqlite_file_is_opened_with_a_write_ahead_log(tmp_path) -> None:
    engine = open_database(f"sqlite:///{tmp_path}/store.sqlite3", sa.MetaData(), store="test")
    assert _pragmas(engine) == ("wal", 1)  # 1 is NORMAL
    assert (tmp_path / "store.sqlite3").exists()


def test_an_in_memory_database_is_left_as_it_is() -> None:
    engine = open_database("sqlite://", sa.MetaData(), store="test")
    assert _pragmas(engine) == ("memory", 2)  # SQLite's defaults: FULL


def test_a_second_store_on_the_same_file_reads_what_the_first_wrote(tmp_path) -> None:
    url = f"sqlite:///{tmp_path}/feedback.sqlite3"
    writer, reader = FeedbackStore(url), FeedbackStore(url)
    event = {
        "household_id": "h-1",
        "action_id": "thermostat_down_1c",
        "event_type": "shown",
        "timestamp": "2026-11-30T10:00:00Z",
    }
    assert writer.record(event)
    assert reader.history("h-1").loc["thermostat_down_1c", "shown"] == 1
    writer.close()
    reader.close()


def test_losing_the_race_to_create_a_table_is_harmless(tmp_path, monkeypatch) -> None:
    """Two workers opening one new database: the second's "already exists" (here forced by
    creating without checking first, as the loser of the race does) leaves a working store."""
    url = f"sqlite:///{tmp_path}/feedback.sqlite3"
    FeedbackStore(url).close()  # the winner made the tables
    create_all = sa.MetaData.create_all
    monkeypatch.setattr(
        sa.MetaData, "create_all", lambda self, bind, **kw: create_all(self, bind, checkfirst=False)
    )
    late = FeedbackStore(url)
    assert late.record(
        {
            "household_id": "h-1",
            "action_id": "thermostat_down_1c",
            "event_type": "shown",
            "timestamp": "2026-11-30T10:00:00Z",
        }
    )
    late.close()


def test_a_table_that_cannot_be_created_is_still_an_error(tmp_path, monkeypatch) -> None:
    def fail(self, bind, **kw):
        raise sa.exc.OperationalError("CREATE TABLE", {}, Exception("disk I/O error"))

    monkeypatch.setattr(sa.MetaData, "create_all", fail)
    with pytest.raises(sa.exc.OperationalError):
        FeedbackStore(f"sqlite:///{tmp_path}/feedback.sqlite3")


class _Cursor:
    """A DBAPI cursor whose WAL switch fails as SQLite's does for the loser of two processes
    switching one new file at once ("database is locked", no busy wait), ``failures`` times."""

    def __init__(self, failures: int, message: str = "database is locked") -> None:
        self.failures, self.message, self.executed = failures, message, []

    def execute(self, sql: str) -> None:
        if sql == "PRAGMA journal_mode=WAL" and self.failures:
            self.failures -= 1
            raise sqlite3.OperationalError(self.message)
        self.executed.append(sql)

    def close(self) -> None:
        pass


class _Connection:
    def __init__(self, cursor: _Cursor) -> None:
        self._cursor = cursor

    def cursor(self) -> _Cursor:
        return self._cursor


def test_losing_the_race_to_switch_a_new_file_to_wal_tries_again(monkeypatch) -> None:
    monkeypatch.setattr(database.time, "sleep", lambda seconds: None)
    cursor = _Cursor(failures=3)
    database._write_ahead_log(_Connection(cursor), None)
    assert cursor.executed == ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL"]


def test_a_file_that_stays_locked_or_fails_otherwise_is_still_an_error(monkeypatch) -> None:
    monkeypatch.setattr(database.time, "sleep", lambda seconds: None)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        database._write_ahead_log(_Connection(_Cursor(failures=database.WAL_ATTEMPTS)), None)
    other = _Cursor(failures=1, message="disk I/O error")  # not a lock: no second try
    with pytest.raises(sqlite3.OperationalError, match="disk"):
        database._write_ahead_log(_Connection(other), None)
    assert other.executed == []
