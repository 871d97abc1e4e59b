"""A batch run with its trips as sorted Parquet, shuffled Parquet and CSV, at two sizes.

    python benchmarks/batch_trips.py --models-dir DIR [--households 500 2000]

The batch reader asks the trips table for each chunk's households. Parquet sorted by household is
read about once per run (row groups skipped by their statistics); a CSV is read once into a
temporary copy by household (``recommender/io/spill.py``), where before it was read whole for
every chunk of 100 households; an unsorted Parquet file is still read whole for every chunk, so
its run grows with the square of its households. This runs ``greenrec score``
(2 workers, as a data team would) on the same synthetic households (``recommender.synth``:
simulated one-year hourly readings and trips) with each trips file, and prints the wall seconds,
the CPU seconds of the process tree and each run's time over the sorted Parquet run's. At two
sizes the ratios show whether a layout's extra cost grows with the households (linear: the same
ratio) or faster. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from _models import models_or_train  # benchmarks/_models.py (scripts run from benchmarks/)

from recommender.synth import write_population

NOW = "2025-01-01T00:00:00+00:00"  # just after the synthetic year


def score(paths: dict[str, Path], trips: Path, out: Path, models: Path) -> tuple[float, float]:
    """Wall and process-tree CPU seconds of one ``greenrec score`` run."""
    greenrec = shutil.which("greenrec") or str(Path(sys.executable).parent / "greenrec")
    command = [greenrec, "score", "--households", str(paths["households"]), "--readings"]
    command += [str(paths["readings"]), "--trips", str(trips), "--out", str(out)]
    command += ["--workers", "2", "--now", NOW, "--no-progress"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        command, env=os.environ | {"GREENREC_MODELS_DIR": str(models)}, capture_output=True
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"greenrec score failed: {done.stderr.decode()[-500:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--models-dir", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="greenrec-trips-") as scratch:
        models = models_or_train(args.models_dir, Path(scratch))
        print(f"{'households':>10} {'trips':>16} {'wall s':>8} {'CPU s':>8} {'/ sorted':>9}")
        for n in args.households:
            folder = Path(scratch) / f"n{n}"
            paths = write_population(folder / "in", n, days=366, seed=3)
            trips = pd.read_parquet(paths["trips"])
            shuffled = trips.sample(frac=1, random_state=0)
            layouts = {
                "sorted Parquet": paths["trips"],
                "shuffled Parquet": folder / "shuffled.parquet",
                "CSV": folder / "trips.csv",
            }
            shuffled.to_parquet(layouts["shuffled Parquet"], index=False, row_group_size=200_000)
            trips.to_csv(layouts["CSV"], index=False)
            first = None
            for name, path in layouts.items():
                wall, cpu = score(paths, path, folder / name.replace(" ", "-"), models)
                first = first or wall
                print(f"{n:>10} {name:>16} {wall:8.1f} {cpu:8.1f} {wall / first:8.2f}x")


if __name__ == "__main__":
    main()
