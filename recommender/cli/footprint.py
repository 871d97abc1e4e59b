"""``greenrec footprint``: the training footprint recorded in model cards, or a measured command.

greenrec footprint models/                 # every *.card.json in the model directory
greenrec footprint models/ --format json
greenrec footprint --run "python train.py" --region GB --emissions-csv emissions.csv
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import click

from recommender.cli.errors import friendly_errors
from recommender.domain import Footprint
from recommender.errors import InvalidInput, Problem
from recommender.footprint.meter import measure
from recommender.footprint.report import (
    emissions_csv_row,
    footprint_from_dict,
    format_text,
    to_json,
    write_emissions_csv,
)


def _cards(path: Path) -> list[tuple[str, Footprint | None]]:
    files = sorted(path.glob("*.card.json")) if path.is_dir() else [path]
    if not files:
        raise InvalidInput(
            Problem(str(path), "no *.card.json model cards", "a model directory made by train"),
            source="footprint",
        )
    out: list[tuple[str, Footprint | None]] = []
    problems: list[Problem] = []
    for file in files:
        try:
            card = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            problems.append(Problem(str(file), f"unreadable model card: {exc}", "a JSON card"))
            continue
        name = str(card.get("name") or file.name.removesuffix(".card.json"))
        raw = card.get("training_footprint")
        if raw is None:
            out.append((name, None))
            continue
        try:
            out.append((name, footprint_from_dict(raw, where=f"{file.name} training_footprint")))
        except InvalidInput as exc:
            problems.extend(exc.problems)
    if problems:
        raise InvalidInput(problems, source="footprint")
    return out


def _run(command: str, region: str | None, pue: float | None) -> tuple[str, Footprint, int]:
    args = shlex.split(command)
    if not args:
        raise InvalidInput(Problem("--run", "empty command", "a command line"), source="footprint")
    with measure(f"run: {command}", region=region, pue=pue) as meter:
        code = subprocess.run(args, check=False).returncode  # CPU time counted as a child's
    return command, meter.footprint, code


@click.command("footprint")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--run", "command", help="Measure this command (run as a child process).")
@click.option("--region", help="ISO alpha-2 region where --run runs (grid intensity).")
@click.option("--pue", type=float, help="Power usage effectiveness for --run (default 1.0).")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True
)
@click.option(
    "--emissions-csv",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also append CodeCarbon-compatible rows to this emissions.csv.",
)
@friendly_errors
def footprint(
    path: Path | None,
    command: str | None,
    region: str | None,
    pue: float | None,
    fmt: str,
    emissions_csv: Path | None,
) -> None:
    """Print the training footprint of the models in PATH, or measure a command with --run."""
    if (path is None) == (command is None):
        raise click.UsageError("give either a model directory / card file, or --run COMMAND")
    exit_code = 0
    if command is not None:
        name, print_, exit_code = _run(command, region, pue)
        items: list[tuple[str, Footprint | None]] = [(name, print_)]
    else:
        assert path is not None  # for mypy: checked above
        items = _cards(path)
    measured = [(n, f) for n, f in items if f is not None]
    if emissions_csv is not None:
        write_emissions_csv(
            emissions_csv,
            [emissions_csv_row(f, project_name="greenrec", run_id=n) for n, f in measured],
        )
    if fmt == "json":
        payload: dict[str, Any] = {n: (to_json(f) if f else None) for n, f in items}
        click.echo(json.dumps(payload, indent=2, sort_keys=True))
    elif fmt == "csv":
        write_emissions_csv_to_stdout(measured)
    else:
        for name, fp in items:
            click.echo(format_text(fp, name) if fp else f"{name}\n  no training footprint recorded")
    if exit_code:
        sys.exit(exit_code)


def write_emissions_csv_to_stdout(items: list[tuple[str, Footprint]]) -> None:
    import csv

    from recommender.footprint.report import EMISSIONS_CSV_COLUMNS

    writer = csv.DictWriter(sys.stdout, fieldnames=EMISSIONS_CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for name, fp in items:
        writer.writerow(emissions_csv_row(fp, run_id=name))
