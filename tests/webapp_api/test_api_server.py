"""Host details stay private, each request is charged its own CPU time, settings and serve."""

from __future__ import annotations

import threading
import time

import pytest

from recommender.cli.serve import gunicorn_command, serve_env, usable_cores
from recommender.errors import InvalidInput
from recommender.footprint import measure
from recommender.footprint.power import local_cpu
from recommender.settings import Settings
from webapp.api.public import HOST_KEYS, WITHHELD


def test_answers_publish_no_host_details_by_default(client, auth, household):
    for response in (
        client.post("/v1/recommendations", json=household, headers=auth),
        client.get("/v1/model", headers=auth),
    ):
        text = response.get_data(as_text=True)
        assert response.status_code == 200
        assert local_cpu().model not in text
        assert "/sys/class" not in text and "peak_memory_bytes" not in text
    footprint = client.post("/v1/recommendations", json=household, headers=auth).get_json()
    details = footprint["model"]["inference_footprint"]["details"]
    assert not HOST_KEYS & set(details)
    assert WITHHELD in footprint["model"]["inference_footprint"]["method"]
    assert details["grid"]["g_per_kwh"]["value"] > 0  # the figures it rests on stay


def test_thread_clock_charges_only_the_measuring_thread():
    """A neighbour thread burns 0.2 s of CPU while this one waits for it: the process clock
    charges this measurement for that, the thread clock does not."""
    neighbour_cpu_s = 0.2

    def burn() -> None:
        started = time.thread_time()
        while time.thread_time() - started < neighbour_cpu_s:
            sum(range(10_000))

    neighbour = threading.Thread(target=burn)
    with measure("request", clock="thread") as own, measure("request") as process_wide:
        neighbour.start()
        neighbour.join()
    own_s = own.footprint.details["cpu_seconds"]
    assert own.footprint.details["cpu_clock"] == "thread"
    assert process_wide.footprint.details["cpu_seconds"] >= neighbour_cpu_s
    assert own_s < neighbour_cpu_s / 4


def test_unknown_clock_is_refused():
    with pytest.raises(ValueError, match="clock"):
        measure("x", clock="wall")


def test_settings_are_read_once_from_the_environment():
    env = {
        "GREENREC_RATE_LIMIT": "5 per second",
        "GREENREC_MAX_BATCH": "10",
        "GREENREC_HOST_DETAILS": "1",
        "GREENREC_KEYS_URL": "sqlite:////tmp/k.sqlite3",
    }
    settings = Settings.from_env(env)
    assert (settings.rate_limit, settings.max_batch, settings.host_details) == (
        "5 per second",
        10,
        True,
    )
    assert settings.keys_url == "sqlite:////tmp/k.sqlite3"
    assert Settings.from_env({}) == Settings()


def test_bad_settings_name_every_variable():
    with pytest.raises(InvalidInput) as error:
        Settings.from_env({"GREENREC_MAX_BATCH": "many", "GREENREC_HOST_DETAILS": "perhaps"})
    assert {p.where for p in error.value.problems} == {
        "GREENREC_MAX_BATCH",
        "GREENREC_HOST_DETAILS",
    }


def test_serve_runs_gunicorn_on_the_app_factory_with_one_blas_thread():
    command = gunicorn_command(bind="127.0.0.1:9", workers=3, threads=2, timeout_s=30)
    assert command[1:3] == ["-m", "gunicorn"] and command[-1] == "webapp:create_app()"
    assert command[command.index("--workers") + 1] == "3"
    assert command[command.index("--worker-class") + 1] == "gthread"
    single = gunicorn_command(bind="127.0.0.1:9", workers=2, threads=1, timeout_s=30)
    assert single[single.index("--worker-class") + 1] == "sync"  # a free worker takes each request
    env = serve_env(api_only=True)
    assert env["GREENREC_API_ONLY"] == "1" and env["OMP_NUM_THREADS"]
    assert usable_cores() >= 1


def test_serve_api_serves_only_v1_and_the_whole_app_serves_the_form(service, keys):
    from webapp import create_app

    whole = create_app({"TESTING": True}, service=service, keys=keys, settings=Settings())
    api_only = create_app(
        {"TESTING": True}, service=service, keys=keys, settings=Settings(api_only=True)
    )
    assert whole.test_client().get("/").status_code == 200
    response = api_only.test_client().get("/")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    for app in (whole, api_only):  # the form's pages stay out of the partner API's document
        paths = app.test_client().get("/v1/openapi.json").get_json()["paths"]
        assert all(path.startswith("/v1/") for path in paths)
