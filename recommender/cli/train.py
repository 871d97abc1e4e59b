"""``greenrec train``: every model, with model cards."""

from __future__ import annotations

from pathlib import Path

import click

from recommender.cli.errors import friendly_errors
from recommender.cli.options import feedback_store_option, models_dir_option, region_option


@click.command()
@models_dir_option
@region_option
@feedback_store_option("--feedback")
@click.option("--seed", default=0, show_default=True, help="Random seed.")
@friendly_errors
def train(models_dir: Path | None, region: str | None, store_url: str | None, seed: int) -> None:
    """Train every model on the bundled real data and write them with model cards."""
    from recommender.training import train_all

    result = train_all(models_dir, region=region, feedback_url=store_url, random_state=seed)
    from recommender.quantities import energy_text

    for name, card in result.cards.items():
        fp = card.training_footprint or {}
        learned = card.training_data.get("real_impressions")
        click.echo(
            f"{name:12s} {card.version}  {card.wall_seconds:6.2f} s wall  "
            f"{card.cpu_seconds:6.2f} s CPU  {energy_text(fp.get('energy_kwh', 0.0))}"
            + (f"  {learned} real impressions" if learned is not None else "")
        )
