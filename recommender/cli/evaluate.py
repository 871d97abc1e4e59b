"""``greenrec evaluate``: fit on a training period of one meter file, score a test period.

Reads the eemeter-style files as they are (``start,value`` meter CSV at any sub-hourly or hourly
step, summed to hours; ``,dt,tempC`` temperature CSV) and prints JSON with hourly and daily
CVRMSE, NMBE (ASHRAE Guideline 14's sign, ``nmbe_ashrae14_pct``, and the over-forecast sign,
``bias_over_pct``), MAE and P10-P90 coverage for the global model and the two baselines, the
share of hours below our P50, and ``warnings``: what the screening found in the training history
(vacancies, outages, gaps, level shifts) and how much of each period the temperatures cover.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from recommender.cli.errors import EXIT_INVALID_INPUT
from recommender.domain import FUELS
from recommender.errors import InvalidInput
from recommender.forecast.data import hourly_kwh
from recommender.forecast.evaluate import HORIZONS, evaluate_meter
from recommender.io.importers import read_eemeter_meter, read_eemeter_temperature


@click.command("evaluate")
@click.argument("meter_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--temperature",
    "temperature_file",
    default=None,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="eemeter-style hourly temperature CSV (,dt,tempC).",
)
@click.option(
    "--train",
    nargs=2,
    required=True,
    metavar="FIRST LAST",
    help="Training period, local dates, inclusive (YYYY-MM-DD YYYY-MM-DD).",
)
@click.option(
    "--test",
    nargs=2,
    required=True,
    metavar="FIRST LAST",
    help="Test period, local dates, inclusive.",
)
@click.option("--horizon", type=click.Choice(HORIZONS), default="year-ahead", show_default=True)
@click.option(
    "--timezone",
    default="Europe/London",
    show_default=True,
    help="The household's IANA zone (local dates and hours).",
)
@click.option(
    "--fuel",
    type=click.Choice(FUELS),
    default="electricity",
    show_default=True,
    help="What the meter reads: picks the screening of its history (vacancies, outages).",
)
def evaluate(
    meter_file: Path,
    temperature_file: Path | None,
    train: tuple[str, str],
    test: tuple[str, str],
    horizon: str,
    timezone: str,
    fuel: str,
) -> None:
    """Fit the global forecaster on TRAIN of METER_FILE and print its accuracy on TEST as JSON."""
    try:
        kwh = hourly_kwh(read_eemeter_meter(meter_file))
        temperature = read_eemeter_temperature(temperature_file) if temperature_file else None
        result = evaluate_meter(
            kwh,
            temperature,
            (train[0], train[1]),
            (test[0], test[1]),
            horizon,
            timezone,
            fuel=fuel,
        )
    except InvalidInput as error:
        click.echo(json.dumps(error.to_dict(), indent=2), err=True)
        sys.exit(EXIT_INVALID_INPUT)  # the problems as JSON, like the command's output
    result = {
        "meter": meter_file.name,
        "temperature": temperature_file.name if temperature_file else None,
        **result,
    }
    click.echo(json.dumps(result, indent=2))
