"""Travel actions by chunk: CPU milliseconds per household for a chunk of 1 and a chunk of 64.

Prints measured figures (medians of ``--repeats``), asserts nothing. CPU time
(``time.process_time``), not wall clock: the machine is shared.

Households: the bundled sample (the real UK meter 0 with its year of trips) and synthetic ones
(``recommender.synth.write_population``: a year of readings and trips each, read back through the
batch reader; no real multi-household travel diary exists in data/, so the chunk is simulated).

- chunk of 1: ``travel_report`` of each household alone (the latency a partner app sees);
- chunk of 64: ``travel_reports`` over 64 households at once, divided by 64 (what batch pays).

Run on a checkout without ``travel_reports`` (before the columnar path), the chunk of 64 is
measured as 64 calls of ``travel_report``, which is what that checkout does:

    python benchmarks/travel_chunk.py --models-dir DIR
    PYTHONPATH=/path/to/main python benchmarks/travel_chunk.py --models-dir DIR   # before
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from _models import models_or_train  # benchmarks/_models.py (scripts run from benchmarks/)

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


def cpu_ms(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return statistics.median(times) * 1000.0


def synthetic_households(n: int, seed: int) -> list[Household]:
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_population(Path(tmp), n, days=365, seed=seed)
        batch = read_tables(paths["households"], paths["readings"], paths["trips"])
    return list(batch.households)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models-dir", default=None)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        model = load_models(models_or_train(args.models_dir, Path(scratch))).mode_choice
    sample = parse_household(sample_household_payload())
    synth = synthetic_households(CHUNK - 1, args.seed)
    households = [sample, *synth]
    name, chunk = chunk_function(model)
    print(f"recommender from {Path(recommender.__file__).parent}; chunk path: {name}")
    n_trips = sum(len(h.trips) for h in households)
    print(f"{len(households)} households (sample + {len(synth)} synthetic), {n_trips:,} trips")

    chunk(households)  # warm caches (factor tables, model)
    sample_ms = cpu_ms(lambda: travel_report(sample, mode_choice=model), args.repeats * 4)
    ones = [cpu_ms(lambda h=h: travel_report(h, mode_choice=model), args.repeats) for h in synth]
    one_ms = statistics.median(ones)
    many_ms = cpu_ms(lambda: chunk(households), args.repeats) / len(households)
    print(f"chunk of 1, the sample household: {sample_ms:.2f} CPU-ms (median)")
    print(
        f"chunk of 1, synthetic households: {one_ms:.2f} CPU-ms per household "
        f"(median over {len(synth)}; mean {statistics.mean(ones):.2f})"
    )
    print(
        f"chunk of {len(households)}: {many_ms:.2f} CPU-ms per household; "
        f"{one_ms / many_ms:.1f}x lower than a chunk of 1 in this run "
        f"(target: several times lower than before, {TARGET_CHUNK_SPEEDUP:g}x)"
    )


if __name__ == "__main__":
    main()
