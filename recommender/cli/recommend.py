"""``greenrec recommend`` and ``greenrec demo``: the answer for one household."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from recommender.cli.errors import friendly_errors
from recommender.cli.options import feedback_store_option, models_dir_option, region_option


@click.command()
@click.argument("household_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option("--top", "top_k", type=click.IntRange(1), default=None, help="Show the top N.")
@models_dir_option
@region_option
@feedback_store_option("--feedback")
@friendly_errors
def recommend(
    household_file: Path,
    fmt: str,
    top_k: int | None,
    models_dir: Path | None,
    region: str | None,
    store_url: str | None,
) -> None:
    """Recommend actions for the household in HOUSEHOLD_FILE (canonical JSON). With
    --feedback, the household's earlier responses shape the ranking and what is shown is
    recorded, so `greenrec feedback` and `greenrec train --feedback` can learn from it."""
    from recommender.feedback import FeedbackStore
    from recommender.io import read_household_json
    from recommender.render import render_table
    from recommender.service import Service

    household = read_household_json(household_file)
    store = FeedbackStore(store_url) if store_url else None
    service = Service.from_dir(models_dir, region=region, feedback=store)
    answer = service.recommend(household, top_k=top_k)
    if fmt == "json":
        click.echo(json.dumps(answer.to_dict(), indent=2))
    else:
        click.echo(render_table(answer))


@click.command()
@models_dir_option
@region_option
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Also write the sample household's JSON here (to try `greenrec recommend`).",
)
@friendly_errors
def demo(models_dir: Path | None, region: str | None, out: Path | None) -> None:
    """Train if no model exists, then recommend for a sample household built from a real meter."""
    from recommender import registry
    from recommender.io import parse_household
    from recommender.manifest import MODEL_NAMES, model_inputs
    from recommender.render import render_table
    from recommender.samples import sample_household_payload
    from recommender.service import Service
    from recommender.training import train_all

    payload = sample_household_payload()
    if region is None:  # the demo runs where its sample household lives unless told otherwise
        region = str(payload["region"])
        click.echo(
            f"Footprints are charged to the {region} grid, the sample household's region "
            "(--region or GREENREC_REGION: where this machine runs)."
        )
    models_dir = models_dir or registry.default_models_dir()
    inputs = {name: model_inputs(name) for name in MODEL_NAMES}
    if not registry.has_usable_models(MODEL_NAMES, models_dir, inputs):
        click.echo(f"No usable models in {models_dir}: training on the bundled real data ...")
        started = time.perf_counter()
        train_all(models_dir, region=region)
        click.echo(f"Trained in {time.perf_counter() - started:.1f} s.\n")
    if out is not None:
        out.write_text(json.dumps(payload))
        click.echo(f"Wrote the sample household to {out}")
    answer = Service.from_dir(models_dir, region=region).recommend(parse_household(payload))
    click.echo(render_table(answer))
