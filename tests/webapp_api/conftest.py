"""Fixtures for the /v1 API: an app over the session's trained service, a key store, a key."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from api_helpers import TEST_SETTINGS

from recommender.keys import KeyStore
from webapp import create_app


@pytest.fixture()
def keys(tmp_path) -> KeyStore:
    return KeyStore(f"sqlite:///{tmp_path / 'keys.sqlite3'}")


@pytest.fixture()
def api_key(keys: KeyStore) -> str:
    return keys.create("test partner").key


@pytest.fixture()
def auth(api_key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_key}"}


@pytest.fixture()
def app(service, keys):
    return create_app({"TESTING": True}, service=service, settings=TEST_SETTINGS, keys=keys)


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def household(sample_payload) -> dict[str, Any]:
    """The bundled real household (readings in the compact form partners are shown)."""
    assert set(sample_payload["readings"]) == {"start", "interval_minutes", "kwh"}
    return copy.deepcopy(sample_payload)
