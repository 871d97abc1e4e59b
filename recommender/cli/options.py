"""Options shared by several ``greenrec`` commands."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def models_dir_option(func: F) -> F:
    return click.option(
        "--models-dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help="Model directory (default: $GREENREC_MODELS_DIR, else ./models of a checkout).",
    )(func)


def region_option(func: F) -> F:
    return click.option(
        "--region",
        envvar="GREENREC_REGION",
        default=None,
        help="ISO country code where this machine runs, for the grid intensity of the model's "
        "own footprint (env GREENREC_REGION). Unset: the footprint names the region as unknown.",
    )(func)


DEFAULT_FEEDBACK_URL = "sqlite:///greenrec-feedback.sqlite3"


def feedback_store_option(name: str, *, required: bool = False) -> Callable[[F], F]:
    """``--feedback`` / ``--store``: a feedback store URL (env GREENREC_FEEDBACK_URL)."""

    def decorate(func: F) -> F:
        return click.option(
            name,
            "store_url",
            envvar="GREENREC_FEEDBACK_URL",
            default=DEFAULT_FEEDBACK_URL if required else None,
            show_default=required,
            help="Feedback store: any SQLAlchemy URL (env GREENREC_FEEDBACK_URL)"
            + ("." if required else "; unset keeps no feedback."),
        )(func)

    return decorate
