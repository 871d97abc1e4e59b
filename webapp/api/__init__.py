"""The /v1 partner API: JSON in, the shared answer out, problem+json errors (RFC 9457).

Thin: read the body (:mod:`webapp.api.body`), parse it with the shared parser, call
:class:`recommender.service.Service`, serialise with the domain's ``to_jsonable``. Keys and limits
are in :mod:`webapp.api.access`, errors in :mod:`webapp.api.problems`, the OpenAPI document in
:mod:`webapp.api.openapi`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from apiflask import APIBlueprint
from flask import Response, current_app, g, jsonify, request

from recommender.domain import to_jsonable
from recommender.errors import InvalidInput, Problem
from recommender.io import parse_household
from recommender.service import Service, training_footprint
from recommender.settings import Settings
from webapp.api import schemas
from webapp.api.access import partner_owner
from webapp.api.body import json_body
from webapp.api.catalogue import catalogue
from webapp.api.problems import problem
from webapp.api.public import without_host_details

bp = APIBlueprint("api_v1", __name__, url_prefix="/v1", tag="v1")
ANSWERS = schemas.answer_models()


@dataclass
class ApiState:
    """What the API's views share: the settings and how to load the service on first use (kept
    in ``app.extensions["greenrec_service"]``, where the form finds the same one)."""

    settings: Settings
    make_service: Callable[[], Service]
    lock: threading.Lock = field(default_factory=threading.Lock)

    def get_service(self) -> Service:
        service: Service | None = current_app.extensions.get("greenrec_service")
        if service is None:
            with self.lock:
                service = current_app.extensions.get("greenrec_service")
                if service is None:
                    service = self.make_service()
                    current_app.extensions["greenrec_service"] = service
        return service


def _service() -> Service:
    """The service, keeping feedback in the calling partner's own view of the store: household
    ids are the partner's (every key of one name), apart from every other partner's and the
    form's. Health, the only call without a key, never touches feedback."""
    service = _state().get_service()
    api_key = getattr(g, "api_key", None)
    if service.feedback is None or api_key is None:
        return service
    return service.with_feedback(service.feedback.for_owner(partner_owner(api_key.name)))


def _state() -> ApiState:
    state: ApiState = current_app.extensions["greenrec_api"]
    return state


def _answer(body: Any, status: int = 200) -> Response:
    if not _state().settings.host_details:
        body = without_host_details(body)
    response = jsonify(body)
    response.status_code = status
    return response


def _body(limit: int | None = None) -> Any:
    return json_body(request, limit or _state().settings.max_body_bytes)


def _top_k() -> int | None:
    """The ``top_k`` query parameter (absent: every action); anything but a whole number from 1
    to :data:`schemas.TOP_K_MAX` is a 422 naming it."""
    raw = request.args.get("top_k")
    if raw is None:
        return None
    # at most 3 digits before int(): a long string of digits is refused, never converted
    if len(raw) <= 3 and raw.isascii() and raw.isdigit() and 1 <= int(raw) <= schemas.TOP_K_MAX:
        return int(raw)
    expected = f"a whole number from 1 to {schemas.TOP_K_MAX}"
    raise InvalidInput(Problem("top_k", f"{raw[:20]!r} is not a whole number in range", expected), "query")


@bp.get("/health")
@bp.output(ANSWERS["health"])
@bp.doc(summary="Is the service up, with its models loaded", security=[])
def health() -> Response:
    service = _state().get_service()  # 503 problem when no model can be loaded
    return _answer({"status": "ok", "models": service.models.version})


@bp.post("/recommendations")
@bp.output(ANSWERS["recommendation"])
@bp.doc(summary="Ranked actions for one household, with its forecast and the footprints")
def recommend() -> Response:
    top_k = _top_k()
    household = parse_household(_body())
    return _answer(_service().recommend(household, top_k=top_k).to_dict())


def _outcome(index: int, raw: object, answer: Any) -> dict[str, Any]:
    household_id = raw.get("household_id") if isinstance(raw, Mapping) else None
    outcome: dict[str, Any] = {
        "index": index,
        "household_id": household_id if isinstance(household_id, str) else None,
    }
    if isinstance(answer, InvalidInput):
        outcome["problem"] = {
            "type": "about:blank",
            "title": "Unprocessable Content",
            "status": 422,
            "detail": f"households[{index}] has {len(answer.problems)} problem(s)",
            "problems": [p.to_dict() for p in answer.problems],
        }
    else:
        outcome["recommendation"] = answer.to_dict()
    return outcome


@bp.post("/recommendations/batch")
@bp.output(ANSWERS["batch"])
@bp.doc(summary="Up to 100 households at once: answers in order, a problem for each that fails")
def recommend_batch() -> Response:
    settings = _state().settings
    top_k = _top_k()
    body = _body(settings.max_batch_body_bytes)
    households = body.get("households") if isinstance(body, Mapping) else None
    if not isinstance(households, list) or not 1 <= len(households) <= settings.max_batch:
        raise InvalidInput(
            Problem(
                "households",
                "is missing, not a list, empty or too long"
                + (f" ({len(households)} households)" if isinstance(households, list) else ""),
                f"a list of 1 to {settings.max_batch} households",
            ),
            source="batch",
        )
    answers = _service().recommend_many(households, top_k=top_k)
    results = [
        _outcome(i, raw, a) for i, (raw, a) in enumerate(zip(households, answers, strict=True))
    ]
    return _answer({"results": results})


@bp.post("/forecast")
@bp.output(ANSWERS["forecast"])
@bp.doc(summary="The household's usage forecast (next 7 days hour by hour, and the year)")
def forecast() -> Response:
    household = parse_household(_body())
    answer = _service().forecast(household)
    return _answer({"household_id": household.household_id, "forecast": to_jsonable(answer)})


@bp.get("/actions")
@bp.output(ANSWERS["actions"])
@bp.doc(summary="The catalogue: the factors behind every action's figures, each with its source")
def actions() -> Response:
    return _answer(catalogue())


@bp.get("/model")
@bp.output(ANSWERS["model"])
@bp.doc(summary="The model cards and the measured footprint of training them")
def model() -> Response:
    models = _state().get_service().models
    return _answer(
        {
            "version": models.version,
            "training_footprint": to_jsonable(training_footprint(models.cards)),
            "cards": {name: to_jsonable(card.to_dict()) for name, card in models.cards.items()},
        }
    )


@bp.post("/feedback")
@bp.output(ANSWERS["feedback"], status_code=201)
@bp.doc(
    summary="What the household did with an action it was shown (201 new, 200 already recorded)",
    responses={200: "Already recorded: the same response to the same showing is stored once"},
)
def feedback() -> Response:
    event = _body()
    if not isinstance(event, Mapping):
        raise InvalidInput(
            Problem("(top level)", f"expected an object, got {type(event).__name__}", "an event"),
            source="feedback",
        )
    recorded = _service().record_feedback(event)
    return _answer({"recorded": recorded}, 201 if recorded else 200)


@bp.delete("/feedback/<household_id>")
@bp.output(ANSWERS["forgotten"])
@bp.doc(
    summary="Forget one of your households: delete what it was shown and its answers (for a "
    "person who asks; a model already trained on them keeps what it learned until retrained). "
    "Household ids are your own: every key of your name reaches them, no other partner's does"
)
def forget(household_id: str) -> Response:
    deleted = _service().forget_household(household_id)
    return _answer({"household_id": household_id, "deleted_events": deleted})


__all__ = ["ApiState", "bp", "problem"]
