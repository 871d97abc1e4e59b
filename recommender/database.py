"""Opening the SQL database behind a store (feedback events, API keys): any SQLAlchemy URL, a
SQLite file by default, its tables created on first use."""

from __future__ import annotations

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
    metadata.create_all(engine)
    return engine
