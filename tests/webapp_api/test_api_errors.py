"""Every error status is RFC 9457 problem+json, says what to do, and shows nothing internal."""

from __future__ import annotations

import copy
import gzip
import json
import zlib

import pytest

from recommender.errors import ModelNotFound
from webapp import create_app
from webapp.api import ApiState
from webapp.api.problems import PROBLEM_JSON


def problem_of(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == PROBLEM_JSON
    body = response.get_json()
    assert body["status"] == status and body["title"] and body["detail"]
    assert body["type"] == "about:blank"
    return body


def test_malformed_json_is_400_naming_line_and_column(client, auth):
    text = '{\n  "household_id": "h-1",\n  "region": GB\n}'
    response = client.post(
        "/v1/recommendations", data=text, headers={**auth, "Content-Type": "application/json"}
    )
    body = problem_of(response, 400)
    with pytest.raises(json.JSONDecodeError) as parsed:
        json.loads(text)
    assert (body["line"], body["column"]) == (parsed.value.lineno, parsed.value.colno) == (3, 13)
    assert "line 3 column 13" in body["detail"]


def test_deeply_nested_json_is_400_not_a_crash(client, auth):
    text = "[" * 100_000 + "]" * 100_000
    response = client.post(
        "/v1/recommendations", data=text, headers={**auth, "Content-Type": "application/json"}
    )
    assert "nested too deeply" in problem_of(response, 400)["detail"]


def test_broken_gzip_is_400(client, auth):
    headers = {**auth, "Content-Type": "application/json", "Content-Encoding": "gzip"}
    response = client.post("/v1/recommendations", data=b"not gzip at all", headers=headers)
    assert "gzip" in problem_of(response, 400)["detail"]


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer grk_000000000000_" + "a" * 43}, {"X-API-Key": "guess"}],
    ids=["no key", "unknown key", "malformed key"],
)
def test_no_valid_key_is_401(client, headers):
    response = client.get("/v1/actions", headers=headers)
    problem_of(response, 401)
    assert response.headers["WWW-Authenticate"].lower().startswith("bearer")


def test_a_revoked_key_is_401(client, keys, api_key):
    assert client.get("/v1/actions", headers={"X-API-Key": api_key}).status_code == 200
    assert keys.revoke(api_key)
    problem_of(client.get("/v1/actions", headers={"X-API-Key": api_key}), 401)


def test_unknown_path_is_404(client, auth):
    problem_of(client.get("/v1/no-such-thing", headers=auth), 404)


def test_wrong_method_is_405_with_allow(client, auth):
    response = client.get("/v1/recommendations", headers=auth)
    problem_of(response, 405)
    assert "POST" in response.headers["Allow"]


def test_body_over_the_limit_is_413(client, auth, app):
    limit = app.extensions["greenrec_settings"].max_body_bytes
    body = b'{"x": "' + b"a" * limit + b'"}'
    response = client.post(
        "/v1/recommendations", data=body, headers={**auth, "Content-Type": "application/json"}
    )
    assert "bytes" in problem_of(response, 413)["detail"]


def test_gzip_bomb_is_413_on_the_decompressed_size(client, auth, app):
    limit = app.extensions["greenrec_settings"].max_body_bytes
    bomb = gzip.compress(b" " * (limit * 8))
    assert len(bomb) < limit // 50  # small on the wire
    headers = {**auth, "Content-Type": "application/json", "Content-Encoding": "gzip"}
    response = client.post("/v1/recommendations", data=bomb, headers=headers)
    assert "after decompression" in problem_of(response, 413)["detail"]


@pytest.mark.parametrize(
    ("headers", "says"),
    [
        ({}, "Content-Type: application/json"),
        ({"Content-Type": "text/plain"}, "'text/plain'"),
        ({"Content-Type": "application/json; charset=latin-1"}, "UTF-8"),
        ({"Content-Type": "application/json", "Content-Encoding": "br"}, "'br'"),
    ],
    ids=["no content type", "text/plain", "latin-1", "brotli"],
)
def test_wrong_media_type_or_coding_is_415(client, auth, headers, says):
    response = client.post(
        "/v1/recommendations", data=zlib.compress(b"{}"), headers={**auth, **headers}
    )
    assert says in problem_of(response, 415)["detail"]


def test_invalid_household_is_422_listing_every_problem(client, auth, household):
    bad = dict(household, region="XX", timezone="Mars/Olympus", extra_field=1)
    body = problem_of(client.post("/v1/recommendations", json=bad, headers=auth), 422)
    assert {"region", "timezone", "extra_field"} <= {p["where"] for p in body["problems"]}
    assert all(p["problem"] and p["expected"] for p in body["problems"])


@pytest.mark.parametrize("gas_price", [-0.07, "cheap", True, 24.5])
def test_a_bad_gas_price_is_422_naming_the_field(client, auth, household, gas_price):
    bad = copy.deepcopy(household)
    bad["tariff"]["gas_price_per_kwh"] = gas_price
    body = problem_of(client.post("/v1/recommendations", json=bad, headers=auth), 422)
    assert [p["where"] for p in body["problems"]] == ["tariff.gas_price_per_kwh"]


