"""API keys for the partner API: only a salted hash of each key is stored.

A key reads ``grk_<key_id>_<secret>``: ``key_id`` (12 hex characters) finds the row, ``secret``
(32 random bytes, URL-safe base64) is checked against the row's salted PBKDF2-SHA256 hash with a
constant-time comparison. The plain key is returned once, by :meth:`KeyStore.create`, and never
stored. Keys live in any SQLAlchemy database (a SQLite file by default), like the feedback store.

Why PBKDF2 with few iterations: the secret is 256 random bits, so it cannot be guessed from its
hash however fast the hash is; the per-key salt keeps equal hashes from showing and the hash keeps
a leaked table from being usable as keys. Slow password hashing (scrypt, 600,000 iterations) exists
to protect low-entropy passwords and would cost every API request tens of milliseconds. The
iteration count is stored per key, so it can be raised without breaking existing keys.

A store remembers, in memory only, each key it has already checked: a keyed BLAKE2 digest of the
secret under a random key of its own (made when the store opens, never written), so a partner's
next calls compare one fast digest instead of running PBKDF2 again. The row is still read on
every call, so a revocation holds from the next request.

Examples
--------
>>> store = KeyStore("sqlite://")
>>> created = store.create("bank-app")
>>> store.verify(created.key).name
'bank-app'
>>> store.revoke(created.key_id)
True
>>> store.verify(created.key) is None
True
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from recommender.database import open_database
from recommender.errors import InvalidInput, Problem

KEY_PREFIX = "grk"
ITERATIONS = 1_000
_KEY = re.compile(rf"^{KEY_PREFIX}_([0-9a-f]{{12}})_([A-Za-z0-9_-]{{43}})$")
_MAX_NAME = 200

_metadata = sa.MetaData()
_keys = sa.Table(
    "api_keys",
    _metadata,
    sa.Column("key_id", sa.String(12), primary_key=True),
    sa.Column("name", sa.String(_MAX_NAME), nullable=False),
    sa.Column("salt", sa.LargeBinary(16), nullable=False),
    sa.Column("iterations", sa.Integer, nullable=False),
    sa.Column("secret_hash", sa.LargeBinary(32), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=False), nullable=False),  # UTC, naive
    sa.Column("revoked_at", sa.DateTime(timezone=False), nullable=True),
)

# The key with one id, as every request's check reads it: built once (building the statement
# cost about as much as running it); the id is bound per run.
_BY_ID = sa.select(_keys).where(_keys.c.key_id == sa.bindparam("key_id"))


@dataclass(frozen=True)
class ApiKey:
    """One key as listed: never its secret."""

    key_id: str
    name: str
    created_at: datetime
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class CreatedKey(ApiKey):
    """A key just created: ``key`` is the plain key, shown once."""

    key: str = ""


def _hash(secret: str, salt: bytes, iterations: int) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", secret.encode(), salt, iterations)


def _utc(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None else None


def _listed(row: sa.Row) -> ApiKey:
    return ApiKey(
        row.key_id, row.name, _utc(row.created_at) or row.created_at, _utc(row.revoked_at)
    )


class KeyStore:
    """API keys in a SQL database (any SQLAlchemy URL; ``"sqlite://"`` is in memory)."""

    def __init__(self, url: str = "sqlite:///greenrec-keys.sqlite3") -> None:
        self.url = url
        self._engine = open_database(url, _metadata, store="key store")
        self._digest_key = secrets.token_bytes(32)
        # (key_id, stored hash) -> digest of the secret that matched it; at most one per stored key
        self._checked: dict[tuple[str, bytes], bytes] = {}

    def __repr__(self) -> str:
        return f"KeyStore({self._engine.url.render_as_string(hide_password=True)!r})"

    def close(self) -> None:
        self._engine.dispose()

    def create(self, name: str) -> CreatedKey:
        """A new key named ``name``; the returned ``key`` is the only copy of the secret."""
        if not name.strip() or len(name) > _MAX_NAME:
            raise InvalidInput(
                Problem("name", f"{name!r} is not a name", f"1 to {_MAX_NAME} characters"),
                source="key",
            )
        key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        salt = secrets.token_bytes(16)
        created_at = datetime.now(UTC).replace(microsecond=0)
        with self._engine.begin() as conn:
            conn.execute(
                _keys.insert().values(
                    key_id=key_id,
                    name=name,
                    salt=salt,
                    iterations=ITERATIONS,
                    secret_hash=_hash(secret, salt, ITERATIONS),
                    created_at=created_at.replace(tzinfo=None),
                )
            )
        key = f"{KEY_PREFIX}_{key_id}_{secret}"
        return CreatedKey(key_id, name, created_at, None, key=key)

    def verify(self, key: str) -> ApiKey | None:
        """The active key that ``key`` is, or None (malformed, unknown, wrong secret, revoked)."""
        match = _KEY.match(key)
        if match is None:
            return None
        key_id, secret = match.groups()
        with self._engine.connect() as conn:
            row = conn.execute(_BY_ID, {"key_id": key_id}).first()
        if row is None or row.revoked_at is not None:
            return None
        digest = hashlib.blake2b(secret.encode(), key=self._digest_key, digest_size=32).digest()
        checked = self._checked.get((key_id, row.secret_hash))
        if checked is not None:
            return _listed(row) if hmac.compare_digest(digest, checked) else None
        if not hmac.compare_digest(_hash(secret, row.salt, row.iterations), row.secret_hash):
            return None
        self._checked[(key_id, row.secret_hash)] = digest
        return _listed(row)

    def list(self) -> list[ApiKey]:
        """Every key, active and revoked, oldest first (same second: by id)."""
        with self._engine.connect() as conn:
            rows = conn.execute(sa.select(_keys).order_by(_keys.c.created_at, _keys.c.key_id))
            return [_listed(row) for row in rows]

    def revoke(self, key_id_or_name: str) -> bool:
        """Revoke the key with this id (or every active key with this name); False if none was
        active."""
        now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        match = _KEY.match(key_id_or_name)
        wanted = match.group(1) if match else key_id_or_name
        with self._engine.begin() as conn:
            result = conn.execute(
                _keys.update()
                .where(sa.or_(_keys.c.key_id == wanted, _keys.c.name == wanted))
                .where(_keys.c.revoked_at.is_(None))
                .values(revoked_at=now)
            )
        return result.rowcount > 0


__all__ = ["ApiKey", "CreatedKey", "KeyStore"]
