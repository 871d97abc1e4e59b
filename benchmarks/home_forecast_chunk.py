"""CPU per household of the forecast and the home actions, for a chunk of 1 and chunks of 64.

The chunk of one is the bundled sample household (``recommender.samples``: OpenEEmeter's real UK
meter 0 with its real temperatures and the documented assumed appliances), cut to its last 8,760
hours, as ``benchmarks/latency.py`` sends it. The first chunk of 64 mixes histories on purpose:

- 32 cuts of the same real meter ending 0, 7, 14, ... weeks before its last reading (the last
  year of each: different starts and ends), every other one without its temperatures;
- 32 synthetic households (``recommender.synth``, seed 11, 56 days from 2024-01-01: real meters'
  daily shapes, simulated appliances) read back through the batch reader.

The second chunk of 64 is what a data team's batch looks like: synthetic households over the same
year (seed 1, 366 days from 2024-01-01), so they share one history index.

Figures are CPU milliseconds (``time.process_time``: this process, all its threads; the machine is
shared, so wall time would measure the neighbours) per household, the median of ``--repeats``
runs. Each chunk of 64 is also timed one call per household, in the same run (the ratio is what
grouping saves). Where the chunk functions do not exist yet (``main`` before this work) the script
loops the single-household functions, so the same script prints the "before" figures:

    greenrec train --region GB    # with GREENREC_MODELS_DIR=/tmp/models
    cd benchmarks && python home_forecast_chunk.py --models-dir /tmp/models
    # before: the same script on main's code
    git archive main | tar -x -C /tmp/main-code
    PYTHONPATH=/tmp/main-code python home_forecast_chunk.py --models-dir /tmp/models
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from recommender.domain import Household
from recommender.io import parse_household, read_tables
from recommender.samples import sample_household_payload
from recommender.service import load_models
from recommender.synth import write_population

HOURS = 8760
NOW = pd.Timestamp("2022-12-20T12:00:00Z")  # shortly after the sample meter's last reading
SYNTH_NOW = pd.Timestamp("2024-02-27T12:00:00Z")  # after the synthetic readings end


def sample_year() -> Household:
    """The sample household, its readings and temperatures cut to the last 8,760 hours."""
    home = parse_household(sample_household_payload())
    readings = home.readings_kwh.iloc[-HOURS:]
    temps = home.temperature_c
    assert temps is not None
    return replace(home, readings_kwh=readings, temperature_c=temps[readings.index[0] :])


def mixed_chunk(scratch: Path, n: int = 64) -> list[Household]:
    """Half cuts of the real meter (different ends, half without temperatures), half synthetic."""
    home = parse_household(sample_household_payload())
    cuts = []
    for k in range(n // 2):
        end = home.readings_kwh.index[-1] - pd.Timedelta(weeks=k)
        readings = home.readings_kwh[end - pd.Timedelta(hours=HOURS - 1) : end]
        temps = home.temperature_c if k % 2 == 0 else None
        name = f"sample-cut-{k}"
        cuts.append(replace(home, household_id=name, readings_kwh=readings, temperature_c=temps))
    paths = write_population(scratch / "synth", n - len(cuts), days=56, seed=11)
    batch = read_tables(paths["households"], paths["readings"], paths["trips"])
    return cuts + list(batch.households)


def one_period_chunk(scratch: Path, n: int = 64) -> list[Household]:
    """A data team's batch: synthetic households over the same year (seed 1, 366 days)."""
    paths = write_population(scratch / "period", n, days=366, seed=1)
    return list(read_tables(paths["households"], paths["readings"], paths["trips"]).households)


def cpu_ms_per_household(run: Callable[[], Any], n: int, repeats: int) -> float:
    """Median over ``repeats`` runs of CPU ms / ``n`` (one warm-up run first)."""
    run()
    times = []
    for _ in range(repeats):
        t0 = time.process_time()
        run()
        times.append((time.process_time() - t0) * 1000.0 / n)
    return statistics.median(times)


def chunk_functions(forecaster: Any) -> tuple[Callable, Callable, Callable, Callable, str]:
    """The chunk forecast and home-actions calls (loops of the single ones before they existed),
    and loops of the single-household calls."""
    from recommender.actions import home as home_pkg
    from recommender.forecast import api

    chunk_forecast = getattr(api, "forecast_households", None)
    chunk_actions = getattr(home_pkg, "home_actions_many", None)

    def forecasts_alone(homes: Sequence[Household]) -> list:
        return [api.forecast_household(forecaster, h) for h in homes]

    def actions_alone(homes: Sequence[Household], fcs: Sequence, now: pd.Timestamp) -> list:
        return [home_pkg.home_actions(h, f, now=now) for h, f in zip(homes, fcs, strict=True)]

    def forecasts(homes: Sequence[Household]) -> list:
        if chunk_forecast is None:
            return forecasts_alone(homes)
        return chunk_forecast(forecaster, homes)

    def actions(homes: Sequence[Household], fcs: Sequence, now: pd.Timestamp) -> list:
        if chunk_actions is None:
            return actions_alone(homes, fcs, now)
        return chunk_actions(homes, fcs, now=now)

    label = (
        f"forecast: {'forecast_households' if chunk_forecast else 'loop of forecast_household'}; "
        f"home actions: {'home_actions_many' if chunk_actions else 'loop of home_actions'}"
    )
    return forecasts, actions, forecasts_alone, actions_alone, label


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models-dir", required=True, help="trained models (greenrec train)")
    parser.add_argument("--repeats", type=int, default=7, help="runs per figure (median)")
    args = parser.parse_args()
    forecaster = load_models(Path(args.models_dir)).forecaster
    forecasts, actions, forecasts_alone, actions_alone, label = chunk_functions(forecaster)
    print(f"calls: {label}")
    with tempfile.TemporaryDirectory() as scratch:
        chunks = {
            "1 (sample year)": [sample_year()],
            "64 (mixed)": mixed_chunk(Path(scratch)),
            "64 (one period)": one_period_chunk(Path(scratch)),
        }
    for name, homes in chunks.items():
        fcs = forecasts(homes)
        usable = [(h, f) for h, f in zip(homes, fcs, strict=True) if not isinstance(f, Exception)]
        homes_ok, fcs_ok = [h for h, _ in usable], [f for _, f in usable]
        now = NOW if len(homes) == 1 else SYNTH_NOW
        repeats = args.repeats if len(homes) == 1 else max(1, args.repeats // 3)
        forecast_ms = cpu_ms_per_household(lambda h=homes: forecasts(h), len(homes), repeats)
        actions_ms = cpu_ms_per_household(
            lambda h=homes_ok, f=fcs_ok, t=now: actions(h, f, t), len(homes_ok), repeats
        )
        print(
            f"chunk of {name}: forecast {forecast_ms:6.1f} CPU-ms/household, "
            f"home actions {actions_ms:6.1f} CPU-ms/household "
            f"({len(usable)} of {len(homes)} forecast; median of {repeats})"
        )
        if len(homes) > 1:  # the same households one call each, in this run
            alone_f = cpu_ms_per_household(lambda h=homes: forecasts_alone(h), len(homes), repeats)
            alone_a = cpu_ms_per_household(
                lambda h=homes_ok, f=fcs_ok, t=now: actions_alone(h, f, t), len(homes_ok), repeats
            )
            print(
                f"  the same {len(homes)} one call each: forecast {alone_f:6.1f}, home actions "
                f"{alone_a:6.1f} CPU-ms/household; the chunk takes {forecast_ms / alone_f:.2f} "
                f"and {actions_ms / alone_a:.2f} of that"
            )


if __name__ == "__main__":
    main()
