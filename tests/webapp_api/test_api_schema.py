"""The OpenAPI document: 3.1, complete, and the API keeps to it (Schemathesis, via WSGI)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from recommender.feedback import FeedbackStore
from recommender.keys import KeyStore
from recommender.service import Service
from recommender.settings import Settings
from webapp import create_app
from webapp.api import schemas
from webapp.api.openapi import household_example

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 25
KEYS = KeyStore("sqlite://")
KEY = KEYS.create("schemathesis").key


def test_spec_is_openapi_31_with_every_endpoint_and_compact_examples(client):
    spec = client.get("/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    assert set(spec["paths"]) == {
        "/v1/recommendations",
        "/v1/recommendations/batch",
        "/v1/forecast",
        "/v1/actions",
        "/v1/model",
        "/v1/feedback",
        "/v1/feedback/{household_id}",
        "/v1/health",
    }
    body = spec["paths"]["/v1/recommendations"]["post"]["requestBody"]["content"]
    example = body["application/json"]["example"]
    assert set(example["readings"]) == {"start", "interval_minutes", "kwh"}
    responses = spec["paths"]["/v1/recommendations"]["post"]["responses"]
    assert {"200", "400", "401", "413", "415", "422", "429", "500", "503"} <= set(responses)


def test_the_documented_example_is_accepted_and_answers_to_the_schema(client, auth):
    response = client.post("/v1/recommendations", json=household_example(), headers=auth)
    assert response.status_code == 200, response.get_json()
    schemas.answer_models()["recommendation"].model_validate(response.get_json())


def test_the_household_schema_follows_the_domain_vocabulary():
    from recommender.domain import APPLIANCE_KINDS, TRIP_MODES

    defs = schemas.household_model().model_json_schema()["$defs"]
    assert defs["ApplianceInput"]["properties"]["kind"]["enum"] == list(APPLIANCE_KINDS)
    assert defs["TripInput"]["properties"]["mode"]["enum"] == list(TRIP_MODES)
    assert "gas_price_per_kwh" in defs["TariffInput"]["properties"]  # from the dataclass


def test_docs_page_works_offline(client):
    page = client.get("/v1/docs").get_data(as_text=True)
    assert "http://" not in page.replace("http://www.w3.org", "")
    assert "https://" not in page.replace("https://swagger.io/docs", "")
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js"):
        assert f"/v1/docs/assets/{asset}" in page
        with client.get(f"/v1/docs/assets/{asset}") as response:
            assert response.status_code == 200 and len(response.get_data()) > 1000


@pytest.fixture(scope="module")
def fuzzed_app(trained_models_dir, tmp_path_factory):
    feedback_url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'feedback.sqlite3'}"
    service = Service.from_dir(trained_models_dir, feedback=FeedbackStore(feedback_url))
    return create_app(
        {"TESTING": True},
        service=service,
        keys=KEYS,
        settings=Settings(rate_limit="100000 per minute"),
    )


@pytest.mark.slow
def test_api_keeps_to_its_openapi_document(fuzzed_app):
    """Generated requests to every operation: no 5xx, and every answer matches the document."""
    api_schema = schemathesis.openapi.from_wsgi("/v1/openapi.json", fuzzed_app)
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 8
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def keeps_to_the_document(case):
            case.call_and_validate(headers={"Authorization": f"Bearer {KEY}"}, checks=CHECKS)

        keeps_to_the_document()
