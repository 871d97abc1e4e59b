"""The web form for people at home: pick a sample or upload a meter export, add appliances,
trips and flights, and see the forecast, the ranked actions, the shifting schedule, greener
journeys and the models' own footprint. Server-rendered, works with JavaScript off."""

from __future__ import annotations

import os
import secrets

from flask.blueprints import BlueprintSetupState

from webapp.form.views import bp


@bp.record_once
def _secret_key(state: BlueprintSetupState) -> None:
    """CSRF tokens need a secret: GREENREC_SECRET_KEY (set it when several processes serve the
    app), else one made for this process (tokens then last until it restarts)."""
    config = state.app.config
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = os.environ.get("GREENREC_SECRET_KEY") or secrets.token_hex(32)


__all__ = ["bp"]
