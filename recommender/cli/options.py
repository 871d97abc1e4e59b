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
