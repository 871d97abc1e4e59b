"""``greenrec serve --api`` itself: gunicorn's sync workers answer what the library answers.

The other API tests use Flask's test client; this one starts the real server command (gunicorn,
two single-threaded workers, loopback) once and sends it real HTTP requests, several at once.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from api_helpers import without_measured

from recommender.keys import KeyStore
from webapp.api.public import without_host_details

START_TIMEOUT_S = 120.0  # gunicorn's workers import the engine and load the models


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _request(port: int, method: str, path: str, body: Any = None, key: str = "") -> tuple:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/json"} | ({"X-API-Key": key} if key else {})
    try:
        conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        conn.close()


def _wait_healthy(port: int, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"greenrec serve exited with {server.returncode}:\n{log.read_text()}")
        try:
            if _request(port, "GET", "/v1/health")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"no answer from /v1/health within {START_TIMEOUT_S:g} s:\n{log.read_text()}")


@pytest.fixture()
def server(trained_models_dir: Path, tmp_path: Path):
    """``greenrec serve --api`` on a free loopback port, and a key it accepts."""
    port = _free_port()
    keys_url = f"sqlite:///{tmp_path}/keys.sqlite3"
    key = KeyStore(keys_url).create("gunicorn-test").key
    env = os.environ | {
        "GREENREC_MODELS_DIR": str(trained_models_dir),
        "GREENREC_KEYS_URL": keys_url,
        "GREENREC_FEEDBACK_URL": f"sqlite:///{tmp_path}/feedback.sqlite3",
    }
    command = [sys.executable, "-c", "from recommender.cli import main; main()", "serve"]
    bind = ["--api", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen([*command, *bind], env=env, stdout=output, stderr=output)
    try:
        _wait_healthy(port, process, log)
        yield port, key
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_serve_api_answers_concurrent_requests_as_the_library(server, service, household):
    """Four households at once (distinct ids: each answer then has no earlier one shown to its
    household in the server's feedback store, as the library's has none)."""
    port, key = server
    households = [household | {"household_id": f"gunicorn-{i}"} for i in range(4)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(
            pool.map(lambda h: _request(port, "POST", "/v1/recommendations", h, key), households)
        )
    for sent, (status, body) in zip(households, answers, strict=True):
        assert status == 200, body
        expected = without_host_details(service.recommend(sent).to_dict())
        assert _canonical(body) == _canonical(expected)
    status, problem = _request(port, "POST", "/v1/recommendations", household)
    assert status == 401 and problem["status"] == 401


def _canonical(answer: Any) -> str:
    return json.dumps(without_measured(answer), sort_keys=True)
