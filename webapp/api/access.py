"""Who may call the API and how often: an API key on every call, a rate limit per key.

The key comes as ``Authorization: Bearer <key>`` (or ``X-API-Key: <key>``) and is checked against
:class:`recommender.keys.KeyStore` (salted hashes only); none or a wrong or revoked one is 401.
Limits are counted per key by Flask-Limiter in memory (one count per worker process) or in Redis
(``GREENREC_RATE_LIMIT_STORAGE=redis://...``: one count shared by every worker and machine);
over the limit is 429 with ``Retry-After``. A batch request counts as ``BATCH_COST`` requests.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from flask import Flask, g, request
from flask_limiter import Limiter
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from recommender.keys import KeyStore
from recommender.settings import Settings

BATCH_COST = 10
PUBLIC_ENDPOINTS = frozenset({"health"})  # and the OpenAPI document and docs (another blueprint)


def partner_owner(key_name: str) -> str:
    """Whose households a key's calls reach in the feedback store: every key of one name is one
    partner (rotating a key under the same name keeps its households), apart from the others."""
    return f"api key name: {key_name}"


def _unauthorized(description: str) -> Unauthorized:
    return Unauthorized(
        description, www_authenticate=WWWAuthenticate("bearer", {"realm": "greenrec"})
    )


class LazyKeyStore:
    """The key store, opened on the first request that needs it (the form alone never does)."""

    def __init__(self, url: str, store: KeyStore | None = None) -> None:
        self.url = url
        self._store = store
        self._lock = threading.Lock()

    def get(self) -> KeyStore:
        if self._store is None:
            with self._lock:
                if self._store is None:
                    self._store = KeyStore(self.url)
        return self._store


def presented_key() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return request.headers.get("X-API-Key") or None


def _endpoint_name() -> str:
    return (request.endpoint or "").rpartition(".")[2]


def require_key(store: LazyKeyStore, blueprint: str) -> Callable[[], None]:
    """A before-request hook: 401 unless the request carries an active key."""

    def check() -> None:
        if request.blueprint != blueprint or _endpoint_name() in PUBLIC_ENDPOINTS:
            return
        key = presented_key()
        if key is None:
            raise _unauthorized("send an API key: Authorization: Bearer <key>")
        api_key = store.get().verify(key)
        if api_key is None:
            raise _unauthorized("the API key is not valid (unknown, mistyped or revoked)")
        g.api_key = api_key

    return check


def _limit_key() -> str:
    api_key = getattr(g, "api_key", None)
    return f"key:{api_key.key_id}" if api_key is not None else f"ip:{request.remote_addr}"


def _cost() -> int:
    return BATCH_COST if _endpoint_name() == "recommend_batch" else 1


def init_app(app: Flask, blueprint: str, settings: Settings, store: LazyKeyStore) -> Limiter:
    """Install the key check, then the limiter (so the limiter counts by the checked key)."""
    app.before_request(require_key(store, blueprint))
    limiter = Limiter(
        _limit_key,
        storage_uri=settings.rate_limit_storage,
        headers_enabled=True,
        strategy="moving-window",
        key_prefix="greenrec",
        application_limits=[settings.rate_limit],  # one count per key across all endpoints
        application_limits_cost=_cost,
        application_limits_exempt_when=lambda: (
            request.blueprint != blueprint or _endpoint_name() in PUBLIC_ENDPOINTS
        ),
    )
    limiter.init_app(app)
    return limiter
