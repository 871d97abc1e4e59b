"""Each endpoint answers what the library answers for the same household (canonical JSON)."""

from __future__ import annotations

import gzip
import json

import pytest
from api_helpers import TEST_SETTINGS, without_measured

from recommender.domain import to_jsonable
from recommender.feedback import FeedbackStore
from recommender.service import Service, training_footprint
from recommender.settings import Settings
from webapp import create_app
from webapp.api.access import partner_owner
from webapp.api.catalogue import catalogue
from webapp.api.public import without_host_details


def canonical(obj) -> str:
    return json.dumps(without_measured(obj), sort_keys=True)


def test_recommendation_equals_the_library_answer(client, auth, service, household):
    response = client.post("/v1/recommendations", json=household, headers=auth)
    assert response.status_code == 200, response.get_json()
    expected = without_host_details(service.recommend(household).to_dict())
    assert canonical(response.get_json()) == canonical(expected)


def test_with_host_details_on_the_answer_is_the_library_answer_unchanged(
    service, keys, api_key, household
):
    settings = Settings(rate_limit="1000 per minute", host_details=True)
    client = create_app({"TESTING": True}, service=service, settings=settings, keys=keys)
    response = client.test_client().post(
        "/v1/recommendations", json=household, headers={"X-API-Key": api_key}
    )
    assert response.status_code == 200
    assert canonical(response.get_json()) == canonical(service.recommend(household).to_dict())
    assert "model" in response.get_json()["model"]["inference_footprint"]["details"]["cpu"]


def test_the_api_service_charges_each_request_its_own_thread_cpu_time(
    trained_models_dir, keys, api_key, tmp_path, household
):
    settings = Settings(
        models_dir=str(trained_models_dir),
        feedback_url=f"sqlite:///{tmp_path / 'feedback.sqlite3'}",
        region="GB",
        host_details=True,
    )
    app = create_app({"TESTING": True}, settings=settings, keys=keys)  # service built lazily
    response = app.test_client().post(
        "/v1/recommendations", json=household, headers={"X-API-Key": api_key}
    )
    assert response.status_code == 200
    details = response.get_json()["model"]["inference_footprint"]["details"]
    assert details["cpu_clock"] == "thread"
    assert details["grid"]["region"] == "GB"


