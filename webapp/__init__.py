"""greenrec's web layer: thin parse -> service -> serialise, over ``recommender.service``.

Only the first slice of the partner API is here (``POST /v1/recommendations``); the web form and
the API's keys, limits and OpenAPI spec build on this factory.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from recommender.service import Service


def create_app(
    test_config: Mapping[str, Any] | None = None, service: Service | None = None
) -> Flask:
    """Application factory. ``service`` is injected by tests; by default it is loaded lazily
    from the model directory on first request (so the app starts even before training)."""
    app = Flask(__name__)
    app.config.from_mapping(MAX_CONTENT_LENGTH=10 * 1024 * 1024)
    if test_config:
        app.config.from_mapping(test_config)
    app.extensions["greenrec_service"] = service

    from webapp.api import bp as api_bp

    app.register_blueprint(api_bp)
    from webapp.form import bp as form_bp

    app.register_blueprint(form_bp)
    return app
