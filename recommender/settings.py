"""greenrec's one settings object, read once from the environment by each surface and passed down.

``create_app`` reads it for the web app, the registry for where models and the signing key live
(:func:`recommender.registry.default_models_dir`, :func:`recommender.registry.signing_key_path`).
The CLI's ``--region``, ``--feedback`` and ``--store`` options fall back to the same variables.
Every name is documented in docs/api.md. Nothing else in greenrec reads ``GREENREC_*`` variables.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from recommender.errors import InvalidInput, Problem

ENV_PREFIX = "GREENREC_"


@dataclass(frozen=True)
class Settings:
    """What an operator may set (environment variable ``GREENREC_<NAME>``)."""

    models_dir: str | None = None  # None: the checkout's models/, else the user's data folder
    model_key: str | None = None  # the model-signing key file; None: ~/.config/greenrec/
    secret_key: str | None = None  # signs the web form's CSRF tokens; None: one per process
    keys_url: str = "sqlite:///greenrec-keys.sqlite3"
    feedback_url: str = "sqlite:///greenrec-feedback.sqlite3"
    region: str | None = None  # where the server runs, for the inference footprint
    rate_limit: str = "60 per minute"  # per API key (Flask-Limiter syntax)
    rate_limit_storage: str = "memory://"  # redis://host:6379 to share limits between workers
    # bodies after decompression: one year of hourly readings is ~60 kB compact, ~400 kB as a list
    max_body_bytes: int = 2 * 1024 * 1024
    max_batch_body_bytes: int = 16 * 1024 * 1024
    max_batch: int = 100  # households per batch request
    host_details: bool = False  # publish the host's CPU model, memory and timings in footprints
    api_only: bool = False  # serve only /v1 (``greenrec serve --api``)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from ``GREENREC_*`` variables; InvalidInput names every bad one."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        problems: list[Problem] = []
        for name, field in cls.__dataclass_fields__.items():
            raw = environ.get(ENV_PREFIX + name.upper())
            if raw is None or raw == "":
                continue
            kind = str(field.type)
            if kind.startswith("bool"):
                if raw.lower() not in ("1", "0", "true", "false", "yes", "no"):
                    problems.append(Problem(ENV_PREFIX + name.upper(), repr(raw), "1 or 0"))
                values[name] = raw.lower() in ("1", "true", "yes")
            elif kind.startswith("int"):
                if not raw.isdigit() or int(raw) < 1:
                    problems.append(
                        Problem(ENV_PREFIX + name.upper(), repr(raw), "an integer >= 1")
                    )
                    continue
                values[name] = int(raw)
            else:
                values[name] = raw
        if problems:
            raise InvalidInput(problems, source="environment")
        return cls(**values)  # type: ignore[arg-type]
