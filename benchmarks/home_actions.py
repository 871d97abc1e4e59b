"""CPU per call of the home actions (``home_reports_many``), this code against another's, in a run.

The households, each with the forecast the service would give it (``forecast_households``, then
``dated`` at the answer's instant, as ``recommender.chunk`` does):

- sample: the bundled sample household (OpenEEmeter's real UK meter 0 and its real temperatures,
  the documented assumed appliances) cut to its last 8,760 hours, as ``benchmarks/latency.py``
  sends it;
- gas: the sample declared a gas meter, its readings SIMULATED on the real temperatures
  (``tests/home_meters.py``: no open gas meter is bundled);
- daily: the sample's real readings summed to whole local days, as a daily-only meter sends them
  (``tests/home_meters.py``);
- sample in its answer: the same call where the service makes it, timed inside each warm
  ``Service.recommend`` of the sample's compact payload (parsing, forecast, travel and ranking
  around it: what it costs in an answer, where the repeated call alone finds its data and
  branches as it left them);
- chunk of 200: synthetic households (``recommender.synth``: real meters' daily shapes, simulated
  appliances; seed 0, a year from 2024-01-01, as ``benchmarks/batch.py`` scores them), one call
  for the chunk, reported per household.

Each figure is the median CPU milliseconds (``time.process_time``: the machine is shared) of many
calls, after a warm-up call. With ``--baseline CODE_DIR`` the same figures are measured on the code
in CODE_DIR (e.g. main's: ``git archive main | tar -x -C DIR``) in child processes alternating
with this code's, ``--rounds`` times each (the medians are of the calls of all rounds), and every
answer of both is compared (``repr``: every float to its last bit); a difference is reported and
fails the run.

    cd benchmarks && python home_actions.py --models-dir /tmp/models --baseline /tmp/main-code
    python home_actions.py --models-dir /tmp/models --profile sample   # pyinstrument tree
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from latency import HOURS, NOW, year_payloads  # benchmarks/latency.py

import recommender
import recommender.chunk as chunk_module
from recommender.actions.home import home_reports_many
from recommender.domain import Forecast, Household
from recommender.errors import GreenrecError
from recommender.forecast import forecast_households
from recommender.forecast.age import dated
from recommender.io import parse_household, read_tables
from recommender.io.importers import read_eemeter_temperature
from recommender.resources import data_path
from recommender.samples import SAMPLE_TEMPERATURE, TIMEZONE, sample_household_payload
from recommender.service import Service, load_models
from recommender.synth import write_population

# the meters the bundled data does not hold are made as the tests make them
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from home_meters import daily_payload, gas_sample_payload

CHUNK_NOW = pd.Timestamp("2025-01-01T00:00:00Z")  # just after the synthetic year (batch.py)
CASES = ("sample", "sample in its answer", "gas", "daily", "chunk of 200")
IN_ANSWER = "sample in its answer"


def households(scratch: Path) -> dict[str, tuple[list[Household], pd.Timestamp]]:
    sample = sample_household_payload()
    temperature = read_eemeter_temperature(data_path(SAMPLE_TEMPERATURE))
    paths = write_population(scratch / "pop", 200, days=366, seed=0, start="2024-01-01T00:00:00Z")
    batch = read_tables(paths["households"], paths["readings"], paths["trips"])
    return {
        "sample": ([parse_household(year_payloads()["compact"])], NOW),
        "gas": ([parse_household(gas_sample_payload(sample, temperature))], NOW),
        "daily": ([parse_household(daily_payload(sample, TIMEZONE))], NOW),
        "chunk of 200": (list(batch.households), CHUNK_NOW),
    }


def inputs(models_dir: str) -> dict[str, Callable[[], list[Any]]]:
    """Each case's call of ``home_reports_many``, its forecasts made once beforehand."""
    forecaster = load_models(Path(models_dir)).forecaster
    calls = {}
    with tempfile.TemporaryDirectory() as scratch:
        cases = households(Path(scratch))
    for name, (homes, now) in cases.items():
        found = forecast_households(forecaster, homes)
        fcs: list[Forecast | None] = [
            None if isinstance(f, GreenrecError) else dated(f, now) for f in found
        ]

        def call(homes: list[Household] = homes, fcs: list = fcs, now: Any = now) -> list[Any]:
            return home_reports_many(homes, fcs, now=now)

        calls[name] = call
    return calls


def cpu_ms(func: Callable[[], object], seconds: float) -> list[float]:
    """CPU milliseconds of each call of ``func`` for about ``seconds`` (at least 5 calls), after
    one warm-up call."""
    func()
    times: list[float] = []
    started = time.process_time()
    while len(times) < 5 or time.process_time() - started < seconds:
        c0 = time.process_time()
        func()
        times.append(1000.0 * (time.process_time() - c0))
    return times


