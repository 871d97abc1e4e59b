"""The /v1 partner API: JSON in, the shared answer out, problem+json errors (RFC 9457)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from recommender.errors import InvalidInput, ModelIntegrityError, ModelNotFound
from recommender.service import Service

bp = Blueprint("api_v1", __name__, url_prefix="/v1")
PROBLEM = "application/problem+json"


def _service() -> Service:
    service = current_app.extensions.get("greenrec_service")
    if service is None:
        service = Service.from_dir()
        current_app.extensions["greenrec_service"] = service
    return service


def _problem(status: int, title: str, detail: str, **extra: Any) -> Any:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM
    return response


@bp.get("/health")
def health() -> Any:
    return {"status": "ok"}


@bp.post("/recommendations")
def recommendations() -> Any:
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return _problem(400, "Bad Request", "the body must be one household as a JSON object")
    answer = _service().recommend(payload)
    return jsonify(answer.to_dict())


@bp.errorhandler(InvalidInput)
def invalid_input(error: InvalidInput) -> Any:
    return _problem(
        422,
        "Invalid household",
        str(error).splitlines()[0],
        problems=[p.to_dict() for p in error.problems],
    )


@bp.errorhandler(ModelNotFound)
@bp.errorhandler(ModelIntegrityError)
def no_model(error: Exception) -> Any:
    return _problem(503, "Model unavailable", str(error))


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Any:
    return _problem(error.code or 500, error.name, error.description or "")
