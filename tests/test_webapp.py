"""The /v1 API is a thin layer: the same answer as the service, problem+json errors."""

from __future__ import annotations

import pytest

from webapp import create_app


@pytest.fixture(scope="module")
def client(service):
    return create_app({"TESTING": True}, service=service).test_client()


def test_recommendations_returns_the_service_answer(client, service, sample_payload):
    response = client.post("/v1/recommendations", json=sample_payload)
    assert response.status_code == 200
    body = response.get_json()
    expected = service.recommend(sample_payload).to_dict()
    assert [a["id"] for a in body["actions"]] == [a["id"] for a in expected["actions"]]


def test_invalid_household_is_a_422_problem_listing_fields(client, sample_payload):
    response = client.post("/v1/recommendations", json=dict(sample_payload, region="XX"))
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert any(p["where"] == "region" for p in response.get_json()["problems"])


def test_non_object_body_is_a_400_problem(client):
    response = client.post("/v1/recommendations", data="[1, 2]", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["status"] == 400
