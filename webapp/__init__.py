"""greenrec's web layer: thin parse -> service -> serialise, over ``recommender.service``.

:func:`create_app` reads the settings once (:class:`recommender.settings.Settings`, from the
environment unless given), builds the service lazily (the app starts before the models are
trained), and registers every blueprint in :func:`register_blueprints`: the partner API under /v1
(keys, limits, problem+json, OpenAPI) and, unless ``api_only``, the form for people at home.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from apiflask import APIFlask

from recommender.feedback import FeedbackStore
from recommender.keys import KeyStore
from recommender.service import Service
from recommender.settings import Settings
from webapp import api, form
from webapp.api import access, openapi, problems

API_VERSION = "1.0.0"


def _service_factory(settings: Settings) -> Callable[[], Service]:
    def make() -> Service:
        return Service.from_dir(
            Path(settings.models_dir) if settings.models_dir else None,
            region=settings.region,
            feedback=FeedbackStore(settings.feedback_url),
            meter_clock="thread",  # one request's footprint is its own thread's CPU time
        )

    return make


def register_blueprints(app: APIFlask, settings: Settings) -> None:
    """The one place blueprints are registered."""
    app.register_blueprint(api.bp)
    if not settings.api_only:
        app.register_blueprint(form.bp)


def create_app(
    test_config: Mapping[str, Any] | None = None,
    service: Service | None = None,
    settings: Settings | None = None,
    keys: KeyStore | None = None,
) -> APIFlask:
    """Application factory. ``service``, ``settings`` and ``keys`` are injected by tests; by
    default settings come from ``GREENREC_*`` variables, and the service and the key store are
    opened on first use (one service, shared by the API and the form)."""
    settings = settings or Settings.from_env()
    app = APIFlask(
        __name__,
        title="greenrec partner API",
        version=API_VERSION,
        spec_path="/v1/openapi.json",
        docs_path="/v1/docs",
        docs_oauth2_redirect_path=None,
        json_errors=False,
    )
    app.config.from_mapping(
        MAX_CONTENT_LENGTH=max(settings.max_body_bytes, settings.max_batch_body_bytes),
        AUTO_404_RESPONSE=False,
        AUTO_VALIDATION_ERROR_RESPONSE=False,
        AUTO_AUTH_ERROR_RESPONSE=False,
        AUTO_SERVERS=False,
        SYNC_LOCAL_SPEC=False,
    )
    if test_config:
        app.config.from_mapping(test_config)
    app.extensions["greenrec_service"] = service  # the form reads it here too
    app.extensions["greenrec_api"] = api.ApiState(settings, _service_factory(settings))
    app.extensions["greenrec_settings"] = settings
    problems.init_app(app, api_only=settings.api_only)
    key_store = access.LazyKeyStore(settings.keys_url, keys)
    app.extensions["greenrec_keys"] = key_store
    app.extensions["greenrec_limiter"] = access.init_app(app, api.bp.name, settings, key_store)
    openapi.init_app(app, max_batch=settings.max_batch)
    register_blueprints(app, settings)
    return app
