"""``greenrec score``: score the batch tables."""

from __future__ import annotations

from pathlib import Path

import click

from recommender.cli.errors import friendly_errors

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command("score")
@click.option(
    "--households", required=True, type=_FILE, help="Households table (CSV/Parquet/JSONL)."
)
@click.option("--readings", required=True, type=_FILE, help="Readings, grouped by household_id.")
@click.option("--trips", type=_FILE, default=None, help="Trips table (optional).")
@click.option("--temperature", type=_FILE, default=None, help="Temperature table (optional).")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for scores.parquet, actions.parquet, failures.csv and manifest.json.",
)
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option("--scheduler", default=None, help="dask.distributed scheduler address (dask only).")
@click.option(
    "--models-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Trained models (default: the registry's directory).",
)
@click.option("--top-k", type=click.IntRange(min=1), default=5, show_default=True)
@click.option(
    "--chunk-households",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Households the reader parses and holds at a time (about 2 MiB each for a year).",
)
@click.option(
    "--part-households",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Households per part (written atomically as it finishes; the unit --resume skips).",
)
@click.option("--resume", is_flag=True, help="Continue the interrupted run staged in --out.")
@click.option(
    "--now",
    default=None,
    help="ISO 8601 instant every household is scored at (default: now; --resume keeps the "
    "interrupted run's).",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar with households/s and ETA (default: when stderr is a terminal).",
)
@friendly_errors
def score(
    households: Path,
    readings: Path,
    trips: Path | None,
    temperature: Path | None,
    out_dir: Path,
    workers: int,
    engine: str,
    scheduler: str | None,
    models_dir: Path | None,
    top_k: int,
    chunk_households: int,
    part_households: int,
    resume: bool,
    now: str | None,
    progress: bool | None,
) -> None:
    """Score every household; households that cannot be scored are explained in failures.csv.

    Results appear in --out only when the run has finished and its counts add up, with
    manifest.json (status complete) written last; a run that stops keeps its finished parts in
    --out/.staging for --resume. Exit code 0 when the run finished (even with failed
    households), 2 when a file itself is unusable (missing columns, unreadable), 3 without
    trained models, 1 for other errors (dask missing).
    """
    from recommender.batch.score import score_tables
    from recommender.errors import GreenrecError

    try:
        summary = score_tables(
            households,
            readings,
            trips,
            temperature,
            out_dir=out_dir,
            models_dir=models_dir,
            workers=workers,
            chunk_households=chunk_households,
            part_households=part_households,
            engine=engine,
            top_k=top_k,
            scheduler=scheduler,
            now=now,
            resume=resume,
            progress=progress,
        )
    except GreenrecError:
        staged = out_dir / ".staging"
        kept = len(list((staged / "parts").glob("part-*"))) if staged.is_dir() else 0
        click.echo(
            f"the run did not finish: no results and no manifest in {out_dir}"
            + (f"; {kept} finished part(s) kept in {staged} for --resume" if kept else ""),
            err=True,
        )
        raise
    click.echo(
        f"scored {summary.n_scored} of {summary.n_households} households, "
        f"{summary.n_failed} failed ({summary.n_input_failed} bad input, "
        f"{summary.n_engine_failed} not scorable; {summary.n_failure_rows} problems listed)"
    )
    if summary.n_internal_errors:
        click.echo(
            f"warning: {summary.n_internal_errors} internal error(s), see failures.csv", err=True
        )
    click.echo(
        f"{summary.households_per_s:.1f} households/s ({summary.seconds:.1f} s, "
        f"{summary.seconds_read:.1f} s reading; engine {summary.engine}, "
        f"{summary.workers} worker(s)"
        + (f"; {summary.n_parts_resumed} of {summary.n_parts} parts resumed" if resume else "")
        + ")"
    )
    for name, path in summary.paths.items():
        click.echo(f"wrote {name}: {path}")
