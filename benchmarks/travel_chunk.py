"""Travel actions by chunk: CPU milliseconds per household for a chunk of 1 and a chunk of 64.

Prints measured figures (medians of ``--repeats``), asserts nothing. CPU time
(``time.process_time``), not wall clock: the machine is shared.

Households: the bundled sample (the real UK meter 0 with its year of trips) and synthetic ones
(``recommender.synth.write_population``: a year of readings and trips each, read back through the
batch reader; no real multi-household travel diary exists in data/, so the chunk is simulated).

- chunk of 1: ``travel_report`` of each household alone (the latency a partner app sees);
- chunk of 64: ``travel_reports`` over 64 households at once, divided by 64 (what batch pays);
  ``--chunk N`` for another size (the batch profile's 200: ``--chunk 200``).

Run on a checkout without ``travel_reports`` (before the columnar path), the chunk of 64 is
measured as 64 calls of ``travel_report``, which is what that checkout does. ``--baseline PATH``
measures that checkout first, in a subprocess of the same run (same households, same models),
and prints before, after and their ratio beside the target. ``--rounds N`` alternates the two N
times and prints the median of each figure over the rounds: on a shared machine the load changes
within a run, and alternating spreads it over both sides:

    cd benchmarks && python travel_chunk.py --models-dir DIR --baseline /path/to/main --rounds 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from _models import models_or_train  # benchmarks/_models.py (scripts run from benchmarks/)
from _timing import median_cpu_ms  # benchmarks/_timing.py (scripts run from benchmarks/)

import recommender
from recommender.actions.travel import travel_report
from recommender.domain import Household
from recommender.io import parse_household, read_tables
from recommender.samples import sample_household_payload
from recommender.service import load_models
from recommender.synth import write_population

CHUNK = 64
TARGET_CHUNK_SPEEDUP = 3.0  # "several times lower" per household in a chunk of 64 than today


def chunk_function(model: object) -> tuple[str, Callable[[Sequence[Household]], list]]:
    """``travel_reports`` where this checkout has it, else the per-household loop it replaces."""
    try:
        from recommender.actions.travel import travel_reports  # type: ignore[attr-defined]
    except ImportError:
        return "loop of travel_report", lambda hs: [travel_report(h, mode_choice=model) for h in hs]
    return "travel_reports", lambda hs: travel_reports(hs, mode_choice=model)


def synthetic_households(n: int, seed: int) -> list[Household]:
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_population(Path(tmp), n, days=365, seed=seed)
        batch = read_tables(paths["households"], paths["readings"], paths["trips"])
    return list(batch.households)


def measure(model: object, households: list[Household], repeats: int) -> dict[str, float]:
    """Median CPU-ms per household: the sample alone, each synthetic alone, the whole chunk."""
    name, chunk = chunk_function(model)
    sample, synth = households[0], households[1:]
    chunk(households)  # warm caches (factor tables, model)
    ones = [median_cpu_ms(lambda h=h: travel_report(h, mode_choice=model), repeats) for h in synth]
    return {
        "sample_alone": median_cpu_ms(
            lambda: travel_report(sample, mode_choice=model), repeats * 4
        ),
        "one": statistics.median(ones),
        "chunk": median_cpu_ms(lambda: chunk(households), repeats) / len(households),
    }


def baseline(path: str, args: argparse.Namespace) -> dict[str, float]:
    """The same measurement on the checkout at ``path`` (its ``recommender`` package)."""
    command = [sys.executable, __file__, "--json", "--repeats", str(args.repeats)]
    command += ["--seed", str(args.seed), "--models-dir", str(args.models_dir)]
    command += ["--chunk", str(args.chunk)]
    env = {**os.environ, "PYTHONPATH": str(Path(path).resolve())}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def medians(rounds: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models-dir", default=None)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--chunk", type=int, default=CHUNK, help="households in the chunk")
    parser.add_argument("--baseline", default=None, help="a checkout to measure as 'before'")
    parser.add_argument("--rounds", type=int, default=1, help="before/after alternations")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON only")
    args = parser.parse_args()
    scratch = tempfile.TemporaryDirectory()
    args.models_dir = models_or_train(args.models_dir, Path(scratch.name))
    model = load_models(args.models_dir).mode_choice
    sample = parse_household(sample_household_payload())
    households = [sample, *synthetic_households(args.chunk - 1, args.seed)]
    if args.json:
        print(json.dumps(measure(model, households, args.repeats)))
        return
    befores, afters = [], []
    for _ in range(args.rounds):  # alternating: a change of load falls on both sides
        if args.baseline:
            befores.append(baseline(args.baseline, args))
        afters.append(measure(model, households, args.repeats))
    before = medians(befores) if befores else None
    after = medians(afters)
    n_trips = sum(len(h.trips) for h in households)
    print(f"recommender from {Path(recommender.__file__).parent}")
    rounds = f", median of {args.rounds} alternating rounds" if args.rounds > 1 else ""
    print(
        f"{len(households)} households (the sample + {len(households) - 1} synthetic), "
        f"{n_trips:,} trips; CPU-ms per household, medians of {args.repeats} repeats{rounds}"
    )
    rows = [
        ("chunk of 1, the sample household", "sample_alone"),
        ("chunk of 1, synthetic households (median)", "one"),
        (f"chunk of {len(households)} (per household)", "chunk"),
    ]
    for label, key in rows:
        if before is None:
            print(f"  {label}: {after[key]:.2f}")
            continue
        print(
            f"  {label}: before {before[key]:.2f}, after {after[key]:.2f}, "
            f"{before[key] / after[key]:.2f}x lower"
        )
    if before is not None:
        print(
            f"target: a chunk of {len(households)} several times ({TARGET_CHUNK_SPEEDUP:g}x) lower "
            f"than before: {before['chunk'] / after['chunk']:.2f}x"
        )


if __name__ == "__main__":
    main()
