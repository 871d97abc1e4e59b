"""The OpenAPI 3.1 document at /v1/openapi.json and its docs page at /v1/docs, offline.

APIFlask writes the paths and the answers' schemas from the views; this module adds what it does
not know: the request bodies (the household, generated in :mod:`webapp.api.schemas`, with an
example built from the bundled real meter in the compact readings form), the problem+json answers
for every error status, and the API-key security scheme. The docs page is Swagger UI served from
the ``swagger-ui-bundle-v2`` package (no CDN: it works on a machine with no internet).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pandas as pd
import swagger_ui_bundle
from apiflask import APIFlask
from flask import Blueprint, send_from_directory

from recommender.samples import sample_household_payload
from webapp.api import schemas
from webapp.api.problems import PROBLEM_JSON

REF = "#/components/schemas/{model}"
EXAMPLE_DAYS = 21  # enough history for the reader (14 days) and short enough to read
ERRORS = {
    400: "Malformed JSON (the detail names the line and column) or a bad gzip body",
    401: "No API key, or one that is unknown or revoked",
    413: "The body is over the size limit (counted after gzip decompression)",
    415: "No Content-Type, not application/json, or a Content-Encoding other than gzip",
    422: "The household (or event) is invalid: 'problems' lists every field, what and expected",
    429: "Over this key's rate limit: retry after Retry-After seconds",
    500: "The server failed; nothing internal is shown",
    503: "The models are not loaded yet",
}


@cache
def household_example() -> dict[str, Any]:
    """The demo household (bundled real UK meter), last weeks only, readings in compact form."""
    payload = sample_household_payload(weeks_of_trips=1)
    readings = payload["readings"]
    hours = EXAMPLE_DAYS * 24
    skipped = len(readings["kwh"]) - hours
    step = pd.Timedelta(minutes=readings["interval_minutes"])
    start = pd.Timestamp(readings["start"]) + step * skipped
    payload["readings"] = {
        "start": start.isoformat(),
        "interval_minutes": readings["interval_minutes"],
        "kwh": readings["kwh"][skipped:],
    }
    payload.pop("temperature", None)
    payload["trips"] = payload["trips"][:4]
    return payload


def _components(model: Any, spec: dict[str, Any]) -> dict[str, Any]:
    """``model``'s JSON schema, its definitions moved into the spec's components; its $ref."""
    schema = model.model_json_schema(ref_template=REF)
    store = spec.setdefault("components", {}).setdefault("schemas", {})
    for name, definition in schema.pop("$defs", {}).items():
        store.setdefault(name, definition)
    store.setdefault(model.__name__, schema)
    return {"$ref": REF.format(model=model.__name__)}


def _request_bodies(max_batch: int) -> dict[str, tuple[Any, Any]]:
    example = household_example()
    shown_at = "2026-01-05T18:00:00+00:00"
    return {
        "/v1/recommendations": (schemas.household_model(), example),
        "/v1/forecast": (schemas.household_model(), example),
        "/v1/recommendations/batch": (schemas.batch_model(max_batch), {"households": [example]}),
        "/v1/feedback": (
            schemas.feedback_model(),
            {
                "household_id": example["household_id"],
                "action_id": "shift-dishwasher",
                "event_type": "accepted",
                "shown_at": shown_at,
            },
        ),
    }


def complete_spec(spec: dict[str, Any], *, max_batch: int) -> dict[str, Any]:
    """Add request bodies, problem answers and the key scheme to APIFlask's document."""
    problem_ref = _components(schemas.problem_model(), spec)
    bodies = _request_bodies(max_batch)
    for path, operations in spec.get("paths", {}).items():
        for method, operation in operations.items():
            if path in ("/v1/recommendations", "/v1/recommendations/batch"):
                operation["parameters"] = [schemas.TOP_K_PARAMETER]
            if path in bodies and method == "post":
                model, example = bodies[path]
                operation["requestBody"] = {
                    "required": True,
                    "content": {
                        "application/json": {"schema": _components(model, spec), "example": example}
                    },
                }
            responses = operation.setdefault("responses", {})
            public = operation.get("security") == []
            for status, description in ERRORS.items():
                if public and status in (401, 429):
                    continue
                if status in (400, 413, 415, 422) and method != "post":
                    continue
                responses[str(status)] = {
                    "description": description,
                    "content": {PROBLEM_JSON: {"schema": problem_ref}},
                }
            if not public:
                operation["security"] = [{"ApiKey": []}]
    spec.setdefault("components", {})["securitySchemes"] = {
        "ApiKey": {
            "type": "http",
            "scheme": "bearer",
            "description": "A key from `greenrec keys create --name NAME` (Authorization: Bearer)",
        }
    }
    spec["info"]["description"] = (
        "The greenrec partner API. Every request but /v1/health needs an API key. Readings "
        "may be sent compact: {start, interval_minutes, kwh: [...]} (what the examples use). "
        "Bodies may be gzip-compressed (Content-Encoding: gzip). Errors are RFC 9457 "
        "problem+json."
    )
    return spec


def init_app(app: APIFlask, *, max_batch: int) -> None:
    """Complete the spec, and serve the docs page's assets from the installed package."""
    assets = Blueprint("api_docs_assets", __name__)

    @assets.get("/v1/docs/assets/<path:filename>")
    def docs_asset(filename: str) -> Any:
        return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename, max_age=86400)

    app.register_blueprint(assets)
    app.config.update(
        SWAGGER_UI_CSS="/v1/docs/assets/swagger-ui.css",
        SWAGGER_UI_BUNDLE_JS="/v1/docs/assets/swagger-ui-bundle.js",
        SWAGGER_UI_STANDALONE_PRESET_JS="/v1/docs/assets/swagger-ui-standalone-preset.js",
        DOCS_FAVICON="/v1/docs/assets/favicon-32x32.png",
    )

    @app.spec_processor
    def complete(spec: Any) -> Any:
        return complete_spec(spec, max_batch=max_batch)