def measure(models_dir: str, seconds: float) -> dict[str, Any]:
    calls = inputs(models_dir)
    answers = {name: repr(call()) for name, call in calls.items()}
    ms = {name: cpu_ms(call, seconds) for name, call in calls.items()}
    answers[IN_ANSWER], ms[IN_ANSWER] = in_answer_ms(models_dir, seconds)
    return {
        "code": str(Path(recommender.__file__).parent),
        "answers": answers,
        "ms": ms,
        "n": {"chunk of 200": 200},
    }


def in_answer_ms(models_dir: str, seconds: float) -> tuple[str, list[float]]:
    """The sample's home reports and the CPU milliseconds of ``home_reports_many`` inside each
    warm answer of its compact payload, for about ``seconds`` of answers (at least 5)."""
    service = Service.from_dir(Path(models_dir))
    payload = year_payloads()["compact"]
    real = chunk_module.home_reports_many
    times: list[float] = []
    reports: list[Any] = []

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        found = real(*args, **kwargs)
        times.append(1000.0 * (time.process_time() - started))
        reports.append(found)
        return found

    chunk_module.home_reports_many = timed  # the stage calls it by this module's name
    try:
        for _ in range(3):  # warm-up answers, not counted
            service.recommend(payload, now=NOW)
        times.clear()
        started = time.process_time()
        while len(times) < 5 or time.process_time() - started < seconds:
            service.recommend(payload, now=NOW)
    finally:
        chunk_module.home_reports_many = real
    return repr(reports[-1]), times


def child(code_dir: str | None, argv: list[str]) -> dict[str, Any]:
    """This script's figures on the code in ``code_dir`` (first on PYTHONPATH; None: this code),
    in a child process."""
    paths = [code_dir] if code_dir else []
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([*paths, os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, __file__, *argv, "--json"], env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"the run on {code_dir or 'this code'} failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])


def profile(models_dir: str, case: str) -> None:
    from pyinstrument import Profiler  # optional: pip install pyinstrument

    call = inputs(models_dir)[case]
    call()
    profiler = Profiler(interval=0.0002)
    profiler.start()
    for _ in range(50 if case != "chunk of 200" else 3):
        call()
    profiler.stop()
    print(profiler.output_text(unicode=False, color=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models-dir", required=True, help="trained models (greenrec train)")
    parser.add_argument("--seconds", type=float, default=3.0, help="CPU seconds per figure")
    parser.add_argument("--baseline", metavar="CODE_DIR", help="also time the code in CODE_DIR")
    parser.add_argument("--rounds", type=int, default=2, help="alternating runs of each code")
    parser.add_argument("--profile", choices=CASES, help="print a pyinstrument tree of a case")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.profile:
        profile(args.models_dir, args.profile)
        return
    if args.json:
        print(json.dumps(measure(args.models_dir, args.seconds)))
        return
    argv = ["--models-dir", args.models_dir, "--seconds", str(args.seconds)]
    codes = [None, args.baseline] if args.baseline else [None]
    runs: dict[str | None, list[dict[str, Any]]] = {code: [] for code in codes}
    for _ in range(args.rounds):
        for code in reversed(codes):  # the baseline first in each round
            runs[code].append(child(code, argv))
    report(runs, args.baseline)


def report(runs: dict[str | None, list[dict[str, Any]]], baseline: str | None) -> None:
    print(
        f"home_reports_many, median CPU ms per call (per household for the chunk) of all calls "
        f"of {len(runs[None])} alternating runs each; os.cpu_count()={os.cpu_count()}, load "
        f"average {os.getloadavg()[0]:.1f}; sample: last {HOURS} h"
    )
    medians = {}
    for code, results in runs.items():
        medians[code] = {
            name: statistics.median(ms for r in results for ms in r["ms"][name])
            / results[0]["n"].get(name, 1)
            for name in CASES
        }
        calls = {name: sum(len(r["ms"][name]) for r in results) for name in CASES}
        print(f"  {results[0]['code']}:")
        for name in CASES:
            print(f"    {name:22s} {medians[code][name]:7.3f} ms  ({calls[name]} calls)")
    if baseline is None:
        return
    print("  before -> after:")
    for name in CASES:
        a, b = medians[baseline][name], medians[None][name]
        print(f"    {name:22s} {a:7.3f} -> {b:7.3f} ms  ({a / b:.2f}x faster)")
    answers = [r["answers"] for results in runs.values() for r in results]
    different = [name for name in CASES if len({a[name] for a in answers}) != 1]
    if different:
        raise SystemExit(f"ANSWERS DIFFER between the codes (or runs): {', '.join(different)}")
    print("  every answer of both codes identical (repr, every float to its last bit)")


if __name__ == "__main__":
    main()
