"""A batch run with its trips as CSV beside the same trips as Parquet, at two sizes.

    python benchmarks/batch_csv.py --models-dir DIR [--households 500 2000]

The batch reader asks the trips table for each chunk's households. Parquet sorted by household is
read about once per run; a CSV is read once into a temporary indexed copy
(``recommender/io/spill.py``). Before that copy, a CSV was read whole for every chunk of 100
households, so the time of a run grew with the square of its households. This runs
``greenrec score`` (2 workers, as a data team would) on the same synthetic households
(``recommender.synth``: simulated one-year hourly readings and trips, written as Parquet; the trips
also written as CSV), once with each trips file, and prints the wall seconds, the CPU seconds of
the process tree and the CSV run's time over the Parquet run's. At two sizes the ratios show
whether the CSV's extra cost grows with the households (linear: the same ratio) or faster.
Asserts nothing.
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
    with tempfile.TemporaryDirectory(prefix="greenrec-csv-") as scratch:
        models = models_or_train(args.models_dir, Path(scratch))
        print(f"{'households':>10} {'trips':>8} {'wall s':>8} {'CPU s':>8} {'CSV/Parquet':>12}")
        for n in args.households:
            folder = Path(scratch) / f"n{n}"
            paths = write_population(folder / "in", n, days=366, seed=3)
            trips_csv = folder / "trips.csv"
            pd.read_parquet(paths["trips"]).to_csv(trips_csv, index=False)
            parquet = score(paths, paths["trips"], folder / "parquet", models)
            csv = score(paths, trips_csv, folder / "csv", models)
            print(f"{n:>10} {'Parquet':>8} {parquet[0]:8.1f} {parquet[1]:8.1f}")
            print(f"{n:>10} {'CSV':>8} {csv[0]:8.1f} {csv[1]:8.1f} {csv[0] / parquet[0]:11.2f}x")


if __name__ == "__main__":
    main()
