"""RFC 9457 problem details for every error the API answers, and nothing internal in them.

One builder, :func:`problem`, and one set of handlers installed on the app by :func:`init_app`, so
a 404 or 405 anywhere under ``/v1`` (where no view runs) is problem+json too. 500 and 503 say what
happened in words a partner can act on; the exception, paths and host stay in the server's log.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException, InternalServerError

from recommender.errors import (
    InsufficientData,
    InvalidInput,
    ModelIntegrityError,
    ModelNotFound,
)

PROBLEM_JSON = "application/problem+json"
API_PREFIX = "/v1"
log = logging.getLogger(__name__)


def problem(status: int, title: str, detail: str, **extra: Any) -> Response:
    """A problem+json response (``type`` stays ``about:blank``: the status and title say it)."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_JSON
    return response


def invalid_input(error: InvalidInput) -> Response:
    """422 listing every problem the shared validator found (field, what is wrong, expected)."""
    return problem(
        422,
        "Unprocessable Content",
        f"{error.source} has {len(error.problems)} problem(s); see 'problems'",
        problems=[p.to_dict() for p in error.problems],
    )


def insufficient_data(error: InsufficientData) -> Response:
    """422 too: a household whose readings cannot be used (too short once vacancies are set
    aside, daily where the forecast needs hours) is the caller's to fix, not a server fault."""
    return invalid_input(error.as_invalid_input())


def _in_api() -> bool:
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")


def init_app(app: Flask, *, api_only: bool) -> None:
    """Answer errors under /v1 (everywhere when ``api_only``) as problem+json."""

    def http_error(error: HTTPException) -> Any:
        if not (api_only or _in_api()):
            return error
        response = problem(
            error.code or 500,
            error.name,
            error.description or error.name,
            **getattr(error, "extra", {}),
        )
        for name, value in error.get_headers():  # Allow on 405, WWW-Authenticate on 401
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    def no_model(error: Exception) -> Any:
        log.error("models unavailable: %s", error)
        return problem(
            503,
            "Service Unavailable",
            "the models are not available on this server yet; try again later",
        )

    def unexpected(error: Exception) -> Any:
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("unhandled error on %s %s", request.method, request.path)
        if not (api_only or _in_api()):
            return InternalServerError()
        return problem(500, "Internal Server Error", "the server failed to answer; it is logged")

    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(InvalidInput, invalid_input)
    app.register_error_handler(InsufficientData, insufficient_data)
    app.register_error_handler(ModelNotFound, no_model)
    app.register_error_handler(ModelIntegrityError, no_model)
    app.register_error_handler(Exception, unexpected)
