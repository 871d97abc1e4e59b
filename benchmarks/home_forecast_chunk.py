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
grouping saves). The home actions keep the packaged provider's candidate windows across calls
(tomorrow's are the same all day), so the warm-up call leaves them kept, as a service's first
call of the day does; "windows cold" times the chunk with them emptied before each run.
Where the chunk functions do not exist yet (``main`` before this work) the script loops the
single-household functions, so the same script prints the "before" figures:

    greenrec train --region GB    # with GREENREC_MODELS_DIR=/tmp/models
    cd benchmarks && python home_forecast_chunk.py --models-dir /tmp/models
    # before and after in one run: main's code timed in a child process, then this code
    git archive main | tar -x -C /tmp/main-code
    python home_forecast_chunk.py --models-dir /tmp/models --baseline /tmp/main-code
    # only the home actions (the forecasts are still made once, as their input)
    python home_forecast_chunk.py --models-dir /tmp/models --part home --baseline /tmp/main-code
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
from _timing import median_cpu_ms  # benchmarks/_timing.py (scripts run from benchmarks/)

import recommender
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


def measure(forecaster: Any, part: str, repeats: int) -> list[dict[str, Any]]:
    """One row of figures per chunk (CPU-ms per household; None where ``part`` leaves it out)."""
    forecasts, actions, forecasts_alone, actions_alone, label = chunk_functions(forecaster)
    code = str(Path(recommender.__file__).parent)  # which checkout is timed
    with tempfile.TemporaryDirectory() as scratch:
        chunks = {
            "1 (sample year)": [sample_year()],
            "64 (mixed)": mixed_chunk(Path(scratch)),
            "64 (one period)": one_period_chunk(Path(scratch)),
        }
    rows = []
    for name, homes in chunks.items():
        fcs = forecasts(homes)
        usable = [(h, f) for h, f in zip(homes, fcs, strict=True) if not isinstance(f, Exception)]
        homes_ok, fcs_ok = [h for h, _ in usable], [f for _, f in usable]
        now = NOW if len(homes) == 1 else SYNTH_NOW
        runs = repeats if len(homes) == 1 else max(1, repeats // 3)
        row: dict[str, Any] = {"chunk": name, "n": len(homes), "usable": len(usable)}
        row.update(code=code, calls=label, repeats=runs, forecast=None, home=None)
        row.update(forecast_alone=None, home_alone=None, home_cold=None)
        if part in ("both", "forecast"):
            n = len(homes)
            row["forecast"] = median_cpu_ms(lambda h=homes: forecasts(h), runs) / n
            if n > 1:  # the same households one call each, in this run
                row["forecast_alone"] = median_cpu_ms(lambda h=homes: forecasts_alone(h), runs) / n
        if part in ("both", "home"):
            row.update(home_figures(actions, actions_alone, homes_ok, fcs_ok, now, runs))
        rows.append(row)
    return rows


def kept_windows() -> Any:
    """The packaged provider's candidate-window parts kept across calls, or None where the code
    timed keeps none (main before they were kept)."""
    from recommender.actions.home import shift

    return getattr(shift, "_OFFLINE_PARTS", None)


def home_figures(
    actions: Callable, actions_alone: Callable, homes: list, fcs: list, now: pd.Timestamp, runs: int
) -> dict[str, float | None]:
    """The home actions' CPU-ms per household: as a chunk; one call each (chunks of more than
    one); and as a chunk with the kept windows emptied before each run ("windows cold": what
    the first call of a day, or a chunk of new windows, costs; the other figures find them kept
    by the warm-up call, as a service's calls after its first do)."""
    n = len(homes)
    figures: dict[str, float | None] = {"home_alone": None, "home_cold": None}
    figures["home"] = median_cpu_ms(lambda: actions(homes, fcs, now), runs) / n
    if n > 1:
        figures["home_alone"] = median_cpu_ms(lambda: actions_alone(homes, fcs, now), runs) / n
    kept = kept_windows()
    if kept is not None:

        def cold() -> object:
            kept.clear()
            return actions(homes, fcs, now)

        figures["home_cold"] = median_cpu_ms(cold, runs) / n
    return figures


def report(rows: list[dict[str, Any]]) -> None:
    print(f"code: {rows[0]['code']}; calls: {rows[0]['calls']}")
    for row in rows:
        figures = [
            f"{label} {row[key]:6.1f} CPU-ms/household"
            for key, label in (("forecast", "forecast"), ("home", "home actions"))
            if row[key] is not None
        ]
        print(
            f"chunk of {row['chunk']}: {', '.join(figures)} ({row['usable']} of {row['n']} "
            f"forecast; median of {row['repeats']})"
        )
        ratios = [
            f"{label} {row[key + '_alone']:6.1f} CPU-ms/household (the chunk takes "
            f"{row[key] / row[key + '_alone']:.2f} of that)"
            for key, label in (("forecast", "forecast"), ("home", "home actions"))
            if row[key + "_alone"] is not None
        ]
        if ratios:
            print(f"  the same {row['n']} one call each: {'; '.join(ratios)}")
        if row.get("home_cold") is not None:
            print(f"  windows cold: home actions {row['home_cold']:6.1f} CPU-ms/household")


def baseline_rows(code_dir: str, argv: list[str]) -> list[dict[str, Any]]:
    """This script's rows measured on the code in ``code_dir`` (a child process with it first on
    PYTHONPATH), in this run."""
    paths = [code_dir, *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    done = subprocess.run(
        [sys.executable, __file__, *argv, "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"the baseline run on {code_dir} failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])


def compare(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> None:
    print("before -> after, CPU-ms per household (median), measured in this run:")
    for old, new in zip(before, after, strict=True):
        for key, label in (("forecast", "forecast"), ("home", "home actions")):
            for suffix, how in (("", "as a chunk"), ("_alone", "one call each")):
                a, b = old[key + suffix], new[key + suffix]
                if a is not None and b is not None:
                    print(
                        f"  chunk of {old['chunk']}, {label} {how}: {a:6.2f} -> {b:6.2f} "
                        f"({b / a:.2f} of before)"
                    )
        if old["home"] is not None and new.get("home_cold") is not None:
            a, b = old["home"], new["home_cold"]  # before, every call made its windows
            print(
                f"  chunk of {old['chunk']}, home actions as a chunk, windows cold: {a:6.2f} -> "
                f"{b:6.2f} ({b / a:.2f} of before)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models-dir", required=True, help="trained models (greenrec train)")
    parser.add_argument("--repeats", type=int, default=7, help="runs per figure (median)")
    parser.add_argument(
        "--part", choices=("both", "home", "forecast"), default="both", help="stages to time"
    )
    parser.add_argument(
        "--baseline",
        metavar="CODE_DIR",
        help="also time the code in CODE_DIR (e.g. main's: git archive main | tar -x -C DIR), "
        "in a child process of this run, and print before -> after",
    )
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    argv = ["--models-dir", args.models_dir, "--repeats", str(args.repeats), "--part", args.part]
    before = baseline_rows(args.baseline, argv) if args.baseline else None
    rows = measure(load_models(Path(args.models_dir)).forecaster, args.part, args.repeats)
    if args.json:
        print(json.dumps(rows))
        return
    report(rows)
    if before is not None:
        print(f"before ({args.baseline}):")
        report(before)
        compare(before, rows)


if __name__ == "__main__":
    main()
