"""``greenrec synth``: write a synthetic population's three tables."""

from __future__ import annotations

import time
from pathlib import Path

import click

from recommender.cli.errors import friendly_errors
from recommender.synth.writer import DEFAULT_DAYS, DEFAULT_START, FORMATS, write_population_counted


@click.command("synth")
@click.option(
    "--households",
    "n_households",
    type=click.IntRange(min=1),
    required=True,
    help="Number of households.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write households, readings and trips to.",
)
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=DEFAULT_DAYS,
    show_default=True,
    help="Days of hourly readings (and trips) per household.",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Seed: the same seed writes byte-identical tables.",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="parquet", show_default=True)
@click.option(
    "--start",
    default=DEFAULT_START,
    show_default=True,
    help="First hour of the readings, UTC (ISO 8601).",
)
@friendly_errors
def synth(n_households: int, out_dir: Path, days: int, seed: int, fmt: str, start: str) -> None:
    """Write a synthetic population built from the real meters' daily shapes."""
    began = time.perf_counter()
    paths, rows = write_population_counted(out_dir, n_households, days, seed, fmt, start)
    seconds = time.perf_counter() - began
    click.echo(
        f"wrote {n_households:,} synthetic households ({days} days, seed {seed}) "
        f"in {seconds:.1f} s:"
    )
    for name, path in paths.items():
        size_mb = path.stat().st_size / 1e6
        click.echo(f"  {name:<10} {rows[name]:>12,} rows  {size_mb:9.1f} MB  {path}")