def test_gzip_body_gives_the_same_answer(client, auth, service, household):
    body = gzip.compress(json.dumps(household).encode())
    response = client.post(
        "/v1/recommendations",
        data=body,
        headers={**auth, "Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert response.status_code == 200
    expected = without_host_details(service.recommend(household).to_dict())
    assert canonical(response.get_json()) == canonical(expected)


def test_batch_answers_in_order_with_a_problem_per_bad_household(client, auth, service, household):
    bad = dict(household, household_id="h-bad", region="XX")
    second = dict(household, household_id="h-second")
    body = {"households": [household, bad, second]}
    response = client.post("/v1/recommendations/batch", json=body, headers=auth)
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r["index"] for r in results] == [0, 1, 2]
    assert [r["household_id"] for r in results] == [household["household_id"], "h-bad", "h-second"]
    library = service.recommend_many([household, bad, second])
    assert canonical(results[0]["recommendation"]) == canonical(
        without_host_details(library[0].to_dict())
    )
    assert canonical(results[2]["recommendation"]) == canonical(
        without_host_details(library[2].to_dict())
    )
    assert "recommendation" not in results[1]
    assert results[1]["problem"]["status"] == 422
    assert results[1]["problem"]["problems"] == [p.to_dict() for p in library[1].problems]


def test_batch_items_that_are_not_objects_get_a_problem_each(client, auth, household):
    body = {"households": [5, household, "h-2"]}
    response = client.post("/v1/recommendations/batch", json=body, headers=auth)
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [("problem" in r, "recommendation" in r) for r in results] == [
        (True, False),
        (False, True),
        (True, False),
    ]
    assert results[0]["problem"]["problems"][0]["where"] == "(top level)"


@pytest.mark.parametrize("households", [[], "nope", None])
def test_batch_without_a_list_of_households_is_422(client, auth, households):
    response = client.post(
        "/v1/recommendations/batch", json={"households": households}, headers=auth
    )
    assert response.status_code == 422
    assert response.get_json()["problems"][0]["where"] == "households"


def test_batch_over_the_limit_is_422_naming_the_limit(service, keys, api_key, household):
    settings = Settings(rate_limit="1000 per minute", max_batch=2)
    client = create_app({"TESTING": True}, service=service, settings=settings, keys=keys)
    response = client.test_client().post(
        "/v1/recommendations/batch",
        json={"households": [household] * 3},
        headers={"X-API-Key": api_key},
    )
    assert response.status_code == 422
    assert "1 to 2 households" in response.get_json()["problems"][0]["expected"]


def test_forecast_equals_the_library_forecast(client, auth, service, household):
    response = client.post("/v1/forecast", json=household, headers=auth)
    assert response.status_code == 200
    assert response.get_json() == {
        "household_id": household["household_id"],
        "forecast": to_jsonable(service.forecast(household)),
    }


def test_actions_is_the_sourced_catalogue(client, auth):
    response = client.get("/v1/actions", headers=auth)
    assert response.status_code == 200
    body = response.get_json()
    assert body == catalogue()
    kinds = {row["kind"] for row in body["appliances"]}
    assert "dishwasher" in kinds
    assert all(row["source"] and row["year"] for part in body.values() for row in part)


def test_model_is_the_cards_and_training_footprint(client, auth, service):
    response = client.get("/v1/model", headers=auth)
    assert response.status_code == 200
    body = response.get_json()
    assert body["version"] == service.models.version
    expected_cards = {n: to_jsonable(c.to_dict()) for n, c in service.models.cards.items()}
    assert body["cards"] == without_host_details(expected_cards)
    assert body["training_footprint"] == without_host_details(
        to_jsonable(training_footprint(service.models.cards))
    )


def test_health_names_the_loaded_models_without_a_key(client, service):
    response = client.get("/v1/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "models": service.models.version}


def test_feedback_is_recorded_against_what_was_shown(service, keys, api_key, tmp_path, household):
    store = FeedbackStore(f"sqlite:///{tmp_path / 'feedback.sqlite3'}")
    with_store = Service(service.models, feedback=store)
    app = create_app({"TESTING": True}, service=with_store, settings=TEST_SETTINGS, keys=keys)
    client, headers = app.test_client(), {"Authorization": f"Bearer {api_key}"}
    answer = client.post("/v1/recommendations", json=household, headers=headers).get_json()
    event = {
        "household_id": household["household_id"],
        "action_id": answer["actions"][0]["id"],
        "event_type": "accepted",
        "shown_at": answer["generated_at"],
    }
    first = client.post("/v1/feedback", json=event, headers=headers)
    again = client.post("/v1/feedback", json=event, headers=headers)
    assert (first.status_code, first.get_json()) == (201, {"recorded": True})
    assert (again.status_code, again.get_json()) == (200, {"recorded": False})
    store = store.for_owner(partner_owner("test partner"))  # the fixture key's name
    events = store.events(household["household_id"])
    assert (events["event_type"] == "accepted").sum() == 1

    never_shown = dict(event, action_id="no-such-action")
    response = client.post("/v1/feedback", json=never_shown, headers=headers)
    assert response.status_code == 422
    assert response.get_json()["problems"][0]["where"] == "action_id"

    kept = len(store.events(household["household_id"]))
    forgotten = client.delete(f"/v1/feedback/{household['household_id']}", headers=headers)
    assert forgotten.get_json() == {
        "household_id": household["household_id"],
        "deleted_events": kept,
    }
    assert store.events(household["household_id"]).empty
    assert client.delete(f"/v1/feedback/{household['household_id']}").status_code == 401


def test_each_partner_has_its_own_households(service, keys, tmp_path, household):
    """Two partners' "h-1" are two households: neither can answer for or forget the other's,
    and a second key of the same name (a rotated key) reaches the same households."""
    store = FeedbackStore(f"sqlite:///{tmp_path / 'feedback.sqlite3'}")
    app = create_app(
        {"TESTING": True},
        service=Service(service.models, feedback=store),
        settings=TEST_SETTINGS,
        keys=keys,
    )
    client = app.test_client()
    acme, rotated, other = (keys.create(name).key for name in ("acme", "acme", "other bank"))

    def as_(key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {key}"}

    answer = client.post("/v1/recommendations", json=household, headers=as_(acme)).get_json()
    event = {
        "household_id": household["household_id"],
        "action_id": answer["actions"][0]["id"],
        "event_type": "accepted",
    }
    refused = client.post("/v1/feedback", json=event, headers=as_(other))
    assert refused.status_code == 422  # never shown to the other bank's household of that id
    assert refused.get_json()["problems"][0]["where"] == "action_id"
    forgotten = client.delete(f"/v1/feedback/{household['household_id']}", headers=as_(other))
    assert forgotten.get_json()["deleted_events"] == 0

    shown = len(answer["actions"])
    acme_view = store.for_owner(partner_owner("acme"))
    assert len(acme_view.events(household["household_id"])) == shown
    assert client.post("/v1/feedback", json=event, headers=as_(rotated)).status_code == 201
    assert store.for_owner(partner_owner("other bank")).events().empty
    assert store.events(household["household_id"]).empty  # stored under acme's own prefix
    assert len(store.events()) == shown + 1


def test_top_k_answers_the_best_actions_as_the_library_does(client, auth, service, household):
    full = service.recommend(household).to_dict()["actions"]
    assert len(full) > 2, "the sample household must have more actions than the cut"
    response = client.post("/v1/recommendations?top_k=2", json=household, headers=auth)
    assert response.status_code == 200, response.get_json()
    expected = without_host_details(service.recommend(household, top_k=2).to_dict())
    assert canonical(response.get_json()) == canonical(expected)
    assert [a["id"] for a in response.get_json()["actions"]] == [a["id"] for a in full[:2]]
    assert [a["rank"] for a in response.get_json()["actions"]] == [1, 2]


def test_top_k_cuts_every_answer_of_a_batch(client, auth, household):
    body = {"households": [household, dict(household, household_id="h-second")]}
    response = client.post("/v1/recommendations/batch?top_k=1", json=body, headers=auth)
    assert response.status_code == 200
    assert [len(r["recommendation"]["actions"]) for r in response.get_json()["results"]] == [1, 1]
