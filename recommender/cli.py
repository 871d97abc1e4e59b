"""``greenrec``: the command line. Configures logging, maps errors to exit codes.

Exit codes: 0 success; 1 unexpected failure; 2 bad usage or invalid input (every problem is
listed); 3 no usable model (missing or failing its checksum).
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from recommender.errors import GreenrecError, InvalidInput, ModelIntegrityError, ModelNotFound

EXIT_INVALID_INPUT = 2
EXIT_NO_MODEL = 3
F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger("greenrec")


def _friendly_errors(func: F) -> F:
    """Turn the engine's errors into a clear message and an exit code, never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InvalidInput as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(EXIT_INVALID_INPUT)
        except (ModelNotFound, ModelIntegrityError) as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(EXIT_NO_MODEL)
        except GreenrecError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _models_dir_option(func: F) -> F:
    return click.option(
        "--models-dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help="Model directory (default: $GREENREC_MODELS_DIR, else ./models of a checkout).",
    )(func)


def _region_option(func: F) -> F:
    return click.option(
        "--region",
        envvar="GREENREC_REGION",
        default=None,
        help="ISO country code where this machine runs, for the grid intensity of the model's "
        "own footprint (env GREENREC_REGION). Unset: the footprint names the region as unknown.",
    )(func)


@click.group()
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
@click.version_option(package_name="greenrec")
def main(verbose: int) -> None:
    """greenrec: personal sustainability recommendations with measured savings and footprint."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


@main.command()
@_models_dir_option
@_region_option
@click.option(
    "--feedback",
    "feedback_url",
    default=None,
    help="Feedback store URL (e.g. sqlite:///feedback.sqlite3) to retrain the ranker on.",
)
@click.option("--seed", default=0, show_default=True, help="Random seed.")
@_friendly_errors
def train(models_dir: Path | None, region: str | None, feedback_url: str | None, seed: int) -> None:
    """Train every model on the bundled real data and write them with model cards."""
    from recommender.training import train_all

    result = train_all(models_dir, region=region, feedback_url=feedback_url, random_state=seed)
    for name, card in result.cards.items():
        fp = card.training_footprint or {}
        click.echo(
            f"{name:12s} {card.version}  {card.wall_seconds:6.2f} s wall  "
            f"{card.cpu_seconds:6.2f} s CPU  {fp.get('energy_kwh', 0.0) * 1000:.3f} Wh"
        )


@main.command()
@click.argument("household_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option("--top", "top_k", type=click.IntRange(1), default=None, help="Show the top N.")
@_models_dir_option
@_region_option
@_friendly_errors
def recommend(
    household_file: Path, fmt: str, top_k: int | None, models_dir: Path | None, region: str | None
) -> None:
    """Recommend actions for the household in HOUSEHOLD_FILE (canonical JSON)."""
    from recommender.io import read_household_json
    from recommender.render import render_table
    from recommender.service import Service

    household = read_household_json(household_file)
    answer = Service.from_dir(models_dir, region=region).recommend(household, top_k=top_k)
    if fmt == "json":
        click.echo(json.dumps(answer.to_dict(), indent=2))
    else:
        click.echo(render_table(answer))


@main.command()
@_models_dir_option
@_region_option
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Also write the sample household's JSON here (to try `greenrec recommend`).",
)
@_friendly_errors
def demo(models_dir: Path | None, region: str | None, out: Path | None) -> None:
    """Train if no model exists, then recommend for a sample household built from a real meter."""
    from recommender import registry
    from recommender.io import parse_household
    from recommender.render import render_table
    from recommender.samples import sample_household_payload
    from recommender.service import Service
    from recommender.training import MODEL_NAMES, model_inputs, train_all

    models_dir = models_dir or registry.default_models_dir()
    inputs = {name: model_inputs(name) for name in MODEL_NAMES}
    if not registry.has_usable_models(MODEL_NAMES, models_dir, inputs):
        click.echo(f"No usable models in {models_dir}: training on the bundled real data ...")
        started = time.perf_counter()
        train_all(models_dir, region=region)
        click.echo(f"Trained in {time.perf_counter() - started:.1f} s.\n")
    payload = sample_household_payload()
    if out is not None:
        out.write_text(json.dumps(payload))
        click.echo(f"Wrote the sample household to {out}")
    answer = Service.from_dir(models_dir, region=region).recommend(parse_household(payload))
    click.echo(render_table(answer))


@main.command()
@click.argument("household_id")
@click.argument("action_id")
@click.argument("event_type", type=click.Choice(["shown", "accepted", "dismissed", "done"]))
@click.option(
    "--store",
    "store_url",
    default="sqlite:///greenrec-feedback.sqlite3",
    show_default=True,
    help="Feedback store (any SQLAlchemy URL).",
)
@_friendly_errors
def feedback(household_id: str, action_id: str, event_type: str, store_url: str) -> None:
    """Record that HOUSEHOLD_ID accepted, dismissed or did ACTION_ID (retrain with
    `greenrec train --feedback URL`). Recording the same event twice stores it once."""
    from datetime import UTC, datetime

    from recommender.feedback import FeedbackStore

    event = {
        "household_id": household_id,
        "action_id": action_id,
        "event_type": event_type,
        "timestamp": datetime.now(UTC),
    }
    stored = FeedbackStore(store_url).record(event)
    click.echo(
        f"{'recorded' if stored else 'already recorded'}: {household_id} {event_type} {action_id}"
    )


def _register_capability_commands() -> None:
    """Commands that live next to their capability (forecast, footprint, synth, batch)."""
    from recommender.batch.cli import score
    from recommender.footprint.cli import footprint
    from recommender.forecast.cli import evaluate
    from recommender.synth.cli import synth

    for command in (evaluate, footprint, score, synth):
        main.add_command(command)


_register_capability_commands()
