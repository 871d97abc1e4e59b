"""The SQL stores' databases: a SQLite file is opened for a server (write-ahead log)."""

from __future__ import annotations

import sqlalchemy as sa

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
    import pytest

    def fail(self, bind, **kw):
        raise sa.exc.OperationalError("CREATE TABLE", {}, Exception("disk I/O error"))

    monkeypatch.setattr(sa.MetaData, "create_all", fail)
    with pytest.raises(sa.exc.OperationalError):
        FeedbackStore(f"sqlite:///{tmp_path}/feedback.sqlite3")
