"""Batch scoring speed: households/s of ``score_tables`` and where the time goes.

Prints, for a synthetic population (``recommender.synth.write_population``: real meters' daily
shapes, 28 days of hourly readings, trips; no real multi-household batch with trips exists in
data/), the median of ``--repeats`` runs at 1 and 2 worker processes, then the per-stage split of
one profiled in-process run (cProfile cumulative times; profiling adds overhead, so the shares
matter more than the seconds).

    python benchmarks/batch.py                       # 200 households, 3 runs each
    python benchmarks/batch.py --households 50 --repeats 1 --models-dir models/

Each run's time includes loading the models (and, for 2 workers, starting the processes), as a
user of ``greenrec score`` sees it.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

from recommender.batch import score_tables
from recommender.synth import write_population

NOW = pd.Timestamp("2024-02-05T12:00:00Z")

# stage -> (file suffix, function name) whose cumulative time is the stage's
STAGES = {
    "read (iter_tables: read + parse + validate)": [("io/tables.py", "iter_tables")],
    "forecast (forecast_household)": [("forecast/api.py", "forecast_household")],
    "actions: home (home_actions)": [("actions/home/__init__.py", "home_actions")],
    "actions: travel (travel_report)": [("actions/travel/advice.py", "travel_report")],
    "ranking (rank_actions)": [("ranking/ranker.py", "rank_actions")],
    "footprint meter (measure)": [
        ("footprint/meter.py", "measure"),
        ("footprint/meter.py", "__enter__"),
        ("footprint/meter.py", "__exit__"),
    ],
    "write (parquet/csv rows)": [("batch/score.py", "add"), ("batch/score.py", "close")],
    "model load (Service.from_dir)": [("recommender/service.py", "from_dir")],
}


def _models(models_dir: str | None, scratch: Path) -> Path:
    if models_dir:
        return Path(models_dir)
    from recommender.training import train_all

    target = scratch / "models"
    t0 = time.perf_counter()
    train_all(target)
    print(f"trained models in {time.perf_counter() - t0:.1f} s (pass --models-dir to reuse)")
    return target


def _run(paths: dict[str, Path], models: Path, out: Path, workers: int) -> float:
    summary = score_tables(
        paths["households"],
        paths["readings"],
        paths["trips"],
        out_dir=out,
        models_dir=models,
        workers=workers,
        now=NOW,
    )
    assert summary.n_households == summary.n_scored + summary.n_failed
    if summary.n_internal_errors or summary.n_failed:
        raise SystemExit(f"{summary.n_failed} households failed: see {summary.paths['failures']}")
    return summary.n_households / summary.seconds


def _profile(paths: dict[str, Path], models: Path, out: Path) -> None:
    profiler = cProfile.Profile()
    t0 = time.perf_counter()
    profiler.enable()
    score_tables(
        paths["households"],
        paths["readings"],
        paths["trips"],
        out_dir=out,
        models_dir=models,
        now=NOW,
    )
    profiler.disable()
    wall = time.perf_counter() - t0
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = sum(v[3] for k, v in stats.items() if k[2] == "score_tables")
    print(f"\nprofile of one in-process run: {total:.2f} s under cProfile ({wall:.2f} s wall)")
    accounted = 0.0
    for stage, keys in STAGES.items():
        seconds = sum(
            v[3]
            for (file, _, name), v in stats.items()
            for suffix, fn in keys
            if file.endswith(suffix) and name == fn
        )
        accounted += seconds
        print(f"  {stage:48s} {seconds:7.2f} s  {100 * seconds / total:5.1f} %")
    print(f"  {'other (service glue, result rows)':48s} {total - accounted:7.2f} s")
    top = sorted(stats.items(), key=lambda kv: kv[1][2], reverse=True)[:8]
    print("  most self time:")
    for (file, line, name), v in top:
        print(f"    {v[2]:6.2f} s  {name} ({Path(file).name}:{line})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3, help="0: only the profile")
    parser.add_argument("--profile-households", type=int, default=200)
    parser.add_argument("--models-dir", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        models = _models(args.models_dir, scratch)
        paths = write_population(scratch / "pop", args.households, days=28, seed=0)
        print(
            f"{args.households} synthetic households x 28 days hourly, os.cpu_count()="
            f"{os.cpu_count()}, load average {os.getloadavg()[0]:.1f}"
        )
        for workers in (1, 2) if args.repeats else ():
            rates = [
                _run(paths, models, scratch / f"out{workers}-{i}", workers)
                for i in range(args.repeats)
            ]
            print(
                f"workers={workers}: median {statistics.median(rates):.2f} households/s "
                f"(runs: {', '.join(f'{r:.2f}' for r in rates)})"
            )
        prof_paths = (
            paths
            if args.profile_households == args.households
            else write_population(scratch / "prof", args.profile_households, days=28, seed=0)
        )
        _profile(prof_paths, models, scratch / "prof-out")


if __name__ == "__main__":
    main()
