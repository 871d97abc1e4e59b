"""Keys (only salted hashes stored; created, listed, revoked) and per-key rate limits (429)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from recommender.cli import main
from recommender.keys import KeyStore
from recommender.settings import Settings
from webapp import create_app


def test_only_a_salted_hash_of_the_key_is_stored(tmp_path):
    path = tmp_path / "keys.sqlite3"
    store = KeyStore(f"sqlite:///{path}")
    one, two = store.create("a"), store.create("a")
    secret = one.key.split("_", 2)[2]  # grk_<hex id>_<secret>; the secret itself may hold "_"
    assert secret and one.key == f"grk_{one.key_id}_{secret}"
    assert secret.encode() not in path.read_bytes()
    assert one.key != two.key
    assert store.verify(one.key).key_id == one.key_id
    assert store.verify(one.key[:-1] + ("A" if one.key[-1] != "A" else "B")) is None
    assert store.verify(two.key.replace(two.key_id, one.key_id)) is None  # secret of another


def test_revoke_by_id_or_name_and_list(tmp_path):
    store = KeyStore(f"sqlite:///{tmp_path / 'keys.sqlite3'}")
    first, second = store.create("bank"), store.create("utility")
    assert store.revoke(first.key_id) and not store.revoke(first.key_id)
    assert store.revoke("utility")
    assert sorted((k.name, k.active) for k in store.list()) == [("bank", False), ("utility", False)]
    assert store.verify(first.key) is None and store.verify(second.key) is None


def test_a_checked_key_skips_pbkdf2_yet_a_wrong_secret_or_revocation_still_holds(monkeypatch):
    import recommender.keys as keys_module

    store = KeyStore("sqlite://")
    key = store.create("bank")
    calls = []
    real_hash = keys_module._hash
    monkeypatch.setattr(keys_module, "_hash", lambda *args: calls.append(args) or real_hash(*args))
    assert store.verify(key.key).key_id == key.key_id
    assert store.verify(key.key).key_id == key.key_id
    assert len(calls) == 1  # the second call compared the remembered digest
    wrong = key.key[:-1] + ("A" if key.key[-1] != "A" else "B")
    assert store.verify(wrong) is None
    assert store.revoke(key.key_id)
    assert store.verify(key.key) is None  # the row is read on every call


def test_a_key_needs_a_name():
    from recommender.errors import InvalidInput

    with pytest.raises(InvalidInput, match="name"):
        KeyStore("sqlite://").create("  ")


def test_cli_creates_prints_once_lists_and_revokes(tmp_path, service):
    url = f"sqlite:///{tmp_path / 'keys.sqlite3'}"
    runner = CliRunner()
    created = runner.invoke(main, ["keys", "create", "--name", "bank-app", "--store", url])
    assert created.exit_code == 0, created.output
    key = created.stdout.strip()
    listed = runner.invoke(main, ["keys", "list", "--store", url])
    assert "bank-app" in listed.stdout and "active" in listed.stdout
    assert key.split("_", 2)[2] not in listed.stdout  # the secret is never shown again

    app = create_app({"TESTING": True}, service=service, keys=KeyStore(url), settings=Settings())
    client = app.test_client()
    assert client.get("/v1/actions", headers={"X-API-Key": key}).status_code == 200
    key_id = key.split("_")[1]
    revoked = runner.invoke(main, ["keys", "revoke", key_id, "--store", url])
    assert revoked.exit_code == 0, revoked.output
    assert client.get("/v1/actions", headers={"X-API-Key": key}).status_code == 401
    again = runner.invoke(main, ["keys", "revoke", key_id, "--store", url])
    assert again.exit_code != 0 and "no active key" in again.output


def test_rate_limit_is_per_key_and_answers_429_with_retry_after(service, keys):
    app = create_app(
        {"TESTING": True}, service=service, keys=keys, settings=Settings(rate_limit="2 per minute")
    )
    client = app.test_client()
    first, second = keys.create("first").key, keys.create("second").key
    statuses = [client.get("/v1/actions", headers={"X-API-Key": first}).status_code for _ in "abc"]
    assert statuses == [200, 200, 429]
    response = client.get("/v1/actions", headers={"X-API-Key": first})
    assert response.status_code == 429 and response.mimetype == "application/problem+json"
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert response.get_json()["status"] == 429
    assert client.get("/v1/actions", headers={"X-API-Key": second}).status_code == 200
    assert client.get("/v1/health").status_code == 200  # no key, no limit: for load balancers


def test_a_batch_counts_as_several_requests(service, keys, household):
    from webapp.api.access import BATCH_COST

    limit = Settings(rate_limit=f"{BATCH_COST} per minute")
    app = create_app({"TESTING": True}, service=service, keys=keys, settings=limit)
    client, headers = app.test_client(), {"X-API-Key": keys.create("b").key}
    body = {"households": [household]}
    assert client.post("/v1/recommendations/batch", json=body, headers=headers).status_code == 200
    assert client.get("/v1/actions", headers=headers).status_code == 429