@pytest.mark.parametrize("top_k", ["0", "101", "abc", "2.0", "-1", "9" * 5000, ""])
@pytest.mark.parametrize("path", ["/v1/recommendations", "/v1/recommendations/batch"])
def test_a_top_k_that_is_not_a_whole_number_in_range_is_422(client, auth, household, path, top_k):
    body = {"households": [household]} if path.endswith("batch") else household
    problem = problem_of(client.post(f"{path}?top_k={top_k}", json=body, headers=auth), 422)
    (found,) = problem["problems"]
    assert found["where"] == "top_k"
    assert found["expected"] == "a whole number from 1 to 100"
    assert len(found["problem"]) < 60  # a long value is cut, never echoed whole


@pytest.mark.parametrize("path", ["/v1/recommendations", "/v1/forecast", "/v1/feedback"])
def test_a_body_that_is_not_an_object_is_422(client, auth, path):
    body = problem_of(client.post(path, json=[1, 2], headers=auth), 422)
    assert body["problems"][0]["where"] == "(top level)"


def test_unexpected_failure_is_500_without_internals(service, keys, api_key, household):
    class Broken:
        models = service.models

        def recommend(self, household):
            raise RuntimeError("secret internals at /srv/greenrec/models/forecaster.joblib")

    app = create_app({"TESTING": False}, service=Broken(), keys=keys)  # type: ignore[arg-type]
    response = app.test_client().post(
        "/v1/recommendations", json=household, headers={"X-API-Key": api_key}
    )
    body = problem_of(response, 500)
    assert "/srv" not in response.get_data(as_text=True) and "secret" not in body["detail"]


def test_no_models_is_503_without_server_paths(keys, api_key):
    app = create_app({"TESTING": True}, keys=keys)

    def no_models():
        raise ModelNotFound("no model 'forecaster' in /srv/secret/models: run greenrec train")

    state: ApiState = app.extensions["greenrec_api"]
    state.make_service = no_models
    for path in ("/v1/health", "/v1/model"):
        response = app.test_client().get(path, headers={"X-API-Key": api_key})
        problem_of(response, 503)
        assert "/srv" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("readings", "where"),
    [
        ({"start": "3991-01-13T01:28:56Z", "interval_minutes": 60, "kwh": [0.3]}, "readings.start"),
        ([{"timestamp": "3991-01-13T01:28:56Z", "kwh": 0.3}], "readings[0].timestamp"),
        ({"start": "2024-01-01T00:00:00Z", "interval_minutes": 15, "kwh": [1.7e308]}, "readings"),
        (
            [
                {"timestamp": "1678-01-01T00:00:00Z", "kwh": 0.3},
                {"timestamp": "2261-01-01T00:00:00Z", "kwh": 0.3},
            ],
            "readings[0].timestamp",
        ),
    ],
    ids=["compact start past 2262", "reading past 2262", "kwh near the float limit", "1677-2261"],
)
def test_extreme_values_found_by_schemathesis_are_422_not_500(
    client, auth, household, readings, where
):
    body = problem_of(
        client.post("/v1/forecast", json=dict(household, readings=readings), headers=auth), 422
    )
    assert any(p["where"].startswith(where) for p in body["problems"]), body["problems"]


@pytest.mark.parametrize("path", ["/v1/recommendations", "/v1/forecast"])
@pytest.mark.parametrize(
    ("interval_minutes", "kwh", "says"),
    [(1440, 0.0, "daily readings"), (60, 0.0, "vacancies")],
    ids=["a vacant daily year", "a vacant year"],
)
def test_readings_the_forecast_cannot_use_are_422_not_500(
    client, auth, household, path, interval_minutes, kwh, says
):
    unusable = copy.deepcopy(household)
    n = 365 if interval_minutes == 1440 else 24 * 60
    unusable["readings"] = {
        "start": "2023-01-01T00:00:00Z",
        "interval_minutes": interval_minutes,
        "kwh": [kwh] * n,
    }
    unusable.pop("temperature", None)
    body = problem_of(client.post(path, json=unusable, headers=auth), 422)
    (only,) = body["problems"]
    assert only["where"] == "readings" and says in only["problem"]


def test_a_year_of_daily_readings_gets_a_forecast_of_days(client, auth, household):
    daily = copy.deepcopy(household)
    daily["readings"] = {
        "start": "2023-01-01T00:00:00Z",
        "interval_minutes": 1440,
        "kwh": [9.0] * 365,
    }
    daily.pop("temperature", None)
    response = client.post("/v1/forecast", json=daily, headers=auth)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    forecast = response.get_json()["forecast"]
    assert (forecast["interval"], len(forecast["kwh"])) == ("P1D", 7)
